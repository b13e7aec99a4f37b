package org.landscape4j.engine.curvature;

/**
 * The variables a Hessian is taken over: which parameters ({@link Hessian.Parameters}), optionally one layer's
 * diagonal block, and how many of the network's parameters that is. Every curvature result carries one and prints it,
 * e.g. {@code "weights only: 87 of 97 parameters"} or {@code "layer 'hidden', all trainable: 40 of 67 parameters"}.
 *
 * @param parameters which parameters are variables, not {@code null}
 * @param layer      the layer whose diagonal block this is, or {@code null} for the whole Hessian
 * @param count      the number of variables, in {@code [0, total]}
 * @param total      the network's parameter count (batch-norm running statistics included)
 */
public record Variables(Hessian.Parameters parameters, String layer, long count, long total) {

    /** Validates the values, naming a bad one. */
    public Variables {
        if (parameters == null) {
            throw new IllegalArgumentException("parameters must not be null: WEIGHTS or ALL_TRAINABLE");
        }
        if (count < 0 || count > total) {
            throw new IllegalArgumentException("count must be in [0, total = " + total + "], was " + count);
        }
    }

    @Override
    public String toString() {
        return (layer == null ? "" : "layer '" + layer + "', ") + parameters + ": " + count + " of " + total
                + " parameters";
    }
}

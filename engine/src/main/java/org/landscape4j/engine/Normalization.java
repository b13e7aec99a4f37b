package org.landscape4j.engine;

/**
 * How a random Gaussian direction is rescaled against the model's weights (Li et al. 2018).
 */
public enum Normalization {
    /**
     * Each filter of each weight tensor (the slice that produces one output unit or channel: a column of a DL4J
     * dense weight, index {@code o} of a convolution weight {@code [out, in, kH, kW]}) is scaled so its L2 norm
     * equals the matching weight filter's norm.
     */
    FILTER,
    /** Each weight tensor's direction is scaled to that tensor's L2 norm. */
    LAYER,
    /** The direction is left as drawn: i.i.d. standard Gaussian entries. */
    NONE,
    /**
     * The whole direction is scaled at once so its L2 norm equals the model's, as the {@code model} normalization of
     * the Python {@code loss-landscapes} package ({@code direction * (‖θ‖ / ‖direction‖)}). Both norms are taken
     * over the entries that move: the weights, plus biases and batch-norm gamma/beta when those are included
     * ({@link RandomDirections#withBiasAndBatchNorm()}), which then take Gaussian draws like the weights (as in
     * {@code loss-landscapes}, whose direction is random in every parameter) instead of the weights' own values.
     * Batch-norm running statistics, when included, keep their own values and take no part in the scaling.
     */
    MODEL
}

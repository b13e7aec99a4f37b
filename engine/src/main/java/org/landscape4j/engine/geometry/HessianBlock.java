package org.landscape4j.engine.geometry;

import java.util.Arrays;
import java.util.List;

import org.landscape4j.engine.parameters.ParameterSegment;

/**
 * The Hessian of a {@link LossGradients}' loss restricted to a block of its variables: {@code P_B H P_B}, with
 * {@code P_B} zeroing every entry outside the block — project a vector to the block, multiply, project back. Its
 * eigenvalues on the block are those of the diagonal block {@code H_BB}. {@link #whole} is the block of all the
 * gradients' variables, where the projections change nothing. The Lanczos solvers ({@link HessianEigen},
 * {@link HessianExtremes}) and {@link HessianSpectrum} run on a block. Not thread-safe (nor are the gradients).
 */
final class HessianBlock {

    private final LossGradients gradients;
    /** Per entry of the flat vector: whether it is a variable of the block. */
    private final boolean[] inside;
    private final int variables;
    private final boolean whole;
    private final String name;

    private HessianBlock(LossGradients gradients, boolean[] inside, boolean whole, String name) {
        this.gradients = gradients;
        this.inside = inside;
        this.whole = whole;
        this.name = name;
        int n = 0;
        for (boolean b : inside) {
            n += b ? 1 : 0;
        }
        this.variables = n;
    }

    /** All variables of {@code gradients} (the trainable parameters it is taken over). */
    static HessianBlock whole(LossGradients gradients) {
        double[] ones = new double[gradients.numParams()];
        Arrays.fill(ones, 1);
        double[] mask = gradients.project(ones);
        boolean[] inside = new boolean[mask.length];
        for (int i = 0; i < mask.length; i++) {
            inside[i] = mask[i] != 0;
        }
        return new HessianBlock(gradients, inside, true, "all");
    }

    /** The variables of {@code gradients} inside {@code segments}, named {@code name} (e.g. a layer's). */
    static HessianBlock of(LossGradients gradients, List<ParameterSegment> segments, String name) {
        boolean[] all = whole(gradients).inside;
        boolean[] inside = new boolean[all.length];
        for (ParameterSegment s : segments) {
            for (long i = s.offset(); i < s.offset() + s.length(); i++) {
                inside[(int) i] = all[(int) i];
            }
        }
        return new HessianBlock(gradients, inside, false, name);
    }

    LossGradients gradients() {
        return gradients;
    }

    /** Length of the vectors (the flat parameter count). */
    int length() {
        return inside.length;
    }

    /** Number of variables in the block. */
    int variables() {
        return variables;
    }

    /** Whether entry {@code i} of the flat vector is a variable of the block. */
    boolean contains(int i) {
        return inside[i];
    }

    /** The block's name: "all", or the layer's. */
    String name() {
        return name;
    }

    /** Sets the entries of {@code v} outside the block to 0, in place; returns {@code v}. */
    double[] project(double[] v) {
        if (whole) {
            return gradients.project(v);
        }
        for (int i = 0; i < v.length; i++) {
            if (!inside[i]) {
                v[i] = 0;
            }
        }
        return v;
    }

    /**
     * {@code P_B H P_B v} ({@code v} is not changed); {@code eps} is the step of the finite-difference fallback, unused
     * by exact products.
     */
    double[] times(double[] v, double eps) {
        if (whole) {
            return gradients.hessianTimes(v, eps);
        }
        return project(gradients.hessianTimes(project(v.clone()), eps));
    }

    /**
     * How the products are computed, with the block when it is not the whole Hessian: {@code "exact Hessian-vector
     * products (R-operator over dense, ...), restricted to layer 'hidden' (40 parameters)"}.
     */
    String method() {
        return gradients.curvatureMethod() + (whole ? "" : ", restricted to layer '" + name + "' (" + variables
                + " parameters)");
    }
}

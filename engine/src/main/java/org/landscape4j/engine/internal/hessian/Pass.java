package org.landscape4j.engine.internal.hessian;

import java.util.Arrays;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The state of one product: the parameters {@code θ} and direction {@code v} (as views of the {@link Flats}),
 * the per-slot activations {@code a}, their R-derivatives {@code r} ({@code null} = zero), gradients {@code g}
 * and their R-derivatives {@code rg}, and the accumulated gradient (only when asked for) and {@code H v} over the
 * flat parameter vector, summed in place into the flats.
 */
final class Pass {
    private final Flats flats;
    private final boolean direction;
    private final boolean gradient;
    final INDArray[] a;
    final INDArray[] r;
    final INDArray[] g;
    final INDArray[] rg;
    /** Per slot, an element-wise activation's first derivative at its input, computed once per block. */
    final INDArray[] slope;

    Pass(Flats flats, double[] theta, double[] v, int slots, boolean gradient) {
        this.flats = flats;
        this.direction = v != null;
        this.gradient = gradient;
        flats.load(0, theta);
        if (direction) {
            flats.load(1, v);
            flats.zeroed(3);
        }
        if (gradient) {
            flats.zeroed(2);
        }
        this.a = new INDArray[slots];
        this.r = new INDArray[slots];
        this.g = new INDArray[slots];
        this.rg = new INDArray[slots];
        this.slope = new INDArray[slots];
    }

    void startBlock(INDArray x) {
        Arrays.fill(a, null);
        Arrays.fill(r, null);
        Arrays.fill(g, null);
        Arrays.fill(rg, null);
        Arrays.fill(slope, null);
        a[0] = x;
    }

    /** The parameter's value at {@code θ}. */
    INDArray value(Param p) {
        return flats.views(p)[0];
    }

    /** The parameter's part of {@code v}, or {@code null} when there is no direction (loss and gradient only). */
    INDArray direction(Param p) {
        return direction ? flats.views(p)[1] : null;
    }

    /** Whether the parameters' gradient is wanted: nodes skip the products that only it needs otherwise. */
    boolean wantsGradient() {
        return gradient;
    }

    /** Adds {@code gradient} and {@code rGradient} (either may be {@code null}) to the parameter's entries. */
    void accumulate(Param p, INDArray gradient, INDArray rGradient) {
        INDArray[] t = flats.views(p);
        if (gradient != null && this.gradient) {
            t[2].addi(gradient.reshape(p.shape()));
        }
        if (rGradient != null && direction) {
            t[3].addi(rGradient.reshape(p.shape()));
        }
    }

    /** Adds a gradient and its R-derivative to slot {@code s} (copies on first use: arrays are shared). */
    void addGrad(int s, INDArray gradient, INDArray rGradient) {
        if (s == 0) {
            return;
        }
        g[s] = g[s] == null ? gradient.dup() : g[s].addi(gradient);
        if (rGradient != null) {
            rg[s] = rg[s] == null ? rGradient.dup() : rg[s].addi(rGradient);
        }
    }

    boolean hasDirection() {
        return direction;
    }

    double[] gradient() {
        return gradient ? flats.read(2) : null;
    }

    double[] hv() {
        return direction ? flats.read(3) : null;
    }
}

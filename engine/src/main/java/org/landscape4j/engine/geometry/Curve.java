package org.landscape4j.engine.geometry;

import java.util.List;

import org.landscape4j.engine.internal.FlatVectors;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A parametric curve {@code θ(t) = Σ_i c_i(t)·anchor_i}, {@code t ∈ [0, 1]}, through parameter space, as in Garipov et
 * al. 2018 ("Loss Surfaces, Mode Connectivity, and Fast Ensembling of DNNs"): the anchors are the two end points (two
 * trained networks) and one or more bends in between, which {@link CurveTrainer} trains so that the loss stays low
 * along the whole curve. Anchors are ordered start, bends..., end; {@code θ(0)} is the start and {@code θ(1)} the end.
 */
public sealed interface Curve permits BezierCurve, PolygonalChain {

    /** Number of anchors, end points included (at least 2). */
    int anchors();

    /** Number of bends, the trainable anchors between the end points: {@code anchors() − 2}. */
    default int bends() {
        return anchors() - 2;
    }

    /**
     * The coefficients {@code c_i(t)} of the anchors at {@code t}; they sum to 1.
     *
     * @param t in [0, 1]
     * @throws IllegalArgumentException if {@code t} is outside [0, 1] or NaN
     */
    double[] coefficients(double t);

    /**
     * The point {@code θ(t)} as a new double row vector.
     *
     * @param anchors {@link #anchors()} flat parameter vectors of one length, start first; only read
     * @param t       in [0, 1]
     */
    default INDArray point(List<INDArray> anchors, double t) {
        if (anchors == null || anchors.size() != anchors()) {
            throw new IllegalArgumentException("the curve has " + anchors() + " anchors, was given "
                    + (anchors == null ? "null" : anchors.size()));
        }
        double[] c = coefficients(t);
        double[] out = null;
        for (int i = 0; i < c.length; i++) {
            double[] a = FlatVectors.toDoubles(anchors.get(i), "anchors[" + i + "]");
            if (out == null) {
                out = new double[a.length];
            } else if (a.length != out.length) {
                throw new IllegalArgumentException("anchors[" + i + "] has " + a.length + " entries, anchors[0] "
                        + out.length);
            }
            FlatVectors.axpy(c[i], a, out);
        }
        return FlatVectors.toRow(out);
    }

    /** Rejects {@code t} outside [0, 1]. */
    static void checkT(double t) {
        if (!(t >= 0 && t <= 1)) {
            throw new IllegalArgumentException("t must be in [0, 1], was " + t);
        }
    }
}

package org.landscape4j.engine.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Flat parameter vectors as {@code double[]}: conversion from and to ND4J and the few BLAS-1 operations the geometry
 * and curvature classes share. Everything here works in double precision whatever the network's data type, so that
 * differences of nearby float32 parameter vectors do not lose digits twice. Not API.
 */
public final class FlatVectors {

    private FlatVectors() {
    }

    /** A new {@code double[]} with the entries of {@code x} in C order; {@code x} is only read. */
    public static double[] toDoubles(INDArray x, String name) {
        if (x == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (x.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " has " + x.length() + " entries; at most "
                    + Integer.MAX_VALUE + " are supported");
        }
        return x.isVectorOrScalar() ? x.toDoubleVector() : x.ravel().toDoubleVector();
    }

    /** A new double-precision row vector {@code [1, length]} holding {@code x}. */
    public static INDArray toRow(double[] x) {
        return Nd4j.createFromArray(x).reshape(1, x.length);
    }

    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    public static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    /** {@code a - b} as a new array. */
    public static double[] minus(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] - b[i];
        }
        return r;
    }

    /** {@code y += alpha * x}, in place. */
    public static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] += alpha * x[i];
        }
    }

    /** {@code x *= alpha}, in place. */
    public static void scale(double alpha, double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= alpha;
        }
    }

    /**
     * The unit vector along the part of {@code w} orthogonal to the unit vector {@code e1}: Gram–Schmidt, done twice
     * ("twice is enough": the second pass removes what rounding left of {@code e1}). {@code w} is not changed.
     */
    public static double[] orthogonalUnit(double[] e1, double[] w) {
        double[] v = w.clone();
        axpy(-dot(e1, v), e1, v);
        axpy(-dot(e1, v), e1, v);
        scale(1 / norm(v), v);
        return v;
    }
}

package org.landscape4j.engine.geometry;

import org.landscape4j.engine.internal.FlatVectors;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The plane through three models' flat parameter vectors A, B, C (for example three independently trained networks, or
 * the two ends of a mode-connecting curve and its bend), with an orthonormal basis: {@code d1 = (B − A) / |B − A|} and
 * {@code d2} the Gram–Schmidt remainder of {@code C − A}, normalized. Every point of the plane is
 * {@code A + x·d1 + y·d2}; A sits at {@code (0, 0)}, B at {@code (|B − A|, 0)} and C at {@link #c()}.
 *
 * <p>All vectors are double precision row vectors {@code [1, P]}, computed in double from the given parameters; cast
 * them ({@code d1().castTo(DataType.FLOAT)}) to use them with a float32 network. Accessors return copies, so the
 * record cannot be changed through them.
 *
 * <pre>{@code
 * PlaneThroughModels plane = PlaneThroughModels.through(netA.params(), netB.params(), netC.params());
 * plane.b();                       // Coordinates[x=12.3, y=0.0]
 * INDArray mid = plane.point(0.5 * plane.b().x(), 0.5 * plane.c().y());
 * }</pre>
 *
 * @param origin the plane's origin A, a row vector {@code [1, P]}, not {@code null}
 * @param d1     the first basis vector, unit length, not {@code null}
 * @param d2     the second basis vector, unit length and orthogonal to {@code d1}, not {@code null}
 * @param a      A's coordinates, always {@code (0, 0)}
 * @param b      B's coordinates, {@code (|B − A|, 0)}
 * @param c      C's coordinates
 */
public record PlaneThroughModels(INDArray origin, INDArray d1, INDArray d2, Coordinates a, Coordinates b,
                                 Coordinates c) {

    /**
     * Models whose difference vectors have a cosine larger than this in absolute value are rejected as collinear: the
     * second direction would be made of rounding noise.
     */
    public static final double MAX_ABS_COSINE = 1 - 1e-6;

    /** Tolerance of the orthonormality check of the compact constructor. */
    private static final double BASIS_TOLERANCE = 1e-6;

    /**
     * A point of the plane in its basis.
     *
     * @param x the coordinate along {@code d1}, finite
     * @param y the coordinate along {@code d2}, finite
     */
    public record Coordinates(double x, double y) {
        public Coordinates {
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                throw new IllegalArgumentException("coordinates must be finite, were (" + x + ", " + y + ")");
            }
        }
    }

    /**
     * Validates the record: vectors present and of one length, {@code d1} and {@code d2} orthonormal to
     * {@value #BASIS_TOLERANCE}. Keeps its own copies of the vectors.
     */
    public PlaneThroughModels {
        if (origin == null || d1 == null || d2 == null) {
            throw new IllegalArgumentException("origin, d1 and d2 must not be null, were " + origin + ", " + d1
                    + ", " + d2);
        }
        if (a == null || b == null || c == null) {
            throw new IllegalArgumentException("coordinates a, b and c must not be null");
        }
        if (origin.length() != d1.length() || origin.length() != d2.length()) {
            throw new IllegalArgumentException("origin, d1 and d2 must have the same length, had " + origin.length()
                    + ", " + d1.length() + " and " + d2.length());
        }
        double[] e1 = FlatVectors.toDoubles(d1, "d1");
        double[] e2 = FlatVectors.toDoubles(d2, "d2");
        double n1 = FlatVectors.norm(e1);
        double n2 = FlatVectors.norm(e2);
        double cross = FlatVectors.dot(e1, e2);
        if (Math.abs(n1 - 1) > BASIS_TOLERANCE || Math.abs(n2 - 1) > BASIS_TOLERANCE
                || Math.abs(cross) > BASIS_TOLERANCE) {
            throw new IllegalArgumentException("d1 and d2 must be orthonormal to " + BASIS_TOLERANCE + ", had |d1| = "
                    + n1 + ", |d2| = " + n2 + ", d1·d2 = " + cross);
        }
        origin = FlatVectors.toRow(FlatVectors.toDoubles(origin, "origin"));
        d1 = FlatVectors.toRow(e1);
        d2 = FlatVectors.toRow(e2);
    }

    /**
     * The plane through three parameter vectors, with A as origin.
     *
     * @param a the first model's flat parameters (the origin), not {@code null}; only read
     * @param b the second model's, same length; only read
     * @param c the third model's, same length; only read
     * @throws IllegalArgumentException if a vector is {@code null}, the lengths differ, B equals A, C equals A, or the
     *                                  models are (nearly) collinear: {@code |cos(B − A, C − A)| > }
     *                                  {@value #MAX_ABS_COSINE} (the message gives the cosine)
     */
    public static PlaneThroughModels through(INDArray a, INDArray b, INDArray c) {
        double[] pa = FlatVectors.toDoubles(a, "A");
        double[] pb = FlatVectors.toDoubles(b, "B");
        double[] pc = FlatVectors.toDoubles(c, "C");
        if (pa.length != pb.length || pa.length != pc.length) {
            throw new IllegalArgumentException("A, B and C must have the same number of parameters, had "
                    + pa.length + ", " + pb.length + " and " + pc.length);
        }
        double[] u = FlatVectors.minus(pb, pa);
        double[] w = FlatVectors.minus(pc, pa);
        double nu = FlatVectors.norm(u);
        double nw = FlatVectors.norm(w);
        if (nu == 0) {
            throw new IllegalArgumentException("B equals A: the models must be three distinct points");
        }
        if (nw == 0) {
            throw new IllegalArgumentException("C equals A: the models must be three distinct points");
        }
        double cosine = FlatVectors.dot(u, w) / (nu * nw);
        if (!(Math.abs(cosine) <= MAX_ABS_COSINE)) {
            throw new IllegalArgumentException("A, B and C are (nearly) collinear: cos(B − A, C − A) = " + cosine
                    + ", its absolute value must be at most " + MAX_ABS_COSINE);
        }
        double[] d1 = u.clone();
        FlatVectors.scale(1 / nu, d1);
        double[] v = FlatVectors.orthogonalUnit(d1, w);
        return new PlaneThroughModels(FlatVectors.toRow(pa), FlatVectors.toRow(d1), FlatVectors.toRow(v),
                new Coordinates(0, 0), new Coordinates(nu, 0),
                new Coordinates(FlatVectors.dot(d1, w), FlatVectors.dot(v, w)));
    }

    /** The origin A, a copy. */
    @Override
    public INDArray origin() {
        return origin.dup();
    }

    /** The first unit basis vector, a copy. */
    @Override
    public INDArray d1() {
        return d1.dup();
    }

    /** The second unit basis vector, a copy. */
    @Override
    public INDArray d2() {
        return d2.dup();
    }

    /** Number of parameters P. */
    public long numParams() {
        return origin.length();
    }

    /**
     * The point {@code A + x·d1 + y·d2}, a new double row vector.
     *
     * @param x coordinate along {@code d1}
     * @param y coordinate along {@code d2}
     */
    public INDArray point(double x, double y) {
        return origin.add(d1.mul(x)).addi(d2.mul(y));
    }

    /** The point at {@code coordinates}; see {@link #point(double, double)}. */
    public INDArray point(Coordinates coordinates) {
        return point(coordinates.x(), coordinates.y());
    }

    /** A {@link Projection} onto this plane, to place other models (for example a trajectory) in it. */
    public Projection projection() {
        return Projection.onto(origin, d1, d2);
    }

    @Override
    public String toString() {
        return "PlaneThroughModels " + origin.length() + " parameters, A " + a + ", B " + b + ", C " + c;
    }
}

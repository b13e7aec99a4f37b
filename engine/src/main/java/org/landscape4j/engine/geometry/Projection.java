package org.landscape4j.engine.geometry;

import java.util.ArrayList;
import java.util.List;

import org.landscape4j.engine.internal.FlatVectors;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Least-squares projection of flat parameter vectors onto the plane {@code origin + span(d1, d2)}, where {@code d1}
 * and {@code d2} need not be orthogonal or of unit length (random filter-normalized directions are neither): for a
 * point {@code p}, the coordinates {@code (x, y)} minimise {@code |p − origin − x·d1 − y·d2|}, and that minimum is the
 * residual, how far {@code p} lies off the plane.
 *
 * <p>Used to draw a training trajectory on a landscape (Li et al. 2018, section 7): a small relative residual says the
 * plane captures the path. Internally the directions are orthonormalised (Gram–Schmidt in double precision), which
 * is better conditioned than solving the 2×2 normal equations when they are nearly parallel.
 *
 * <pre>{@code
 * Projection p = Projection.onto(finalParams, pca.component(0), pca.component(1));
 * for (INDArray snapshot : recorder.snapshots()) {
 *     Projection.Projected q = p.project(snapshot);   // q.x(), q.y(), q.relativeResidual()
 * }
 * }</pre>
 */
public final class Projection {

    /** Directions whose cosine exceeds this in absolute value are rejected as parallel. */
    public static final double MAX_ABS_COSINE = 1 - 1e-9;

    private final double[] origin;
    private final double[] e1;
    private final double[] e2;
    // d1 = n1·e1, d2 = c12·e1 + c22·e2
    private final double n1;
    private final double c12;
    private final double c22;

    private Projection(double[] origin, double[] e1, double[] e2, double n1, double c12, double c22) {
        this.origin = origin;
        this.e1 = e1;
        this.e2 = e2;
        this.n1 = n1;
        this.c12 = c12;
        this.c22 = c22;
    }

    /**
     * One projected point.
     *
     * @param x                coordinate along {@code d1}, finite
     * @param y                coordinate along {@code d2}, finite
     * @param residual         {@code |p − origin − x·d1 − y·d2|}, finite and {@code >= 0}
     * @param relativeResidual {@code residual / |p − origin|} in [0, 1] (rounding aside), 0 for {@code p = origin}
     */
    public record Projected(double x, double y, double residual, double relativeResidual) {
        public Projected {
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                throw new IllegalArgumentException("coordinates must be finite, were (" + x + ", " + y + ")");
            }
            if (!(residual >= 0) || !Double.isFinite(residual)) {
                throw new IllegalArgumentException("residual must be finite and >= 0, was " + residual);
            }
            if (!(relativeResidual >= 0) || !Double.isFinite(relativeResidual)) {
                throw new IllegalArgumentException("relativeResidual must be finite and >= 0, was "
                        + relativeResidual);
            }
        }
    }

    /**
     * A projection onto {@code origin + span(d1, d2)}.
     *
     * @param origin the plane's origin, not {@code null}; only read (copied)
     * @param d1     the first direction, same length, non-zero; only read (copied)
     * @param d2     the second direction, same length, non-zero and not parallel to {@code d1}; only read (copied)
     * @throws IllegalArgumentException if a vector is {@code null}, the lengths differ, a direction is zero or the
     *                                  directions are parallel ({@code |cos| > }{@value #MAX_ABS_COSINE}; the message
     *                                  gives the cosine)
     */
    public static Projection onto(INDArray origin, INDArray d1, INDArray d2) {
        double[] o = FlatVectors.toDoubles(origin, "origin");
        double[] a = FlatVectors.toDoubles(d1, "d1");
        double[] b = FlatVectors.toDoubles(d2, "d2");
        if (o.length != a.length || o.length != b.length) {
            throw new IllegalArgumentException("origin, d1 and d2 must have the same length, had " + o.length + ", "
                    + a.length + " and " + b.length);
        }
        double na = FlatVectors.norm(a);
        double nb = FlatVectors.norm(b);
        if (!(na > 0) || !(nb > 0) || !Double.isFinite(na) || !Double.isFinite(nb)) {
            throw new IllegalArgumentException("d1 and d2 must be finite and non-zero, had norms " + na + " and "
                    + nb);
        }
        double cosine = FlatVectors.dot(a, b) / (na * nb);
        if (!(Math.abs(cosine) <= MAX_ABS_COSINE)) {
            throw new IllegalArgumentException("d1 and d2 are (nearly) parallel: cos(d1, d2) = " + cosine
                    + ", its absolute value must be at most " + MAX_ABS_COSINE);
        }
        double[] e1 = a.clone();
        FlatVectors.scale(1 / na, e1);
        double[] e2 = FlatVectors.orthogonalUnit(e1, b);
        return new Projection(o, e1, e2, na, FlatVectors.dot(e1, b), FlatVectors.dot(e2, b));
    }

    /** Number of parameters P of the plane's vectors. */
    public int numParams() {
        return origin.length;
    }

    /**
     * Projects one point.
     *
     * @param point a flat parameter vector of length {@link #numParams()}, not {@code null}; only read
     * @throws IllegalArgumentException if the point is {@code null} or of another length
     */
    public Projected project(INDArray point) {
        double[] p = FlatVectors.toDoubles(point, "point");
        if (p.length != origin.length) {
            throw new IllegalArgumentException("point has " + p.length + " entries, the plane " + origin.length);
        }
        double[] r = FlatVectors.minus(p, origin);
        double distance = FlatVectors.norm(r);
        double alpha = FlatVectors.dot(e1, r);
        FlatVectors.axpy(-alpha, e1, r);
        double beta = FlatVectors.dot(e2, r);
        FlatVectors.axpy(-beta, e2, r);
        // One more pass against rounding (r is now nearly orthogonal to both).
        double alpha2 = FlatVectors.dot(e1, r);
        FlatVectors.axpy(-alpha2, e1, r);
        double beta2 = FlatVectors.dot(e2, r);
        FlatVectors.axpy(-beta2, e2, r);
        alpha += alpha2;
        beta += beta2;
        double residual = FlatVectors.norm(r);
        double y = beta / c22;
        double x = (alpha - y * c12) / n1;
        return new Projected(x, y, residual, distance == 0 ? 0 : residual / distance);
    }

    /**
     * Projects each point, in order.
     *
     * @param points flat parameter vectors, not {@code null}, no {@code null} elements
     */
    public List<Projected> projectAll(List<INDArray> points) {
        if (points == null) {
            throw new IllegalArgumentException("points must not be null");
        }
        List<Projected> out = new ArrayList<>(points.size());
        for (int i = 0; i < points.size(); i++) {
            if (points.get(i) == null) {
                throw new IllegalArgumentException("points[" + i + "] is null");
            }
            out.add(project(points.get(i)));
        }
        return out;
    }

    @Override
    public String toString() {
        return "Projection onto a plane of " + origin.length + " parameters, |d1| = " + n1 + ", cos(d1, d2) = "
                + c12 / Math.hypot(c12, c22);
    }
}

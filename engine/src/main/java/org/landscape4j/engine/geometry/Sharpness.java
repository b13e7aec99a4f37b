package org.landscape4j.engine.geometry;

import org.landscape4j.engine.internal.FlatVectors;

/**
 * Sharpness measures of a loss landscape, computed from plain arrays so they work on any profile or surface (the
 * engine's, a CSV's, a test's): the curvature at a point by a least-squares quadratic fit, the width of the basin
 * around the minimum of a 1D profile, and for a 2D surface the area fraction below a threshold and the curvatures
 * along the two axes.
 *
 * <p>Flat, wide minima (small curvature, large width) are the ones Keskar et al. 2017 and Li et al. 2018 associate with
 * better generalisation; with filter-normalized directions the numbers of different networks are comparable.
 *
 * <pre>{@code
 * double[] t = profile.coordinates();  double[] loss = profile.values("train", "loss");
 * Sharpness.curvature(t, loss, 0.0, 0.25);            // second derivative at the trained weights
 * Sharpness.basinWidthAboveMinimum(t, loss, 0.1);     // where loss < min + 0.1
 * }</pre>
 *
 * <p>Coordinates must be finite and strictly increasing. Loss values may be NaN or infinite (a diverged point):
 * a NaN counts as above every threshold, and fits reject a window that holds one.
 */
public final class Sharpness {

    private Sharpness() {
    }

    /**
     * The basin around the minimum of a profile: the interval where the loss stays below {@code threshold}.
     *
     * @param left         where the loss first reaches the threshold left of the minimum (or the grid's start)
     * @param right        where it first reaches it right of the minimum (or the grid's end)
     * @param clippedLeft  whether the loss stayed below the threshold up to the grid's start, so the basin may extend
     *                     further
     * @param clippedRight likewise at the grid's end
     * @param threshold    the threshold used
     */
    public record BasinWidth(double left, double right, boolean clippedLeft, boolean clippedRight,
                             double threshold) {
        public BasinWidth {
            if (!(left <= right)) {
                throw new IllegalArgumentException("left must be <= right, were " + left + " and " + right);
            }
        }

        /** {@code right − left}. */
        public double width() {
            return right - left;
        }
    }

    /**
     * Second derivatives of a surface at a point along its two axes.
     *
     * @param alongX {@code ∂²L/∂x²}
     * @param alongY {@code ∂²L/∂y²}
     */
    public record AxisCurvatures(double alongX, double alongY) {
    }

    /**
     * The second derivative of a profile at {@code centre}: twice the leading coefficient of the least-squares
     * quadratic through the points with {@code |t − centre| <= halfWindow}. Exact for a quadratic profile.
     *
     * @param t          coordinates, strictly increasing and finite
     * @param loss       values, same length
     * @param centre     where to measure (usually 0, the trained weights)
     * @param halfWindow half the width of the fitting window, {@code > 0}; it must hold at least 3 points
     * @throws IllegalArgumentException if the arrays are invalid, the window holds fewer than 3 points or a
     *                                  non-finite value (the message says how many and which)
     */
    public static double curvature(double[] t, double[] loss, double centre, double halfWindow) {
        checkProfile(t, loss);
        if (!(halfWindow > 0) || !Double.isFinite(halfWindow)) {
            throw new IllegalArgumentException("halfWindow must be finite and > 0, was " + halfWindow);
        }
        if (!Double.isFinite(centre)) {
            throw new IllegalArgumentException("centre must be finite, was " + centre);
        }
        double slack = 1e-12 * Math.max(halfWindow, Math.abs(centre));
        int count = 0;
        for (double ti : t) {
            if (Math.abs(ti - centre) <= halfWindow + slack) {
                count++;
            }
        }
        if (count < 3) {
            throw new IllegalArgumentException("the window " + centre + " ± " + halfWindow + " holds " + count
                    + " point(s); a quadratic fit needs at least 3");
        }
        double[] u = new double[count];
        double[] y = new double[count];
        int k = 0;
        for (int i = 0; i < t.length; i++) {
            if (Math.abs(t[i] - centre) <= halfWindow + slack) {
                if (!Double.isFinite(loss[i])) {
                    throw new IllegalArgumentException("loss at t = " + t[i] + " (index " + i + ") is " + loss[i]
                            + ", inside the fitting window " + centre + " ± " + halfWindow);
                }
                u[k] = (t[i] - centre) / halfWindow;
                y[k] = loss[i];
                k++;
            }
        }
        double[] c = quadraticFit(u, y);
        return 2 * c[2] / (halfWindow * halfWindow);
    }

    /**
     * {@link #curvature} centred at the grid point of lowest loss.
     *
     * @throws IllegalArgumentException as {@link #curvature}, or if no loss value is finite
     */
    public static double curvatureAtMinimum(double[] t, double[] loss, double halfWindow) {
        checkProfile(t, loss);
        return curvature(t, loss, t[argMin(loss)], halfWindow);
    }

    /**
     * The basin of a profile below an absolute loss {@code threshold}: from the grid point of lowest loss, outwards
     * to where the loss first reaches the threshold on each side. The crossing between two grid points is located on
     * the quadratic through the nearest three points (exact for a quadratic profile), or linearly when that has no
     * root there.
     *
     * @throws IllegalArgumentException if the arrays are invalid, no loss value is finite, or {@code threshold} is
     *                                  not above the minimum loss (the message gives both)
     */
    public static BasinWidth basinWidth(double[] t, double[] loss, double threshold) {
        checkProfile(t, loss);
        int min = argMin(loss);
        if (!(threshold > loss[min])) {
            throw new IllegalArgumentException("threshold must be above the profile's minimum loss " + loss[min]
                    + " (at t = " + t[min] + "), was " + threshold);
        }
        int n = t.length;
        int j = min + 1;
        while (j < n && below(loss[j], threshold)) {
            j++;
        }
        double right = j == n ? t[n - 1] : crossing(t, loss, j - 1, j, threshold, j - 2 >= 0 ? j - 2 : j + 1);
        int i = min - 1;
        while (i >= 0 && below(loss[i], threshold)) {
            i--;
        }
        double left = i < 0 ? t[0] : crossing(t, loss, i + 1, i, threshold, i + 2 < n ? i + 2 : i - 1);
        return new BasinWidth(left, right, i < 0, j == n, threshold);
    }

    /**
     * {@link #basinWidth} with the threshold {@code min + delta}, relative to the profile's minimum loss.
     *
     * @param delta how far above the minimum, finite and {@code > 0}
     */
    public static BasinWidth basinWidthAboveMinimum(double[] t, double[] loss, double delta) {
        checkProfile(t, loss);
        if (!(delta > 0) || !Double.isFinite(delta)) {
            throw new IllegalArgumentException("delta must be finite and > 0, was " + delta);
        }
        return basinWidth(t, loss, loss[argMin(loss)] + delta);
    }

    /**
     * The fraction of a surface's area where the loss is below {@code threshold}. Each grid point stands for its
     * cell (from the midpoint to its left neighbour to the midpoint to its right one, half cells at the edges), so a
     * grid denser at the centre (cubic spacing) does not overweight the centre.
     *
     * @param xs     x coordinates, strictly increasing and finite, at least 2
     * @param ys     y coordinates, likewise
     * @param values {@code values[iy][ix]}, {@code ys.length} rows of {@code xs.length}; NaN counts as above
     * @return a fraction in [0, 1]
     */
    public static double areaFractionBelow(double[] xs, double[] ys, double[][] values, double threshold) {
        checkSurface(xs, ys, values);
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold must not be NaN");
        }
        double[] wx = cellWidths(xs);
        double[] wy = cellWidths(ys);
        double below = 0;
        for (int iy = 0; iy < ys.length; iy++) {
            for (int ix = 0; ix < xs.length; ix++) {
                if (below(values[iy][ix], threshold)) {
                    below += wx[ix] * wy[iy];
                }
            }
        }
        return below / ((xs[xs.length - 1] - xs[0]) * (ys[ys.length - 1] - ys[0]));
    }

    /**
     * {@link #areaFractionBelow} with the threshold {@code min + delta}, relative to the surface's minimum loss.
     *
     * @param delta how far above the minimum, finite and {@code > 0}
     */
    public static double areaFractionWithin(double[] xs, double[] ys, double[][] values, double delta) {
        checkSurface(xs, ys, values);
        if (!(delta > 0) || !Double.isFinite(delta)) {
            throw new IllegalArgumentException("delta must be finite and > 0, was " + delta);
        }
        double min = Double.POSITIVE_INFINITY;
        for (double[] row : values) {
            for (double v : row) {
                if (v < min) {
                    min = v;
                }
            }
        }
        if (min == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("the surface holds no finite value");
        }
        return areaFractionBelow(xs, ys, values, min + delta);
    }

    /**
     * The curvatures of a surface along its axes at {@code (cx, cy)}: {@link #curvature} of the row through the grid
     * point nearest {@code cy} (along x) and of the column through the one nearest {@code cx} (along y).
     *
     * @param halfWindow half the fitting window on both axes; each must hold at least 3 points
     */
    public static AxisCurvatures axisCurvatures(double[] xs, double[] ys, double[][] values, double cx, double cy,
                                                double halfWindow) {
        checkSurface(xs, ys, values);
        int iy = nearest(ys, cy);
        int ix = nearest(xs, cx);
        double[] column = new double[ys.length];
        for (int k = 0; k < ys.length; k++) {
            column[k] = values[k][ix];
        }
        return new AxisCurvatures(curvature(xs, values[iy], cx, halfWindow), curvature(ys, column, cy, halfWindow));
    }

    private static boolean below(double v, double threshold) {
        return v < threshold; // false for NaN
    }

    /** Where the loss crosses {@code threshold} between {@code inside} (below) and {@code outside} (not below). */
    private static double crossing(double[] t, double[] loss, int inside, int outside, double threshold, int third) {
        double a = t[inside];
        double b = t[outside];
        if (!Double.isFinite(loss[outside])) {
            return a;
        }
        double lo = Math.min(a, b);
        double hi = Math.max(a, b);
        if (third >= 0 && third < t.length && Double.isFinite(loss[third])) {
            // Newton form on coordinates shifted to `a`, for conditioning
            double x0 = 0;
            double x1 = b - a;
            double x2 = t[third] - a;
            double f01 = (loss[outside] - loss[inside]) / (x1 - x0);
            double f12 = (loss[third] - loss[outside]) / (x2 - x1);
            double f012 = (f12 - f01) / (x2 - x0);
            double qa = f012;
            double qb = f01 - f012 * (x0 + x1);
            double qc = loss[inside] - f01 * x0 + f012 * x0 * x1 - threshold;
            double root = rootIn(qa, qb, qc, Math.min(0, x1), Math.max(0, x1));
            if (!Double.isNaN(root)) {
                return Math.max(lo, Math.min(hi, a + root));
            }
        }
        double s = (threshold - loss[inside]) / (loss[outside] - loss[inside]);
        return a + s * (b - a);
    }

    /** A root of {@code qa·s² + qb·s + qc} in {@code [lo, hi]} (with a little slack), or NaN. */
    private static double rootIn(double qa, double qb, double qc, double lo, double hi) {
        double slack = 1e-9 * (hi - lo);
        if (qa == 0 || Math.abs(qa) * (hi - lo) < 1e-14 * Math.abs(qb)) {
            if (qb == 0) {
                return Double.NaN;
            }
            double s = -qc / qb;
            return s >= lo - slack && s <= hi + slack ? s : Double.NaN;
        }
        double disc = qb * qb - 4 * qa * qc;
        if (disc < 0) {
            return Double.NaN;
        }
        double q = -0.5 * (qb + Math.copySign(Math.sqrt(disc), qb));
        double[] roots = {q / qa, q == 0 ? Double.NaN : qc / q};
        for (double s : roots) {
            if (s >= lo - slack && s <= hi + slack) {
                return s;
            }
        }
        return Double.NaN;
    }

    /** Least squares {@code y ≈ c0 + c1·u + c2·u²} by modified Gram–Schmidt QR (re-orthogonalised). */
    private static double[] quadraticFit(double[] u, double[] y) {
        int n = u.length;
        double[][] q = new double[3][n];
        for (int i = 0; i < n; i++) {
            q[0][i] = 1;
            q[1][i] = u[i];
            q[2][i] = u[i] * u[i];
        }
        double[][] r = new double[3][3];
        for (int j = 0; j < 3; j++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < j; k++) {
                    double d = FlatVectors.dot(q[k], q[j]);
                    r[k][j] += d;
                    FlatVectors.axpy(-d, q[k], q[j]);
                }
            }
            r[j][j] = FlatVectors.norm(q[j]);
            if (r[j][j] == 0) {
                throw new IllegalArgumentException("the fitting window's coordinates do not determine a quadratic");
            }
            FlatVectors.scale(1 / r[j][j], q[j]);
        }
        double[] qty = new double[3];
        for (int j = 0; j < 3; j++) {
            qty[j] = FlatVectors.dot(q[j], y);
        }
        double[] c = new double[3];
        for (int j = 2; j >= 0; j--) {
            double s = qty[j];
            for (int k = j + 1; k < 3; k++) {
                s -= r[j][k] * c[k];
            }
            c[j] = s / r[j][j];
        }
        return c;
    }

    private static int argMin(double[] loss) {
        int best = -1;
        for (int i = 0; i < loss.length; i++) {
            if (!Double.isNaN(loss[i]) && (best < 0 || loss[i] < loss[best])) {
                best = i;
            }
        }
        if (best < 0 || !Double.isFinite(loss[best])) {
            throw new IllegalArgumentException("the profile holds no finite loss value");
        }
        return best;
    }

    private static int nearest(double[] xs, double x) {
        int best = 0;
        for (int i = 1; i < xs.length; i++) {
            if (Math.abs(xs[i] - x) < Math.abs(xs[best] - x)) {
                best = i;
            }
        }
        return best;
    }

    private static double[] cellWidths(double[] xs) {
        int n = xs.length;
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            double lo = i == 0 ? xs[0] : 0.5 * (xs[i - 1] + xs[i]);
            double hi = i == n - 1 ? xs[n - 1] : 0.5 * (xs[i] + xs[i + 1]);
            w[i] = hi - lo;
        }
        return w;
    }

    private static void checkCoordinates(double[] t, String name, int minLength) {
        if (t == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (t.length < minLength) {
            throw new IllegalArgumentException(name + " must hold at least " + minLength + " coordinates, had "
                    + t.length);
        }
        for (int i = 0; i < t.length; i++) {
            if (!Double.isFinite(t[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] must be finite, was " + t[i]);
            }
            if (i > 0 && !(t[i] > t[i - 1])) {
                throw new IllegalArgumentException(name + " must be strictly increasing, but " + name + "[" + i
                        + "] = " + t[i] + " follows " + t[i - 1]);
            }
        }
    }

    private static void checkProfile(double[] t, double[] loss) {
        checkCoordinates(t, "t", 1);
        if (loss == null || loss.length != t.length) {
            throw new IllegalArgumentException("loss must have one value per coordinate (" + t.length + "), had "
                    + (loss == null ? "null" : loss.length));
        }
    }

    private static void checkSurface(double[] xs, double[] ys, double[][] values) {
        checkCoordinates(xs, "xs", 2);
        checkCoordinates(ys, "ys", 2);
        if (values == null || values.length != ys.length) {
            throw new IllegalArgumentException("values must have one row per y coordinate (" + ys.length + "), had "
                    + (values == null ? "null" : values.length));
        }
        for (int iy = 0; iy < values.length; iy++) {
            if (values[iy] == null || values[iy].length != xs.length) {
                throw new IllegalArgumentException("values[" + iy + "] must have one value per x coordinate ("
                        + xs.length + "), had " + (values[iy] == null ? "null" : values[iy].length));
            }
        }
    }
}

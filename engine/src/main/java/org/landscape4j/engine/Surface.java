package org.landscape4j.engine;

/**
 * A finished 2D landscape: metrics over a plane spanned by two directions.
 *
 * <p>Value at {@code (x[ix], y[iy])} is at flat index {@code iy * nx + ix}, the layout of the reference
 * implementation's HDF5 files.
 *
 * <pre>{@code
 * jshell> landscape.surface()
 * Surface 41x41, x -1.0..1.0 x41, y -1.0..1.0 x41
 *   train/loss           min 0.0312 at (0.000, 0.050), max 5.67 at (-1.000, 1.000)
 *   ...
 * }</pre>
 */
public final class Surface extends LandscapeResult {

    private final Axis x;
    private final Axis y;

    /** Holds {@code values} (the engine's own arrays, not copied). */
    Surface(Axis x, Axis y, MetricKeys keys, double[][] values, Provenance provenance) {
        super(keys, values, provenance);
        this.x = x;
        this.y = y;
    }

    /**
     * A surface of given values (e.g. read back from a file, or assembled by hand); the values are copied.
     *
     * @param x          the first direction's axis
     * @param y          the second direction's axis
     * @param keys       the (set, metric) names
     * @param values     {@code values[k][iy * nx + ix]}, {@code NaN} where a point is missing
     * @param provenance how it was made, or {@code null}
     * @throws IllegalArgumentException when the values do not have one row per key of {@code nx * ny} values
     */
    public static Surface of(Axis x, Axis y, MetricKeys keys, double[][] values, Provenance provenance) {
        if (x == null || y == null) {
            throw new IllegalArgumentException("both axes are needed, got x " + x + ", y " + y);
        }
        return new Surface(x, y, keys, copyOf(keys, values, x.points() * y.points()), provenance);
    }

    /** The first direction's axis. */
    public Axis x() {
        return x;
    }

    /** The second direction's axis. */
    public Axis y() {
        return y;
    }

    /** Values of (set, metric) as {@code [iy][ix]}, fresh arrays. */
    public double[][] values(String set, String metric) {
        double[] flat = raw(keys().indexOf(set, metric));
        double[][] out = new double[y.points()][x.points()];
        for (int iy = 0; iy < y.points(); iy++) {
            System.arraycopy(flat, iy * x.points(), out[iy], 0, x.points());
        }
        return out;
    }

    /** Value of (set, metric) at grid position (ix, iy). */
    public double value(String set, String metric, int ix, int iy) {
        return raw(keys().indexOf(set, metric))[iy * x.points() + ix];
    }

    /**
     * The fraction of the plane's area where (set, metric) stays below {@code minimum + delta}: a sharpness number
     * for surfaces (each grid point weighted by its cell, so cubic spacing is not biased).
     */
    public double areaFractionWithin(String set, String metric, double delta) {
        return org.landscape4j.engine.geometry.Sharpness.areaFractionWithin(x.values(), y.values(),
                values(set, metric), delta);
    }

    /**
     * The convexity picture of Li et al. 2018: {@code |λmin / λmax|} of (set) at every grid point, as {@code [iy][ix]},
     * from the {@code lambda_min} and {@code lambda_max} values of {@link Metric#hessianEigenvalues()} — near 0 where
     * the landscape is locally convex, large where negative curvature is strong. NaN where either is missing or
     * non-finite or {@code λmax} is 0.
     *
     * @throws IllegalArgumentException naming what exists when the surface lacks the set or the curvature metrics
     */
    public double[][] curvatureRatio(String set) {
        double[][] min = values(set, Metric.Curvature.Extreme.MIN.key());
        double[][] max = values(set, Metric.Curvature.Extreme.MAX.key());
        double[][] out = new double[min.length][];
        for (int iy = 0; iy < min.length; iy++) {
            out[iy] = new double[min[iy].length];
            for (int ix = 0; ix < min[iy].length; ix++) {
                double r = Math.abs(min[iy][ix] / max[iy][ix]);
                out[iy][ix] = Double.isFinite(r) ? r : Double.NaN;
            }
        }
        return out;
    }

    /**
     * The fraction of the plane's area with significant negative curvature on (set): where
     * {@code λmin < −epsilon · λmax} (a grid point stands for its cell, as in {@link #areaFractionWithin}; points with
     * a missing value count as not negative). Li et al. 2018 call the map "convex-looking" where this is rare;
     * {@value #NEGATIVE_CURVATURE_EPSILON} is the threshold the depth study uses.
     *
     * @param epsilon how large the negative curvature must be relative to the positive one, finite and {@code >= 0}
     * @throws IllegalArgumentException for a bad {@code epsilon} or a surface without the curvature metrics
     */
    public double negativeCurvatureFraction(String set, double epsilon) {
        if (!(epsilon >= 0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be finite and >= 0, was " + epsilon);
        }
        double[][] min = values(set, Metric.Curvature.Extreme.MIN.key());
        double[][] max = values(set, Metric.Curvature.Extreme.MAX.key());
        double[][] negative = new double[min.length][];
        for (int iy = 0; iy < min.length; iy++) {
            negative[iy] = new double[min[iy].length];
            for (int ix = 0; ix < min[iy].length; ix++) {
                negative[iy][ix] = min[iy][ix] < -epsilon * max[iy][ix] ? 0 : 1;
            }
        }
        return org.landscape4j.engine.geometry.Sharpness.areaFractionBelow(x.values(), y.values(), negative, 0.5);
    }

    /** The threshold ε of "significant negative curvature", {@code λmin < −ε·λmax}, used by the depth study: 0.05. */
    public static final double NEGATIVE_CURVATURE_EPSILON = 0.05;

    @Override
    double[] coordinates(int index) {
        return new double[] {x.value(index % x.points()), y.value(index / x.points())};
    }

    @Override
    String where(int index) {
        double[] c = coordinates(index);
        return String.format(java.util.Locale.ROOT, "(%.4g, %.4g)", c[0], c[1]);
    }

    @Override
    String header() {
        return "Surface " + x.points() + "x" + y.points() + ", x " + x + ", y " + y;
    }
}

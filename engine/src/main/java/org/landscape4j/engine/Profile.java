package org.landscape4j.engine;

/**
 * A finished 1D landscape: metrics along one direction.
 *
 * <pre>{@code
 * jshell> landscape.profile()
 * Profile 41 points, x -1.0..1.0 x41
 *   train/loss           min 0.0312 at x=0.000, max 2.41 at x=-1.000
 *   ...
 * }</pre>
 */
public final class Profile extends LandscapeResult {

    private final Axis axis;

    /** Holds {@code values} (the engine's own arrays, not copied). */
    Profile(Axis axis, MetricKeys keys, double[][] values, Provenance provenance) {
        super(keys, values, provenance);
        this.axis = axis;
    }

    /**
     * A line of given values (e.g. read back from a file, or joined from segments); the values are copied.
     *
     * @param axis       the direction's coordinates
     * @param keys       the (set, metric) names
     * @param values     {@code values[k][i]}: value {@code k} at coordinate {@code i}, {@code NaN} where missing
     * @param provenance how it was made, or {@code null}
     * @throws IllegalArgumentException when the values do not have one row per key of {@code axis.points()} values
     */
    public static Profile of(Axis axis, MetricKeys keys, double[][] values, Provenance provenance) {
        if (axis == null) {
            throw new IllegalArgumentException("axis must not be null");
        }
        return new Profile(axis, keys, copyOf(keys, values, axis.points()), provenance);
    }

    /** The direction's axis. */
    public Axis axis() {
        return axis;
    }

    /** The coordinates, a fresh array. */
    public double[] coordinates() {
        return axis.values();
    }

    /** Values of (set, metric) along the line, a fresh array. */
    public double[] values(String set, String metric) {
        return flatValues(set, metric);
    }

    /**
     * Sharpness numbers of (set, metric) along this line, to compare landscapes by number (the Keras loss-landscape
     * project's health checks): the curvature at the centre (t = 0, the trained weights) by a least-squares quadratic
     * over the points within {@code halfWindow} of it, and the width of the basin around the minimum where the value
     * stays below {@code minimum + delta}.
     *
     * @param halfWindow half-width of the fitting window in coordinate units; it must hold at least 3 points
     * @param delta      how far above the minimum the basin ends, {@code > 0}
     */
    public org.landscape4j.engine.geometry.Sharpness.BasinWidth basin(String set, String metric, double delta) {
        return org.landscape4j.engine.geometry.Sharpness.basinWidthAboveMinimum(coordinates(), values(set, metric),
                delta);
    }

    /**
     * The second derivative of (set, metric) at the centre {@code t = 0}, by a least-squares quadratic over the
     * points with {@code |t| <= halfWindow}.
     */
    public double curvatureAtCentre(String set, String metric, double halfWindow) {
        return org.landscape4j.engine.geometry.Sharpness.curvature(coordinates(), values(set, metric), 0.0,
                halfWindow);
    }

    @Override
    double[] coordinates(int index) {
        return new double[] {axis.value(index)};
    }

    @Override
    String where(int index) {
        return String.format(java.util.Locale.ROOT, "x=%.4g", axis.value(index));
    }

    @Override
    String header() {
        return "Profile " + axis.points() + " points, x " + axis;
    }
}

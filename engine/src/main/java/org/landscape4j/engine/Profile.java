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

    /**
     * @param axis       the direction's coordinates
     * @param keys       the (set, metric) names
     * @param values     {@code values[k][i]}: value {@code k} at coordinate {@code i}; held, not copied
     * @param provenance how it was made
     */
    public Profile(Axis axis, MetricKeys keys, double[][] values, Provenance provenance) {
        super(keys, values, provenance);
        this.axis = axis;
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

    @Override
    double[] coordinates(int index) {
        return new double[] {axis.value(index)};
    }

    @Override
    String where(int index) {
        return String.format("x=%.4g", axis.value(index));
    }

    @Override
    String header() {
        return "Profile " + axis.points() + " points, x " + axis;
    }
}

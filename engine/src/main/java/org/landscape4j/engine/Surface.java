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

    /**
     * @param x          the first direction's axis
     * @param y          the second direction's axis
     * @param keys       the (set, metric) names
     * @param values     {@code values[k][iy * nx + ix]}; held, not copied
     * @param provenance how it was made
     */
    public Surface(Axis x, Axis y, MetricKeys keys, double[][] values, Provenance provenance) {
        super(keys, values, provenance);
        this.x = x;
        this.y = y;
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
    public double areaFractionBelow(String set, String metric, double delta) {
        return org.landscape4j.engine.geometry.Sharpness.areaFractionAboveMinimum(x.values(), y.values(),
                values(set, metric), delta);
    }

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

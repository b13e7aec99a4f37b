package org.landscape4j.charts;

import java.util.Arrays;

import org.landscape4j.engine.Axis;
import org.landscape4j.engine.LandscapePoint;
import org.landscape4j.engine.Surface;

/**
 * The values of one (set, metric) over a plane's grid, {@code z[iy * nx + ix]}, with {@code NaN} where a point is not
 * computed yet. Thread-safe: the live charts write points from the computation thread and read snapshots on the Swing
 * thread.
 */
public final class Grid {

    private final double[] xs;
    private final double[] ys;
    private final double[] z;
    private final boolean[] done;
    private final int valueIndex;
    private final String label;
    private int count;

    /**
     * An empty grid.
     *
     * @param x          the first direction's axis
     * @param y          the second direction's axis
     * @param valueIndex which of a point's values to keep (see {@code MetricKeys.indexOf})
     * @param label      what the values are, e.g. {@code train/loss}
     */
    public Grid(Axis x, Axis y, int valueIndex, String label) {
        this.xs = x.values();
        this.ys = y.values();
        this.z = new double[xs.length * ys.length];
        this.done = new boolean[z.length];
        Arrays.fill(z, Double.NaN);
        this.valueIndex = valueIndex;
        this.label = label;
    }

    /** A finished grid of a surface's (set, metric). */
    public static Grid of(Surface surface, String set, String metric) {
        Grid g = new Grid(surface.x(), surface.y(), surface.keys().indexOf(set, metric), set + "/" + metric);
        double[] v = surface.flatValues(set, metric);
        synchronized (g) {
            System.arraycopy(v, 0, g.z, 0, v.length);
            Arrays.fill(g.done, true);
            g.count = v.length;
        }
        return g;
    }

    /** A grid with the given values, {@code z[iy][ix]} (for plotting numbers that did not come from the engine). */
    public static Grid of(double[] xs, double[] ys, double[][] z, String label) {
        if (xs.length < 2 || ys.length < 2) {
            throw new IllegalArgumentException("a grid needs >= 2 coordinates per axis, was " + xs.length + " x "
                    + ys.length);
        }
        if (z.length != ys.length) {
            throw new IllegalArgumentException("z must have one row per y, was " + z.length + " rows for "
                    + ys.length + " y values");
        }
        Grid g = new Grid(new Axis(xs[0], xs[xs.length - 1], xs.length, org.landscape4j.engine.Spacing.LINEAR),
                new Axis(ys[0], ys[ys.length - 1], ys.length, org.landscape4j.engine.Spacing.LINEAR), 0, label);
        System.arraycopy(xs, 0, g.xs, 0, xs.length);
        System.arraycopy(ys, 0, g.ys, 0, ys.length);
        for (int iy = 0; iy < ys.length; iy++) {
            if (z[iy].length != xs.length) {
                throw new IllegalArgumentException("z row " + iy + " has " + z[iy].length + " values, expected "
                        + xs.length);
            }
            for (int ix = 0; ix < xs.length; ix++) {
                g.z[iy * xs.length + ix] = z[iy][ix];
                g.done[iy * xs.length + ix] = true;
            }
        }
        g.count = g.z.length;
        return g;
    }

    /** Records a point's value; points of other grids are rejected. */
    public synchronized void put(LandscapePoint p) {
        if (p.index() >= z.length || p.total() != z.length) {
            throw new IllegalArgumentException("point " + p.index() + "/" + p.total() + " does not belong to a "
                    + xs.length + "x" + ys.length + " grid");
        }
        if (!done[p.index()]) {
            count++;
            done[p.index()] = true;
        }
        z[p.index()] = p.value(valueIndex);
    }

    /**
     * Replaces every value (the Explorer draws a view from its own store of every metric): {@code values[i]} is point
     * {@code i}'s value where {@code computed[i]}, elsewhere a preview to draw until it is computed (NaN: none).
     * {@link #snapshot()} and the contours see the computed points only; {@link #previewed} adds the preview.
     */
    synchronized void fill(double[] values, boolean[] computed) {
        if (values.length != z.length || computed.length != z.length) {
            throw new IllegalArgumentException("a " + xs.length + "x" + ys.length + " grid needs " + z.length
                    + " values, got " + values.length + " values and " + computed.length + " flags");
        }
        count = 0;
        for (int i = 0; i < z.length; i++) {
            z[i] = values[i];
            done[i] = computed[i];
            if (computed[i]) {
                count++;
            }
        }
    }

    /** {@code snapshot} (of this grid) with the preview of {@link #fill} where a point is not computed yet. */
    synchronized double[] previewed(double[] snapshot) {
        double[] v = snapshot.clone();
        for (int i = 0; i < v.length; i++) {
            if (!done[i]) {
                v[i] = z[i];
            }
        }
        return v;
    }

    /**
     * The smallest and largest finite value of {@code values}, or {@code null} when none is finite.
     */
    static double[] finiteRange(double[] values) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double z : values) {
            if (Double.isFinite(z)) {
                min = Math.min(min, z);
                max = Math.max(max, z);
            }
        }
        return min <= max ? new double[] {min, max} : null;
    }

    /**
     * The bilinear interpolation of {@code z} (values on this grid, {@code [iy * nx + ix]}) at (x, y), clamped to
     * the grid.
     */
    public double interpolate(double[] z, double x, double y) {
        int ix = cell(xs, x);
        int iy = cell(ys, y);
        double fx = Math.max(0, Math.min(1, (x - xs[ix]) / (xs[ix + 1] - xs[ix])));
        double fy = Math.max(0, Math.min(1, (y - ys[iy]) / (ys[iy + 1] - ys[iy])));
        int nx = xs.length;
        double a = z[iy * nx + ix];
        double b = z[iy * nx + ix + 1];
        double c = z[(iy + 1) * nx + ix];
        double d = z[(iy + 1) * nx + ix + 1];
        return (1 - fy) * ((1 - fx) * a + fx * b) + fy * ((1 - fx) * c + fx * d);
    }

    private static int cell(double[] coords, double v) {
        int i = 0;
        while (i < coords.length - 2 && coords[i + 1] < v) {
            i++;
        }
        return i;
    }

    /** Number of columns (x coordinates). */
    public int nx() {
        return xs.length;
    }

    /** Number of rows (y coordinates). */
    public int ny() {
        return ys.length;
    }

    /** x coordinate of column {@code ix}. */
    public double x(int ix) {
        return xs[ix];
    }

    /** y coordinate of row {@code iy}. */
    public double y(int iy) {
        return ys[iy];
    }

    /** What the values are. */
    public String label() {
        return label;
    }

    /** Points recorded so far. */
    public synchronized int count() {
        return count;
    }

    /**
     * A consistent copy of the values, {@code [iy * nx + ix]}: NaN where not recorded yet; a recorded NaN (a loss that
     * overflowed) becomes +infinity, so it is drawn clipped at the top of the scale rather than as missing.
     */
    public synchronized double[] snapshot() {
        double[] copy = z.clone();
        for (int i = 0; i < copy.length; i++) {
            if (!done[i]) {
                copy[i] = Double.NaN;
            } else if (Double.isNaN(copy[i])) {
                copy[i] = Double.POSITIVE_INFINITY;
            }
        }
        return copy;
    }
}

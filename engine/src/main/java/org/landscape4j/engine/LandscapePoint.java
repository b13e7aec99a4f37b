package org.landscape4j.engine;

import java.util.Arrays;

/**
 * One evaluated point of a landscape, emitted as soon as it is computed.
 *
 * <p>Progress travels with the points: {@link #index()} of {@link #total()}. In a plane, {@code index = iy * nx + ix}
 * (the reference implementation's flat order).
 */
public final class LandscapePoint {

    private final int index;
    private final int sequence;
    private final int total;
    private final int[] gridIndex;
    private final double[] coordinates;
    private final double[] values;
    private final MetricKeys keys;
    private final boolean restored;

    /**
     * A point computed in raster order (its sequence number is its index), e.g. to feed a chart by hand; the arrays are
     * copied.
     *
     * @param index       0-based position in the grid
     * @param total       number of points in the grid
     * @param gridIndex   the index along each axis
     * @param coordinates the coordinate along each direction
     * @param values      one value per (set, metric) in {@code keys} order
     * @param keys        names of the values
     * @throws IllegalArgumentException when the index is outside the grid or the values do not match the keys
     */
    public static LandscapePoint of(int index, int total, int[] gridIndex, double[] coordinates, double[] values,
                                    MetricKeys keys) {
        return new LandscapePoint(index, index, total, gridIndex, coordinates, values, keys, false);
    }

    /**
     * @param index       0-based position in the grid
     * @param sequence    0-based position in the order the points are streamed
     * @param total       number of points in the grid
     * @param gridIndex   the index along each axis
     * @param coordinates the coordinate along each direction
     * @param values      one value per (set, metric) in {@code keys} order
     * @param keys        names of the values
     * @param restored    whether the point was read from a checkpoint instead of computed by this run
     */
    LandscapePoint(int index, int sequence, int total, int[] gridIndex, double[] coordinates,
                   double[] values, MetricKeys keys, boolean restored) {
        if (index < 0 || index >= total) {
            throw new IllegalArgumentException("index must be in [0, " + total + "), was " + index);
        }
        if (sequence < 0 || sequence >= total) {
            throw new IllegalArgumentException("sequence must be in [0, " + total + "), was " + sequence);
        }
        this.sequence = sequence;
        if (values.length != keys.size()) {
            throw new IllegalArgumentException("expected " + keys.size() + " values, got " + values.length);
        }
        this.index = index;
        this.total = total;
        this.gridIndex = gridIndex.clone();
        this.coordinates = coordinates.clone();
        this.values = values.clone();
        this.keys = keys;
        this.restored = restored;
    }

    /**
     * True when this point was read from a checkpoint written by an earlier run (see
     * {@link Landscape#points(java.nio.file.Path)}), false when this run computed it.
     */
    public boolean isRestored() {
        return restored;
    }

    /** Position of this point in the grid, 0-based. */
    public int index() {
        return index;
    }

    /** Position of this point in the order the points are computed: {@code sequence() + 1} points are done. */
    public int sequence() {
        return sequence;
    }

    /** Number of points in the grid. */
    public int total() {
        return total;
    }

    /** Index along axis {@code axis} (0: x, 1: y). */
    public int gridIndex(int axis) {
        return gridIndex[axis];
    }

    /** Coordinate along direction {@code axis} (0: x, 1: y). */
    public double coordinate(int axis) {
        return coordinates[axis];
    }

    /** All coordinates, a fresh array. */
    public double[] coordinates() {
        return coordinates.clone();
    }

    /** Value of a metric on an evaluation set, e.g. {@code value("train", "loss")}. */
    public double value(String set, String metric) {
        return values[keys.indexOf(set, metric)];
    }

    /** Value {@code k} in {@link #keys()} order. */
    public double value(int k) {
        return values[k];
    }

    /** The names of the values. */
    public MetricKeys keys() {
        return keys;
    }

    /** True when every value is finite (the loss may overflow or be NaN far from a minimum). */
    public boolean isFinite() {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** Fraction of the grid done once this point is in, in (0, 1]. */
    public double progress() {
        return (sequence + 1) / (double) total;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("LandscapePoint ").append(sequence + 1).append('/').append(total)
                .append(" at ").append(Arrays.toString(coordinates));
        for (int k = 0; k < values.length; k++) {
            sb.append(' ').append(keys.label(k)).append('=').append(String.format(java.util.Locale.ROOT, "%.6g", values[k]));
        }
        if (restored) {
            sb.append(" (restored)");
        }
        return sb.toString();
    }
}

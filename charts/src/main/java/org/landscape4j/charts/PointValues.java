package org.landscape4j.charts;

import java.util.Arrays;
import java.util.BitSet;

import org.landscape4j.engine.LandscapePoint;
import org.landscape4j.engine.MetricKeys;

/**
 * Every value of every point of one grid (a view's plane or a clicked line) as the points arrive: {@code [key][index]},
 * NaN where not computed. Switching the drawn metric reads another row; nothing is computed again. Thread-safe: the
 * computation writes, the Swing thread reads.
 */
final class PointValues {

    private final MetricKeys keys;
    private final double[][] values;
    private final BitSet done = new BitSet();

    PointValues(MetricKeys keys, int total) {
        this.keys = keys;
        this.values = new double[keys.size()][total];
        for (double[] v : values) {
            Arrays.fill(v, Double.NaN);
        }
    }

    /** A store holding {@code values[key][index]}, every point computed. */
    static PointValues of(MetricKeys keys, double[][] values) {
        PointValues p = new PointValues(keys, values[0].length);
        for (int k = 0; k < values.length; k++) {
            System.arraycopy(values[k], 0, p.values[k], 0, values[k].length);
        }
        p.done.set(0, values[0].length);
        return p;
    }

    /** Records a point of this grid. */
    synchronized void put(LandscapePoint p) {
        if (p.total() != total() || p.keys().size() != keys.size()) {
            throw new IllegalArgumentException("point " + p.index() + "/" + p.total() + " does not belong to a grid of "
                    + total() + " points with " + keys.size() + " values");
        }
        for (int k = 0; k < values.length; k++) {
            values[k][p.index()] = p.value(k);
        }
        done.set(p.index());
    }

    /** The names of the values. */
    MetricKeys keys() {
        return keys;
    }

    /** Number of points of the grid. */
    int total() {
        return values[0].length;
    }

    /** Points computed so far. */
    synchronized int count() {
        return done.cardinality();
    }

    /** Whether point {@code index} is computed. */
    synchronized boolean isDone(int index) {
        return done.get(index);
    }

    /** The computed points' indices, a copy. */
    synchronized BitSet done() {
        return (BitSet) done.clone();
    }

    /** Value {@code key} of point {@code index}; NaN when not computed. */
    synchronized double value(int key, int index) {
        return values[key][index];
    }

    /** Values {@code key} of every point, a copy; NaN where not computed. */
    synchronized double[] row(int key) {
        return values[key].clone();
    }

    /** Every value, {@code [key][index]}, a copy. */
    synchronized double[][] all() {
        double[][] copy = new double[values.length][];
        for (int k = 0; k < values.length; k++) {
            copy[k] = values[k].clone();
        }
        return copy;
    }

    /** Memory held, in bytes (what the Explorer's history budget counts). */
    long bytes() {
        return 8L * values.length * total() + total() / 8 + 64;
    }
}

package org.landscape4j.engine;

/**
 * A finished landscape: a {@link Profile} (one direction) or a {@link Surface} (two directions).
 * Values are held per (evaluation set, metric) in grid order; unfinished points are {@code NaN}.
 */
public abstract sealed class LandscapeResult permits Profile, Surface {

    private final MetricKeys keys;
    /** values[k][index]: value k (see keys) at grid point index. */
    private final double[][] values;
    private final Provenance provenance;

    /** Holds {@code values} (the engine's own arrays, not copied). */
    LandscapeResult(MetricKeys keys, double[][] values, Provenance provenance) {
        this.keys = keys;
        this.values = values;
        this.provenance = provenance;
    }

    /**
     * A deep copy of a caller's {@code values[k][index]}, checked: one row per key, {@code points} values each.
     *
     * @throws IllegalArgumentException naming the row and its length when the shape is wrong
     */
    static double[][] copyOf(MetricKeys keys, double[][] values, int points) {
        if (keys == null || values == null) {
            throw new IllegalArgumentException("keys and values must not be null");
        }
        if (values.length != keys.size()) {
            throw new IllegalArgumentException("expected one row of values per (set, metric) of " + keys + ", i.e. "
                    + keys.size() + ", got " + values.length);
        }
        double[][] copy = new double[values.length][];
        for (int k = 0; k < values.length; k++) {
            if (values[k] == null || values[k].length != points) {
                throw new IllegalArgumentException("row " + k + " of values has "
                        + (values[k] == null ? "no" : Integer.toString(values[k].length)) + " values, the grid has "
                        + points + " points");
            }
            copy[k] = values[k].clone();
        }
        return copy;
    }

    /** The (set, metric) names. */
    public MetricKeys keys() {
        return keys;
    }

    /** How this result was made. */
    public Provenance provenance() {
        return provenance;
    }

    /** Number of grid points. */
    public int size() {
        return values.length == 0 ? 0 : values[0].length;
    }

    /** All values of one (set, metric) in grid order (for a surface, {@code iy * nx + ix}); a fresh array. */
    public double[] flatValues(String set, String metric) {
        return values[keys.indexOf(set, metric)].clone();
    }

    double[] raw(int k) {
        return values[k];
    }

    /** Grid index of the smallest finite value of (set, metric), or -1 if none is finite. */
    public int argMin(String set, String metric) {
        return argMin(values[keys.indexOf(set, metric)]);
    }

    static int argMin(double[] v) {
        int best = -1;
        for (int i = 0; i < v.length; i++) {
            if (Double.isFinite(v[i]) && (best < 0 || v[i] < v[best])) {
                best = i;
            }
        }
        return best;
    }

    static int argMax(double[] v) {
        int best = -1;
        for (int i = 0; i < v.length; i++) {
            if (Double.isFinite(v[i]) && (best < 0 || v[i] > v[best])) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Writes one CSV row per grid point: the coordinates ({@code x}, and {@code y} for a surface), then every
     * (set, metric) as a column named {@code set_metric}. Non-finite values are written as {@code NaN},
     * {@code Infinity} or {@code -Infinity}.
     *
     * @param out where to write; not closed
     */
    public void writeCsv(java.io.Writer out) throws java.io.IOException {
        int dims = coordinates(0).length;
        StringBuilder header = new StringBuilder(dims == 1 ? "x" : "x,y");
        for (int k = 0; k < keys.size(); k++) {
            header.append(',').append(keys.label(k).replace('/', '_'));
        }
        out.write(header.append('\n').toString());
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < size(); i++) {
            row.setLength(0);
            double[] c = coordinates(i);
            for (int d = 0; d < c.length; d++) {
                row.append(d == 0 ? "" : ",").append(c[d]);
            }
            for (double[] v : values) {
                row.append(',').append(v[i]);
            }
            out.write(row.append('\n').toString());
        }
        out.flush();
    }

    /** The coordinates of grid point {@code index}. */
    abstract double[] coordinates(int index);

    /** Coordinates of grid point {@code index}, formatted for summaries. */
    abstract String where(int index);

    /** The first line of {@link #toString()}. */
    abstract String header();

    /** A bounded summary: shape, and per (set, metric) the min and max and where they are. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(header());
        int shown = Math.min(keys.size(), 12);
        for (int k = 0; k < shown; k++) {
            double[] v = values[k];
            int lo = argMin(v);
            int hi = argMax(v);
            int nonFinite = 0;
            for (double x : v) {
                if (!Double.isFinite(x)) {
                    nonFinite++;
                }
            }
            sb.append(String.format(java.util.Locale.ROOT, "%n  %-20s ", keys.label(k)));
            if (lo < 0) {
                sb.append("no finite value");
            } else {
                sb.append(String.format(java.util.Locale.ROOT, "min %.6g at %s, max %.6g at %s", v[lo], where(lo), v[hi], where(hi)));
            }
            if (nonFinite > 0) {
                sb.append(", ").append(nonFinite).append(" non-finite");
            }
        }
        if (shown < keys.size()) {
            sb.append(String.format(java.util.Locale.ROOT, "%n  ... %d more", keys.size() - shown));
        }
        sb.append(String.format(java.util.Locale.ROOT, "%n  %s", provenance));
        return sb.toString();
    }
}

package org.landscape4j.charts;

import java.util.Arrays;

/**
 * The values at which contour lines are drawn.
 *
 * @param values strictly increasing, finite
 */
public record ContourLevels(double[] values) {

    public ContourLevels {
        values = values.clone();
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("contour level " + i + " must be finite, was " + values[i]);
            }
            if (i > 0 && values[i] <= values[i - 1]) {
                throw new IllegalArgumentException("contour levels must increase, was " + Arrays.toString(values));
            }
        }
    }

    /** {@code count} levels evenly spaced strictly between {@code min} and {@code max}. */
    public static ContourLevels linear(double min, double max, int count) {
        check(min, max, count);
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = min + (max - min) * (i + 1) / (count + 1);
        }
        return new ContourLevels(v);
    }

    /**
     * {@code count} levels from {@code min} to {@code max} inclusive, evenly spaced in log scale (the blog seed's
     * {@code exp(linspace(log(min), log(max), count))}); needs {@code 0 < min < max}.
     */
    public static ContourLevels logSpaced(double min, double max, int count) {
        check(min, max, count);
        if (min <= 0) {
            throw new IllegalArgumentException("log-spaced levels need min > 0, was " + min);
        }
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            double t = count == 1 ? 0.5 : (double) i / (count - 1);
            v[i] = Math.exp(Math.log(min) + t * (Math.log(max) - Math.log(min)));
        }
        return new ContourLevels(v);
    }

    private static void check(double min, double max, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("number of contour levels must be >= 1, was " + count);
        }
        if (!Double.isFinite(min) || !Double.isFinite(max) || min >= max) {
            throw new IllegalArgumentException("contour range must be finite with min < max, was " + min + ".." + max);
        }
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    /** Number of levels. */
    public int size() {
        return values.length;
    }

    /** Level {@code i}. */
    public double get(int i) {
        return values[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContourLevels c && Arrays.equals(values, c.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "ContourLevels" + Arrays.toString(values);
    }
}

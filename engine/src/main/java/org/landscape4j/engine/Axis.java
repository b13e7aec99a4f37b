package org.landscape4j.engine;

/**
 * The coordinates along one direction: {@code points} values from {@code min} to {@code max}, both included.
 *
 * @param min     first coordinate, finite
 * @param max     last coordinate, finite and greater than {@code min}
 * @param points  number of coordinates, at least 2
 * @param spacing how the coordinates are spread, not {@code null}
 */
public record Axis(double min, double max, int points, Spacing spacing) {

    public Axis {
        if (Double.isNaN(min) || Double.isInfinite(min)) {
            throw new IllegalArgumentException("grid minimum must be finite, was " + min);
        }
        if (Double.isNaN(max) || Double.isInfinite(max)) {
            throw new IllegalArgumentException("grid maximum must be finite, was " + max);
        }
        if (min >= max) {
            throw new IllegalArgumentException("grid minimum must be < maximum, was min " + min + " >= max " + max);
        }
        if (points < 2) {
            throw new IllegalArgumentException("grid resolution must be >= 2, was " + points);
        }
        if (spacing == null) {
            throw new IllegalArgumentException("spacing must not be null");
        }
    }

    /** A linearly spaced axis. */
    public static Axis linear(double min, double max, int points) {
        return new Axis(min, max, points, Spacing.LINEAR);
    }

    /** This axis with another spacing. */
    public Axis withSpacing(Spacing other) {
        return new Axis(min, max, points, other);
    }

    /** The coordinate at {@code i}, 0-based; the ends are exactly {@code min} and {@code max}. */
    public double value(int i) {
        if (i < 0 || i >= points) {
            throw new IndexOutOfBoundsException("axis index must be in [0, " + points + "), was " + i);
        }
        if (i == 0) {
            return min;
        }
        if (i == points - 1) {
            return max;
        }
        return switch (spacing) {
            case LINEAR -> min + (max - min) * i / (points - 1);
            case CUBIC -> {
                double u = -1.0 + 2.0 * i / (points - 1);
                yield (min + max) / 2 + (max - min) / 2 * u * u * u;
            }
        };
    }

    /** All coordinates, a fresh array. */
    public double[] values() {
        double[] v = new double[points];
        for (int i = 0; i < points; i++) {
            v[i] = value(i);
        }
        return v;
    }

    @Override
    public String toString() {
        return min + ".." + max + " x" + points + (spacing == Spacing.LINEAR ? "" : " " + spacing.name().toLowerCase());
    }
}

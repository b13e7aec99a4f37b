package org.landscape4j.engine;

import java.util.Arrays;
import java.util.Locale;

/**
 * A straight line through a plane's coordinates: the point at {@code t} is the plane's point at coordinates
 * {@code origin + t·step}, for {@code t} on an axis. {@link Landscape#profile(PlaneLine)} computes the 1D profile of a
 * plane along it — through a point of interest along x or y, or from the centre through it — evaluated exactly as the
 * plane's own points are, so where the line meets a grid point of the plane the values are the same, bit for bit.
 *
 * <pre>{@code
 * Profile row = plane.profile(PlaneLine.alongX(0.25, plane.spec().axes().get(0)));   // y = 0.25, every x of the grid
 * }</pre>
 *
 * @param origin the plane's coordinates at {@code t = 0}, two finite values
 * @param step   how the coordinates change per unit of {@code t}, two finite values, not both 0
 * @param t      the line's own coordinate: where its points are
 */
public record PlaneLine(double[] origin, double[] step, Axis t) {

    public PlaneLine {
        check("origin", origin);
        check("step", step);
        if (step[0] == 0 && step[1] == 0) {
            throw new IllegalArgumentException("a line's step must not be (0, 0)");
        }
        if (t == null) {
            throw new IllegalArgumentException("a line needs an axis of t values, was null");
        }
        origin = origin.clone();
        step = step.clone();
    }

    private static void check(String name, double[] v) {
        if (v == null || v.length != 2) {
            throw new IllegalArgumentException("a line's " + name + " needs 2 plane coordinates, was "
                    + (v == null ? "null" : Arrays.toString(v)));
        }
        if (!Double.isFinite(v[0]) || !Double.isFinite(v[1])) {
            throw new IllegalArgumentException("a line's " + name + " must be finite, was " + Arrays.toString(v));
        }
    }

    /** The line {@code y = y} with {@code t = x}: the plane's points {@code (x, y)} for every x of {@code x}. */
    public static PlaneLine alongX(double y, Axis x) {
        return new PlaneLine(new double[] {0, y}, new double[] {1, 0}, x);
    }

    /** The line {@code x = x} with {@code t = y}: the plane's points {@code (x, y)} for every y of {@code y}. */
    public static PlaneLine alongY(double x, Axis y) {
        return new PlaneLine(new double[] {x, 0}, new double[] {0, 1}, y);
    }

    /**
     * The line from the centre {@code (0, 0)} (at {@code t = 0}, the model itself) through {@code (x, y)} (at
     * {@code t = 1}).
     */
    public static PlaneLine throughCentre(double x, double y, Axis t) {
        return new PlaneLine(new double[] {0, 0}, new double[] {x, y}, t);
    }

    /** The plane's coordinates at {@code t}: {@code origin + t·step}. */
    public double[] at(double value) {
        return new double[] {origin[0] + value * step[0], origin[1] + value * step[1]};
    }

    @Override
    public double[] origin() {
        return origin.clone();
    }

    @Override
    public double[] step() {
        return step.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PlaneLine l && Arrays.equals(origin, l.origin) && Arrays.equals(step, l.step)
                && t.equals(l.t);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(origin) + Arrays.hashCode(step)) + t.hashCode();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "line (%s, %s) + t·(%s, %s), t %s", origin[0], origin[1], step[0], step[1],
                t);
    }
}

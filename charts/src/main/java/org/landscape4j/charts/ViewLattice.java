package org.landscape4j.charts;

import java.util.Arrays;
import java.util.BitSet;

import org.landscape4j.engine.Axis;

/**
 * The points of one view's region, {@code x} by {@code y} with x fastest, and how to read them while they fill in:
 * the picture to draw (computed points, the others previewed from the coarse-to-fine order's coarser lattices) and the
 * computed point nearest a position (for the mouse). The values are passed in, as the view holds them at that moment
 * ({@code null} while dropped); this class keeps only the coordinates.
 */
final class ViewLattice {

    private final Axis x;
    private final Axis y;
    private final double[] xs;
    private final double[] ys;

    ViewLattice(Axis x, Axis y) {
        this.x = x;
        this.y = y;
        this.xs = x.values();
        this.ys = y.values();
    }

    int total() {
        return xs.length * ys.length;
    }

    /** The coordinates of point {@code index}. */
    double[] coordinates(int index) {
        return new double[] {xs[index % xs.length], ys[index / xs.length]};
    }

    /**
     * Values {@code key} of {@code v} to draw: the computed points ({@code computed[i]} set), and each point not
     * computed yet previewed by the nearest point of the coarse-to-fine order's coarser lattices (every 8th, 4th, 2nd
     * point), so the picture appears at once and sharpens (NaN where there is none yet, everywhere when {@code v} is
     * {@code null}).
     */
    double[] picture(PointValues v, int key, boolean[] computed) {
        double[] z = new double[total()];
        Arrays.fill(z, Double.NaN);
        Arrays.fill(computed, false);
        if (v == null) {
            return z;
        }
        double[] row = v.row(key);
        BitSet done = v.done();
        int nx = xs.length;
        int ny = ys.length;
        for (int i = 0; i < z.length; i++) {
            computed[i] = done.get(i);
            if (computed[i]) {
                z[i] = row[i];
                continue;
            }
            for (int s = 8; s >= 2; s /= 2) {
                int j = lattice(i / nx, s, ny) * nx + lattice(i % nx, s, nx);
                if (done.get(j)) {
                    z[i] = row[j];
                    break;
                }
            }
        }
        return z;
    }

    /** The multiple of {@code stride} nearest {@code i}, within {@code [0, n)}. */
    private static int lattice(int i, int stride, int n) {
        int a = (int) Math.round(i / (double) stride) * stride;
        return a >= n ? a - stride : a;
    }

    /**
     * The index of the point of {@code v} computed nearest {@code (px, py)} (distances relative to the region's size),
     * or -1 when none is (or {@code v} is {@code null}).
     */
    int nearest(PointValues v, double px, double py) {
        if (v == null) {
            return -1;
        }
        int i = closest(ys, py) * xs.length + closest(xs, px);
        if (v.isDone(i)) {
            return i;
        }
        BitSet done = v.done();
        double wx = x.max() - x.min();
        double wy = y.max() - y.min();
        int best = -1;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int j = done.nextSetBit(0); j >= 0; j = done.nextSetBit(j + 1)) {
            double dx = (xs[j % xs.length] - px) / wx;
            double dy = (ys[j / xs.length] - py) / wy;
            double d = dx * dx + dy * dy;
            if (d < bestDistance) {
                bestDistance = d;
                best = j;
            }
        }
        return best;
    }

    private static int closest(double[] coords, double v) {
        int best = 0;
        for (int i = 1; i < coords.length; i++) {
            if (Math.abs(coords[i] - v) < Math.abs(coords[best] - v)) {
                best = i;
            }
        }
        return best;
    }
}

package org.landscape4j.examples.seeds;

import org.landscape4j.charts.Grid;

/**
 * An optimizer descending a rendered surface (seed 003): Nadam on the bilinear interpolation of a {@link Grid}, with
 * gradients by central differences of the interpolation. The path is in the plane's coordinates.
 */
public final class SurfaceDescent {

    private SurfaceDescent() {
    }

    /**
     * Nadam ({@code β1 = 0.9, β2 = 0.999}) from (x0, y0) for {@code steps} steps, kept inside the grid.
     *
     * @return {@code {xs, ys}} of the path, starting at (x0, y0)
     */
    public static double[][] nadam(Grid g, double x0, double y0, double learningRate, int steps) {
        double[] xs = new double[steps + 1];
        double[] ys = new double[steps + 1];
        xs[0] = x0;
        ys[0] = y0;
        double mx = 0, my = 0, vx = 0, vy = 0;
        double b1 = 0.9, b2 = 0.999, eps = 1e-8;
        double h = (g.x(1) - g.x(0)) / 4;
        double[] z = g.snapshot();
        for (int t = 1; t <= steps; t++) {
            double x = xs[t - 1];
            double y = ys[t - 1];
            double gx = (g.interpolate(z, x + h, y) - g.interpolate(z, x - h, y)) / (2 * h);
            double gy = (g.interpolate(z, x, y + h) - g.interpolate(z, x, y - h)) / (2 * h);
            mx = b1 * mx + (1 - b1) * gx;
            my = b1 * my + (1 - b1) * gy;
            vx = b2 * vx + (1 - b2) * gx * gx;
            vy = b2 * vy + (1 - b2) * gy * gy;
            double c1 = 1 - Math.pow(b1, t);
            double c2 = 1 - Math.pow(b2, t);
            // Nesterov momentum: look ahead with the current gradient
            double nx = (b1 * mx / c1 + (1 - b1) * gx / c1) / (Math.sqrt(vx / c2) + eps);
            double ny = (b1 * my / c1 + (1 - b1) * gy / c1) / (Math.sqrt(vy / c2) + eps);
            xs[t] = clamp(x - learningRate * nx, g.x(0), g.x(g.nx() - 1));
            ys[t] = clamp(y - learningRate * ny, g.y(0), g.y(g.ny() - 1));
        }
        return new double[][] {xs, ys};
    }

    /** The bilinear interpolation of the grid's values at (x, y), clamped to the grid. */
    public static double value(Grid g, double x, double y) {
        return g.interpolate(g.snapshot(), x, y);
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}

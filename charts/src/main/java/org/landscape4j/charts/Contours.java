package org.landscape4j.charts;

import java.util.ArrayList;
import java.util.List;

/**
 * Contour lines of a {@link Grid} by marching squares. Only cells whose four corners are finished and finite are
 * contoured, so a grid that is still filling in gets lines only where they are known.
 */
public final class Contours {

    /** One straight piece of a contour line, in the plane's coordinates. */
    public record Segment(int level, double x1, double y1, double x2, double y2) {
    }

    private Contours() {
    }

    /**
     * The segments of every level.
     *
     * @param values {@code [iy * nx + ix]} as from {@link Grid#snapshot()}
     */
    public static List<Segment> trace(Grid grid, double[] values, ContourLevels levels) {
        List<Segment> out = new ArrayList<>();
        int nx = grid.nx();
        for (int iy = 0; iy + 1 < grid.ny(); iy++) {
            for (int ix = 0; ix + 1 < nx; ix++) {
                double v00 = values[iy * nx + ix];
                double v10 = values[iy * nx + ix + 1];
                double v01 = values[(iy + 1) * nx + ix];
                double v11 = values[(iy + 1) * nx + ix + 1];
                if (!(Double.isFinite(v00) && Double.isFinite(v10) && Double.isFinite(v01) && Double.isFinite(v11))) {
                    continue;
                }
                for (int l = 0; l < levels.size(); l++) {
                    cell(grid, ix, iy, v00, v10, v11, v01, l, levels.get(l), out);
                }
            }
        }
        return out;
    }

    /** Corners counter-clockwise from (ix, iy): a = (0,0), b = (1,0), c = (1,1), d = (0,1). */
    private static void cell(Grid g, int ix, int iy, double a, double b, double c, double d, int level, double t,
                             List<Segment> out) {
        int code = (a > t ? 1 : 0) | (b > t ? 2 : 0) | (c > t ? 4 : 0) | (d > t ? 8 : 0);
        if (code == 0 || code == 15) {
            return;
        }
        double x0 = g.x(ix);
        double x1 = g.x(ix + 1);
        double y0 = g.y(iy);
        double y1 = g.y(iy + 1);
        // crossing points on the four edges: bottom (a-b), right (b-c), top (d-c), left (a-d)
        double[] bottom = {lerp(x0, x1, a, b, t), y0};
        double[] right = {x1, lerp(y0, y1, b, c, t)};
        double[] top = {lerp(x0, x1, d, c, t), y1};
        double[] left = {x0, lerp(y0, y1, a, d, t)};
        switch (code) {
            case 1, 14 -> add(out, level, left, bottom);
            case 2, 13 -> add(out, level, bottom, right);
            case 3, 12 -> add(out, level, left, right);
            case 4, 11 -> add(out, level, right, top);
            case 6, 9 -> add(out, level, bottom, top);
            case 7, 8 -> add(out, level, left, top);
            case 5, 10 -> {
                // saddle: resolve by the cell's mean value
                boolean centreAbove = (a + b + c + d) / 4 > t;
                if ((code == 5) == centreAbove) {
                    add(out, level, left, top);
                    add(out, level, bottom, right);
                } else {
                    add(out, level, left, bottom);
                    add(out, level, right, top);
                }
            }
            default -> throw new IllegalStateException("marching squares case " + code);
        }
    }

    private static double lerp(double p0, double p1, double v0, double v1, double t) {
        double f = (t - v0) / (v1 - v0);
        return p0 + f * (p1 - p0);
    }

    private static void add(List<Segment> out, int level, double[] p, double[] q) {
        out.add(new Segment(level, p[0], p[1], q[0], q[1]));
    }
}

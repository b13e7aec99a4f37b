package org.landscape4j.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The sequence of grid indices ({@code iy * nx + ix}) an {@link Order} visits; every index exactly once. */
final class GridOrder {

    private GridOrder() {
    }

    /**
     * @param order the order
     * @param sizes points per axis (1 or 2 axes)
     * @return the grid indices in visiting order
     */
    public static int[] sequence(Order order, int[] sizes) {
        int nx = sizes[0];
        int ny = sizes.length > 1 ? sizes[1] : 1;
        int total = nx * ny;
        int[] out = new int[total];
        switch (order) {
            case RASTER -> {
                for (int i = 0; i < total; i++) {
                    out[i] = i;
                }
            }
            case COARSE_TO_FINE -> {
                boolean[] seen = new boolean[total];
                int k = 0;
                for (int stride = 8; stride >= 1; stride /= 2) {
                    for (int iy = 0; iy < ny; iy += (ny == 1 ? 1 : stride)) {
                        for (int ix = 0; ix < nx; ix += stride) {
                            int i = iy * nx + ix;
                            if (!seen[i]) {
                                seen[i] = true;
                                out[k++] = i;
                            }
                        }
                    }
                }
            }
            case SPIRAL -> {
                double cx = (nx - 1) / 2.0;
                double cy = (ny - 1) / 2.0;
                List<Integer> idx = new ArrayList<>(total);
                for (int i = 0; i < total; i++) {
                    idx.add(i);
                }
                idx.sort(Comparator.<Integer>comparingDouble(i -> ring(i % nx - cx, i / nx - cy))
                        .thenComparingDouble(i -> angle(i % nx - cx, i / nx - cy)));
                for (int i = 0; i < total; i++) {
                    out[i] = idx.get(i);
                }
            }
            default -> throw new IllegalStateException("order " + order);
        }
        return out;
    }

    private static double ring(double dx, double dy) {
        return Math.ceil(Math.max(Math.abs(dx), Math.abs(dy)) - 1e-9);
    }

    private static double angle(double dx, double dy) {
        double a = Math.atan2(dy, dx);
        return a < 0 ? a + 2 * Math.PI : a;
    }
}

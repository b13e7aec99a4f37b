package org.landscape4j.engine.geometry;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Eigen-decomposition of a small dense symmetric matrix by the cyclic Jacobi method, in double precision: accurate
 * to a few ulps of the largest eigenvalue and simple enough to trust; cost {@code O(n³)} per sweep, meant for the
 * {@code m × m} Gram matrices of trajectories and the tridiagonal matrices of Lanczos (n up to a few hundred).
 *
 * @param values  eigenvalues, sorted descending
 * @param vectors {@code vectors[k]} is the unit eigenvector of {@code values[k]}
 */
record SymmetricEigen(double[] values, double[][] vectors) {

    private static final int MAX_SWEEPS = 100;

    /**
     * Decomposes {@code a}, which is only read; its upper triangle is used.
     *
     * @throws IllegalArgumentException if {@code a} is not square or holds a non-finite value
     */
    static SymmetricEigen of(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) {
                throw new IllegalArgumentException("matrix must be square, row " + i + " has " + a[i].length
                        + " entries, expected " + n);
            }
            m[i] = a[i].clone();
            for (int j = 0; j < n; j++) {
                if (!Double.isFinite(m[i][j])) {
                    throw new IllegalArgumentException("matrix entry (" + i + ", " + j + ") is " + m[i][j]);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                m[i][j] = m[j][i];
            }
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            double diag = 0;
            for (int p = 0; p < n; p++) {
                diag += m[p][p] * m[p][p];
                for (int q = p + 1; q < n; q++) {
                    off += m[p][q] * m[p][q];
                }
            }
            if (off == 0 || off < 1e-32 * diag) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (m[p][q] == 0) {
                        continue;
                    }
                    double theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double kp = m[k][p];
                        double kq = m[k][q];
                        m[k][p] = c * kp - s * kq;
                        m[k][q] = s * kp + c * kq;
                    }
                    for (int k = 0; k < n; k++) {
                        double pk = m[p][k];
                        double qk = m[q][k];
                        m[p][k] = c * pk - s * qk;
                        m[q][k] = s * pk + c * qk;
                    }
                    for (int k = 0; k < n; k++) {
                        double kp = v[k][p];
                        double kq = v[k][q];
                        v[k][p] = c * kp - s * kq;
                        v[k][q] = s * kp + c * kq;
                    }
                }
            }
        }
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> m[i][i]).reversed());
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int k = 0; k < n; k++) {
            int col = order[k];
            values[k] = m[col][col];
            for (int i = 0; i < n; i++) {
                vectors[k][i] = v[i][col];
            }
        }
        return new SymmetricEigen(values, vectors);
    }
}

package org.landscape4j.engine.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Eigen-decomposition of a small dense symmetric matrix in double precision by LAPACK's {@code dsyev}, through ND4J's
 * {@link Eigen#symmetricGeneralizedEigenvalues(INDArray, boolean)} (already on the class path; it replaced a
 * hand-written Jacobi iteration). Meant for the {@code m × m} Gram matrices of trajectories and the tridiagonal
 * matrices of Lanczos (n up to a few hundred). Not API.
 *
 * @param values  eigenvalues, sorted descending
 * @param vectors {@code vectors[k]} is the unit eigenvector of {@code values[k]}
 */
public record SymmetricEigen(double[] values, double[][] vectors) {

    /**
     * The eigenpairs of the symmetric tridiagonal matrix with diagonal {@code alpha} and off-diagonal {@code beta}
     * (one entry shorter, or as long, when its last entry is unused): Lanczos's projected matrix.
     */
    public static SymmetricEigen ofTridiagonal(java.util.List<Double> alpha, java.util.List<Double> beta) {
        int m = alpha.size();
        double[][] t = new double[m][m];
        for (int i = 0; i < m; i++) {
            t[i][i] = alpha.get(i);
            if (i + 1 < m) {
                t[i][i + 1] = beta.get(i);
                t[i + 1][i] = beta.get(i);
            }
        }
        return of(t);
    }

    /**
     * Decomposes {@code a}, which is only read; its upper triangle is used.
     *
     * @throws IllegalArgumentException if {@code a} is not square or holds a non-finite value
     */
    public static SymmetricEigen of(double[][] a) {
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
        if (n == 0) {
            return new SymmetricEigen(new double[0], new double[0][]);
        }
        // dsyev overwrites the matrix with the eigenvectors (as columns) and returns the eigenvalues ascending
        INDArray matrix = Nd4j.createFromArray(m).castTo(DataType.DOUBLE).dup('f');
        double[] ascending = Eigen.symmetricGeneralizedEigenvalues(matrix, true).toDoubleVector();
        double[] values = new double[n];
        double[][] vectors = new double[n][];
        for (int k = 0; k < n; k++) {
            values[k] = ascending[n - 1 - k];
            vectors[k] = matrix.getColumn(n - 1 - k).toDoubleVector();
        }
        return new SymmetricEigen(values, vectors);
    }
}

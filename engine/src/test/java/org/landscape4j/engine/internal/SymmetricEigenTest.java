package org.landscape4j.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

    @Test
    void knownTwoByTwo() {
        // [[2, 1], [1, 2]]: eigenvalues 3 and 1, eigenvectors (1, 1)/√2 and (1, −1)/√2
        SymmetricEigen e = SymmetricEigen.of(new double[][] {{2, 1}, {1, 2}});
        assertThat(e.values()).containsExactly(new double[] {3, 1}, within(1e-15));
        double r = Math.sqrt(0.5);
        assertThat(Math.abs(e.vectors()[0][0])).isCloseTo(r, within(1e-15));
        assertThat(e.vectors()[0][0] * e.vectors()[0][1]).isCloseTo(0.5, within(1e-15));
        assertThat(e.vectors()[1][0] * e.vectors()[1][1]).isCloseTo(-0.5, within(1e-15));
    }

    @Test
    void randomMatrixIsReconstructedFromItsDecomposition() {
        Random random = new Random(4);
        int n = 12;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                a[i][j] = random.nextGaussian();
                a[j][i] = a[i][j];
            }
        }
        SymmetricEigen e = SymmetricEigen.of(a);
        for (int k = 1; k < n; k++) {
            assertThat(e.values()[k]).isLessThanOrEqualTo(e.values()[k - 1]);
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double identity = 0;
                for (int k = 0; k < n; k++) {
                    sum += e.values()[k] * e.vectors()[k][i] * e.vectors()[k][j];
                    identity += e.vectors()[i][k] * e.vectors()[j][k];
                }
                assertThat(sum).as("A[%d][%d]", i, j).isCloseTo(a[i][j], within(1e-12));
                assertThat(identity).as("VVᵀ[%d][%d]", i, j).isCloseTo(i == j ? 1 : 0, within(1e-12));
            }
        }
    }
}

package org.landscape4j.engine.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.landscape4j.engine.internal.FlatVectors;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TrajectoryPcaTest {

    static double cosine(INDArray a, double[] b) {
        double[] x = a.toDoubleVector();
        return FlatVectors.dot(x, b) / (FlatVectors.norm(x) * FlatVectors.norm(b));
    }

    @Test
    void knownAnswerInThreeDimensions() {
        List<INDArray> snapshots = List.of(Nd4j.createFromArray(3.0, 1.0, 1.0), Nd4j.createFromArray(1.0, 0.0, 1.0),
                Nd4j.createFromArray(1.0, 1.0, 1.0));
        TrajectoryPca pca = TrajectoryPca.of(snapshots);

        // differences (2, 0, 0) and (0, −1, 0): Gram diag(4, 1)
        assertThat(pca.explainedVarianceRatios()).containsExactly(new double[] {0.8, 0.2}, within(1e-15));
        assertThat(pca.component(0).toDoubleVector()).containsExactly(new double[] {1, 0, 0}, within(1e-15));
        assertThat(pca.component(1).toDoubleVector()).containsExactly(new double[] {0, -1, 0}, within(1e-15));
        assertThat(pca.coordinates()).isDeepEqualTo(new double[][] {{2, 0}, {0, 1}, {0, 0}});
        assertThat(pca.origin().toDoubleVector()).containsExactly(1.0, 1.0, 1.0);
    }

    @Test
    void recoversTwoOrthogonalDirectionsOfASyntheticTrajectory() {
        Random r = new Random(5);
        int p = 2000;
        double[] u = new double[p];
        double[] v = new double[p];
        double[] end = new double[p];
        for (int i = 0; i < p; i++) {
            u[i] = r.nextGaussian();
            v[i] = r.nextGaussian();
            end[i] = r.nextGaussian();
        }
        FlatVectors.scale(1 / FlatVectors.norm(u), u);
        FlatVectors.axpy(-FlatVectors.dot(u, v), u, v);
        FlatVectors.scale(1 / FlatVectors.norm(v), v);

        // a curved path: a large decay along u, a bump along v, tiny noise everywhere; float32 like a network.
        // The bump is made orthogonal to the decay (as sequences over the snapshots), otherwise the principal
        // directions are rotated combinations of u and v and PCA rightly would not return u and v themselves.
        int m = 25;
        double[] a = new double[m];
        double[] b = new double[m];
        for (int s = 0; s < m; s++) {
            double t = s / (m - 1.0);
            a[s] = 5 * Math.pow(1 - t, 2);
            b[s] = 1.5 * Math.sin(Math.PI * t);
        }
        FlatVectors.axpy(-FlatVectors.dot(a, b) / FlatVectors.dot(a, a), a, b);
        List<INDArray> snapshots = new ArrayList<>();
        for (int s = 0; s < m; s++) {
            float[] x = new float[p];
            for (int i = 0; i < p; i++) {
                double noise = s == m - 1 ? 0 : 1e-4 * r.nextGaussian();
                x[i] = (float) (end[i] + a[s] * u[i] + b[s] * v[i] + noise);
            }
            snapshots.add(Nd4j.createFromArray(x).reshape(1, p));
        }

        TrajectoryPca pca = TrajectoryPca.of(snapshots, 2);
        assertThat(Math.abs(cosine(pca.component(0), u))).isGreaterThan(0.99);
        assertThat(Math.abs(cosine(pca.component(1), v))).isGreaterThan(0.99);
        double[] ratios = pca.explainedVarianceRatios();
        assertThat(ratios[0] + ratios[1]).isGreaterThan(0.99);
        assertThat(ratios[0]).isGreaterThan(ratios[1]);
        double[][] coords = pca.coordinates();
        assertThat(coords[0][0]).as("the path starts on the positive side").isPositive();
        assertThat(coords[m - 1]).containsExactly(0, 0);
        // the PCA plane holds the path: small residuals
        Projection.Projected q = pca.projection().project(snapshots.get(m / 2));
        assertThat(q.relativeResidual()).isLessThan(0.01);
        assertThat(q.x()).isCloseTo(coords[m / 2][0], within(1e-6));
    }

    @Test
    void fewerThanThreeSnapshotsAreRejectedBeforeWork() {
        assertThatThrownBy(() -> TrajectoryPca.of(List.of(Nd4j.zeros(1, 3), Nd4j.ones(1, 3))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a trajectory needs at least 3 snapshots, had 2");
    }

    @Test
    void tooManyComponentsAreRejected() {
        List<INDArray> snapshots = List.of(Nd4j.zeros(1, 3), Nd4j.ones(1, 3), Nd4j.ones(1, 3).mul(3));
        assertThatThrownBy(() -> TrajectoryPca.of(snapshots, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k must be between 1 and the number of snapshots − 1 = 2, was 3");
    }

    @Test
    void aStraightTrajectoryHasOnlyOneComponent() {
        List<INDArray> snapshots = List.of(Nd4j.createFromArray(2.0, 2.0), Nd4j.createFromArray(1.0, 1.0),
                Nd4j.createFromArray(0.0, 0.0));
        assertThat(TrajectoryPca.of(snapshots, 1).explainedVarianceRatios()).containsExactly(1.0);
        assertThatThrownBy(() -> TrajectoryPca.of(snapshots, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("span 1 dimension(s)");
    }

    @Test
    void differentLengthsAreRejected() {
        assertThatThrownBy(() -> TrajectoryPca.of(List.of(Nd4j.zeros(1, 3), Nd4j.ones(1, 3), Nd4j.ones(1, 4))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("snapshots[2] 4");
    }

    /** Centred PCA against a covariance matrix built and power-iterated independently, in 3 dimensions. */
    @Test
    void centredComponentsAreTheTopEigenvectorOfTheCovarianceOfTheDifferences() {
        double[][] points = {{4, 1, 0}, {3, 1.5, 0.2}, {2.5, 2.5, 0.1}, {1, 2, -0.3}, {0, 0, 0}};
        List<INDArray> snapshots = new ArrayList<>();
        for (double[] p : points) {
            snapshots.add(Nd4j.createFromArray(p).reshape(1, 3));
        }
        double[] mean = new double[3];
        for (double[] p : points) {
            for (int d = 0; d < 3; d++) {
                mean[d] += p[d] / points.length;
            }
        }
        double[][] cov = new double[3][3];
        for (double[] p : points) {
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    cov[a][b] += (p[a] - mean[a]) * (p[b] - mean[b]);
                }
            }
        }
        double[] v = {1, 1, 1};
        for (int it = 0; it < 500; it++) {
            double[] w = new double[3];
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    w[a] += cov[a][b] * v[b];
                }
            }
            double n = Math.sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
            for (int a = 0; a < 3; a++) {
                v[a] = w[a] / n;
            }
        }

        TrajectoryPca centred = TrajectoryPca.of(snapshots, 2, true);
        TrajectoryPca uncentred = TrajectoryPca.of(snapshots, 2, false);
        double[] c = centred.component(0).toDoubleVector();
        double cos = Math.abs(c[0] * v[0] + c[1] * v[1] + c[2] * v[2]);
        double[] u = uncentred.component(0).toDoubleVector();
        double cosUncentred = Math.abs(u[0] * v[0] + u[1] * v[1] + u[2] * v[2]);

        assertThat(cos).isGreaterThan(0.9999);
        assertThat(cosUncentred).as("the uncentred first component is another direction here").isLessThan(0.99);
        assertThat(centred.coordinates()[4]).containsExactly(new double[] {0, 0}, within(1e-12));
        assertThat(centred.explainedVarianceRatios()[0] + centred.explainedVarianceRatios()[1])
                .isLessThanOrEqualTo(1 + 1e-12);
    }
}

package org.landscape4j.engine.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PlaneThroughModelsTest {

    static INDArray gaussian(Random r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return Nd4j.createFromArray(v).reshape(1, n);
    }

    static double dot(INDArray a, INDArray b) {
        double[] x = a.toDoubleVector();
        double[] y = b.toDoubleVector();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    static double relativeError(INDArray actual, INDArray expected) {
        INDArray e = expected.castTo(DataType.DOUBLE);
        INDArray diff = actual.castTo(DataType.DOUBLE).sub(e);
        return Math.sqrt(dot(diff, diff)) / Math.sqrt(dot(e, e));
    }

    @Test
    void basisIsOrthonormal() {
        Random r = new Random(1);
        PlaneThroughModels plane = PlaneThroughModels.through(gaussian(r, 500, 1), gaussian(r, 500, 1),
                gaussian(r, 500, 1));
        assertThat(dot(plane.d1(), plane.d1())).isCloseTo(1.0, within(1e-6));
        assertThat(dot(plane.d2(), plane.d2())).isCloseTo(1.0, within(1e-6));
        assertThat(dot(plane.d1(), plane.d2())).isCloseTo(0.0, within(1e-6));
    }

    @Test
    void threeModelsReconstructFromTheirCoordinates() {
        Random r = new Random(2);
        INDArray a = gaussian(r, 300, 0.5);
        // B and C close to A and to each other, as trained networks are: differences small against |A|
        INDArray b = a.add(gaussian(r, 300, 0.05));
        INDArray c = a.add(gaussian(r, 300, 0.05)).add(b.sub(a).mul(0.8));
        PlaneThroughModels plane = PlaneThroughModels.through(a, b, c);

        assertThat(plane.a()).isEqualTo(new PlaneThroughModels.Coordinates(0, 0));
        assertThat(plane.b().y()).isEqualTo(0.0);
        assertThat(relativeError(plane.point(plane.a()), a)).isLessThan(1e-5);
        assertThat(relativeError(plane.point(plane.b()), b)).isLessThan(1e-5);
        assertThat(relativeError(plane.point(plane.c()), c)).isLessThan(1e-5);
    }

    @Test
    void knownAnswerInThreeDimensions() {
        INDArray a = Nd4j.createFromArray(1.0, 1.0, 1.0);
        INDArray b = Nd4j.createFromArray(3.0, 1.0, 1.0);
        INDArray c = Nd4j.createFromArray(2.0, 4.0, 1.0);
        PlaneThroughModels plane = PlaneThroughModels.through(a, b, c);

        assertThat(plane.b().x()).isCloseTo(2.0, within(1e-15));
        assertThat(plane.c().x()).isCloseTo(1.0, within(1e-15));
        assertThat(plane.c().y()).isCloseTo(3.0, within(1e-15));
        assertThat(plane.d1().toDoubleVector()).containsExactly(1.0, 0.0, 0.0);
        assertThat(plane.d2().toDoubleVector()).containsExactly(0.0, 1.0, 0.0);
        assertThat(plane.origin().toDoubleVector()).containsExactly(1.0, 1.0, 1.0);
    }

    @Test
    void accessorsReturnCopies() {
        PlaneThroughModels plane = PlaneThroughModels.through(Nd4j.createFromArray(0.0, 0.0),
                Nd4j.createFromArray(1.0, 0.0), Nd4j.createFromArray(0.0, 1.0));
        plane.d1().assign(7);
        plane.origin().assign(7);
        assertThat(plane.d1().toDoubleVector()).containsExactly(1.0, 0.0);
        assertThat(plane.origin().toDoubleVector()).containsExactly(0.0, 0.0);
    }

    @Test
    void differentLengthsAreRejectedWithTheLengths() {
        assertThatThrownBy(() -> PlaneThroughModels.through(Nd4j.zeros(1, 4), Nd4j.ones(1, 4), Nd4j.ones(1, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same number of parameters")
                .hasMessageContaining("4, 4 and 5");
    }

    @Test
    void collinearModelsAreRejectedWithTheCosine() {
        INDArray a = Nd4j.createFromArray(0.0, 0.0, 0.0);
        INDArray b = Nd4j.createFromArray(1.0, 2.0, 3.0);
        INDArray c = Nd4j.createFromArray(-2.0, -4.0, -6.000001);
        assertThatThrownBy(() -> PlaneThroughModels.through(a, b, c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("collinear")
                .hasMessageContaining("cos(B − A, C − A) = -0.99999");
    }

    @Test
    void coincidentModelsAreRejected() {
        INDArray a = Nd4j.createFromArray(1.0, 2.0);
        assertThatThrownBy(() -> PlaneThroughModels.through(a, a.dup(), Nd4j.createFromArray(0.0, 1.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("B equals A");
    }

    @Test
    void constructorRejectsANonOrthonormalBasis() {
        var zero = new PlaneThroughModels.Coordinates(0, 0);
        assertThatThrownBy(() -> new PlaneThroughModels(Nd4j.zeros(1, 2), Nd4j.createFromArray(1.0, 0.0),
                Nd4j.createFromArray(1.0, 1.0), zero, zero, zero))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orthonormal")
                .hasMessageContaining("d1·d2 = 1.0");
    }
}

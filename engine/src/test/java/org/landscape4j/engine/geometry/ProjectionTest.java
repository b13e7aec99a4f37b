package org.landscape4j.engine.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ProjectionTest {

    @Test
    void knownAnswerInThreeDimensions() {
        // plane z = 0 spanned by non-orthogonal (1, 1, 0) and (0, 1, 0); p = 1·d1 + 1·d2 + 3·e_z
        Projection p = Projection.onto(Nd4j.zeros(3), Nd4j.createFromArray(1.0, 1.0, 0.0),
                Nd4j.createFromArray(0.0, 1.0, 0.0));
        Projection.Projected q = p.project(Nd4j.createFromArray(1.0, 2.0, 3.0));
        assertThat(q.x()).isCloseTo(1.0, within(1e-12));
        assertThat(q.y()).isCloseTo(1.0, within(1e-12));
        assertThat(q.residual()).isCloseTo(3.0, within(1e-12));
        assertThat(q.relativeResidual()).isCloseTo(3.0 / Math.sqrt(14), within(1e-12));
    }

    @Test
    void pointInThePlaneHasZeroResidualAndItsCoordinates() {
        Random r = new Random(3);
        int n = 200;
        INDArray origin = Nd4j.randn(r.nextLong(), new long[] {1, n});
        INDArray d1 = Nd4j.randn(r.nextLong(), new long[] {1, n});
        INDArray d2 = Nd4j.randn(r.nextLong(), new long[] {1, n}).add(d1.mul(0.6)); // not orthogonal
        INDArray point = origin.add(d1.mul(0.7)).add(d2.mul(-1.3));

        Projection.Projected q = Projection.onto(origin, d1, d2).project(point);
        assertThat(q.x()).isCloseTo(0.7, within(1e-5));
        assertThat(q.y()).isCloseTo(-1.3, within(1e-5));
        assertThat(q.relativeResidual()).isLessThan(1e-6);
    }

    @Test
    void pointOffThePlaneHasTheExactResidual() {
        // origin (1, 2, 3, 4), directions in the first two axes; the offset along axes 3 and 4 is (3, 4): residual 5
        INDArray origin = Nd4j.createFromArray(1.0, 2.0, 3.0, 4.0);
        INDArray d1 = Nd4j.createFromArray(2.0, 0.0, 0.0, 0.0);
        INDArray d2 = Nd4j.createFromArray(1.0, 1.0, 0.0, 0.0);
        INDArray point = origin.add(Nd4j.createFromArray(0.0, 1.0, 3.0, 4.0));

        Projection.Projected q = Projection.onto(origin, d1, d2).project(point);
        assertThat(q.x()).isCloseTo(-0.5, within(1e-12));
        assertThat(q.y()).isCloseTo(1.0, within(1e-12));
        assertThat(q.residual()).isCloseTo(5.0, within(1e-12));
        assertThat(q.relativeResidual()).isCloseTo(5.0 / Math.sqrt(26), within(1e-12));
    }

    @Test
    void theOriginProjectsToZeroWithZeroRelativeResidual() {
        INDArray origin = Nd4j.createFromArray(1.0, 2.0, 3.0);
        List<Projection.Projected> q = Projection.onto(origin, Nd4j.createFromArray(1.0, 0.0, 0.0),
                Nd4j.createFromArray(0.0, 1.0, 0.0)).projectAll(List.of(origin));
        assertThat(q).containsExactly(new Projection.Projected(0, 0, 0, 0));
    }

    @Test
    void planeThroughModelsProjectsItsOwnModels() {
        INDArray a = Nd4j.createFromArray(1.0, 1.0, 1.0);
        INDArray b = Nd4j.createFromArray(3.0, 1.0, 1.0);
        INDArray c = Nd4j.createFromArray(2.0, 4.0, 1.0);
        Projection.Projected q = PlaneThroughModels.through(a, b, c).projection().project(c);
        assertThat(q.x()).isCloseTo(1.0, within(1e-12));
        assertThat(q.y()).isCloseTo(3.0, within(1e-12));
        assertThat(q.residual()).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void parallelDirectionsAreRejectedWithTheCosine() {
        assertThatThrownBy(() -> Projection.onto(Nd4j.zeros(2), Nd4j.createFromArray(1.0, 2.0),
                Nd4j.createFromArray(-2.0, -4.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parallel")
                .hasMessageContaining("cos(d1, d2) = -0.99999");
    }

    @Test
    void pointOfAnotherLengthIsRejected() {
        Projection p = Projection.onto(Nd4j.zeros(2), Nd4j.createFromArray(1.0, 0.0), Nd4j.createFromArray(0.0, 1.0));
        assertThatThrownBy(() -> p.project(Nd4j.zeros(3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("point has 3 entries, the plane 2");
    }
}

package org.landscape4j.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.geometry.PolygonalChain;
import org.nd4j.linalg.dataset.DataSet;

/** What the spec refuses when it is built, before anything runs (issue 11, items 7 and 8). */
class SpecValidationTest {

    private static DataSet data;
    private static MultiLayerNetwork mlp;

    @BeforeAll
    static void train() {
        data = Fixtures.blobs(30, 1);
        mlp = Fixtures.mlp(data, 2);
    }

    private static LandscapeSpec spec(Directions directions, Axis... axes) {
        return new LandscapeSpec(mlp, directions, 1, List.of(axes), List.of(EvaluationSet.of("train", data)),
                List.of());
    }

    @Test
    void aCurvesTAxisOutsideZeroToOneIsRefusedWhenBuilt() {
        Directions.CurvePath curve = Directions.curve(PolygonalChain.ONE_BEND,
                List.of(mlp.params().dup(), mlp.params().dup(), mlp.params().dup()));

        assertThatThrownBy(() -> spec(curve, Axis.linear(-0.5, 1, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a curve's t runs from 0 to 1, the axis runs from -0.5 to 1.0");
        assertThatThrownBy(() -> spec(curve, Axis.linear(0, 1.25, 5)))
                .hasMessage("a curve's t runs from 0 to 1, the axis runs from 0.0 to 1.25");
    }

    @Test
    void aGridTooLargeToHoldIsRefusedNamingItsSizeAndTheLimit() {
        Axis huge = Axis.linear(-1, 1, 100_000);

        assertThatThrownBy(() -> spec(RandomDirections.FILTER_NORMALIZED, huge, huge))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a grid of 10000000000 points (100000 x 100000) is too large: at most 4194304 points"
                        + " (2048 x 2048)");
    }

    @Test
    void aLongLineIsFine() {
        spec(RandomDirections.FILTER_NORMALIZED, Axis.linear(-1, 1, 100_000));
    }
}

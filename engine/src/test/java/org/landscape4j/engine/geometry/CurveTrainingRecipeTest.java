package org.landscape4j.engine.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Fixtures;
import org.landscape4j.engine.geometry.CurveTrainer.Options;
import org.landscape4j.engine.geometry.CurveTrainer.Progress;
import org.landscape4j.engine.geometry.CurveTrainer.Schedule;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Garipov et al.'s recipe: epochs of shuffled batches, a new t per batch, a decaying learning rate. */
class CurveTrainingRecipeTest {

    private static DataSet data;
    private static MultiLayerNetwork a;
    private static MultiLayerNetwork b;

    @BeforeAll
    static void minima() {
        data = Fixtures.blobs(90, 8);
        a = CurveTest.trained(data, 1);
        b = CurveTest.trained(data, 2);
    }

    @Test
    void decayingScheduleIsGaripovsFullRateThenLinearToOnePercent() {
        double[] factors = new double[10];
        for (int e = 0; e < 10; e++) {
            factors[e] = Schedule.DECAYING.factor(e, 10);
        }
        // alpha = e / 10: <= 0.5 full, then 1 - (alpha - 0.5) / 0.4 * 0.99 up to 0.9, then 0.01
        assertThat(factors).containsExactly(new double[] {1, 1, 1, 1, 1, 1, 1 - 0.25 * 0.99, 1 - 0.5 * 0.99,
            1 - 0.75 * 0.99, 0.01}, within(1e-12));
        assertThat(Schedule.CONSTANT.factor(9, 10)).isEqualTo(1);
    }

    @Test
    void everyEpochVisitsEveryExampleInBatchesAndReportsItsMeanSampledLoss() {
        // 90 examples in batches of 25: 25, 25, 25, 15
        Options options = new Options(3, 25, 0.01, Schedule.DECAYING, 5);
        List<Progress> steps = CurveTrainer.training(PolygonalChain.ONE_BEND, a, data, a.params(), b.params(),
                options).collectList().block();

        assertThat(steps).hasSize(12);
        assertThat(steps).extracting(Progress::epoch).containsExactly(1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
        assertThat(steps).extracting(Progress::endOfEpoch).containsExactly(false, false, false, true, false, false,
                false, true, false, false, false, true);
        for (int e = 0; e < 3; e++) {
            List<Progress> epoch = steps.subList(4 * e, 4 * e + 4);
            double mean = (25 * (epoch.get(0).loss() + epoch.get(1).loss() + epoch.get(2).loss())
                    + 15 * epoch.get(3).loss()) / 90;
            assertThat(epoch.get(3).epochLoss()).as("epoch %d", e + 1).isCloseTo(mean, within(1e-12));
            assertThat(epoch).allMatch(p -> p.learningRate() == 0.01 * Schedule.DECAYING.factor(p.epoch() - 1, 3));
        }
        assertThat(steps.get(11).learningRate()).isCloseTo(0.01 * (1 - (2.0 / 3 - 0.5) / 0.4 * 0.99), within(1e-15));
        assertThat(steps.get(11).anchors()).hasSize(3);
    }

    @Test
    void aBatchAsLargeAsTheDataIsTheFullBatchStep() {
        List<INDArray> full = CurveTrainer.train(PolygonalChain.ONE_BEND, a, data, a.params(), b.params(),
                new Options(4, Options.FULL_BATCH, 0.02, Schedule.CONSTANT, 3));
        List<INDArray> ninety = CurveTrainer.train(PolygonalChain.ONE_BEND, a, data, a.params(), b.params(),
                new Options(4, 90, 0.02, Schedule.CONSTANT, 3));
        List<INDArray> legacy = CurveTrainer.train(PolygonalChain.ONE_BEND, a, data, a.params(), b.params(),
                new Options(4, 0.02, 3));

        assertThat(ninety.get(1).toDoubleVector()).containsExactly(full.get(1).toDoubleVector());
        assertThat(legacy.get(1).toDoubleVector()).containsExactly(full.get(1).toDoubleVector());
    }

    @Test
    void batchGradientsMatchTheFullGradientOnTheSameExamples() {
        // the batch path and the whole-set path are the same gradient when the batch is the whole set, reordered
        LossGradients g = new LossGradients(a, data);
        try {
            double[] theta = a.params().toDoubleVector();
            int[] reversed = new int[90];
            for (int i = 0; i < 90; i++) {
                reversed[i] = 89 - i;
            }
            INDArray x = data.getFeatures().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                    .getRows(reversed);
            INDArray y = data.getLabels().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).getRows(reversed);
            assertThat(g.at(theta, x, y)).containsExactly(g.at(theta), within(1e-12));
        } finally {
            g.close();
        }
    }

    @Test
    void theDefaultRecipeRemovesTheBarrierAndRepeatsBitForBit() {
        Options options = Options.defaults().withEpochs(80).withLearningRate(0.02);
        List<INDArray> chain = CurveTrainer.train(PolygonalChain.ONE_BEND, a, data, a.params(), b.params(), options);
        List<INDArray> again = CurveTrainer.train(PolygonalChain.ONE_BEND, a, data, a.params(), b.params(), options);
        double[] line = CurveTrainer.lossAlong(new BezierCurve(1), List.of(a.params(), b.params()), a, data, 21);
        double[] along = CurveTrainer.lossAlong(PolygonalChain.ONE_BEND, chain, a, data, 21);

        double ends = Math.max(line[0], line[20]);
        double lineMax = Arrays.stream(line).max().orElseThrow();
        double chainMax = Arrays.stream(along).max().orElseThrow();
        assertThat(lineMax).as("the straight line has a barrier").isGreaterThan(ends + 0.05);
        assertThat(chainMax - ends).as("chain barrier %s vs line barrier %s", chainMax - ends, lineMax - ends)
                .isLessThan(0.25 * (lineMax - ends));
        assertThat(again.get(1).toDoubleVector()).containsExactly(chain.get(1).toDoubleVector());
    }

    @Test
    void badOptionsAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> new Options(0, 32, 0.01, Schedule.DECAYING, 1))
                .hasMessage("epochs must be >= 1, was 0");
        assertThatThrownBy(() -> Options.defaults().withBatchSize(0)).hasMessage("batchSize must be >= 1, was 0");
        assertThatThrownBy(() -> Options.defaults().withSchedule(null)).hasMessage("schedule must not be null");
        assertThatThrownBy(() -> Options.defaults().withLearningRate(Double.NaN))
                .hasMessage("learningRate must be finite and > 0, was NaN");
    }
}

package org.landscape4j.engine.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Fixtures;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.internal.NetworkEvaluator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** The per-step profile times every step that does work, in plan order, and computes what an untimed run does. */
class PlanWorkerProfileTest {

    private final DataSet data = Fixtures.images(24, 7);
    private final MultiLayerNetwork cnn = Fixtures.cnn(data, 2);
    private final Batch batch = new Batch(new INDArray[] {data.getFeatures()}, new INDArray[] {data.getLabels()}, 24);
    private final List<List<Batch>> batches = List.of(List.of(batch));
    private final InferencePlan plan = InferencePlan.compile(cnn, batch);

    @Test
    void aProfileHasOneTimeForEveryWorkingStepAndTheHeadsAndLeavesTheNumbersAsTheyWere() {
        PlanWorker worker = plan.newWorker(NetworkEvaluator.copyOf(cnn), batches, false, -1, null);
        double[] w = {1};
        double loss = worker.run(0, 0, w).loss();

        List<Integer> marks = new ArrayList<>();
        List<PlanWorker.StepTime> times = worker.profile(0, 0, w, marks::add);

        assertThat(plan.toString())
                .isEqualTo("6 steps (conv2d, batchnorm, maxpool2d, flatten, dense, output), channels-last,"
                        + " convolutions by oneDNN");
        assertThat(times).extracting(PlanWorker.StepTime::kind)
                .containsExactly("conv2d", "batchnorm", "maxpool2d", "flatten", "dense", "output + loss");
        assertThat(times.get(0).source()).isEqualTo("layer 0 'conv' (ConvolutionLayer)");
        assertThat(times).allSatisfy(t -> assertThat(t.nanos()).isPositive());
        assertThat(marks).containsExactlyElementsOf(times.stream().map(PlanWorker.StepTime::step).toList());
        assertThat(worker.run(0, 0, w).loss()).isEqualTo(loss);
        worker.close();
    }

    @Test
    void aFactorizedFirstStepSaysSo() {
        int step = plan.factorizableStep();
        INDArray[] anchors = {cnn.params(), cnn.params().mul(0.1)};
        PlanWorker worker = plan.newWorker(NetworkEvaluator.copyOf(cnn), batches, false, step,
                FirstLayerProducts.compute(plan, step, cnn, anchors, batches));

        assertThat(worker.profile(0, 0, new double[] {1, 0})).extracting(PlanWorker.StepTime::kind)
                .containsExactly("conv2d (factorized)", "batchnorm", "maxpool2d", "flatten", "dense",
                        "output + loss");
        worker.close();
    }
}

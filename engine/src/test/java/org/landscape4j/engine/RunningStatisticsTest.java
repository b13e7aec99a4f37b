package org.landscape4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.geometry.PolygonalChain;
import org.landscape4j.engine.geometry.TrajectoryRecorder;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.engine.parameters.ParameterRole;
import org.landscape4j.engine.parameters.ParameterSegment;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Batch-norm running statistics stay the centre's at every point of every direction source unless the directions ask
 * for "states" (issue 19, section 2): random, given vectors, interpolation, planes through models and through a
 * curve, PCA (of the flat vectors and of the parameters), Hessian eigenvectors, curves, the asymmetric planes. Each
 * on a Dense -> batch norm -> output network whose models have different statistics; each point's parameters (as the
 * evaluators write them) are compared with the centre's, and the loss at a corner with DL4J's at those parameters.
 */
class RunningStatisticsTest {

    private static DataSet data;
    private static MultiLayerNetwork a;
    private static MultiLayerNetwork b;
    private static MultiLayerNetwork c;
    private static List<ParameterSegment> statistics;

    private static MultiLayerNetwork batchNormMlp(int seed, int epochs) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed)
                .dataType(DataType.FLOAT).updater(new Adam(0.05)).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().name("dense").nIn(4).nOut(5).activation(Activation.TANH).build())
                .layer(new BatchNormalization.Builder().name("bn").build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(4)).build());
        net.init();
        for (int i = 0; i < epochs; i++) {
            net.fit(data);
        }
        return net;
    }

    @BeforeAll
    static void train() {
        data = Fixtures.blobs(45, 4);
        a = batchNormMlp(3, 20);
        b = batchNormMlp(9, 20);
        c = batchNormMlp(5, 12);
        statistics = ParameterLayout.of(a).segmentsWith(ParameterRole.BATCHNORM_RUNNING_STATISTIC);
        assertThat(statistics).hasSize(2);
        assertThat(largestChange(a.params(), b.params())).as("the models' statistics differ").isGreaterThan(0.05);
    }

    /** The largest absolute difference of two flat vectors at the running-statistic entries. */
    private static double largestChange(INDArray x, INDArray y) {
        double[] u = x.toDoubleVector();
        double[] v = y.toDoubleVector();
        double worst = 0;
        for (ParameterSegment s : statistics) {
            for (long i = s.offset(); i < s.offset() + s.length(); i++) {
                worst = Math.max(worst, Math.abs(u[(int) i] - v[(int) i]));
            }
        }
        return worst;
    }

    private static Landscape landscape(MultiLayerNetwork model, Directions directions, Axis... axes) {
        return Landscape.compile(new LandscapeSpec(model, directions, 5, List.of(axes),
                List.of(EvaluationSet.of("train", data)), List.of(Metric.loss()), Execution.DEFAULT.withWorkers(1)));
    }

    private static Axis[] plane() {
        return new Axis[] {Axis.linear(-0.5, 1.5, 3), Axis.linear(-0.5, 1.5, 3)};
    }

    /** Every grid point's coordinates. */
    private static List<double[]> points(Landscape l) {
        List<Axis> axes = l.spec().axes();
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < axes.get(0).points(); i++) {
            if (axes.size() == 1) {
                out.add(new double[] {axes.get(0).value(i)});
                continue;
            }
            for (int j = 0; j < axes.get(1).points(); j++) {
                out.add(new double[] {axes.get(0).value(i), axes.get(1).value(j)});
            }
        }
        return out;
    }

    /**
     * Every point keeps {@code reference}'s running statistics bit for bit, the plan and provenance say so, and the
     * loss at the last point is DL4J's at that point's parameters.
     */
    private static void assertHeldFixed(Landscape l, INDArray reference) {
        float[] expected = reference.toFloatVector();
        for (double[] p : points(l)) {
            float[] at = l.parametersAt(p).toFloatVector();
            for (ParameterSegment s : statistics) {
                for (long i = s.offset(); i < s.offset() + s.length(); i++) {
                    assertThat(at[(int) i]).as("%s at %s, entry %d", l.spec().directions(),
                            java.util.Arrays.toString(p), i).isEqualTo(expected[(int) i]);
                }
            }
        }
        assertThat(l.evaluationPlan()).endsWith(", running statistics held fixed");
        assertThat(l.provenance().directions()).contains("running statistics held fixed");
        assertLossIsDl4jsAtTheLastPoint(l);
    }

    /** Some point moves the running statistics away from {@code reference}'s; the plan says so. */
    private static void assertMoved(Landscape l, INDArray reference) {
        double moved = points(l).stream().mapToDouble(p -> largestChange(l.parametersAt(p), reference)).max()
                .orElseThrow();
        assertThat(moved).as("%s moves the statistics", l.spec().directions()).isGreaterThan(1e-3);
        assertThat(l.evaluationPlan()).endsWith(", running statistics moved");
        assertThat(l.provenance().directions()).doesNotContain("held fixed");
        assertLossIsDl4jsAtTheLastPoint(l);
    }

    private static void assertLossIsDl4jsAtTheLastPoint(Landscape l) {
        List<double[]> points = points(l);
        double[] last = points.get(points.size() - 1);
        MultiLayerNetwork moved = a.clone();
        moved.setParams(l.parametersAt(last));
        double[] loss = l.spec().dimensions() == 1 ? l.profile().values("train", "loss")
                : l.surface().flatValues("train", "loss");
        assertThat(loss[loss.length - 1]).isCloseTo(moved.score(data, false), within(1e-5));
    }

    private static INDArray gaussian(long seed) {
        Random r = new Random(seed);
        double[] v = new double[(int) a.numParams()];
        for (int i = 0; i < v.length; i++) {
            v[i] = 0.3 * r.nextGaussian();
        }
        return Nd4j.createFromArray(v).castTo(DataType.FLOAT).reshape(a.params().shape());
    }

    @Test
    void randomDirectionsHoldThemFixedUnlessTheyAreStates() {
        assertHeldFixed(landscape(a, RandomDirections.FILTER_NORMALIZED.withBiasAndBatchNorm(), plane()[0]),
                a.params());
        Landscape states = Landscape.compile(new LandscapeSpec(a,
                RandomDirections.FILTER_NORMALIZED.withRunningStatistics(), 5, List.of(plane()),
                List.of(EvaluationSet.of("train", data)), List.of(Metric.loss()), Execution.DEFAULT.withWorkers(1)));
        assertMoved(states, a.params());
    }

    @Test
    void givenVectorsHaveTheirRunningStatisticEntriesZeroed() {
        Directions.Given mine = Directions.of("mine", gaussian(1), gaussian(2));

        assertHeldFixed(landscape(a, mine, plane()), a.params());
        assertMoved(landscape(a, mine.withRunningStatistics(), plane()), a.params());
        assertThat(mine.vectors().get(0).toFloatVector()).as("the caller's vectors are not written")
                .containsExactly(gaussian(1).toFloatVector());
    }

    @Test
    void interpolationKeepsTheFirstModelsStatisticsUnlessAskedToInterpolateThem() {
        Landscape fixed = landscape(a, Directions.interpolation(a, b), Axis.linear(0, 1, 3));
        Landscape interpolated = landscape(a, Directions.interpolation(a, b).withRunningStatistics(),
                Axis.linear(0, 1, 3));

        assertHeldFixed(fixed, a.params());
        assertMoved(interpolated, a.params());
        // with the statistics interpolated, t = 1 is b itself; held fixed, it is b's weights with a's statistics
        assertThat(interpolated.profile().values("train", "loss")[2]).isCloseTo(b.score(data, false), within(1e-5));
        MultiLayerNetwork bWithAsStatistics = b.clone();
        INDArray p = b.params().dup();
        for (ParameterSegment s : statistics) {
            org.nd4j.linalg.indexing.INDArrayIndex range = org.nd4j.linalg.indexing.NDArrayIndex.interval(s.offset(),
                    s.offset() + s.length());
            p.reshape(p.length()).get(range).assign(a.params().reshape(p.length()).get(range));
        }
        bWithAsStatistics.setParams(p);
        assertThat(fixed.profile().values("train", "loss")[2]).isCloseTo(bWithAsStatistics.score(data, false),
                within(1e-5));
    }

    @Test
    void planesThroughModelsKeepTheFirstModelsStatistics() {
        Directions.Given plane = Directions.planeThrough(a, b, c);

        assertHeldFixed(landscape(a, plane, plane()), a.params());
        assertMoved(landscape(a, plane.withRunningStatistics(), plane()), a.params());
    }

    @Test
    void pcaOfTheFlatSnapshotsKeepsTheTrainedModelsStatistics() {
        MultiLayerNetwork net = a.clone();
        TrajectoryRecorder recorder = TrajectoryRecorder.everyIterations(1);
        recorder.record(net);
        net.setListeners(recorder);
        for (int i = 0; i < 6; i++) {
            net.fit(i % 2 == 0 ? data : Fixtures.blobs(45, 20 + i)); // statistics move along the trajectory
        }
        net.setListeners();
        recorder.record(net);
        List<INDArray> snapshots = recorder.snapshots();
        assertThat(largestChange(snapshots.get(0), net.params())).isGreaterThan(1e-3);

        for (boolean centred : new boolean[] {false, true}) {
            Directions.Given pca = Directions.pca(snapshots, centred);
            assertHeldFixed(landscape(net, pca, plane()), net.params());
            assertMoved(landscape(net, pca.withRunningStatistics(), plane()), net.params());
        }
        // decomposed over the parameters only: nothing there to move, with or without states
        Directions.Given parametersOnly = Directions.pca(net, snapshots, false, false);
        assertHeldFixed(landscape(net, parametersOnly, plane()), net.params());
        Landscape states = landscape(net, parametersOnly.withRunningStatistics(), plane());
        assertThat(points(states)).allSatisfy(p -> assertThat(largestChange(states.parametersAt(p), net.params()))
                .isZero());
    }

    @Test
    void hessianDirectionsHaveNoRunningStatisticsToMove() {
        Directions.Given hessian = Directions.hessian(a, data, 2);

        assertHeldFixed(landscape(a, hessian, plane()), a.params());
    }

    @Test
    void curvesKeepTheStartsStatisticsUnlessAskedToInterpolateThem() {
        INDArray bend = a.params().add(b.params()).muli(0.5).addi(c.params().sub(a.params()).muli(0.3));
        List<INDArray> anchors = List.of(a.params().dup(), bend, b.params().dup());
        Directions.CurvePath curve = Directions.curve(PolygonalChain.ONE_BEND, anchors);
        Landscape fixed = landscape(a, curve, Axis.linear(0, 1, 5));
        Landscape interpolated = landscape(a, curve.withRunningStatistics(), Axis.linear(0, 1, 5));

        assertHeldFixed(fixed, a.params());
        assertMoved(interpolated, a.params());
        assertThat(interpolated.profile().values("train", "loss")[4]).isCloseTo(b.score(data, false), within(1e-5));
        // the weights are the curve's either way: the two differ only at the running statistics
        INDArray held = fixed.parametersAt(0.7);
        INDArray moving = interpolated.parametersAt(0.7);
        assertThat(held.sub(moving).amaxNumber().doubleValue()).isCloseTo(largestChange(held, moving),
                within(1e-7));

        Directions.Given plane = Directions.planeOfCurve(PolygonalChain.ONE_BEND, anchors, 11);
        assertHeldFixed(landscape(a, plane, plane()), a.params());
        assertMoved(landscape(a, plane.withRunningStatistics(), plane()), a.params());
    }

    @Test
    void asymmetricPlanesKeepTheModelsStatistics() {
        for (Directions plane : new Directions[] {Directions.linear2x(), Directions.barycentric()}) {
            assertHeldFixed(landscape(a, plane, Axis.linear(0, 1, 3), Axis.linear(0, 1, 3)), a.params());
        }
    }

    @Test
    void statesAndRecomputedStatisticsExcludeEachOther() {
        Function<Directions.Given, Directions.Given> recompute = g -> g.withBatchNormRecomputedOn(data);

        assertThatThrownBy(() -> recompute.apply(Directions.interpolation(a, b)).withRunningStatistics())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> recompute.apply(Directions.interpolation(a, b).withRunningStatistics()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
        Landscape recomputed = landscape(a, recompute.apply(Directions.interpolation(a, b)), Axis.linear(0, 1, 3));
        assertThat(recomputed.evaluationPlan()).contains("batch-norm statistics recomputed per point")
                .doesNotContain("held fixed").doesNotContain("moved");
    }

    @Test
    void aNetworkWithoutBatchNormSaysNothingAboutRunningStatistics() {
        MultiLayerNetwork mlp = Fixtures.mlp(Fixtures.blobs(30, 1), 2);
        Landscape l = Landscape.compile(Fixtures.spec(mlp, Fixtures.blobs(30, 1), 1, 3, 1));

        assertThat(l.evaluationPlan()).doesNotContain("running statistics");
        assertThat(l.provenance().directions()).doesNotContain("running statistics");
    }
}

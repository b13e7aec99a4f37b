package org.landscape4j.engine.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Directions;
import org.landscape4j.engine.EvaluationSet;
import org.landscape4j.engine.Execution;
import org.landscape4j.engine.Fixtures;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapeSpec;
import org.landscape4j.engine.Metric;
import org.landscape4j.engine.curvature.Hessian;
import org.landscape4j.engine.internal.FlatVectors;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.engine.parameters.ParameterRole;
import org.landscape4j.engine.parameters.ParameterSegment;
import org.landscape4j.engine.RandomDirections;
import org.landscape4j.engine.internal.BatchNormStatistics;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import reactor.core.publisher.Flux;

/**
 * Gradients, Hessians, curves and PCA act on trainable parameters only, and report losses without regularization
 * (issue 11, items 2, 3 and 4).
 */
class TrainableParametersTest {

    private static DataSet data;
    private static MultiLayerNetwork bn;
    private static MultiLayerNetwork bn2;
    private static MultiLayerNetwork decayed;

    /** Dense -> batch norm -> output, trained so the running statistics are far from their initial values. */
    static MultiLayerNetwork batchNormMlp(DataSet d, int seed, int epochs) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .updater(new Adam(0.05)).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().name("dense").nIn(4).nOut(5).activation(Activation.TANH).build())
                .layer(new BatchNormalization.Builder().name("bn").build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.feedForward(4))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        for (int i = 0; i < epochs; i++) {
            net.fit(d);
        }
        return net;
    }

    @BeforeAll
    static void train() {
        data = Fixtures.blobs(45, 4);
        bn = batchNormMlp(data, 3, 20);
        bn2 = batchNormMlp(data, 9, 20);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT)
                .updater(new Adam(0.05)).weightInit(WeightInit.XAVIER).weightDecay(5e-4).l2(0.05).list()
                .layer(new DenseLayer.Builder().name("hidden").nIn(4).nOut(8).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nIn(8).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        decayed = new MultiLayerNetwork(conf);
        decayed.init();
        for (int i = 0; i < 10; i++) {
            decayed.fit(data);
        }
    }

    private static double[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    private static List<ParameterSegment> runningStatistics(MultiLayerNetwork net) {
        return ParameterLayout.of(net).segmentsWith(ParameterRole.BATCHNORM_RUNNING_STATISTIC);
    }

    private static void assertZeroOnRunningStatistics(double[] v) {
        List<ParameterSegment> stats = runningStatistics(bn);
        assertThat(stats).isNotEmpty();
        for (ParameterSegment s : stats) {
            for (long i = s.offset(); i < s.offset() + s.length(); i++) {
                assertThat(v[(int) i]).as("%s entry %d", s, i).isZero();
            }
        }
    }

    @Test
    void gradientIsZeroAtBatchNormRunningStatistics() {
        LossGradients g = new LossGradients(bn, data);

        assertZeroOnRunningStatistics(g.at(g.theta()));
    }

    @Test
    void hessianVectorProductOfABatchNormNetworkIsSymmetric() {
        LossGradients g = new LossGradients(bn, data);
        double[] v1 = gaussian(g.numParams(), 1);
        double[] v2 = gaussian(g.numParams(), 2);

        double a = FlatVectors.dot(v1, g.hessianTimes(v2, 1e-4));
        double b = FlatVectors.dot(v2, g.hessianTimes(v1, 1e-4));

        assertThat(a).isCloseTo(b, within(1e-4 * Math.max(1, Math.abs(a))));
    }

    @Test
    void hessianDirectionsAreZeroAtRunningStatistics() {
        Hessian.Options options = new Hessian.Options(Hessian.Parameters.ALL_TRAINABLE, 30, 1e-4, 1, 1e-5);
        try (Hessian h = Hessian.of(bn, data, options)) {
            assertZeroOnRunningStatistics(h.eigenvalues(1).vector(0).toDoubleVector());
        }
    }

    @Test
    void pcaDirectionsOfABatchNormNetworkAreZeroAtRunningStatistics() {
        List<INDArray> snapshots = new ArrayList<>();
        MultiLayerNetwork net = batchNormMlp(data, 5, 0);
        for (int i = 0; i < 4; i++) {
            net.fit(data);
            snapshots.add(net.params().dup());
        }
        Directions.Given pca = Directions.pca(net, snapshots, false, false);

        for (INDArray d : pca.vectors()) {
            assertZeroOnRunningStatistics(d.toDoubleVector());
        }
        Directions.Given ignoring = Directions.pca(net, snapshots, false, true);
        for (ParameterSegment s : ParameterLayout.of(net).segmentsWith(ParameterRole.BIAS)) {
            assertThat(ignoring.vectors().get(0).reshape(-1).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(
                    s.offset(), s.offset() + s.length())).amaxNumber().doubleValue()).as(s.toString()).isZero();
        }
    }

    @Test
    void curveTrainingLeavesTheBendsRunningStatisticsOnTheStraightLine() {
        List<INDArray> anchors = CurveTrainer.train(PolygonalChain.ONE_BEND, bn, data, bn.params(), bn2.params(),
                new CurveTrainer.Options(5, 0.05, 1));

        double[] a = bn.params().toDoubleVector();
        double[] b = bn2.params().toDoubleVector();
        double[] bend = anchors.get(1).toDoubleVector();
        for (ParameterSegment s : runningStatistics(bn)) {
            for (long i = s.offset(); i < s.offset() + s.length(); i++) {
                int k = (int) i;
                assertThat(bend[k]).as("%s entry %d", s, k).isCloseTo((a[k] + b[k]) / 2, within(1e-6));
            }
        }
    }

    @Test
    void lossAlongACurveWithRecomputedBatchNormMatchesDl4jAtTheEnds() {
        INDArray mid = bn.params().dup().addi(bn2.params()).muli(0.5);
        List<INDArray> anchors = List.of(bn.params().dup(), mid, bn2.params().dup());
        double[] recomputed = CurveTrainer.lossAlong(PolygonalChain.ONE_BEND, anchors, bn, data, 3, data);
        double[] interpolated = CurveTrainer.lossAlong(PolygonalChain.ONE_BEND, anchors, bn, data, 3);

        MultiLayerNetwork start = bn.convertDataType(DataType.DOUBLE);
        BatchNormStatistics.recompute(start, data.getFeatures().castTo(DataType.DOUBLE));
        DataSet d = new DataSet(data.getFeatures().castTo(DataType.DOUBLE), data.getLabels().castTo(DataType.DOUBLE));
        assertThat(recomputed[0]).isCloseTo(start.score(d, false), within(1e-9));
        assertThat(interpolated[0]).isCloseTo(bn.score(data, false), within(1e-5));
        assertThat(recomputed[0]).isNotCloseTo(interpolated[0], within(1e-6));
    }

    // ---- regularization ----------------------------------------------------------------------------------------

    @Test
    void lossesExcludeRegularizationOnAWeightDecayedModel() {
        double regularization = decayed.calcRegularizationScore(true);
        double withTerms = decayed.score(data, false);
        assertThat(regularization).as("the fixture is regularized").isGreaterThan(1e-3);
        Landscape centre = Landscape.compile(new LandscapeSpec(decayed, RandomDirections.FILTER_NORMALIZED, 1,
                List.of(Axis.linear(-1, 1, 3)), List.of(EvaluationSet.of("train", data)), List.of(Metric.loss()),
                Execution.DEFAULT.withWorkers(1)));
        double metricLoss = centre.profile().values("train", "loss")[1];

        LossGradients g = new LossGradients(decayed, data);
        assertThat(metricLoss).isCloseTo(withTerms - regularization, within(1e-5));
        assertThat(g.loss(g.theta())).isCloseTo(metricLoss, within(1e-5));
        g.at(g.theta());
        assertThat(g.lastScore()).as("training-mode loss; no dropout or batch norm here")
                .isCloseTo(metricLoss, within(1e-5));
        double[] along = CurveTrainer.lossAlong(PolygonalChain.ONE_BEND,
                List.of(decayed.params(), decayed.params(), decayed.params()), decayed, data, 2);
        assertThat(along[0]).isCloseTo(metricLoss, within(1e-5));
        CurveTrainer.Progress first = CurveTrainer.training(PolygonalChain.ONE_BEND, decayed, data,
                decayed.params(), decayed.params(), new CurveTrainer.Options(1, 0.01, 1)).blockFirst();
        assertThat(first.loss()).isCloseTo(metricLoss, within(1e-5));
    }

    // ---- the training stream -----------------------------------------------------------------------------------

    @Test
    void curveTrainingStreamIsColdEverySubscriberTrainsFromTheStart() {
        Flux<CurveTrainer.Progress> training = CurveTrainer.training(PolygonalChain.ONE_BEND, decayed, data,
                decayed.params(), Fixtures.mlp(data, 3).params(),
                new CurveTrainer.Options(3, 0.05, 1));

        List<CurveTrainer.Progress> first = training.collectList().block();
        List<CurveTrainer.Progress> second = training.collectList().block();

        assertThat(second).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(second.get(i).step()).isEqualTo(first.get(i).step());
            assertThat(second.get(i).loss()).isEqualTo(first.get(i).loss());
        }
        assertThat(second.get(2).anchors().get(1).toDoubleVector())
                .containsExactly(first.get(2).anchors().get(1).toDoubleVector());
    }
}

package org.landscape4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class ExecutionTest {

    private static DataSet data;
    private static MultiLayerNetwork mlp;

    @BeforeAll
    static void train() {
        data = Fixtures.blobs(90, 3);
        mlp = Fixtures.mlp(data, 20);
    }

    private static Surface surface(Model model, DataSet d, Execution execution) {
        return Landscape.compile(Fixtures.spec(model, d, 2, 7, 4).withExecution(execution)).surface();
    }

    private static void assertSameNumbers(Surface a, Surface b, double relative) {
        for (String metric : a.keys().metrics()) {
            double[] x = a.flatValues("train", metric);
            double[] y = b.flatValues("train", metric);
            for (int i = 0; i < x.length; i++) {
                assertThat(y[i]).as("%s at %d", metric, i).isCloseTo(x[i], within(relative * Math.max(1, Math.abs(x[i]))));
            }
        }
    }

    @Test
    void firstLayerFactorizationGivesTheNumbersOfThePlainForwardPassForADenseFirstLayer() {
        Surface plain = surface(mlp, data, Execution.DEFAULT.withFactorization(false));
        Surface factorized = surface(mlp, data, Execution.DEFAULT.withFactorization(true));
        assertThat(Landscape.compile(Fixtures.spec(mlp, data, 2, 7, 4).withExecution(Execution.DEFAULT.withWorkers(1)))
                .evaluationPlan()).matches("inference plan, 2 steps \\(dense, output\\), activations \\d+ kB per worker, "
                        + "first layer factorized \\(layer 0 'hidden' \\(DenseLayer\\), products 9 kB\\), 1 worker on CPU "
                        + "\\(ND4J CpuBackend, .+\\), raster order");
        assertThat(Landscape.compile(Fixtures.spec(mlp, data, 2, 7, 4).withExecution(
                Execution.DEFAULT.withFactorization(false).withWorkers(2))).evaluationPlan())
                .matches("inference plan, 2 steps \\(dense, output\\), activations \\d+ kB per worker, 2 workers on "
                        + "CPU \\(ND4J CpuBackend, .+\\), raster order");

        assertSameNumbers(plain, factorized, 1e-5);
        assertThat(factorized.flatValues("train", "loss")).isNotEqualTo(new double[49]);
    }

    @Test
    void firstLayerFactorizationMatchesForTwoHiddenLayersAndBatches() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(2).dataType(DataType.FLOAT).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(10).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(10).nOut(6).activation(Activation.SIGMOID).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(6).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        for (int i = 0; i < 10; i++) {
            net.fit(data);
        }
        LandscapeSpec spec = new LandscapeSpec(net, RandomDirections.FILTER_NORMALIZED.withBiasAndBatchNorm(), 5,
                List.of(Axis.linear(-2, 2, 6), Axis.linear(-1, 1, 5)),
                List.of(EvaluationSet.of("train", data).withBatchSize(32)), List.of());

        Surface plain = Landscape.compile(spec.withExecution(Execution.DEFAULT.withFactorization(false))).surface();
        Surface factorized = Landscape.compile(spec).surface();

        assertSameNumbers(plain, factorized, 1e-5);
    }

    @Test
    void denseTailMatchesForARegressionLossAndCustomMetrics() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(4).dataType(DataType.FLOAT).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(7).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(7).nOut(3)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        List<Metric> metrics = List.of(Metric.loss(), Metric.accuracy(),
                Metric.of("meanOutput", (o, l) -> o.meanNumber().doubleValue()));
        LandscapeSpec spec = new LandscapeSpec(net, RandomDirections.LAYER_NORMALIZED, 8,
                List.of(Axis.linear(-1, 1, 5), Axis.linear(-1, 1, 4)), List.of(EvaluationSet.of("train", data)),
                metrics);

        assertSameNumbers(Landscape.compile(spec.withExecution(Execution.DEFAULT.withFactorization(false))).surface(),
                Landscape.compile(spec).surface(), 1e-5);
    }

    @Test
    void softmaxCrossEntropyFastPathMatchesDl4jsLossWithCustomMetrics() {
        List<Metric> metrics = List.of(Metric.loss(), Metric.accuracy(),
                Metric.of("maxProbability", (o, l) -> o.max(1).meanNumber().doubleValue()));
        LandscapeSpec spec = new LandscapeSpec(mlp, RandomDirections.FILTER_NORMALIZED, 8,
                List.of(Axis.linear(-3, 3, 6), Axis.linear(-3, 3, 5)),
                List.of(EvaluationSet.of("train", data).withBatchSize(40)), metrics);

        assertSameNumbers(Landscape.compile(spec.withExecution(Execution.DEFAULT.withFactorization(false))).surface(),
                Landscape.compile(spec).surface(), 1e-5);
    }

    @Test
    void firstLayerFactorizationMatchesForAConvolutionFirstLayerWithBatchNorm() {
        DataSet images = Fixtures.images(24, 7);
        MultiLayerNetwork cnn = Fixtures.cnn(images, 4);
        assertThat(Landscape.compile(Fixtures.spec(cnn, images, 2, 7, 4)).evaluationPlan())
                .startsWith("inference plan, 6 steps (conv2d, batchnorm, maxpool2d, flatten, dense, output), channels-last,"
                        + " convolutions by oneDNN, activations ")
                .contains("first layer factorized (layer 0 'conv' (ConvolutionLayer)");

        assertSameNumbers(surface(cnn, images, Execution.DEFAULT.withFactorization(false)),
                surface(cnn, images, Execution.DEFAULT), 1e-5);
    }

    @Test
    void everyOrderVisitsEveryPointOnceAndGivesTheSameSurface() {
        Surface raster = surface(mlp, data, Execution.DEFAULT);
        for (Order order : Order.values()) {
            int[] seq = GridOrder.sequence(order, new int[] {7, 7});
            assertThat(Arrays.stream(seq).sorted().toArray()).as(order.name())
                    .containsExactly(java.util.stream.IntStream.range(0, 49).toArray());
            assertThat(surface(mlp, data, Execution.DEFAULT.withOrder(order)).flatValues("train", "loss"))
                    .as(order.name()).containsExactly(raster.flatValues("train", "loss"));
        }
    }

    @Test
    void coarseToFineStartsWithEveryEighthPointAndSpiralWithTheCentre() {
        int[] coarse = GridOrder.sequence(Order.COARSE_TO_FINE, new int[] {17, 17});
        assertThat(Arrays.copyOf(coarse, 9)).containsExactly(0, 8, 16, 136, 144, 152, 272, 280, 288);
        int[] spiral = GridOrder.sequence(Order.SPIRAL, new int[] {5, 5});
        assertThat(spiral[0]).isEqualTo(12);
        assertThat(Arrays.stream(spiral, 1, 9).boxed().toList())
                .allMatch(i -> Math.abs(i % 5 - 2) <= 1 && Math.abs(i / 5 - 2) <= 1);
        int[] line = GridOrder.sequence(Order.SPIRAL, new int[] {5});
        assertThat(line[0]).isEqualTo(2);
    }

    @Test
    void pointsCarryTheirSequenceSoProgressIsRightInAnyOrder() {
        List<LandscapePoint> points = Landscape.compile(Fixtures.spec(mlp, data, 2, 5, 1)
                        .withExecution(Execution.DEFAULT.withOrder(Order.SPIRAL))).points().collectList()
                .block(Duration.ofSeconds(30));

        assertThat(points).extracting(LandscapePoint::sequence)
                .containsExactly(java.util.stream.IntStream.range(0, 25).boxed().toArray(Integer[]::new));
        assertThat(points.get(0).index()).isEqualTo(12);
        assertThat(points.get(24).progress()).isEqualTo(1.0);
    }

    @Test
    void twoWorkersGiveTheSameSurfaceInTheSameOrder() {
        Execution two = Execution.DEFAULT.withWorkers(2).withOrder(Order.COARSE_TO_FINE);
        List<LandscapePoint> parallel = Landscape.compile(Fixtures.spec(mlp, data, 2, 7, 4).withExecution(two))
                .points().collectList().block(Duration.ofSeconds(60));

        assertThat(parallel).extracting(LandscapePoint::sequence)
                .containsExactly(java.util.stream.IntStream.range(0, 49).boxed().toArray(Integer[]::new));
        Surface one = surface(mlp, data, Execution.DEFAULT);
        for (LandscapePoint p : parallel) {
            assertThat(p.value("train", "loss")).isEqualTo(one.flatValues("train", "loss")[p.index()]);
        }
    }

    @Test
    void cancellingAParallelRunStopsItsWorkers() throws InterruptedException {
        AtomicInteger evaluations = new AtomicInteger();
        LandscapeSpec spec = new LandscapeSpec(mlp, RandomDirections.FILTER_NORMALIZED, 1,
                List.of(Axis.linear(-1, 1, 30), Axis.linear(-1, 1, 30)), List.of(EvaluationSet.of("train", data)),
                List.of(Metric.loss(), Metric.of("count", (o, l) -> evaluations.incrementAndGet())),
                Execution.DEFAULT.withWorkers(2));

        Landscape.compile(spec).points().take(10).blockLast(Duration.ofSeconds(30));
        Thread.sleep(300);
        int after = evaluations.get();
        Thread.sleep(500);

        assertThat(after).isBetween(10, 12);
        assertThat(evaluations.get()).isEqualTo(after);
    }

    @Test
    void callersNetworkIsUntouchedByAFactorizedParallelRun() {
        float[] before = Fixtures.parameterBits(mlp);
        surface(mlp, data, Execution.DEFAULT.withWorkers(2));

        assertThat(Fixtures.parameterBits(mlp)).containsExactly(before);
    }
}

package org.landscape4j.engine;

import org.landscape4j.engine.parameters.ParameterSegment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import reactor.test.StepVerifier;

class LandscapeTest {

    private static DataSet data;
    private static MultiLayerNetwork mlp;

    @BeforeAll
    static void train() {
        data = Fixtures.blobs(60, 1);
        mlp = Fixtures.mlp(data, 30);
    }

    /** A line computed by one worker, so evaluation is exactly on demand. */
    private static Landscape line(org.deeplearning4j.nn.api.Model model, DataSet d, int points, Metric... metrics) {
        return Landscape.compile(new LandscapeSpec(model, RandomDirections.FILTER_NORMALIZED, 3,
                List.of(Axis.linear(-1, 1, points)), List.of(EvaluationSet.of("train", d)), List.of(metrics),
                Execution.DEFAULT.withWorkers(1)));
    }

    // ---- numbers -------------------------------------------------------------------------------------------------

    /** A linear layer with MSE: along any direction the loss is exactly A t^2 + B t + C. */
    @Test
    void linearModelsLossAlongADirectionIsTheClosedFormQuadratic() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).name("linear").nIn(3).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        Random r = new Random(4);
        int n = 25;
        double[][] x = new double[n][3];
        double[][] y = new double[n][2];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                x[i][j] = r.nextGaussian();
            }
            y[i][0] = x[i][0] - 2 * x[i][2] + 0.1 * r.nextGaussian();
            y[i][1] = 0.5 * x[i][1] + 0.1 * r.nextGaussian();
        }
        DataSet d = new DataSet(Nd4j.create(x).castTo(DataType.FLOAT), Nd4j.create(y).castTo(DataType.FLOAT));
        Landscape landscape = line(net, d, 21, Metric.loss());

        double[] theta = net.params().toDoubleVector();
        double[] dir = landscape.directions()[0].toDoubleVector();
        ParameterSegment w = landscape.layout().segment("linear", "W");
        ParameterSegment b = landscape.layout().segment("linear", "b");
        // residual r = XW + b - Y and slope s = XD, with W[i][j] at offset + i + 3j ('f' order, [nIn, nOut])
        double a2 = 0;
        double a1 = 0;
        double a0 = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 2; j++) {
                double res = theta[(int) b.offset() + j] - y[i][j];
                double slope = dir[(int) b.offset() + j];
                for (int k = 0; k < 3; k++) {
                    res += x[i][k] * theta[(int) w.offset() + k + 3 * j];
                    slope += x[i][k] * dir[(int) w.offset() + k + 3 * j];
                }
                a2 += slope * slope;
                a1 += 2 * res * slope;
                a0 += res * res;
            }
        }
        a2 /= 2 * n;
        a1 /= 2 * n;
        a0 /= 2 * n;
        assertThat(a2).as("curvature").isGreaterThan(0.01);

        Profile profile = landscape.profile();
        double[] t = profile.coordinates();
        double[] loss = profile.values("train", "loss");
        for (int i = 0; i < t.length; i++) {
            double expected = a2 * t[i] * t[i] + a1 * t[i] + a0;
            assertThat(loss[i]).as("loss at t=%s", t[i]).isCloseTo(expected, within(1e-5 * Math.max(1, expected)));
        }
        assertThat(profile.curvatureAtCentre("train", "loss", 0.35)).isCloseTo(2 * a2, within(1e-4 * 2 * a2));
        double width = profile.basin("train", "loss", 0.01).width();
        assertThat(width).isCloseTo(2 * Math.sqrt(0.01 / a2), within(0.02));
    }

    @Test
    void centrePointEqualsTheNetworksOwnLossAndAccuracy() {
        Surface surface = Landscape.compile(Fixtures.spec(mlp, data, 2, 5, 1)).surface();

        assertThat(surface.value("train", "loss", 2, 2)).isCloseTo(mlp.score(data, false), within(1e-6));
        INDArray predicted = mlp.output(data.getFeatures(), false).argMax(1);
        double accuracy = predicted.eq(data.getLabels().argMax(1)).castTo(DataType.DOUBLE).meanNumber().doubleValue();
        assertThat(surface.value("train", "accuracy", 2, 2)).isCloseTo(accuracy, within(1e-9));
    }

    @Test
    void centrePointOfAGraphEqualsItsOwnLoss() {
        ComputationGraph graph = Fixtures.residualGraph(data, 20);
        Profile profile = line(graph, data, 3).profile();

        assertThat(profile.values("train", "loss")[1]).isCloseTo(graph.score(data, false), within(1e-6));
    }

    @Test
    void batchedEvaluationAveragesToTheWholeSetsLoss() {
        Landscape whole = line(mlp, data, 5, Metric.loss());
        Landscape batched = Landscape.compile(new LandscapeSpec(mlp, RandomDirections.FILTER_NORMALIZED, 3,
                List.of(Axis.linear(-1, 1, 5)), List.of(EvaluationSet.of("train", data).withBatchSize(7)),
                List.of(Metric.loss())));

        assertThat(batched.profile().values("train", "loss"))
                .containsExactly(whole.profile().values("train", "loss"), within(1e-5));
    }

    @Test
    void sameSeedGivesTheSameSurfaceAndAnotherSeedAnother() {
        double[] a = Landscape.compile(Fixtures.spec(mlp, data, 2, 4, 8)).surface().flatValues("train", "loss");
        double[] b = Landscape.compile(Fixtures.spec(mlp, data, 2, 4, 8)).surface().flatValues("train", "loss");
        double[] c = Landscape.compile(Fixtures.spec(mlp, data, 2, 4, 9)).surface().flatValues("train", "loss");

        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void cnnWithBatchNormAndDropoutIsEvaluatedInInferenceMode() {
        DataSet images = Fixtures.images(30, 2);
        MultiLayerNetwork cnn = Fixtures.cnn(images, 5);
        Profile p = line(cnn, images, 3).profile();
        // inference mode is deterministic (no dropout) and uses running statistics: DL4J's own test-time score
        assertThat(p.values("train", "loss")[1]).isCloseTo(cnn.score(images, false), within(1e-6));
        assertThat(line(cnn, images, 3).profile().values("train", "loss"))
                .containsExactly(p.values("train", "loss"));
    }

    @Test
    void surfaceSummaryIsBoundedAndSaysWhereTheMinimumIs() {
        Surface surface = Landscape.compile(Fixtures.spec(mlp, data, 2, 5, 1)).surface();
        String text = surface.toString();

        assertThat(text).startsWith("Surface 5x5").contains("train/loss").contains("min ").contains("seed 1")
                .contains("fingerprint").contains("filter-normalized");
        assertThat(text.lines().count()).isLessThan(10);
        int k = surface.argMin("train", "loss");
        assertThat(text).contains(String.format("min %.6g", surface.flatValues("train", "loss")[k]));
    }

    // ---- the caller's network --------------------------------------------------------------------------------------

    @Test
    void callersParametersAreBitIdenticalAfterSuccess() {
        float[] before = Fixtures.parameterBits(mlp);
        Landscape.compile(Fixtures.spec(mlp, data, 2, 4, 1)).surface();

        assertThat(Fixtures.parameterBits(mlp)).containsExactly(before);
    }

    @Test
    void callersParametersAreBitIdenticalAfterCancel() {
        float[] before = Fixtures.parameterBits(mlp);
        Landscape.compile(Fixtures.spec(mlp, data, 2, 6, 1)).points().take(5).blockLast();

        assertThat(Fixtures.parameterBits(mlp)).containsExactly(before);
    }

    @Test
    void callersParametersAreBitIdenticalAfterAnErrorMidRun() {
        float[] before = Fixtures.parameterBits(mlp);
        AtomicInteger calls = new AtomicInteger();
        Metric failing = Metric.of("failing", (out, labels) -> {
            if (calls.incrementAndGet() == 3) {
                throw new IllegalStateException("metric failed at call 3");
            }
            return 0;
        });

        assertThatThrownBy(() -> line(mlp, data, 9, Metric.loss(), failing).profile())
                .hasMessageContaining("metric failed at call 3");
        assertThat(calls).hasValue(3);
        assertThat(Fixtures.parameterBits(mlp)).containsExactly(before);
    }

    // ---- the stream ------------------------------------------------------------------------------------------------

    @Test
    void pointsAreProducedOnDemandOnly() {
        AtomicInteger evaluations = new AtomicInteger();
        Landscape landscape = line(mlp, data, 20, Metric.loss(), counting(evaluations));

        StepVerifier.create(landscape.points(), 0)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(300))
                .then(() -> assertThat(evaluations).hasValue(0))
                .thenRequest(4)
                .expectNextCount(4)
                .expectNoEvent(Duration.ofMillis(300))
                .then(() -> assertThat(evaluations).hasValue(4))
                .thenCancel()
                .verify(Duration.ofSeconds(30));
    }

    @Test
    void cancelAfterKPointsStopsTheEvaluation() throws InterruptedException {
        AtomicInteger evaluations = new AtomicInteger();
        Landscape landscape = line(mlp, data, 50, Metric.loss(), counting(evaluations));

        List<LandscapePoint> got = landscape.points().take(7).collectList().block(Duration.ofSeconds(30));
        Thread.sleep(300);

        assertThat(got).hasSize(7);
        assertThat(evaluations).hasValue(7);
    }

    @Test
    void pointsCarryProgressAndArriveInRasterOrderOffTheCallersThread() {
        AtomicReference<String> thread = new AtomicReference<>();
        Metric recording = Metric.of("thread", (out, labels) -> {
            thread.set(Thread.currentThread().getName());
            return 0;
        });
        Landscape landscape = Landscape.compile(new LandscapeSpec(mlp, RandomDirections.FILTER_NORMALIZED, 1,
                List.of(Axis.linear(-1, 1, 3), Axis.linear(0, 1, 2)), List.of(EvaluationSet.of("train", data)),
                List.of(Metric.loss(), recording)));

        List<LandscapePoint> points = landscape.points().collectList().block(Duration.ofSeconds(30));

        assertThat(points).extracting(LandscapePoint::index).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(points).allSatisfy(p -> assertThat(p.total()).isEqualTo(6));
        assertThat(points.get(4).coordinates()).containsExactly(0.0, 1.0);
        assertThat(points.get(4).gridIndex(0)).isEqualTo(1);
        assertThat(points.get(4).gridIndex(1)).isEqualTo(1);
        assertThat(points).allMatch(LandscapePoint::isFinite);
        assertThat(thread.get()).isNotEqualTo(Thread.currentThread().getName());
    }

    @Test
    void nonFiniteLossIsFlagged() {
        Metric infinite = Metric.of("blowup", (out, labels) -> Double.POSITIVE_INFINITY);
        LandscapePoint p = line(mlp, data, 3, Metric.loss(), infinite).points().blockFirst();

        assertThat(p.isFinite()).isFalse();
        assertThat(p.value("train", "blowup")).isInfinite();
    }

    private static Metric counting(AtomicInteger counter) {
        return Metric.of("count", (out, labels) -> counter.incrementAndGet());
    }

    // ---- bad input -------------------------------------------------------------------------------------------------

    @Test
    void networkWithNaNParametersIsRejectedNamingTheLayer() {
        MultiLayerNetwork broken = mlp.clone();
        broken.params().putScalar(35, Double.NaN);

        assertThatThrownBy(() -> Landscape.compile(Fixtures.spec(broken, data, 1, 3, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-finite parameter (NaN)")
                .hasMessageContaining("'hidden' parameter 'b'");
    }

    @Test
    void featuresOfTheWrongWidthAreRejected() {
        DataSet wide = new DataSet(Nd4j.rand(DataType.FLOAT, 5, 6), data.getLabels().get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5), org.nd4j.linalg.indexing.NDArrayIndex.all()));

        assertThatThrownBy(() -> Landscape.compile(Fixtures.spec(mlp, wide, 1, 3, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("evaluation set 'train': features have shape [5, 6]")
                .hasMessageContaining("takes [examples, 4]");
    }

    @Test
    void labelsOfTheWrongWidthAreRejected() {
        DataSet d = new DataSet(data.getFeatures(), Nd4j.zeros(DataType.FLOAT, 60, 5));

        assertThatThrownBy(() -> Landscape.compile(Fixtures.spec(mlp, d, 1, 3, 1)))
                .hasMessageContaining("labels have shape [60, 5]").hasMessageContaining("nOut = 3");
    }

    @Test
    void imagesOfTheWrongSizeAreRejectedBeforeWork() {
        MultiLayerNetwork cnn = Fixtures.cnn(Fixtures.images(8, 1), 0);
        DataSet wrong = new DataSet(Nd4j.rand(DataType.FLOAT, 4, 30), Nd4j.zeros(DataType.FLOAT, 4, 2));

        assertThatThrownBy(() -> Landscape.compile(Fixtures.spec(cnn, wrong, 1, 3, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("evaluation set 'train': features have shape [4, 30] but layer 0 'conv'")
                .hasMessageContaining("takes [examples, 36]");
    }

    @Test
    void emptyEvaluationDataIsRejected() {
        DataSet empty = new DataSet(Nd4j.create(DataType.FLOAT, 0, 4), Nd4j.create(DataType.FLOAT, 0, 3));

        assertThatThrownBy(() -> EvaluationSet.of("train", empty)).hasMessageContaining("'train' is empty");
    }

    @Test
    void featuresWithNaNAreRejected() {
        INDArray f = data.getFeatures().dup();
        f.putScalar(3, 1, Double.NaN);

        assertThatThrownBy(() -> Landscape.compile(Fixtures.spec(mlp, new DataSet(f, data.getLabels()), 1, 3, 1)))
                .hasMessageContaining("evaluation set 'train': features contain NaN");
    }

    @Test
    void specRejectsBadGridsAndDirections() {
        assertThatThrownBy(() -> Axis.linear(-1, 1, 1)).hasMessage("grid resolution must be >= 2, was 1");
        assertThatThrownBy(() -> Axis.linear(1, 1, 5)).hasMessageContaining("min 1.0 >= max 1.0");
        assertThatThrownBy(() -> Axis.linear(Double.NaN, 1, 5)).hasMessage("grid minimum must be finite, was NaN");
        assertThatThrownBy(() -> new LandscapeSpec(mlp, RandomDirections.FILTER_NORMALIZED, 1,
                List.of(Axis.linear(-1, 1, 3), Axis.linear(-1, 1, 3), Axis.linear(-1, 1, 3)),
                List.of(EvaluationSet.of("train", data)), List.of()))
                .hasMessage("a grid needs 1 or 2 directions, was 3");
        assertThatThrownBy(() -> new LandscapeSpec(mlp, RandomDirections.FILTER_NORMALIZED, 1, List.of(),
                List.of(EvaluationSet.of("train", data)), List.of()))
                .hasMessage("a grid needs 1 or 2 directions, was 0");
    }

    @Test
    void cubicSpacingIsDenserNearTheCentreAndKeepsTheEnds() {
        double[] v = new Axis(-2, 2, 5, Spacing.CUBIC).values();

        assertThat(v).containsExactly(new double[] {-2, -0.25, 0, 0.25, 2}, within(1e-12));
    }
}

package org.landscape4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleBiFunction;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Directions;
import org.landscape4j.engine.EvaluationSet;
import org.landscape4j.engine.Execution;
import org.landscape4j.engine.Fixtures;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapePoint;
import org.landscape4j.engine.LandscapeSpec;
import org.landscape4j.engine.Metric;
import org.landscape4j.engine.Order;
import org.landscape4j.engine.Profile;
import org.landscape4j.engine.RandomDirections;
import org.landscape4j.engine.Surface;
import org.landscape4j.engine.geometry.PolygonalChain;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import reactor.test.StepVerifier;

/** Spark in local mode on 2 threads, with up to 2 attempts per task ({@code local[2,2]}), in this JVM. */
class SparkExecutorTest {

    /** Batches per evaluation of the 150 examples: the custom metric is called this often per point. */
    private static final int BATCHES = 3;

    private static SparkContext sc;
    private static DataSet data;
    private static MultiLayerNetwork mlp;

    @BeforeAll
    static void start() {
        sc = new SparkContext(new SparkConf().setMaster("local[2,2]").setAppName("landscape4j-test")
                .set("spark.ui.enabled", "false"));
        data = Fixtures.blobs(150, 3);
        mlp = Fixtures.mlp(data, 3);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    @BeforeEach
    void resetCounters() {
        Counting.EVALUATIONS.set(0);
        Counting.INJECTED.set(0);
    }

    private static LandscapeSpec plane(int points, Order order, Metric... metrics) {
        return new LandscapeSpec(mlp, RandomDirections.FILTER_NORMALIZED, 1,
                List.of(Axis.linear(-1, 1, points), Axis.linear(-1, 1, points)),
                List.of(EvaluationSet.of("train", data).withBatchSize(50)), List.of(metrics),
                Execution.DEFAULT.withOrder(order).withWorkers(1));
    }

    private static Landscape onSpark(LandscapeSpec spec, int pointsPerTask) {
        return Landscape.compile(spec.withExecution(spec.execution()
                .withExecutor(SparkExecutor.on(sc).pointsPerTask(pointsPerTask))));
    }

    private static void assertSameBits(double[][] expected, double[][] actual) {
        assertThat(actual.length).isEqualTo(expected.length);
        for (int k = 0; k < expected.length; k++) {
            for (int i = 0; i < expected[k].length; i++) {
                assertThat(Double.doubleToRawLongBits(actual[k][i]))
                        .as("value %d of point %d: %s vs %s", k, i, actual[k][i], expected[k][i])
                        .isEqualTo(Double.doubleToRawLongBits(expected[k][i]));
            }
        }
    }

    private static double[][] values(Surface s) {
        return new double[][] {s.flatValues("train", "loss"), s.flatValues("train", "accuracy")};
    }

    @Test
    void aPlaneOnSparkHasTheLocalRunsBits() {
        for (Order order : List.of(Order.RASTER, Order.COARSE_TO_FINE)) {
            Surface local = Landscape.compile(plane(11, order)).surface();
            Landscape spark = onSpark(plane(11, order), 7);
            assertThat(spark.evaluationPlan()).contains("on Spark local[2,2], 7 points per task");
            assertSameBits(values(local), values(spark.surface()));
        }
    }

    @Test
    void aGraphAndACurveOnSparkHaveTheLocalRunsBits() {
        var graph = Fixtures.residualGraph(data, 2);
        LandscapeSpec graphSpec = Fixtures.spec(graph, data, 2, 5, 3);
        Surface local = Landscape.compile(graphSpec).surface();
        assertSameBits(values(local), values(onSpark(graphSpec, 3).surface()));

        MultiLayerNetwork other = Fixtures.mlp(Fixtures.blobs(150, 5), 4);
        MultiLayerNetwork bend = Fixtures.mlp(Fixtures.blobs(150, 6), 2);
        LandscapeSpec curve = new LandscapeSpec(mlp, new Directions.CurvePath(PolygonalChain.ONE_BEND,
                List.of(mlp.params(), bend.params(), other.params()), "test chain"), 1, List.of(Axis.linear(0, 1, 9)),
                List.of(EvaluationSet.of("train", data)), List.of());
        Profile line = Landscape.compile(curve).profile();
        Profile sparkLine = onSpark(curve, 2).profile();
        assertSameBits(new double[][] {line.values("train", "loss")}, new double[][] {sparkLine.values("train",
                "loss")});
    }

    @Test
    void pointsArriveOnceEachWithConsecutiveSequenceNumbers() {
        List<LandscapePoint> points = onSpark(plane(9, Order.COARSE_TO_FINE), 5).points().collectList().block();
        assertThat(points).hasSize(81);
        assertThat(points.stream().map(LandscapePoint::sequence)).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 81).boxed().toList());
        assertThat(points.stream().map(LandscapePoint::index).distinct()).hasSize(81);
    }

    @Test
    void aMetricThatCannotTravelIsRefusedBeforeWork() {
        ToDoubleBiFunction<INDArray, INDArray> plain = (o, l) -> 0.0;
        assertThatThrownBy(() -> onSpark(plane(5, Order.RASTER, Metric.loss(), Metric.of("plain", plain)), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metric 'plain' cannot run on Spark local[2,2]")
                .hasMessageContaining("is not Serializable");
        Object notSerializable = new Object();
        ToDoubleBiFunction<INDArray, INDArray> capturing = (ToDoubleBiFunction<INDArray, INDArray> & Serializable)
                (o, l) -> notSerializable.hashCode();
        assertThatThrownBy(() -> onSpark(plane(5, Order.RASTER, Metric.of("capturing", capturing)), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metric 'capturing' cannot run on Spark")
                .hasMessageContaining("captures a java.lang.Object");
        assertThat(Counting.EVALUATIONS).hasValue(0);
    }

    @Test
    void aSerializableCustomMetricRunsOnSparkWithTheLocalNumbers() {
        Surface local = Landscape.compile(plane(7, Order.RASTER, Metric.loss(), Counting.counting(0))).surface();
        Counting.EVALUATIONS.set(0);
        Surface spark = onSpark(plane(7, Order.RASTER, Metric.loss(), Counting.counting(0)), 4).surface();
        assertThat(Counting.EVALUATIONS).hasValue(49 * BATCHES);
        assertSameBits(new double[][] {local.flatValues("train", "loss"), local.flatValues("train", "count")},
                new double[][] {spark.flatValues("train", "loss"), spark.flatValues("train", "count")});
    }

    @Test
    void cancellingAfterKPointsCancelsTheJobSoTasksNotStartedNeverRun() throws InterruptedException {
        // 144 points of 3 x 50 ms in 36 tasks of 4: the whole job would take ~11 s on 2 threads.
        Landscape l = onSpark(plane(12, Order.RASTER, Metric.loss(), Counting.counting(50)), 4);
        int[] atCancel = new int[1];
        StepVerifier.create(l.points().doOnCancel(() -> atCancel[0] = Counting.EVALUATIONS.get()), 0)
                .thenRequest(6).expectNextCount(6).thenCancel().verify(Duration.ofSeconds(60));
        Thread.sleep(2000);
        int settled = Counting.EVALUATIONS.get();
        // Spark computes ahead of demand, so more than 6 points may be done when the subscriber cancels; after it,
        // the (at most 2) running tasks stop after their current point and nothing else starts: at most 2 x 4
        // points more, however long we wait.
        assertThat(settled - atCancel[0]).isBetween(0, 2 * 4 * BATCHES);
        assertThat(settled).isLessThan(144 * BATCHES / 4);
        Thread.sleep(1000);
        assertThat(Counting.EVALUATIONS).hasValue(settled);
        assertThat(sc.statusTracker().getActiveJobIds()).isEmpty();
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndTheSurfaceIsCompleteAndExact() {
        Surface local = Landscape.compile(plane(9, Order.COARSE_TO_FINE, Metric.loss(), Counting.counting(0)))
                .surface();
        Counting.EVALUATIONS.set(0);
        Surface spark = onSpark(plane(9, Order.COARSE_TO_FINE, Metric.loss(), Counting.failing(1, 1)), 6).surface();
        assertThat(Counting.INJECTED).hasValue(1);
        // The failed attempt threw at its first point; the retry computed all six again.
        assertThat(Counting.EVALUATIONS).hasValue(81 * BATCHES);
        assertSameBits(new double[][] {local.flatValues("train", "loss"), local.flatValues("train", "count")},
                new double[][] {spark.flatValues("train", "loss"), spark.flatValues("train", "count")});
    }

    @Test
    void aTaskThatFailsEveryAttemptFailsTheStreamWithTheCause() {
        Landscape l = onSpark(plane(9, Order.RASTER, Metric.loss(), Counting.failing(2, 2)), 6);
        assertThatThrownBy(l::surface).hasMessageContaining("injected failure in partition 2, attempt 1");
        assertThat(Counting.INJECTED).hasValue(2);
    }

    @Test
    void aCheckpointRecordsEveryPointAndAResumedRunSubmitsOnlyTheMissingOnes(@TempDir Path dir) {
        Path checkpoint = dir.resolve("run.ckpt");
        LandscapeSpec spec = plane(8, Order.COARSE_TO_FINE, Metric.loss(), Counting.counting(0));
        Surface local = Landscape.compile(spec).surface();
        // Start locally, stop after 20 points; the same checkpoint continues on Spark.
        Landscape.compile(spec).points(checkpoint).take(20).blockLast();
        Counting.EVALUATIONS.set(0);
        Set<Integer> restored = new HashSet<>();
        List<LandscapePoint> points = onSpark(spec, 5).points(checkpoint).doOnNext(p -> {
            if (p.isRestored()) {
                restored.add(p.index());
            }
        }).collectList().block();
        assertThat(restored.size()).isGreaterThanOrEqualTo(20);
        assertThat(Counting.EVALUATIONS).hasValue((64 - restored.size()) * BATCHES);
        assertThat(points).hasSize(64);
        Surface resumed = onSpark(spec, 5).surface(checkpoint);
        assertThat(Counting.EVALUATIONS).hasValue((64 - restored.size()) * BATCHES);
        assertSameBits(new double[][] {local.flatValues("train", "loss")},
                new double[][] {resumed.flatValues("train", "loss")});
    }
}

package org.landscape4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import reactor.core.publisher.Flux;

/**
 * A landscape computed by a {@link PointExecutor} that does what a cluster does with a run, in this JVM: Java-serialize
 * it, deserialize a copy and evaluate the positions there, in chunks with one evaluator each.
 */
class PortableRunTest {

    /** Serializes the run, evaluates on the copy in chunks of {@code chunk} positions, last chunk first. */
    private record Serializing(int chunk) implements PointExecutor {
        @Override
        public Flux<PortableRun.Computed> compute(PortableRun run, int[] positions) {
            PortableRun copy = roundTrip(run);
            List<PortableRun.Computed> out = new ArrayList<>();
            for (int start = (positions.length - 1) / chunk * chunk; start >= 0; start -= chunk) {
                Iterator<PortableRun.Computed> it = copy.evaluate(java.util.Arrays.copyOfRange(positions, start,
                        Math.min(positions.length, start + chunk)));
                it.forEachRemaining(out::add);
            }
            return Flux.fromIterable(out);
        }

        @Override
        public String toString() {
            return "a serialized copy";
        }
    }

    private static PortableRun roundTrip(PortableRun run) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(run);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                return (PortableRun) in.readObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertSameBits(LandscapeResult expected, LandscapeResult actual) {
        for (int k = 0; k < expected.keys().size(); k++) {
            String set = expected.keys().sets().get(k / expected.keys().metrics().size());
            String metric = expected.keys().metrics().get(k % expected.keys().metrics().size());
            assertThat(actual.flatValues(set, metric)).as(set + "/" + metric)
                    .containsExactly(expected.flatValues(set, metric));
        }
    }

    @Test
    void aSerializedRunComputesTheLocalBitsForAnMlpACnnAndAGraph() {
        DataSet blobs = Fixtures.blobs(120, 3);
        DataSet images = Fixtures.images(40, 3);
        List<LandscapeSpec> specs = List.of(
                Fixtures.spec(Fixtures.mlp(blobs, 2), blobs, 2, 6, 1),
                Fixtures.spec(Fixtures.cnn(images, 1), images, 2, 4, 2),
                Fixtures.spec(Fixtures.residualGraph(blobs, 1), blobs, 1, 7, 3));
        for (LandscapeSpec spec : specs) {
            Landscape local = Landscape.compile(spec.withExecution(Execution.DEFAULT.withOrder(Order.COARSE_TO_FINE)));
            Landscape remote = Landscape.compile(spec.withExecution(Execution.DEFAULT.withOrder(Order.COARSE_TO_FINE)
                    .withExecutor(new Serializing(5))));
            assertThat(remote.evaluationPlan()).contains("on a serialized copy, coarse-to-fine order");
            LandscapeResult expected = spec.dimensions() == 2 ? local.surface() : local.profile();
            LandscapeResult actual = spec.dimensions() == 2 ? remote.surface() : remote.profile();
            assertSameBits(expected, actual);
        }
    }

    @Test
    void aSerializedRunComputesTheLocalBitsForCurvatureMetricsOnAnAsymmetricPlane() {
        DataSet blobs = Fixtures.blobs(30, 3);
        List<Metric> metrics = new ArrayList<>(List.of(Metric.loss()));
        metrics.addAll(Metric.hessianEigenvalues(
                org.landscape4j.engine.curvature.Hessian.Options.DEFAULT.withMaxLanczosSteps(4)));
        metrics.add(Metric.hessianTrace(3));
        LandscapeSpec spec = new LandscapeSpec(Fixtures.mlp(blobs, 2), Directions.linear2x(), 5,
                List.of(Axis.linear(-1, 1, 3), Axis.linear(-1, 1, 2)), List.of(EvaluationSet.of("train", blobs)),
                metrics);
        Landscape local = Landscape.compile(spec);
        Landscape remote = Landscape.compile(spec.withExecution(Execution.DEFAULT.withExecutor(new Serializing(4))));

        assertSameBits(local.surface(), remote.surface());
    }

    @Test
    void pointsFromAnExecutorAreNumberedInArrivalOrder() {
        DataSet blobs = Fixtures.blobs(60, 3);
        List<LandscapePoint> points = Landscape.compile(Fixtures.spec(Fixtures.mlp(blobs, 1), blobs, 2, 4, 1)
                .withExecution(Execution.DEFAULT.withExecutor(new Serializing(3)))).points().collectList().block();
        assertThat(points).extracting(LandscapePoint::sequence).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
                12, 13, 14, 15);
        // The last chunk (raster positions 15) came first.
        assertThat(points.get(0).index()).isEqualTo(15);
        assertThat(points).noneMatch(LandscapePoint::isRestored);
    }

    @Test
    void anExecutorAnsweringAPositionTwiceFailsTheStream() {
        DataSet blobs = Fixtures.blobs(60, 3);
        PointExecutor twice = (run, positions) -> {
            PortableRun.Computed first = run.evaluate(new int[] {positions[0]}).next();
            return Flux.just(first, first);
        };
        Landscape l = Landscape.compile(Fixtures.spec(Fixtures.mlp(blobs, 1), blobs, 1, 3, 1)
                .withExecution(Execution.DEFAULT.withExecutor(twice)));
        assertThatThrownBy(l::profile).hasMessageContaining("returned position 0 of the visiting order, which was "
                + "not asked or was returned before");
    }
}

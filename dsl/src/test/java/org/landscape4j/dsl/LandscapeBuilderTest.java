package org.landscape4j.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.landscape4j.dsl.Landscapes.landscape;
import static org.landscape4j.engine.Directions.interpolation;
import static org.landscape4j.engine.RandomDirections.FILTER_NORMALIZED;
import static org.landscape4j.engine.RandomDirections.LAYER_NORMALIZED;
import static org.landscape4j.engine.Spacing.CUBIC;

import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.EvaluationSet;
import org.landscape4j.engine.Fixtures;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapeBuilder;
import org.landscape4j.engine.LandscapeSpec;
import org.landscape4j.engine.Metric;
import org.landscape4j.engine.Order;
import org.landscape4j.engine.Spacing;
import org.landscape4j.engine.Surface;
import org.nd4j.linalg.dataset.DataSet;

class LandscapeBuilderTest {

    private static DataSet data;
    private static MultiLayerNetwork net;

    @BeforeAll
    static void train() {
        data = Fixtures.blobs(45, 2);
        net = Fixtures.mlp(data, 20);
    }

    @Test
    void builderCompilesToTheSameSurfaceAsTheEngineSpec() {
        Surface viaBuilder = landscape(b -> b.model(net).directions(FILTER_NORMALIZED, 2).grid(-1, 1, 4)
                .evaluateOn("train", data)).surface();
        Surface viaSpec = Landscape.compile(new LandscapeSpec(net, FILTER_NORMALIZED, LandscapeBuilder.DEFAULT_SEED,
                List.of(Axis.linear(-1, 1, 4), Axis.linear(-1, 1, 4)), List.of(EvaluationSet.of("train", data)),
                List.of())).surface();

        assertThat(viaBuilder.flatValues("train", "loss")).containsExactly(viaSpec.flatValues("train", "loss"));
        assertThat(viaBuilder.keys().metrics()).containsExactly("loss", "accuracy");
    }

    @Test
    void interpolationFromTheBuilderStartsAndEndsAtTheModels() {
        MultiLayerNetwork other = Fixtures.mlp(Fixtures.blobs(45, 8), 15);
        org.landscape4j.engine.Profile p = landscape(b -> b.model(net).directions(interpolation(net, other))
                .grid(0, 1.5, 4).evaluateOn("train", data)).profile();

        assertThat(p.values("train", "loss")[0]).isCloseTo(net.score(data, false), org.assertj.core.api.Assertions.within(1e-5));
        assertThat(p.values("train", "loss")[2]).isCloseTo(other.score(data, false), org.assertj.core.api.Assertions.within(1e-4));
        assertThatThrownBy(() -> Landscape.builder().directions(FILTER_NORMALIZED))
                .hasMessageContaining("random directions need a count");
    }

    @Test
    void builderIsImmutable() {
        LandscapeBuilder base = Landscape.builder().model(net).directions(FILTER_NORMALIZED, 1).grid(-1, 1, 3)
                .evaluateOn("train", data);
        LandscapeBuilder seeded = base.seed(99);
        LandscapeBuilder plane = base.directions(LAYER_NORMALIZED, 2);

        assertThat(base.spec().seed()).isEqualTo(LandscapeBuilder.DEFAULT_SEED);
        assertThat(seeded.spec().seed()).isEqualTo(99);
        assertThat(base.spec().dimensions()).isEqualTo(1);
        assertThat(plane.spec().dimensions()).isEqualTo(2);
        assertThat(plane.spec().directions()).isEqualTo(LAYER_NORMALIZED);
    }

    @Test
    void spacingAxesBatchSizeAndMetricsReachTheSpec() {
        LandscapeSpec spec = Landscape.builder().model(net).directions(FILTER_NORMALIZED, 2)
                .grid(-2, 2, 5).spacing(CUBIC).batchSize(10).metrics(Metric.loss())
                .evaluateOn("train", data).evaluateOn("test", Fixtures.blobs(9, 5)).spec();

        assertThat(spec.axes()).containsExactly(new Axis(-2, 2, 5, Spacing.CUBIC), new Axis(-2, 2, 5, Spacing.CUBIC));
        assertThat(spec.evaluationSets()).extracting(EvaluationSet::batchSize).containsExactly(10, 10);
        assertThat(spec.evaluationSets()).extracting(EvaluationSet::name).containsExactly("train", "test");
        assertThat(spec.metrics()).containsExactly(Metric.loss());

        LandscapeSpec fast = Landscape.builder().model(net).directions(FILTER_NORMALIZED, 2).grid(-1, 1, 3)
                .evaluateOn("train", data).order(Order.SPIRAL).workers(2).factorizeFirstLayer(false).spec();
        assertThat(fast.execution()).isEqualTo(new org.landscape4j.engine.Execution(Order.SPIRAL, 2, false));

        org.landscape4j.engine.PointExecutor elsewhere = (run, positions) -> reactor.core.publisher.Flux.empty();
        assertThat(Landscape.builder().model(net).directions(FILTER_NORMALIZED, 2).grid(-1, 1, 3)
                .evaluateOn("train", data).order(Order.SPIRAL).executor(elsewhere).spec().execution())
                .isEqualTo(new org.landscape4j.engine.Execution(Order.SPIRAL, 0, true).withExecutor(elsewhere));

        LandscapeSpec own = Landscape.builder().model(net).directions(FILTER_NORMALIZED, 2)
                .axes(Axis.linear(-1, 1, 3), Axis.linear(0, 2, 4)).evaluateOn("train", data).spec();
        assertThat(own.totalPoints()).isEqualTo(12);
    }

    @Test
    void everyInvalidSpecIsNamedBeforeWork() {
        LandscapeBuilder ok = Landscape.builder().model(net).directions(FILTER_NORMALIZED, 2).grid(-1, 1, 3)
                .evaluateOn("train", data);

        assertThatThrownBy(() -> ok.grid(-1, 1, 1)).hasMessage("grid resolution must be >= 2, was 1");
        assertThatThrownBy(() -> ok.grid(1, -1, 5)).hasMessageContaining("min 1.0 >= max -1.0");
        assertThatThrownBy(() -> ok.grid(Double.NaN, 1, 5)).hasMessage("grid minimum must be finite, was NaN");
        assertThatThrownBy(() -> ok.grid(-1, Double.NaN, 5)).hasMessage("grid maximum must be finite, was NaN");
        assertThatThrownBy(() -> ok.directions(FILTER_NORMALIZED, 0)).hasMessage("a grid needs 1 or 2 directions, was 0");
        assertThatThrownBy(() -> ok.directions(FILTER_NORMALIZED, 3)).hasMessage("a grid needs 1 or 2 directions, was 3");
        assertThatThrownBy(() -> Landscape.builder().directions(FILTER_NORMALIZED, 2).grid(-1, 1, 3)
                .evaluateOn("train", data).spec()).hasMessageContaining("model must be set");
        assertThatThrownBy(() -> Landscape.builder().model(net).grid(-1, 1, 3).evaluateOn("train", data).spec())
                .hasMessageContaining("directions must be set");
        assertThatThrownBy(() -> Landscape.builder().model(net).directions(FILTER_NORMALIZED, 2)
                .evaluateOn("train", data).spec()).hasMessageContaining("grid must be set");
        assertThatThrownBy(() -> Landscape.builder().model(net).directions(FILTER_NORMALIZED, 2).grid(-1, 1, 3)
                .spec()).hasMessageContaining("at least one evaluation set");
        assertThatThrownBy(() -> ok.evaluateOn("train", data).spec()).hasMessage("evaluation set name 'train' is used twice");
        assertThatThrownBy(() -> ok.axes(Axis.linear(-1, 1, 3)).spec()).hasMessage("directions(..., 2) needs 2 axes, was 1");
        assertThatThrownBy(() -> ok.batchSize(0)).hasMessage("batch size must be >= 1, was 0");
        assertThatThrownBy(() -> landscape(b -> null)).hasMessageContaining("returned null");
        assertThatThrownBy(() -> ok.workers(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("workers must be >= 1, was 0; leave workers(...) out for the default"
                        + " (Execution.defaultWorkers())");
        assertThatThrownBy(() -> ok.workers(-1)).hasMessageStartingWith("workers must be >= 1, was -1; ");
        assertThatThrownBy(() -> ok.workers(257)).hasMessage("workers must be <= 256, was 257");
    }
}

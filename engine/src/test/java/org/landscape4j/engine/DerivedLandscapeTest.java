package org.landscape4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import reactor.core.Disposable;

/**
 * Landscapes made from a compiled one — another region ({@code withAxes}), another order ({@code withOrder}), a line
 * through the plane ({@code profile(PlaneLine)}), the rest of a run ({@code points(BitSet)}) — compute the same
 * numbers, bit for bit, as the plane; and {@code idle()} says when a cancelled stream's workers have stopped.
 */
class DerivedLandscapeTest {

    private static DataSet data;
    private static MultiLayerNetwork mlp;

    @BeforeAll
    static void train() {
        data = Fixtures.blobs(60, 2);
        mlp = Fixtures.mlp(data, 20);
    }

    private static LandscapeSpec plane(Axis x, Axis y, int workers, Metric... metrics) {
        return new LandscapeSpec(mlp, RandomDirections.FILTER_NORMALIZED, 5, List.of(x, y),
                List.of(EvaluationSet.of("train", data)), List.of(metrics), Execution.DEFAULT.withWorkers(workers));
    }

    private static long[] bits(double[] v) {
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Double.doubleToRawLongBits(v[i]);
        }
        return b;
    }

    @Test
    void aRegionIsTheSurfaceOfALandscapeCompiledWithThoseAxes() {
        Landscape overview = Landscape.compile(plane(Axis.linear(-1, 1, 7), Axis.linear(-1, 1, 7), 2));
        Axis x = Axis.linear(-0.3, 0.1, 6);
        Axis y = Axis.linear(0.05, 0.45, 5);

        Landscape region = overview.withAxes(x, y);
        Surface zoomed = region.surface();
        Surface compiled = Landscape.compile(plane(x, y, 2)).surface();

        assertThat(region.spec().axes()).containsExactly(x, y);
        assertThat(zoomed.x()).isEqualTo(x);
        assertThat(zoomed.provenance().axes()).containsExactly(x, y);
        for (String metric : List.of("loss", "accuracy")) {
            assertThat(bits(zoomed.flatValues("train", metric))).as(metric)
                    .containsExactly(bits(compiled.flatValues("train", metric)));
        }
        assertThat(zoomed.flatValues("train", "loss")).doesNotContain(overview.surface().flatValues("train", "loss"));
    }

    @Test
    void anotherOrderStreamsCoarseToFineWithTheSameNumbers() {
        Landscape raster = Landscape.compile(plane(Axis.linear(-1, 1, 9), Axis.linear(-1, 1, 9), 2));
        Landscape coarse = raster.withOrder(Order.COARSE_TO_FINE);

        List<Integer> indices = coarse.points().map(LandscapePoint::index).collectList().block();

        assertThat(indices.subList(0, 4)).containsExactly(0, 8, 72, 80);   // every 8th point of each axis first
        assertThat(coarse.evaluationPlan()).contains("coarse-to-fine order");
        assertThat(bits(coarse.surface().flatValues("train", "loss")))
                .containsExactly(bits(raster.surface().flatValues("train", "loss")));
    }

    @Test
    void withAxesNamesWhatIsWrong() {
        Landscape overview = Landscape.compile(plane(Axis.linear(-1, 1, 3), Axis.linear(-1, 1, 3), 1));

        assertThatThrownBy(() -> overview.withAxes(Axis.linear(0, 1, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("this landscape has 2 directions, so it needs 2 axes, got 1");
        assertThatThrownBy(() -> overview.withAxes(Axis.linear(0, 1, 4096), Axis.linear(0, 1, 4096)))
                .hasMessageContaining("too large");
    }

    @Test
    void linesAlongXAndYAreTheSurfacesRowAndColumnBitForBit() {
        Axis x = Axis.linear(-1, 1, 7);
        Axis y = Axis.linear(-0.5, 0.7, 5);
        Landscape plane = Landscape.compile(plane(x, y, 2));
        Surface s = plane.surface();

        Profile row = plane.profile(PlaneLine.alongX(y.value(3), x));
        Profile column = plane.profile(PlaneLine.alongY(x.value(2), y));

        assertThat(row.axis()).isEqualTo(x);
        assertThat(row.provenance().directions()).contains("line (0.0, " + y.value(3) + ") + t·(1.0, 0.0)");
        double[] expectedRow = new double[x.points()];
        for (int ix = 0; ix < x.points(); ix++) {
            expectedRow[ix] = s.value("train", "loss", ix, 3);
        }
        double[] expectedColumn = new double[y.points()];
        for (int iy = 0; iy < y.points(); iy++) {
            expectedColumn[iy] = s.value("train", "loss", 2, iy);
        }
        assertThat(bits(row.values("train", "loss"))).containsExactly(bits(expectedRow));
        assertThat(bits(column.values("train", "loss"))).containsExactly(bits(expectedColumn));
    }

    @Test
    void theLineFromTheCentreMeetsTheCentreAtZeroAndThePointAtOne() {
        Axis x = Axis.linear(-1, 1, 5);
        Landscape plane = Landscape.compile(plane(x, x, 1));
        Surface s = plane.surface();

        Profile line = plane.profile(PlaneLine.throughCentre(x.value(4), x.value(1), Axis.linear(-1, 1, 5)));

        double[] loss = line.values("train", "loss");
        assertThat(loss[2]).isEqualTo(s.value("train", "loss", 2, 2));       // t = 0: (0, 0), the model
        assertThat(loss[4]).isEqualTo(s.value("train", "loss", 4, 1));       // t = 1: the point itself
        assertThat(loss[0]).isEqualTo(s.value("train", "loss", 0, 3));       // t = -1: (-1, 0.5)
        assertThat(plane.points(PlaneLine.throughCentre(1, 1, Axis.linear(0, 1, 3)))
                .map(p -> p.coordinate(0)).collectList().block()).containsExactly(0.0, 0.5, 1.0);
    }

    @Test
    void theLineThroughTheCentreAlongXIsTheLineLandscapeOfTheSameSeed() {
        Axis x = Axis.linear(-1, 1, 9);
        Landscape plane = Landscape.compile(plane(x, x, 2));
        Landscape line = Landscape.compile(new LandscapeSpec(mlp, RandomDirections.FILTER_NORMALIZED, 5, List.of(x),
                List.of(EvaluationSet.of("train", data)), List.of()));

        assertThat(bits(plane.profile(PlaneLine.alongX(0, x)).values("train", "loss")))
                .containsExactly(bits(line.profile().values("train", "loss")));
    }

    @Test
    void linesNameWhatIsWrong() {
        Axis t = Axis.linear(0, 1, 3);
        assertThatThrownBy(() -> new PlaneLine(new double[] {0}, new double[] {1, 0}, t))
                .hasMessage("a line's origin needs 2 plane coordinates, was [0.0]");
        assertThatThrownBy(() -> new PlaneLine(new double[] {0, 0}, new double[] {0, 0}, t))
                .hasMessage("a line's step must not be (0, 0)");
        assertThatThrownBy(() -> PlaneLine.alongX(Double.NaN, t))
                .hasMessage("a line's origin must be finite, was [0.0, NaN]");
        Landscape line = Landscape.compile(Fixtures.spec(mlp, data, 1, 3, 1));
        assertThatThrownBy(() -> line.profile(PlaneLine.alongX(0, t)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs 2 directions");
    }

    @Test
    void theRestOfARunComputesOnlyTheMissingPoints() {
        AtomicInteger evaluations = new AtomicInteger();
        Axis x = Axis.linear(-1, 1, 5);
        Landscape plane = Landscape.compile(plane(x, x, 2, Metric.loss(),
                Metric.of("count", (o, l) -> evaluations.incrementAndGet())));
        double[] all = plane.surface().flatValues("train", "loss");
        evaluations.set(0);
        BitSet done = new BitSet();
        done.set(0, 10);
        done.set(17);

        List<LandscapePoint> rest = plane.points(done).collectList().block();

        assertThat(rest).hasSize(25 - 11);
        assertThat(evaluations).hasValue(25 - 11);
        assertThat(rest).extracting(LandscapePoint::index).doesNotContain(0, 9, 17).contains(10, 16, 18, 24);
        assertThat(rest.get(0).sequence()).isEqualTo(11);
        for (LandscapePoint p : rest) {
            assertThat(p.value("train", "loss")).isEqualTo(all[p.index()]);
        }
        BitSet outside = new BitSet();
        outside.set(25);
        assertThatThrownBy(() -> plane.points(outside)).hasMessageContaining("below 25");
    }

    @Test
    void idleCompletesWhenACancelledStreamsWorkersHaveStopped() throws Exception {
        for (int workers : new int[] {1, 2}) {
            AtomicInteger evaluations = new AtomicInteger();
            Landscape plane = Landscape.compile(plane(Axis.linear(-1, 1, 15), Axis.linear(-1, 1, 15), workers,
                    Metric.loss(), Metric.of("slow", (o, l) -> {
                        evaluations.incrementAndGet();
                        sleep(20);
                        return 0;
                    })));
            assertThat(plane.idle().toFuture()).as("nothing runs yet").isDone();
            List<LandscapePoint> seen = new ArrayList<>();
            Disposable run = plane.points().subscribe(seen::add);
            while (evaluations.get() < 3) {
                Thread.sleep(5);
            }
            CompletableFuture<Void> idle = plane.idle().toFuture();
            assertThat(idle).as("workers are computing").isNotDone();

            run.dispose();
            idle.get(5, TimeUnit.SECONDS);
            int atIdle = evaluations.get();
            Thread.sleep(200);

            assertThat(evaluations.get()).as(workers + " workers: no evaluation after idle").isEqualTo(atIdle);
            assertThat(atIdle).isLessThan(225);
            assertThat(plane.idle().block(Duration.ofSeconds(1))).isNull();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

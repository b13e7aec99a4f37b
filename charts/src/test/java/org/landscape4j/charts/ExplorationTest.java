package org.landscape4j.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.EvaluationSet;
import org.landscape4j.engine.Fixtures;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapeSpec;
import org.landscape4j.engine.Metric;
import org.landscape4j.engine.PlaneLine;
import org.landscape4j.engine.Profile;
import org.landscape4j.engine.RandomDirections;
import org.landscape4j.engine.Surface;
import org.nd4j.linalg.dataset.DataSet;

/** The Explorer's model without a window: history, cancellation, profiles, switching, memory. */
class ExplorationTest {

    /** Shared with the window tests, made once. */
    private static final DataSet data = Fixtures.blobs(60, 3);
    private static final MultiLayerNetwork mlp = Fixtures.mlp(data, 20);

    /** Every evaluation's time, from a metric that counts them (and, with {@code sleepMs}, slows them down). */
    static final class Evaluations {
        final ConcurrentLinkedQueue<Long> times = new ConcurrentLinkedQueue<>();
        final long sleepMs;
        /** While set, every evaluation that starts waits here ({@link #hold()}, {@link #release()}). */
        private volatile java.util.concurrent.CountDownLatch gate;

        Evaluations(long sleepMs) {
            this.sleepMs = sleepMs;
        }

        Metric metric() {
            return Metric.of("evaluations", (output, labels) -> {
                times.add(System.nanoTime());
                java.util.concurrent.CountDownLatch g = gate;
                if (g != null) {
                    try {
                        g.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (sleepMs > 0) {
                    try {
                        Thread.sleep(sleepMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return 0;
            });
        }

        int count() {
            return times.size();
        }

        /**
         * Holds every evaluation that starts from now on, and waits until the ones already past the gate are done
         * (no evaluation started for 3 sleeps), so that the picture, its colour legend and the data area stay put.
         */
        void hold() throws InterruptedException {
            gate = new java.util.concurrent.CountDownLatch(1);
            int seen;
            do {
                seen = count();
                Thread.sleep(3 * Math.max(sleepMs, 10));
            } while (count() != seen);
            Thread.sleep(3 * Math.max(sleepMs, 10));
        }

        /** Lets the held evaluations go on. */
        void release() {
            java.util.concurrent.CountDownLatch g = gate;
            gate = null;
            if (g != null) {
                g.countDown();
            }
        }

        long after(long nanos) {
            return times.stream().filter(t -> t > nanos).count();
        }
    }

    /** The metrics are computed once per point on each set. */
    static final int SETS = 2;

    static Landscape plane(int points, Evaluations evaluations) {
        return Landscape.compile(new LandscapeSpec(mlp, RandomDirections.FILTER_NORMALIZED, 3,
                List.of(Axis.linear(-1, 1, points), Axis.linear(-1, 1, points)),
                List.of(EvaluationSet.of("train", data), EvaluationSet.of("test", Fixtures.blobs(30, 9))),
                List.of(Metric.loss(), Metric.accuracy(), evaluations.metric())));
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    static void awaitDone(Exploration.View v) throws InterruptedException {
        await("the view is computed", () -> v.state() == Exploration.State.DONE);
    }

    static long[] bits(double[] v) {
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Double.doubleToRawLongBits(v[i]);
        }
        return b;
    }

    @Test
    void aNewRegionCancelsTheOldRunAndStartsOnlyOnceItsWorkersHaveStopped() throws Exception {
        Evaluations evaluations = new Evaluations(4);
        Exploration e = new Exploration(plane(11, evaluations), Long.MAX_VALUE, null);
        e.start();
        Exploration.View overview = e.current();
        await("20 points of the overview", () -> overview.values().count() >= 20);

        AtomicLong idleAt = new AtomicLong();
        // waits before the Explorer does, so it is told first: the new run starts after this time
        overview.landscape.idle().subscribe(null, null, () -> idleAt.set(System.nanoTime()));
        e.zoom(-0.5, 0.5, -0.25, 0.25);
        int shownAtZoom = overview.values().count();
        Exploration.View region = e.current();
        awaitDone(region);
        await("the overview's workers stopped", () -> idleAt.get() != 0);

        assertThat(overview.state()).isEqualTo(Exploration.State.CANCELLED);
        assertThat(overview.values().count()).as("no point of the old run after the drag")
                .isBetween(shownAtZoom, shownAtZoom + 2).isLessThan(121);
        assertThat(evaluations.after(idleAt.get())).as("every evaluation after the old run's workers stopped is "
                + "one of the region's, each once").isEqualTo(SETS * 121);
        assertThat(region.x).isEqualTo(Axis.linear(-0.5, 0.5, 11));
        assertThat(region.y).isEqualTo(Axis.linear(-0.25, 0.25, 11));
        assertThat(e.status()).startsWith("view 2 of 2: 121/121 points in ");
        e.close();
    }

    @Test
    void theRegionIsTheSurfaceOfTheLandscapeOnThoseAxesAndBackRestoresTheOverviewBitForBit() throws Exception {
        Evaluations evaluations = new Evaluations(0);
        Landscape plane = plane(9, evaluations);
        Exploration e = new Exploration(plane, Long.MAX_VALUE, null);
        e.start();
        awaitDone(e.current());
        Surface overview = e.surface();

        e.zoom(0.1, 0.6, -0.3, 0.2);
        awaitDone(e.current());
        Surface region = e.surface();
        int before = evaluations.count();
        long received = e.received();
        e.back();

        assertThat(bits(region.flatValues("train", "loss"))).containsExactly(bits(plane.withAxes(
                Axis.linear(0.1, 0.6, 9), Axis.linear(-0.3, 0.2, 9)).surface().flatValues("train", "loss")));
        evaluations.times.clear();
        assertThat(e.position()).containsExactly(1, 2);
        assertThat(e.current().state()).isEqualTo(Exploration.State.DONE);
        Surface back = e.surface();
        for (String set : List.of("train", "test")) {
            for (String metric : List.of("loss", "accuracy")) {
                assertThat(bits(back.flatValues(set, metric))).containsExactly(bits(overview.flatValues(set, metric)));
            }
        }
        Thread.sleep(100);
        assertThat(evaluations.count()).as("Back computes nothing").isZero();
        assertThat(e.received()).isEqualTo(received);
        assertThat(before).isEqualTo(SETS * (81 + 81));
        e.forward();
        assertThat(bits(e.surface().flatValues("train", "loss"))).containsExactly(bits(region.flatValues("train",
                "loss")));
        e.close();
    }

    @Test
    void aViewLeftHalfComputedComputesOnlyItsMissingPointsWhenShownAgain() throws Exception {
        Evaluations evaluations = new Evaluations(3);
        Landscape plane = plane(11, evaluations);
        Exploration e = new Exploration(plane, Long.MAX_VALUE, null);
        e.start();
        Exploration.View overview = e.current();
        await("30 points", () -> overview.values().count() >= 30);
        e.zoom(-0.5, 0.5, -0.5, 0.5);
        awaitDone(e.current());
        Thread.sleep(50);
        int kept = overview.values().count();
        int start = evaluations.count();

        e.back();
        awaitDone(overview);

        assertThat(evaluations.count() - start).isEqualTo(SETS * (121 - kept));
        assertThat(bits(e.surface().flatValues("train", "loss")))
                .containsExactly(bits(plane.surface().flatValues("train", "loss")));
        e.close();
    }

    @Test
    void theProfilesThroughAClickedPointAreLandscapeProfilesOfTheSameLines() throws Exception {
        Evaluations evaluations = new Evaluations(0);
        Landscape plane = plane(9, evaluations);
        Exploration e = new Exploration(plane, Long.MAX_VALUE, null);
        e.start();
        awaitDone(e.current());
        e.zoom(-0.6, 0.8, -0.4, 0.5);
        awaitDone(e.current());
        double x = 0.3137;
        double y = -0.1212;

        e.probe(x, y, true);
        Exploration.Probe p = e.current().probe();
        await("the profiles", () -> p.lines().stream().allMatch(l -> l.state() == Exploration.State.DONE));

        assertThat(p.lines()).extracting(l -> l.name).containsExactly("along x", "along y", "from the centre");
        Axis vx = Axis.linear(-0.6, 0.8, 9);
        Axis vy = Axis.linear(-0.4, 0.5, 9);
        double[] t = Exploration.centreLineRange(e.current(), x, y);
        List<PlaneLine> expected = List.of(PlaneLine.alongX(y, vx), PlaneLine.alongY(x, vy),
                PlaneLine.throughCentre(x, y, Axis.linear(t[0], t[1], 9)));
        for (int i = 0; i < 3; i++) {
            Profile shown = e.profile(p.lines().get(i));
            Profile computed = plane.profile(expected.get(i));
            assertThat(shown.axis()).isEqualTo(expected.get(i).t());
            assertThat(shown.coordinates()).hasSize(9);
            for (String set : List.of("train", "test")) {
                for (String metric : List.of("loss", "accuracy")) {
                    assertThat(bits(shown.values(set, metric))).as(p.lines().get(i).name + " " + set + "/" + metric)
                            .containsExactly(bits(computed.values(set, metric)));
                }
            }
        }
        double[] atOne = expected.get(2).at(1);
        assertThat(atOne[0]).isEqualTo(x);
        assertThat(atOne[1]).isEqualTo(y);
        assertThat(e.status()).endsWith("; profiles 27/27 points");
        e.close();
    }

    @Test
    void theCentreLineCrossesTheWholeViewAndThroughThePoint() {
        Exploration.View v = new Exploration.View(Axis.linear(-1, 1, 3), Axis.linear(0.5, 1, 3), null, null);

        assertThat(Exploration.centreLineRange(v, 0.5, 0.75)).containsExactly(2.0 / 3, 4.0 / 3);
        assertThat(Exploration.centreLineRange(v, 0, 0.75)).containsExactly(2.0 / 3, 4.0 / 3);
        assertThat(Exploration.centreLineRange(v, 0, 0)).isNull();
        double[] t = Exploration.centreLineRange(v, -1, 1);
        assertThat(t[1]).isEqualTo(1.0);
        assertThat(t[0]).isCloseTo(0.5, within(1e-15));
    }

    @Test
    void switchingTheMetricReadsTheKeptValues() throws Exception {
        Evaluations evaluations = new Evaluations(0);
        Exploration e = new Exploration(plane(9, evaluations), Long.MAX_VALUE, null);
        e.start();
        awaitDone(e.current());
        int count = evaluations.count();
        Surface s = e.surface();

        for (int k = 0; k < e.keys().size(); k++) {
            boolean[] shown = new boolean[81];
            double[] z = e.current().picture(k, shown);
            String set = e.keys().sets().get(k / e.keys().metrics().size());
            String metric = e.keys().metrics().get(k % e.keys().metrics().size());
            assertThat(bits(z)).as(set + "/" + metric).containsExactly(bits(s.flatValues(set, metric)));
            assertThat(shown).containsOnly(true);
        }
        Thread.sleep(50);
        assertThat(evaluations.count()).isEqualTo(count);
        e.close();
    }

    @Test
    void thePictureOfAViewFillingInPreviewsTheMissingPointsFromTheCoarserLattice() {
        Exploration.View v = new Exploration.View(Axis.linear(-1, 1, 17), Axis.linear(-1, 1, 17), null,
                new PointValues(new org.landscape4j.engine.MetricKeys(List.of("train"), List.of("loss")), 289));
        for (int iy = 0; iy < 17; iy += 8) {
            for (int ix = 0; ix < 17; ix += 8) {
                int i = iy * 17 + ix;
                v.values().put(org.landscape4j.engine.LandscapePoint.of(i, 289, new int[] {ix, iy},
                        v.coordinates(i), new double[] {i}, v.values().keys()));
            }
        }
        boolean[] computed = new boolean[289];
        double[] z = v.picture(0, computed);

        assertThat(java.util.stream.IntStream.range(0, 289).filter(i -> computed[i]).boxed().toList())
                .containsExactly(0, 8, 16, 8 * 17, 8 * 17 + 8, 8 * 17 + 16, 16 * 17, 16 * 17 + 8, 16 * 17 + 16);
        assertThat(z[0]).isEqualTo(0);
        assertThat(z[3 * 17 + 3]).as("(3, 3) from (0, 0)").isEqualTo(0);
        assertThat(z[5 * 17 + 3]).as("(3, 5) from (0, 8)").isEqualTo(8 * 17);
        assertThat(z[16 * 17 + 13]).as("(13, 16) from (16, 16)").isEqualTo(16 * 17 + 16);
        assertThat(v.nearest(0.9, 0.9)).isEqualTo(16 * 17 + 16);
        assertThat(v.nearest(0.1, -0.2)).isEqualTo(8 * 17 + 8);
    }

    @Test
    void historyIsBoundedInMemoryAndADroppedViewIsComputedAgain() throws Exception {
        Evaluations evaluations = new Evaluations(0);
        Landscape plane = plane(9, evaluations);
        long oneView = new PointValues(plane.keys(), 81).bytes();
        Exploration e = new Exploration(plane, 2 * oneView, null);
        e.start();
        awaitDone(e.current());
        Surface first = e.surface();
        Exploration.View overview = e.current();
        e.zoom(-0.5, 0.5, -0.5, 0.5);
        awaitDone(e.current());
        e.zoom(-0.2, 0.2, -0.2, 0.2);
        awaitDone(e.current());

        assertThat(overview.state()).isEqualTo(Exploration.State.DROPPED);
        assertThat(overview.values()).isNull();
        e.back();
        assertThat(e.position()).containsExactly(2, 3);
        assertThat(e.current().values()).isNotNull();
        int before = evaluations.count();
        e.back();
        awaitDone(e.current());

        assertThat(evaluations.count() - before).isEqualTo(SETS * 81);
        assertThat(bits(e.surface().flatValues("test", "loss"))).containsExactly(bits(first.flatValues("test",
                "loss")));
        e.close();
    }

    @Test
    void aGivenOverviewIsShownWithoutComputing() throws Exception {
        Evaluations evaluations = new Evaluations(0);
        Landscape plane = plane(5, evaluations);
        Surface s = plane.surface();
        evaluations.times.clear();

        Exploration e = new Exploration(plane, Long.MAX_VALUE, s);
        e.start();

        assertThat(e.current().state()).isEqualTo(Exploration.State.DONE);
        assertThat(bits(e.surface().flatValues("train", "accuracy"))).containsExactly(bits(s.flatValues("train",
                "accuracy")));
        assertThat(e.status()).isEqualTo("view 1 of 1: 25/25 points (given)");
        assertThat(e.idle().block(Duration.ofSeconds(1))).isNull();
        assertThat(evaluations.count()).isZero();
        assertThatThrownBy(() -> new Exploration(plane, 0, plane.withAxes(Axis.linear(0, 1, 5),
                Axis.linear(0, 1, 5)).surface())).hasMessageContaining("is not a surface of this landscape");
        assertThatThrownBy(() -> new Exploration(Landscape.compile(Fixtures.spec(mlp, data, 1, 3, 1)), 0, null))
                .hasMessage("the Explorer needs a plane (2 directions), the landscape has 1");
        e.close();
        assertThatThrownBy(() -> e.zoom(0, 1, 0, 1)).hasMessage("the Explorer is closed");
    }

    @Test
    void aZoomAfterBackForgetsTheViewsAfterIt() throws Exception {
        Exploration e = new Exploration(plane(5, new Evaluations(0)), Long.MAX_VALUE, null);
        e.start();
        e.zoom(0, 1, 0, 1);
        e.zoom(0, 0.5, 0, 0.5);
        e.back();
        e.back();
        assertThat(e.canGoBack()).isFalse();
        assertThat(e.canGoForward()).isTrue();

        e.zoom(-1, 0, -1, 0);

        assertThat(e.position()).containsExactly(2, 2);
        assertThat(e.canGoForward()).isFalse();
        assertThat(e.current().x).isEqualTo(Axis.linear(-1, 0, 5));
        awaitDone(e.current());
        e.close();
        e.idle().block(Duration.ofSeconds(10));
    }
}

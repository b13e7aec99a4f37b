package org.landscape4j.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.EvaluationSet;
import org.landscape4j.engine.Fixtures;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapePoint;
import org.landscape4j.engine.LandscapeSpec;
import org.landscape4j.engine.MetricKeys;
import org.landscape4j.engine.RandomDirections;
import org.nd4j.linalg.dataset.DataSet;

import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import reactor.test.publisher.TestPublisher;
import reactor.test.scheduler.VirtualTimeScheduler;

class LiveSurfaceTest {

    private static final MetricKeys KEYS = new MetricKeys(List.of("train"), List.of("loss"));

    private static LandscapePoint point(int index, int nx, int total) {
        int ix = index % nx;
        int iy = index / nx;
        return LandscapePoint.of(index, total, new int[] {ix, iy}, new double[] {ix, iy},
                new double[] {1 + ix * ix + iy * iy}, KEYS);
    }

    private static LiveSurface live10x10() {
        Grid grid = new Grid(Axis.linear(-1, 1, 10), Axis.linear(-1, 1, 10), 0, "train/loss");
        return new LiveSurface(new SurfaceChart(grid, null, HeatmapStyle.DEFAULT));
    }

    @Test
    void everyPointLandsAndRepaintsAreCoalescedToOnePerPeriod() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        TestPublisher<LandscapePoint> points = TestPublisher.create();
        LiveSurface live = live10x10();
        AtomicInteger chartChanges = new AtomicInteger();
        live.chart().chart().addChangeListener(e -> chartChanges.incrementAndGet());
        AtomicBoolean completed = new AtomicBoolean();

        live.bind(points.flux(), Duration.ofMillis(33), time, Schedulers.immediate(), p -> { }, e -> { },
                () -> completed.set(true));
        for (int i = 0; i < 50; i++) {
            points.next(point(i, 10, 100));
        }
        assertThat(live.repaints()).isZero();
        assertThat(live.chart().grid().count()).isEqualTo(50);
        time.advanceTimeBy(Duration.ofMillis(33));
        assertThat(live.repaints()).isEqualTo(1);
        time.advanceTimeBy(Duration.ofMillis(100));
        assertThat(live.repaints()).as("no new point, no repaint").isEqualTo(1);
        for (int i = 50; i < 100; i++) {
            points.next(point(i, 10, 100));
        }
        time.advanceTimeBy(Duration.ofMillis(33));
        points.complete();

        assertThat(completed).isTrue();
        assertThat(live.repaints()).isEqualTo(3);
        assertThat(chartChanges).as("one chart change per repaint").hasValue(3);
        assertThat(live.chart().grid().count()).isEqualTo(100);
        assertThat(live.chart().grid().snapshot()).doesNotContain(Double.NaN);
    }

    @Test
    void disposingTheBindingCancelsUpstream() {
        TestPublisher<LandscapePoint> points = TestPublisher.create();
        LiveSurface live = live10x10();

        Disposable binding = live.bind(points.flux(), Duration.ofMillis(33), VirtualTimeScheduler.create(),
                Schedulers.immediate(), p -> { }, e -> { }, () -> { });
        points.next(point(0, 10, 100));
        binding.dispose();

        points.assertCancelled();
    }

    @Test
    void boundToTheEngineTheChartHoldsTheWholeSurface() throws InterruptedException {
        DataSet data = Fixtures.blobs(30, 4);
        Landscape landscape = Landscape.compile(new LandscapeSpec(Fixtures.mlp(data, 10),
                RandomDirections.FILTER_NORMALIZED, 1, List.of(Axis.linear(-1, 1, 7), Axis.linear(-1, 1, 7)),
                List.of(EvaluationSet.of("train", data)), List.of()));
        LiveSurface live = LiveSurface.of(landscape, "train", "loss", HeatmapStyle.DEFAULT);
        CountDownLatch done = new CountDownLatch(1);

        live.bind(landscape.points(), Duration.ofMillis(33), Schedulers.parallel(), Schedulers.single(), p -> { },
                e -> { }, done::countDown);

        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(live.chart().grid().count()).isEqualTo(49);
        assertThat(live.repaints()).isBetween(1, 49);
    }

    private static boolean showsFailure(LiveSurface live, String text) {
        return live.chart().chart().getSubtitles().stream().anyMatch(t -> t instanceof org.jfree.chart.title.TextTitle tt
                && tt.getText().equals(text));
    }

    @Test
    void aFailedComputationIsShownInTheChartAndPassedOn() {
        TestPublisher<LandscapePoint> points = TestPublisher.create();
        LiveSurface live = live10x10();
        java.util.concurrent.atomic.AtomicReference<Throwable> passedOn = new java.util.concurrent.atomic.AtomicReference<>();

        live.bind(points.flux(), Duration.ofMillis(33), VirtualTimeScheduler.create(), Schedulers.immediate(),
                p -> { }, passedOn::set, () -> { });
        points.next(point(0, 10, 100));
        IllegalStateException boom = new IllegalStateException("boom");
        points.error(boom);

        assertThat(passedOn).hasValue(boom);
        assertThat(live.failure()).containsSame(boom);
        assertThat(showsFailure(live, "computation failed: boom")).isTrue();
        assertThat(live.chart().grid().count()).as("what arrived stays").isEqualTo(1);
    }

    @Test
    void theShortBindingPassesAFailureToReactorsHookInsteadOfSwallowingIt() throws InterruptedException {
        CountDownLatch dropped = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<Throwable> seen = new java.util.concurrent.atomic.AtomicReference<>();
        reactor.core.publisher.Hooks.onErrorDropped(e -> {
            seen.set(e);
            dropped.countDown();
        });
        try {
            LiveSurface live = live10x10();
            live.bind(reactor.core.publisher.Flux.error(new IllegalStateException("no data")));

            assertThat(dropped.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(seen.get()).hasMessage("no data");
            assertThat(live.failure()).isPresent();
        } finally {
            reactor.core.publisher.Hooks.resetOnErrorDropped();
        }
    }
}

package org.landscape4j.charts;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import javax.swing.SwingUtilities;

import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapePoint;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A {@link SurfaceChart} bound to a stream of points: it fills in while the landscape computes.
 *
 * <p>Every point is written into the chart's {@link Grid} as it arrives (constant time, on the computing thread), so
 * after completion the chart holds every point. Repaints are coalesced: at most one per period (default 33 ms, ~30 per
 * second), on the Swing thread, each a single chart change. A slow chart never queues points: it takes the grid's
 * latest state when it gets to it. Disposing the returned {@link Disposable} cancels the upstream subscription, which
 * stops the engine's computation. When the computation fails, the chart says so in red under its title, the error is
 * kept ({@link #failure()}) and passed on: to the {@code onError} callback, or, with {@link #bind(Flux)}, to Reactor's
 * hook for errors nobody handles ({@code Hooks.onErrorDropped}, which logs it by default).
 *
 * <pre>{@code
 * LiveSurface live = LiveSurface.of(landscape, "train", "loss", HeatmapStyle.DEFAULT);
 * Disposable run = live.bind(landscape.points());   // put live.chart().chart() in a ChartPanel
 * }</pre>
 */
public final class LiveSurface {

    /** Default time between repaints: ~30 per second. */
    public static final Duration DEFAULT_PERIOD = Duration.ofMillis(33);

    private final SurfaceChart chart;
    private final AtomicInteger repaints = new AtomicInteger();
    private volatile Throwable failure;

    /** A live binding for an existing chart (its grid receives the points). */
    public LiveSurface(SurfaceChart chart) {
        this.chart = chart;
    }

    /**
     * A live heatmap of one (set, metric) of a plane.
     *
     * @throws IllegalArgumentException if the landscape is not a plane, or the set or metric is unknown
     */
    public static LiveSurface of(Landscape landscape, String set, String metric, HeatmapStyle style) {
        if (landscape.spec().dimensions() != 2) {
            throw new IllegalArgumentException("a heatmap needs a plane (2 directions), the landscape has "
                    + landscape.spec().dimensions());
        }
        Grid grid = new Grid(landscape.spec().axes().get(0), landscape.spec().axes().get(1),
                landscape.keys().indexOf(set, metric), set + "/" + metric);
        return new LiveSurface(new SurfaceChart(grid, null, style));
    }

    /** The chart being filled. */
    public SurfaceChart chart() {
        return chart;
    }

    /** The error the bound computation failed with, if it failed. */
    public java.util.Optional<Throwable> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    /** How many times the chart has been redrawn from the stream. */
    public int repaints() {
        return repaints.get();
    }

    /**
     * Subscribes to {@code points}, repainting on the Swing thread at most every {@link #DEFAULT_PERIOD}.
     *
     * @return dispose it to stop (the computation is cancelled)
     */
    public Disposable bind(Flux<LandscapePoint> points) {
        return bind(points, DEFAULT_PERIOD, Schedulers.parallel(), Schedulers.fromExecutor(SwingUtilities::invokeLater),
                p -> { }, e -> reactor.core.publisher.Operators.onErrorDropped(e, reactor.util.context.Context.empty()),
                () -> { });
    }

    /**
     * Subscribes to {@code points} with explicit timing and threads (tests pass a virtual-time timer and an
     * immediate UI scheduler).
     *
     * @param period     at most one repaint per period
     * @param timer      the scheduler that ticks the period
     * @param ui         where repaints and callbacks run (the Swing thread for a window)
     * @param onRepaint  called after each repaint with the latest point
     * @param onError    called on the UI scheduler if the computation fails, after the chart shows the failure
     * @param onComplete called on the UI scheduler after the final repaint
     * @return dispose it to stop (the computation is cancelled)
     */
    public Disposable bind(Flux<LandscapePoint> points, Duration period, Scheduler timer, Scheduler ui,
                           Consumer<LandscapePoint> onRepaint, Consumer<Throwable> onError, Runnable onComplete) {
        Grid grid = chart.grid();
        return points
                .doOnNext(grid::put)
                .sample(Flux.interval(period, period, timer))
                .onBackpressureLatest()
                .publishOn(ui, 1)
                .subscribe(p -> {
                    repaint();
                    onRepaint.accept(p);
                }, e -> {
                    failure = e;
                    chart.showFailure(e);
                    repaint();
                    onError.accept(e);
                }, () -> {
                    repaint();
                    onComplete.run();
                });
    }

    private void repaint() {
        chart.refresh();
        repaints.incrementAndGet();
    }
}

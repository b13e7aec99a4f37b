package org.landscape4j.charts;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import javax.swing.SwingUtilities;
import javax.swing.Timer;

/**
 * When the Explorer redraws: one poll of the model's {@link Exploration#version() version} per tick, on the Swing
 * thread, so points arriving at any rate cost at most ~30 redraws a second and nothing queues up behind a slow chart.
 * The ticker stops once nothing computes and the screen shows the model's last version (an idle window posts no
 * events), and a change of the model restarts it.
 */
final class RedrawTicker {

    private static final int REDRAW_MILLIS = 33;

    private final Exploration model;
    private final Runnable redraw;
    private final LongSupplier shownVersion;
    private final Timer timer;
    /** Whether the timer runs (or is about to); see {@link #tick()}. */
    private final AtomicBoolean ticking = new AtomicBoolean(true);

    /**
     * Listens to {@code model}'s changes; the timer starts with {@link #start()}.
     *
     * @param redraw       redraws what changed since the last redraw
     * @param shownVersion the model's version the screen shows
     */
    RedrawTicker(Exploration model, Runnable redraw, LongSupplier shownVersion) {
        this.model = model;
        this.redraw = redraw;
        this.shownVersion = shownVersion;
        this.timer = new Timer(REDRAW_MILLIS, e -> tick());
        model.onChange(() -> {
            if (ticking.compareAndSet(false, true)) {
                SwingUtilities.invokeLater(timer::start);
            }
        });
    }

    void start() {
        timer.start();
    }

    /** Stops listening to the model, and the timer, for good (the window closed). */
    void stop() {
        model.onChange(null);
        timer.stop();
    }

    /** Whether the timer runs (Swing thread). */
    boolean running() {
        return timer.isRunning();
    }

    /** One tick: redraws what changed, and stops the timer when nothing is left to draw. */
    private void tick() {
        redraw.run();
        if (model.computing() || model.version() != shownVersion.getAsLong()) {
            return;
        }
        timer.stop();
        ticking.set(false);
        // a change between the check above and here saw the timer running and did not restart it
        if (model.version() != shownVersion.getAsLong() && ticking.compareAndSet(false, true)) {
            timer.start();
        }
    }
}

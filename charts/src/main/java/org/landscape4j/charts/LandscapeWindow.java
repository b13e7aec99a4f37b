package org.landscape4j.charts;

import java.awt.BorderLayout;
import java.awt.Dimension;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JProgressBar;
import javax.swing.SwingUtilities;
import javax.swing.WindowConstants;

import org.jfree.chart.ChartPanel;
import org.landscape4j.engine.Landscape;

import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * A window that shows a plane's heatmap filling in as it is computed, with a progress bar (points done / total and an
 * estimate of the time left) and a Cancel button. Cancel, and closing the window, cancel the computation.
 *
 * <pre>{@code
 * LandscapeWindow w = LandscapeWindow.show(landscape, "train", "loss", HeatmapStyle.DEFAULT);
 * }</pre>
 * Needs a display ({@code GraphicsEnvironment.isHeadless()} false); headless programs write files with
 * {@link ChartFiles}.
 */
public final class LandscapeWindow {

    private final JFrame frame;
    private final JProgressBar bar;
    private final JLabel status;
    private final JButton cancel;
    private final LiveSurface live;
    private final long start = System.nanoTime();
    /** Disposed by Cancel, even before the computation is bound to it; a later binding is then disposed at once. */
    private final Disposable.Swap subscription = reactor.core.Disposables.swap();
    private volatile String state = "running";

    private LandscapeWindow(Landscape landscape, LiveSurface live, String title) {
        this.live = live;
        int total = landscape.totalPoints();
        frame = new JFrame(title);
        frame.setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
        ChartPanel panel = new ChartPanel(live.chart().chart());
        panel.setPreferredSize(new Dimension(760, 600));
        bar = new JProgressBar(0, total);
        bar.setStringPainted(true);
        status = new JLabel(" ");
        cancel = new JButton("Cancel");
        cancel.addActionListener(e -> cancel());
        JPanel south = new JPanel(new BorderLayout(8, 0));
        south.setBorder(BorderFactory.createEmptyBorder(4, 8, 8, 8));
        south.add(bar, BorderLayout.CENTER);
        south.add(status, BorderLayout.WEST);
        south.add(cancel, BorderLayout.EAST);
        frame.getContentPane().add(panel, BorderLayout.CENTER);
        frame.getContentPane().add(south, BorderLayout.SOUTH);
        frame.addWindowListener(new WindowAdapter() {
            @Override
            public void windowClosed(WindowEvent e) {
                cancel();
            }
        });
        frame.pack();
        frame.setLocationByPlatform(true);
    }

    /**
     * Opens the window and starts computing {@code landscape}'s points into it.
     *
     * @param set    the evaluation set to draw, e.g. "train"
     * @param metric the metric to draw, e.g. "loss"
     * @throws java.awt.HeadlessException when there is no display
     */
    public static LandscapeWindow show(Landscape landscape, String set, String metric, HeatmapStyle style) {
        LandscapeWindow w = open(landscape, set, metric, style);
        w.start(landscape);
        return w;
    }

    /** Opens the window without computing anything yet. */
    static LandscapeWindow open(Landscape landscape, String set, String metric, HeatmapStyle style) {
        LiveSurface live = LiveSurface.of(landscape, set, metric, style);
        AtomicReference<LandscapeWindow> ref = new AtomicReference<>();
        onSwing(() -> {
            LandscapeWindow w = new LandscapeWindow(landscape, live, "Loss landscape: " + set + "/" + metric);
            w.frame.setVisible(true);
            ref.set(w);
        });
        return ref.get();
    }

    /** Starts computing into the window, unless Cancel was pressed (or the window closed) already. */
    void start(Landscape landscape) {
        if (subscription.isDisposed()) {
            return;
        }
        subscription.update(live.bind(landscape.points(), LiveSurface.DEFAULT_PERIOD, Schedulers.parallel(),
                Schedulers.fromExecutor(SwingUtilities::invokeLater), p -> progress(),
                e -> finish("failed: " + e.getMessage()), () -> finish("done")));
    }

    private void progress() {
        int done = live.chart().grid().count();
        int total = bar.getMaximum();
        double elapsed = (System.nanoTime() - start) / 1e9;
        double left = done == 0 ? Double.NaN : elapsed / done * (total - done);
        bar.setValue(done);
        bar.setString(done + " / " + total + " points");
        status.setText(String.format(Locale.ROOT, "%.0f s, ~%.0f s left", elapsed, left));
    }

    private void finish(String how) {
        progress();
        state = how;
        status.setText(how + String.format(Locale.ROOT, " in %.1f s", (System.nanoTime() - start) / 1e9));
        cancel.setEnabled(false);
    }

    /** Stops the computation (as the Cancel button does); the window stays open with what was computed. */
    public void cancel() {
        if (subscription.isDisposed()) {
            return;
        }
        subscription.dispose();
        if (state.equals("running")) {
            state = "cancelled";
            SwingUtilities.invokeLater(() -> {
                status.setText("cancelled");
                cancel.setEnabled(false);
            });
        }
    }

    /** "running", "done", "cancelled" or "failed: ...". */
    public String state() {
        return state;
    }

    /** The live chart. */
    public LiveSurface live() {
        return live;
    }

    /** The window. */
    public JFrame frame() {
        return frame;
    }

    /** The Cancel button. */
    public JButton cancelButton() {
        return cancel;
    }

    /** Closes the window, which cancels the computation. */
    public void close() {
        onSwing(frame::dispose);
    }

    private static void onSwing(Runnable r) {
        if (SwingUtilities.isEventDispatchThread()) {
            r.run();
            return;
        }
        try {
            SwingUtilities.invokeAndWait(r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening the window", e);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }
}

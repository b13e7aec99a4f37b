package org.landscape4j.charts;

import java.awt.BorderLayout;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.GridLayout;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.swing.BorderFactory;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JSplitPane;
import javax.swing.WindowConstants;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.landscape4j.charts.Exploration.Probe;
import org.landscape4j.charts.Exploration.State;
import org.landscape4j.charts.Exploration.View;
import org.landscape4j.engine.MetricKeys;

/**
 * The Explorer's window and what it draws: the {@link ExplorerToolBar tool bar} above, the {@link HeatmapPanel
 * heatmap} of the model's current view beside the {@link ProfilesPanel profiles} of its clicked point, and three lines
 * below (the view's ranges, the values under the mouse, the status). Each widget and the mouse ask the model for what
 * they show; the {@link RedrawTicker} redraws as the model changes, rebuilding the heatmap only when the view, the key
 * drawn or the style changed. Closing the window cancels every computation.
 *
 * <p>Swing thread only, but for {@link #note} and {@link #awaitClosed}.
 */
final class ExplorerWindow {

    private final Exploration model;
    private final MetricKeys keys;
    private final JFrame frame;
    private final ExplorerToolBar tools;
    private final HeatmapPanel heatmap;
    private final ProfilesPanel profiles;
    private final ProbeMarks marks = new ProbeMarks();
    private final JLabel viewLabel = new JLabel(" ");
    private final JLabel hoverLabel = new JLabel(" ");
    private final JLabel statusLabel = new JLabel(" ");
    private final RedrawTicker ticker;
    private final CountDownLatch closed = new CountDownLatch(1);

    // what is drawn
    private HeatmapStyle style;
    private SurfaceChart chart;
    private Grid grid;
    private View shownView;
    private int shownKey = -1;
    private HeatmapStyle shownStyle;
    private Probe shownProbe;
    private long shownVersion = -1;
    /** What the last style edit or save said, after the status; {@code null} when nothing. */
    private volatile String note;

    /**
     * Lays the window out and draws the current view; it is shown by {@link #show()}.
     *
     * @param set    the evaluation set drawn first, or {@code null} for the first
     * @param metric the metric drawn first, or {@code null} for {@code loss} (else the first)
     * @param style  the style drawn first
     */
    ExplorerWindow(Exploration model, String set, String metric, HeatmapStyle style) {
        this.model = model;
        this.keys = model.keys();
        this.style = style;
        this.tools = new ExplorerToolBar(keys, set, metric, style);
        this.profiles = new ProfilesPanel(keys);

        frame = new JFrame("Loss landscape explorer");
        frame.setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
        heatmap = new HeatmapPanel(new JFreeChart(new XYPlot()), new HeatmapPanel.Requests() {
            @Override
            public void region(double x0, double y0, double x1, double y1) {
                model.zoom(x0, x1, y0, y1);
                redraw(true);
            }

            @Override
            public void point(double x, double y, boolean throughCentre) {
                model.probe(x, y, throughCentre);
                redraw(true);
            }

            @Override
            public void hover(double[] xy) {
                hoverLabel.setText(xy == null ? " " : describe(xy[0], xy[1]));
            }
        });
        heatmap.setPreferredSize(new Dimension(720, 600));
        heatmap.setMinimumDrawWidth(100);          // drawn at the panel's own size, never scaled: pixels are the chart's
        heatmap.setMinimumDrawHeight(100);
        heatmap.setMaximumDrawWidth(10_000);
        heatmap.setMaximumDrawHeight(10_000);
        JSplitPane split = new JSplitPane(JSplitPane.HORIZONTAL_SPLIT, heatmap, profiles.panel());
        split.setResizeWeight(0.65);

        tools.back.addActionListener(e -> {
            model.back();
            redraw(true);
        });
        tools.forward.addActionListener(e -> {
            model.forward();
            redraw(true);
        });
        tools.cancel.addActionListener(e -> model.cancel());
        tools.setBox.addActionListener(e -> redraw(true));
        tools.metricBox.addActionListener(e -> redraw(true));
        tools.onStyleEdit(this::restyle);

        JPanel south = new JPanel(new GridLayout(3, 1));
        south.setBorder(BorderFactory.createEmptyBorder(2, 8, 4, 8));
        for (JLabel l : List.of(viewLabel, hoverLabel, statusLabel)) {
            l.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 12));
            south.add(l);
        }
        frame.getContentPane().add(tools.panel(), BorderLayout.NORTH);
        frame.getContentPane().add(split, BorderLayout.CENTER);
        frame.getContentPane().add(south, BorderLayout.SOUTH);
        frame.addWindowListener(new WindowAdapter() {
            @Override
            public void windowClosed(WindowEvent e) {
                ticker.stop();
                model.close();
                closed.countDown();
            }
        });
        this.ticker = new RedrawTicker(model, () -> redraw(false), () -> shownVersion);
        redraw(true);
        frame.pack();
        frame.setLocationByPlatform(true);
    }

    /** Shows the window and starts redrawing as the model changes. */
    void show() {
        frame.setVisible(true);
        ticker.start();
    }

    /** Calls {@code r} when the Save button is pressed. */
    void onSave(Runnable r) {
        tools.save.addActionListener(e -> r.run());
    }

    /** Draws {@code set}'s {@code metric}, as the combo boxes do. */
    void select(String set, String metric) {
        tools.setBox.setSelectedItem(set);
        tools.metricBox.setSelectedItem(metric);
    }

    /** Draws with {@code value}, as the tool bar does. */
    void style(HeatmapStyle value) {
        tools.show(value);
        style = value;
        redraw(true);
    }

    /** Says {@code text} after the status, from the next redraw on (any thread). */
    void note(String text) {
        note = text;
    }

    /** Redraws what changed since the last time; {@code force} also when the model did not change. */
    void redraw(boolean force) {
        long version = model.version();
        View view = model.current();
        String set = tools.set();
        String metric = tools.metric();
        int key = keys.indexOf(set, metric);
        boolean rebuild = view != shownView || key != shownKey || !style.equals(shownStyle);
        if (!rebuild && !force && version == shownVersion) {
            return;
        }
        shownVersion = version;
        boolean[] computed = new boolean[view.total()];
        double[] z = view.picture(key, computed);
        if (rebuild) {
            grid = new Grid(view.x, view.y, key, set + "/" + metric);
            grid.fill(z, computed);
            chart = new SurfaceChart(grid, set + " " + metric, style);
            heatmap.setChart(chart.chart());
            shownView = view;
            shownKey = key;
            shownStyle = style;
            shownProbe = null;
            marks.forget();
        } else {
            grid.fill(z, computed);
            chart.refresh();
        }
        Probe probe = view.probe();
        if (probe != shownProbe || rebuild) {
            marks.draw(chart.chart().getXYPlot(), probe);
            profiles.build(probe, metric);
            shownProbe = probe;
        }
        profiles.update(probe, key);
        viewLabel.setText(String.format(Locale.ROOT, "x %s .. %s (%d), y %s .. %s (%d)", view.x.min(), view.x.max(),
                view.x.points(), view.y.min(), view.y.max(), view.y.points()));
        String s = model.status();
        statusLabel.setText(note == null ? s : s + "; " + note);
        tools.back.setEnabled(model.canGoBack());
        tools.forward.setEnabled(model.canGoForward());
        State state = view.state();
        tools.cancel.setEnabled(state == State.RUNNING || state == State.WAITING
                || (probe != null && probe.lines().stream().anyMatch(l -> l.state() == State.RUNNING)));
    }

    /** The coordinates under the mouse and every value of the nearest computed point. */
    private String describe(double x, double y) {
        View v = model.current();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "(%.4g, %.4g)", x, y));
        int i = v.nearest(x, y);
        PointValues values = v.values();
        if (i < 0 || values == null) {
            return s.append(": nothing computed yet").toString();
        }
        double[] c = v.coordinates(i);
        s.append(String.format(Locale.ROOT, " nearest computed point (%.4g, %.4g):", c[0], c[1]));
        for (int k = 0; k < keys.size(); k++) {
            s.append(String.format(Locale.ROOT, " %s %.6g", keys.label(k), values.value(k, i)));
        }
        return s.toString();
    }

    /** Draws with the style the tool bar's fields show, or says why they do not make one. */
    private void restyle() {
        try {
            style = tools.style(style.labelLevels());
            note = null;
            tools.rangeValid(true);
        } catch (IllegalArgumentException e) {
            note = e.getMessage();
            tools.rangeValid(false);
        }
        redraw(true);
    }

    // ---- what the Explorer and its tests read ------------------------------------------------------------------

    JFrame frame() {
        return frame;
    }

    ExplorerToolBar tools() {
        return tools;
    }

    HeatmapPanel heatmap() {
        return heatmap;
    }

    /** The heatmap's chart as drawn now. */
    SurfaceChart chart() {
        return chart;
    }

    JPanel profilePanel() {
        return profiles.panel();
    }

    /** Whether the redraw ticker runs. */
    boolean ticking() {
        return ticker.running();
    }

    /** What the view, hover and status lines say now. */
    String[] lines() {
        return new String[] {viewLabel.getText(), hoverLabel.getText(), statusLabel.getText()};
    }

    /** Waits until the window is closed. */
    void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /** Waits at most {@code timeout} until the window is closed; whether it was. */
    boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
        return closed.await(timeout, unit);
    }
}

package org.landscape4j.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.GridLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.SwingConstants;

import org.jfree.chart.ChartPanel;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.landscape4j.charts.Exploration.Line;
import org.landscape4j.charts.Exploration.Probe;
import org.landscape4j.engine.MetricKeys;

/**
 * The Explorer's side panel: one chart per line of the clicked point's probe (along x, along y, from the centre), each
 * with the drawn metric's profile for every evaluation set and the clicked coordinate marked; a hint while nothing is
 * clicked. {@link #build} makes the charts for a probe, {@link #update} redraws the points computed since. Swing thread
 * only.
 */
final class ProfilesPanel {

    private final MetricKeys keys;
    private final JPanel panel = new JPanel(new GridLayout(0, 1, 0, 4));
    private final List<XYSeriesCollection> data = new ArrayList<>();

    ProfilesPanel(MetricKeys keys) {
        this.keys = keys;
        panel.setPreferredSize(new Dimension(440, 600));
    }

    JPanel panel() {
        return panel;
    }

    /** One empty chart of {@code metric} per line of {@code probe}, or the hint when it is {@code null}. */
    void build(Probe probe, String metric) {
        panel.removeAll();
        data.clear();
        if (probe == null) {
            JLabel hint = new JLabel("<html>Click the heatmap for the profiles through a point "
                    + "(Shift-click: also from the centre).<br>Drag a rectangle to zoom.</html>", SwingConstants.CENTER);
            panel.add(hint);
        } else {
            for (Line l : probe.lines()) {
                XYSeriesCollection series = new XYSeriesCollection();
                data.add(series);
                panel.add(chart(probe, l, metric, series));
            }
        }
        panel.revalidate();
        panel.repaint();
    }

    private ChartPanel chart(Probe probe, Line l, String metric, XYSeriesCollection series) {
        String axis = switch (l.name) {
            case "along x" -> String.format(Locale.ROOT, "direction 1 (at y = %.4g)", probe.y());
            case "along y" -> String.format(Locale.ROOT, "direction 2 (at x = %.4g)", probe.x());
            default -> "t: 0 the centre, 1 the clicked point";
        };
        NumberAxis t = new LocaleFreeAxis(axis);
        t.setAutoRangeIncludesZero(false);
        NumberAxis v = new LocaleFreeAxis(metric);
        v.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer r = ProfileChart.renderer(keys.sets().size(), true, false);
        XYPlot plot = new XYPlot(series, t, v, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ValueMarker at = new ValueMarker(l.at, Explorer.MARK, new BasicStroke(2.5f));
        at.setAlpha(1f);
        plot.addDomainMarker(at);
        JFreeChart c = new JFreeChart("profile " + l.name, new Font(Font.SANS_SERIF, Font.BOLD, 13), plot, true);
        c.setBackgroundPaint(Color.WHITE);
        ChartPanel chart = new ChartPanel(c, false, false, false, false, false);
        chart.setPopupMenu(null);
        chart.setMouseZoomable(false);
        return chart;
    }

    /** Draws the computed points of every line of {@code probe} (the one built), for key {@code key}'s metric. */
    void update(Probe probe, int key) {
        if (probe == null) {
            return;
        }
        String metric = keys.metrics().get(key % keys.metrics().size());
        for (int i = 0; i < probe.lines().size(); i++) {
            Line l = probe.lines().get(i);
            XYSeriesCollection series = data.get(i);
            series.removeAllSeries();
            double[] t = l.line.t().values();
            for (String set : keys.sets()) {
                XYSeries s = new XYSeries(set + " " + metric, true, false);
                int k = keys.indexOf(set, metric);
                for (int j = 0; j < t.length; j++) {
                    double value = l.values.value(k, j);
                    if (l.values.isDone(j)) {
                        s.add(t[j], Double.isFinite(value) ? value : Double.NaN);
                    }
                }
                series.addSeries(s);
            }
        }
    }
}

package org.landscape4j.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.landscape4j.engine.Profile;

/**
 * A 1D landscape as in the reference's 1D plots: loss on the left axis, accuracy on the right, one series per
 * evaluation set (solid for loss, dashed for accuracy).
 */
public final class ProfileChart {

    private static final Color[] SET_COLOURS = {new Color(31, 119, 180), new Color(214, 39, 40),
        new Color(44, 160, 44), new Color(148, 103, 189)};

    private ProfileChart() {
    }

    /**
     * The chart of a profile's loss (and accuracy, when computed) on every evaluation set.
     *
     * @param profile a finished profile
     * @param title   the title, or {@code null} for none
     * @param markers draw a marker at every grid point
     */
    public static JFreeChart of(Profile profile, String title, boolean markers) {
        double[] t = profile.coordinates();
        XYSeriesCollection losses = new XYSeriesCollection();
        XYSeriesCollection accuracies = new XYSeriesCollection();
        boolean hasAccuracy = profile.keys().metrics().contains("accuracy");
        for (String set : profile.keys().sets()) {
            losses.addSeries(series(set + " loss", t, profile.values(set, "loss")));
            if (hasAccuracy) {
                accuracies.addSeries(series(set + " accuracy", t, profile.values(set, "accuracy")));
            }
        }
        NumberAxis x = new LocaleFreeAxis("direction 1");
        x.setAutoRangeIncludesZero(false);
        NumberAxis lossAxis = new LocaleFreeAxis("loss");
        lossAxis.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(losses, x, lossAxis, renderer(losses.getSeriesCount(), markers, false));
        if (hasAccuracy) {
            NumberAxis accAxis = new LocaleFreeAxis("accuracy");
            accAxis.setRange(0, 1.02);
            plot.setRangeAxis(1, accAxis);
            plot.setDataset(1, accuracies);
            plot.mapDatasetToRangeAxis(1, 1);
            plot.setRenderer(1, renderer(accuracies.getSeriesCount(), markers, true));
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static XYSeries series(String name, double[] t, double[] v) {
        XYSeries s = new XYSeries(name, false, true);
        for (int i = 0; i < t.length; i++) {
            s.add(t[i], Double.isFinite(v[i]) ? v[i] : Double.NaN);
        }
        return s;
    }

    /** Lines in the sets' colours, one per series; dashed for accuracies. */
    static XYLineAndShapeRenderer renderer(int count, boolean markers, boolean dashed) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, markers);
        for (int i = 0; i < count; i++) {
            r.setSeriesPaint(i, SET_COLOURS[i % SET_COLOURS.length]);
            r.setSeriesStroke(i, dashed
                    ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f)
                    : new BasicStroke(2f));
            r.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6));
        }
        return r;
    }
}

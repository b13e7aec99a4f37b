package org.landscape4j.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.landscape4j.engine.curvature.Density;

/**
 * The Hessian's eigenvalue density (stochastic Lanczos quadrature, a {@link Density} from {@code Hessian.density}) as
 * PyHessian draws it ({@code density_plot}): the Gaussian-broadened density over a grid spanning the Ritz values on a
 * log axis, with {@value #FLOOR} added so the log axis can show where the density vanishes.
 */
public final class SpectralDensityChart {

    /** Added to the density before plotting, as PyHessian adds it. */
    static final double FLOOR = 1e-7;

    private SpectralDensityChart() {
    }

    /**
     * PyHessian's broadening: {@code σ² = 1e-5 · max(1, λmax − λmin)} over the Ritz values' range widened by 0.01 on
     * each side ({@code density_generate}'s defaults).
     */
    public static double defaultSigma(Density density) {
        double[] r = grid(density, 2);
        return Math.sqrt(1e-5 * Math.max(1, r[1] - r[0]));
    }

    /**
     * PyHessian's grid: {@code points} values from the smallest Ritz value − 0.01 to the largest + 0.01, where
     * {@link #of} draws the density (for writing it beside the chart: {@code density.at(grid, sigma)}).
     */
    public static double[] grid(Density density, int points) {
        double[] range = density.range();
        double lo = range[0] - 0.01;
        double hi = range[1] + 0.01;
        double[] x = new double[points];
        for (int i = 0; i < points; i++) {
            x[i] = lo + (hi - lo) * i / (points - 1);
        }
        return x;
    }

    /**
     * The chart of {@code density} on {@code points} grid values, broadened by {@code sigma}.
     *
     * @throws IllegalArgumentException if the density has no probes, {@code points < 2} or {@code sigma <= 0}
     */
    public static JFreeChart of(Density density, String title, int points, double sigma) {
        if (density.probes() == 0) {
            throw new IllegalArgumentException("the density has no probes");
        }
        if (points < 2) {
            throw new IllegalArgumentException("points must be >= 2, was " + points);
        }
        double[] x = grid(density, points);
        double[] y = density.at(x, sigma);
        XYSeries series = new XYSeries("density", false, false);
        for (int i = 0; i < x.length; i++) {
            series.add(x[i], y[i] + FLOOR);
        }
        NumberAxis eigenvalue = new LocaleFreeAxis("eigenvalue");
        eigenvalue.setAutoRangeIncludesZero(false);
        LogAxis densityAxis = new LogAxis("density (log)");
        densityAxis.setNumberFormatOverride(new DecimalFormat("0.#E0", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setSeriesPaint(0, new Color(31, 119, 180));
        renderer.setSeriesStroke(0, new BasicStroke(1.5f));
        XYPlot plot = new XYPlot(new XYSeriesCollection(series), eigenvalue, densityAxis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}

package org.landscape4j.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jfree.chart.JFreeChart;
import org.landscape4j.engine.Surface;
import org.jfree.chart.annotations.AbstractXYAnnotation;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CrosshairState;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.AbstractXYItemRenderer;
import org.jfree.chart.renderer.xy.XYItemRendererState;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.Range;
import org.jfree.data.xy.AbstractXYZDataset;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A heatmap of a 2D landscape with a colour-scale legend and labelled contour lines, plus overlays (paths such as a
 * training trajectory, labelled points such as the models a plane goes through), all in the plane's coordinates.
 *
 * <p>The chart reads a {@link Grid}; {@link #refresh()} redraws from the grid's current state, firing a single chart
 * change (notifications are off while the dataset, scale, legend and contours are replaced). Call it on the Swing
 * thread when the chart is on screen; {@link LiveSurface} does that for a stream.
 */
public final class SurfaceChart {

    private final Grid grid;
    private final HeatmapStyle style;
    private final JFreeChart chart;
    private final XYPlot plot;
    private final GridDataset dataset;
    private final CellRenderer cells;
    private final ContourAnnotation contours = new ContourAnnotation();
    private final XYSeriesCollection overlays = new XYSeriesCollection();
    private final XYLineAndShapeRenderer overlayRenderer = new XYLineAndShapeRenderer(true, true);
    private PaintScaleLegend legend;
    private int clipped;
    private ColourScale scale;

    /**
     * @param grid  the values to draw; may still be filling in
     * @param title the chart's title, or {@code null} for the grid's label
     * @param style levels, colour range and scales
     */
    public SurfaceChart(Grid grid, String title, HeatmapStyle style) {
        this.grid = grid;
        this.style = style;
        this.dataset = new GridDataset(grid);
        this.cells = new CellRenderer(grid);
        NumberAxis x = new LocaleFreeAxis("direction 1");
        NumberAxis y = new LocaleFreeAxis("direction 2");
        x.setAutoRangeIncludesZero(false);
        y.setAutoRangeIncludesZero(false);
        x.setRange(edge(grid, true, 0), edge(grid, true, grid.nx()));
        y.setRange(edge(grid, false, 0), edge(grid, false, grid.ny()));
        this.plot = new XYPlot(dataset, x, y, cells);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        plot.addAnnotation(contours);
        plot.setDataset(1, overlays);
        plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.FORWARD);
        plot.setRenderer(1, overlayRenderer);
        overlayRenderer.setDefaultStroke(new BasicStroke(2f));
        overlayRenderer.setAutoPopulateSeriesStroke(false);
        this.chart = new JFreeChart(title == null ? grid.label() : title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        refresh();
    }

    /**
     * Li et al. 2018's convexity picture of a surface computed with {@code Metric.hessianEigenvalues()}: a heatmap of
     * {@code |λmin / λmax|} on {@code set}, coloured from 0 (locally convex) to 1 (negative curvature as strong as
     * the positive one) — a fixed range, so pictures of different networks compare; larger ratios take the top
     * colour and are counted in the legend. The title states the fraction of the plane with significant negative
     * curvature ({@code λmin < −0.05·λmax}, {@link Surface#negativeCurvatureFraction}).
     *
     * <pre>{@code
     * ChartFiles.png(SurfaceChart.curvatureRatio(surface, "train").chart(), Path.of("convexity.png"), 640, 480);
     * }</pre>
     *
     * @param surface a surface with {@code lambda_min} and {@code lambda_max} values, not {@code null}
     * @param set     an evaluation set of the surface
     * @throws IllegalArgumentException naming what exists when the set or the curvature metrics are missing
     */
    public static SurfaceChart curvatureRatio(Surface surface, String set) {
        if (surface == null) {
            throw new IllegalArgumentException("surface must not be null");
        }
        double[][] ratio = surface.curvatureRatio(set);
        double negative = surface.negativeCurvatureFraction(set, Surface.NEGATIVE_CURVATURE_EPSILON);
        Grid grid = Grid.of(surface.x().values(), surface.y().values(), ratio, set + " |λmin/λmax|");
        String title = String.format(Locale.ROOT, "%s |λmin/λmax| (negative curvature on %.1f%% of the plane)", set,
                100 * negative);
        return new SurfaceChart(grid, title, HeatmapStyle.DEFAULT.withRange(0, 1));
    }

    /** The JFreeChart, for a {@code ChartPanel} or further styling. */
    public JFreeChart chart() {
        return chart;
    }

    /** The grid drawn. */
    public Grid grid() {
        return grid;
    }

    /** The current colour scale. */
    public ColourScale scale() {
        return scale;
    }

    /** How many finished points lie above the colour range (drawn in the top colour, counted in the legend). */
    public int clipped() {
        return clipped;
    }

    /**
     * Draws a path (a training trajectory, a curve between minima) in the plane's coordinates.
     *
     * @return this chart
     */
    public SurfaceChart addPath(String name, double[] xs, double[] ys) {
        if (xs.length != ys.length || xs.length == 0) {
            throw new IllegalArgumentException("path '" + name + "' needs as many x as y values (> 0), was "
                    + xs.length + " and " + ys.length);
        }
        XYSeries s = new XYSeries(name, false, true);
        for (int i = 0; i < xs.length; i++) {
            s.add(xs[i], ys[i]);
        }
        overlays.addSeries(s);
        int i = overlays.getSeriesCount() - 1;
        overlayRenderer.setSeriesShapesVisible(i, false);
        overlayRenderer.setSeriesStroke(i, new BasicStroke(2f));
        overlayRenderer.setSeriesPaint(i, i == 0 ? Color.RED : Color.ORANGE);
        return this;
    }

    /**
     * Marks a labelled point (for example a model the plane goes through) in the plane's coordinates.
     *
     * @return this chart
     */
    public SurfaceChart addPoint(String label, double x, double y) {
        XYSeries s = new XYSeries(label, false, true);
        s.add(x, y);
        overlays.addSeries(s);
        int i = overlays.getSeriesCount() - 1;
        overlayRenderer.setSeriesLinesVisible(i, false);
        overlayRenderer.setSeriesShape(i, new Ellipse2D.Double(-5, -5, 10, 10));
        overlayRenderer.setSeriesPaint(i, Color.WHITE);
        XYTextAnnotation text = new XYTextAnnotation(label, x, y);
        text.setTextAnchor(TextAnchor.BOTTOM_LEFT);
        text.setPaint(Color.WHITE);
        text.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        plot.addAnnotation(text);
        return this;
    }

    /**
     * Shows that the computation feeding this chart failed: a red line under the title with the reason. The points
     * that arrived stay drawn.
     */
    public void showFailure(Throwable failure) {
        String reason = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        org.jfree.chart.title.TextTitle line = new org.jfree.chart.title.TextTitle("computation failed: "
                + reason.lines().findFirst().orElse(""), new Font(Font.SANS_SERIF, Font.BOLD, 12));
        line.setPaint(Color.RED);
        line.setPosition(RectangleEdge.TOP);
        chart.addSubtitle(0, line);
    }

    /** Redraws from the grid's current state with a single chart change event. */
    public void refresh() {
        double[] v = grid.snapshot();
        double[] range = Grid.finiteRange(v);
        boolean any = range != null;
        double min = any ? range[0] : Double.NaN;
        double max = any ? range[1] : Double.NaN;
        double lo = !Double.isNaN(style.vmin()) ? style.vmin() : any ? min : 0;
        double hi = !Double.isNaN(style.vmax()) ? style.vmax() : any ? max : 1;
        if (hi <= lo) {
            hi = lo + Math.max(1e-12, Math.abs(lo) * 1e-6);
        }
        boolean logColour = style.logColour() && lo > 0;
        int over = 0;
        for (double z : v) {
            if (!Double.isNaN(z) && z > hi) {
                over++;
            }
        }
        List<Contours.Segment> segments = List.of();
        ContourLevels levels = null;
        if (style.levels() > 0 && any && max > min) {
            double top = Math.min(max, hi);
            double bottom = Math.max(min, lo);
            if (top > bottom) {
                levels = style.logLevels() && bottom > 0 ? ContourLevels.logSpaced(bottom, top, style.levels())
                        : ContourLevels.linear(bottom, top, style.levels());
                segments = Contours.trace(grid, v, levels);
            }
        }
        boolean notify = chart.isNotify();
        chart.setNotify(false);
        try {
            scale = new ColourScale(lo, hi, logColour);
            clipped = over;
            cells.scale = scale;
            dataset.values = grid.previewed(v);
            contours.set(segments, levels, style.labelLevels());
            if (legend != null) {
                chart.removeSubtitle(legend);
            }
            legend = legend(scale, over, hi);
            chart.addSubtitle(legend);
            dataset.changed();
        } finally {
            chart.setNotify(notify);
        }
    }

    private PaintScaleLegend legend(ColourScale s, int over, double hi) {
        String clip = over > 0 ? String.format(Locale.ROOT, "  (%d points clipped at >= %.4g)", over, hi) : "";
        PaintScaleLegend l;
        if (s.isLog()) {
            // The legend strip is sampled evenly along its axis: a log10 axis, labelled in loss units.
            double lo = Math.log10(s.getLowerBound());
            double up = Math.log10(s.getUpperBound());
            org.jfree.chart.renderer.PaintScale inLog10 = new org.jfree.chart.renderer.PaintScale() {
                @Override
                public double getLowerBound() {
                    return lo;
                }

                @Override
                public double getUpperBound() {
                    return up;
                }

                @Override
                public java.awt.Paint getPaint(double value) {
                    return s.colour(Math.pow(10, value));
                }
            };
            NumberAxis axis = new LogUnitsAxis(grid.label() + " (log scale)" + clip);
            axis.setRange(lo, up);
            l = new PaintScaleLegend(inLog10, axis);
        } else {
            NumberAxis axis = new LocaleFreeAxis(grid.label() + clip);
            axis.setRange(new Range(s.getLowerBound(), s.getUpperBound()));
            l = new PaintScaleLegend(s, axis);
        }
        l.setSubdivisionCount(200);
        l.setPosition(RectangleEdge.RIGHT);
        l.setMargin(4, 4, 40, 4);
        l.setStripWidth(14);
        return l;
    }

    /** Cell edges: midway between coordinates, half a step outside the ends. */
    static double edge(Grid g, boolean xAxis, int i) {
        int n = xAxis ? g.nx() : g.ny();
        java.util.function.IntToDoubleFunction c = xAxis ? g::x : g::y;
        if (i == 0) {
            return c.applyAsDouble(0) - (c.applyAsDouble(1) - c.applyAsDouble(0)) / 2;
        }
        if (i == n) {
            return c.applyAsDouble(n - 1) + (c.applyAsDouble(n - 1) - c.applyAsDouble(n - 2)) / 2;
        }
        return (c.applyAsDouble(i - 1) + c.applyAsDouble(i)) / 2;
    }

    /** One series, one item per grid point; z is NaN until the point is computed. */
    static final class GridDataset extends AbstractXYZDataset {
        private final Grid grid;
        volatile double[] values;

        GridDataset(Grid grid) {
            this.grid = grid;
            this.values = grid.snapshot();
        }

        void changed() {
            fireDatasetChanged();
        }

        @Override
        public int getSeriesCount() {
            return 1;
        }

        @Override
        public Comparable<?> getSeriesKey(int series) {
            return grid.label();
        }

        @Override
        public int getItemCount(int series) {
            return grid.nx() * grid.ny();
        }

        @Override
        public Number getX(int series, int item) {
            return grid.x(item % grid.nx());
        }

        @Override
        public Number getY(int series, int item) {
            return grid.y(item / grid.nx());
        }

        @Override
        public Number getZ(int series, int item) {
            return values[item];
        }
    }

    /** Fills each computed cell (bounded by midpoints, so cubic spacing is drawn right) with its colour. */
    static final class CellRenderer extends AbstractXYItemRenderer {
        private final Grid grid;
        ColourScale scale;

        CellRenderer(Grid grid) {
            this.grid = grid;
        }

        @Override
        public void drawItem(Graphics2D g2, XYItemRendererState state, Rectangle2D dataArea, PlotRenderingInfo info,
                             XYPlot plot, ValueAxis domainAxis, ValueAxis rangeAxis, XYDataset data, int series,
                             int item, CrosshairState crosshairState, int pass) {
            double z = ((GridDataset) data).values[item];
            if (Double.isNaN(z)) {
                return;
            }
            int ix = item % grid.nx();
            int iy = item / grid.nx();
            double x0 = domainAxis.valueToJava2D(edge(grid, true, ix), dataArea, plot.getDomainAxisEdge());
            double x1 = domainAxis.valueToJava2D(edge(grid, true, ix + 1), dataArea, plot.getDomainAxisEdge());
            double y0 = rangeAxis.valueToJava2D(edge(grid, false, iy), dataArea, plot.getRangeAxisEdge());
            double y1 = rangeAxis.valueToJava2D(edge(grid, false, iy + 1), dataArea, plot.getRangeAxisEdge());
            Rectangle2D r = new Rectangle2D.Double(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0) + 0.5,
                    Math.abs(y1 - y0) + 0.5);
            g2.setPaint(scale.colour(z));
            g2.fill(r);
        }

        @Override
        public org.jfree.chart.LegendItem getLegendItem(int datasetIndex, int series) {
            return null; // the colour legend explains the cells
        }

        @Override
        public Range findDomainBounds(XYDataset dataset) {
            return new Range(edge(grid, true, 0), edge(grid, true, grid.nx()));
        }

        @Override
        public Range findRangeBounds(XYDataset dataset) {
            return new Range(edge(grid, false, 0), edge(grid, false, grid.ny()));
        }
    }

    /** Draws contour segments and, optionally, each level's value on one of its segments. */
    static final class ContourAnnotation extends AbstractXYAnnotation {
        private static final Color LINE = new Color(255, 255, 255, 200);
        private volatile List<Contours.Segment> segments = List.of();
        private volatile ContourLevels levels;
        private volatile boolean label;

        void set(List<Contours.Segment> s, ContourLevels l, boolean withLabels) {
            this.segments = s;
            this.levels = l;
            this.label = withLabels;
        }

        /** Number of segments drawn. */
        int size() {
            return segments.size();
        }

        @Override
        public void draw(Graphics2D g2, XYPlot plot, Rectangle2D dataArea, ValueAxis domainAxis,
                         ValueAxis rangeAxis, int rendererIndex, PlotRenderingInfo info) {
            List<Contours.Segment> s = segments;
            ContourLevels l = levels;
            g2.setStroke(new BasicStroke(1.2f));
            g2.setPaint(LINE);
            RectangleEdge de = plot.getDomainAxisEdge();
            RectangleEdge re = plot.getRangeAxisEdge();
            List<List<double[]>> perLevel = new ArrayList<>();
            for (int i = 0; l != null && i < l.size(); i++) {
                perLevel.add(new ArrayList<>());
            }
            for (Contours.Segment seg : s) {
                double x1 = domainAxis.valueToJava2D(seg.x1(), dataArea, de);
                double y1 = rangeAxis.valueToJava2D(seg.y1(), dataArea, re);
                double x2 = domainAxis.valueToJava2D(seg.x2(), dataArea, de);
                double y2 = rangeAxis.valueToJava2D(seg.y2(), dataArea, re);
                g2.draw(new Line2D.Double(x1, y1, x2, y2));
                if (l != null) {
                    perLevel.get(seg.level()).add(new double[] {(x1 + x2) / 2, (y1 + y2) / 2});
                }
            }
            if (label && l != null) {
                g2.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
                for (int i = 0; i < perLevel.size(); i++) {
                    List<double[]> pts = perLevel.get(i);
                    if (pts.isEmpty()) {
                        continue;
                    }
                    // spread the labels: each level's label sits at a different place along its line
                    double[] p = pts.get((int) (pts.size() * ((0.5 + 0.38 * i) % 1.0)));
                    String text = String.format(Locale.ROOT, "%.3g", l.get(i));
                    g2.setPaint(new Color(0, 0, 0, 150));
                    g2.drawString(text, (float) p[0] + 1, (float) p[1] + 1);
                    g2.setPaint(Color.WHITE);
                    g2.drawString(text, (float) p[0], (float) p[1]);
                }
            }
        }
    }
}

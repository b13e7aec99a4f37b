package org.landscape4j.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;

import org.jfree.chart.annotations.AbstractXYAnnotation;
import org.jfree.chart.annotations.XYAnnotation;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;
import org.landscape4j.charts.Exploration.Line;
import org.landscape4j.charts.Exploration.Probe;

/**
 * The clicked point drawn on the Explorer's heatmap: the lines of its profiles dashed white, the point a red ring with
 * a cross ({@link Explorer#MARK}). Keeps what it drew so that the next probe replaces it. Swing thread only.
 */
final class ProbeMarks {

    private final List<XYAnnotation> marks = new ArrayList<>();

    /** Forgets what was drawn, without removing it: the chart it was drawn on is gone. */
    void forget() {
        marks.clear();
    }

    /** Removes what was drawn on {@code plot} and draws {@code probe} (nothing when it is {@code null}). */
    void draw(XYPlot plot, Probe probe) {
        marks.forEach(a -> plot.removeAnnotation(a, false));
        marks.clear();
        if (probe == null) {
            plot.getChart().fireChartChanged();
            return;
        }
        BasicStroke dashed = new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {5f, 4f}, 0f);
        for (Line l : probe.lines()) {
            double[] a = l.line.at(l.line.t().min());
            double[] b = l.line.at(l.line.t().max());
            marks.add(new XYLineAnnotation(a[0], a[1], b[0], b[1], dashed, Color.WHITE));
        }
        marks.add(new PointMarker(probe.x(), probe.y()));
        marks.forEach(a -> plot.addAnnotation(a, false));
        plot.getChart().fireChartChanged();
    }

    /** The clicked point: a red ring with a cross, a fixed size in pixels. */
    private static final class PointMarker extends AbstractXYAnnotation {
        private final double x;
        private final double y;

        PointMarker(double x, double y) {
            this.x = x;
            this.y = y;
        }

        @Override
        public void draw(Graphics2D g2, XYPlot plot, Rectangle2D dataArea, ValueAxis domainAxis, ValueAxis rangeAxis,
                         int rendererIndex, PlotRenderingInfo info) {
            double px = domainAxis.valueToJava2D(x, dataArea, plot.getDomainAxisEdge());
            double py = rangeAxis.valueToJava2D(y, dataArea, plot.getRangeAxisEdge());
            g2.setPaint(Explorer.MARK);
            g2.setStroke(new BasicStroke(2.5f));
            g2.draw(new Ellipse2D.Double(px - 7, py - 7, 14, 14));
            g2.draw(new Line2D.Double(px - 11, py, px + 11, py));
            g2.draw(new Line2D.Double(px, py - 11, px, py + 11));
        }
    }
}

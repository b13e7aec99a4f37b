package org.landscape4j.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.Point;
import java.awt.event.InputEvent;
import java.awt.event.MouseAdapter;
import java.awt.event.MouseEvent;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;

import org.jfree.chart.ChartPanel;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;

/**
 * The Explorer's heatmap panel: a drag draws a rectangle and asks for that region, a click asks for the profiles
 * through the point (Shift-click also for the line from the centre), moving the mouse reports the coordinates under
 * it. JFreeChart's own mouse zoom, which would rescale the axes of the grid drawn, and its pop-up menu are off.
 */
final class HeatmapPanel extends ChartPanel {

    /** What the mouse asks for, in the plane's coordinates. */
    interface Requests {
        void region(double x0, double y0, double x1, double y1);

        void point(double x, double y, boolean throughCentre);

        /** {@code null} when the mouse left the plot. */
        void hover(double[] xy);
    }

    /** A press and release further apart than this (in pixels, on both axes) is a drag, else a click. */
    static final int DRAG_PIXELS = 5;

    private Point pressed;
    private Point dragged;

    HeatmapPanel(JFreeChart chart, Requests requests) {
        super(chart, false, false, false, false, false);
        setMouseZoomable(false);
        setPopupMenu(null);
        setDisplayToolTips(false);
        MouseAdapter mouse = new MouseAdapter() {
            @Override
            public void mousePressed(MouseEvent e) {
                if (e.getButton() == MouseEvent.BUTTON1 && inPlot(e.getPoint())) {
                    pressed = e.getPoint();
                }
            }

            @Override
            public void mouseDragged(MouseEvent e) {
                if (pressed != null) {
                    dragged = clamp(e.getPoint());
                    repaint();
                }
            }

            @Override
            public void mouseReleased(MouseEvent e) {
                if (pressed == null || e.getButton() != MouseEvent.BUTTON1) {
                    return;
                }
                Point from = pressed;
                Point to = clamp(e.getPoint());
                pressed = null;
                dragged = null;
                repaint();
                double[] a = toPlane(from);
                if (Math.abs(to.x - from.x) >= DRAG_PIXELS && Math.abs(to.y - from.y) >= DRAG_PIXELS) {
                    double[] b = toPlane(to);
                    requests.region(a[0], a[1], b[0], b[1]);
                } else {
                    requests.point(a[0], a[1], (e.getModifiersEx() & InputEvent.SHIFT_DOWN_MASK) != 0);
                }
            }

            @Override
            public void mouseMoved(MouseEvent e) {
                requests.hover(inPlot(e.getPoint()) ? toPlane(e.getPoint()) : null);
            }

            @Override
            public void mouseExited(MouseEvent e) {
                requests.hover(null);
            }
        };
        addMouseListener(mouse);
        addMouseMotionListener(mouse);
    }

    /** Another chart, still without JFreeChart's mouse zoom (which {@code ChartPanel.setChart} turns back on). */
    @Override
    public void setChart(JFreeChart chart) {
        super.setChart(chart);
        setMouseZoomable(false);
    }

    private boolean inPlot(Point p) {
        Rectangle2D area = getScreenDataArea();
        return area != null && area.contains(p);
    }

    private Point clamp(Point p) {
        Rectangle2D area = getScreenDataArea();
        return new Point((int) Math.max(area.getMinX(), Math.min(area.getMaxX(), p.x)),
                (int) Math.max(area.getMinY(), Math.min(area.getMaxY(), p.y)));
    }

    /** The plane's coordinates at a point of this panel. */
    double[] toPlane(Point2D p) {
        Rectangle2D area = getScreenDataArea();
        XYPlot plot = getChart().getXYPlot();
        return new double[] {plot.getDomainAxis().java2DToValue(p.getX(), area, plot.getDomainAxisEdge()),
                plot.getRangeAxis().java2DToValue(p.getY(), area, plot.getRangeAxisEdge())};
    }

    /** The point of this panel at the plane's coordinates {@code (x, y)}. */
    Point2D toPanel(double x, double y) {
        Rectangle2D area = getScreenDataArea();
        XYPlot plot = getChart().getXYPlot();
        return new Point2D.Double(plot.getDomainAxis().valueToJava2D(x, area, plot.getDomainAxisEdge()),
                plot.getRangeAxis().valueToJava2D(y, area, plot.getRangeAxisEdge()));
    }

    @Override
    public void paintComponent(Graphics g) {
        super.paintComponent(g);
        if (pressed == null || dragged == null) {
            return;
        }
        Graphics2D g2 = (Graphics2D) g.create();
        try {
            int x = Math.min(pressed.x, dragged.x);
            int y = Math.min(pressed.y, dragged.y);
            int w = Math.abs(dragged.x - pressed.x);
            int h = Math.abs(dragged.y - pressed.y);
            g2.setColor(new Color(255, 255, 255, 60));
            g2.fillRect(x, y, w, h);
            g2.setStroke(new BasicStroke(1.5f));
            g2.setColor(Color.WHITE);
            g2.drawRect(x, y, w, h);
        } finally {
            g2.dispose();
        }
    }
}

package org.landscape4j.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;

import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleEdge;
import org.junit.jupiter.api.Test;

/** The axes of a tall heatmap label at most 11 ticks (JFreeChart alone labelled every 0.05 from -1 to 1: 41). */
class AxisLabelsTest {

    @Test
    void aTallHeatmapLabelsAtMostElevenTicksPerAxis() {
        int n = 41;
        double[] c = new double[n];
        double[][] z = new double[n][n];
        for (int i = 0; i < n; i++) {
            c[i] = -1 + 2.0 * i / (n - 1);
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                z[i][j] = 1 + c[i] * c[i] + c[j] * c[j];
            }
        }
        SurfaceChart chart = new SurfaceChart(Grid.of(c, c, z, "train loss"), null, HeatmapStyle.DEFAULT);
        BufferedImage image = new BufferedImage(900, 1400, BufferedImage.TYPE_INT_RGB);
        Graphics2D g2 = image.createGraphics();
        chart.chart().draw(g2, new Rectangle2D.Double(0, 0, 900, 1400));
        XYPlot plot = chart.chart().getXYPlot();
        for (NumberAxis axis : List.of((NumberAxis) plot.getDomainAxis(), (NumberAxis) plot.getRangeAxis())) {
            int labels = ticks(axis, g2, new Rectangle2D.Double(80, 80, 700, 1200), RectangleEdge.LEFT);
            assertThat(labels).as(axis.getLabel()).isBetween(3, LocaleFreeAxis.MAX_LABELS);
        }
        g2.dispose();
    }

    /** The labelled (major) ticks. */
    private static int ticks(NumberAxis axis, Graphics2D g2, Rectangle2D area, RectangleEdge edge) {
        return (int) axis.refreshTicks(g2, new AxisState(), area, edge).stream()
                .filter(t -> ((org.jfree.chart.axis.Tick) t).getText() != null
                        && !((org.jfree.chart.axis.Tick) t).getText().isEmpty()).count();
    }
}

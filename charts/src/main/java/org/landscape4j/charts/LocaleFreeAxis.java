package org.landscape4j.charts;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.Locale;

import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.ui.RectangleEdge;

/**
 * A {@link NumberAxis} whose tick labels do not depend on the default locale ({@code 0.5}, never {@code 0,5}), so a
 * chart file reads the same on every machine, like the CSV and summaries; and that labels at most
 * {@value #MAX_LABELS} ticks (JFreeChart's own choice is the finest unit whose labels do not overlap: every 0.05 on a
 * tall heatmap, 41 labels).
 */
class LocaleFreeAxis extends NumberAxis {

    /** The most tick labels an axis shows. */
    static final int MAX_LABELS = 11;

    LocaleFreeAxis(String label) {
        super(label);
        setStandardTickUnits(NumberAxis.createStandardTickUnits(Locale.ROOT));
    }

    @Override
    protected void selectAutoTickUnit(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
        super.selectAutoTickUnit(g2, dataArea, edge);
        double length = getRange().getLength();
        if (length > 0 && length / getTickUnit().getSize() > MAX_LABELS - 1) {
            setTickUnit((org.jfree.chart.axis.NumberTickUnit) getStandardTickUnits().getCeilingTickUnit(
                    length / (MAX_LABELS - 1)), false, false);
        }
    }
}

package org.landscape4j.charts;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;

/**
 * The axis of a log-scale colour legend: its values are log10 of the quantity (the legend strip is sampled evenly
 * along its axis), but its ticks sit at 1, 2 and 5 times powers of ten and are labelled in the quantity's own units
 * ({@code 0.5, 1, 2, 5}), as matplotlib labels a {@code LogNorm} colour bar.
 */
final class LogUnitsAxis extends LocaleFreeAxis {

    LogUnitsAxis(String label) {
        super(label);
    }

    /** Tick mantissas, coarse to fine: 1, 2, 5; and 3; every integer; every half; every tenth. */
    private static final double[][] MANTISSAS = {{1, 2, 5}, {1, 2, 3, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}, steps(0.5),
        steps(0.1)};
    /** The fewest labels a colour bar should have to read a value from it (the most: {@link #MAX_LABELS}). */
    static final int MIN_LABELS = 5;

    /**
     * The ticks within {@code [10^lo, 10^hi]}: {@code {log10(value), value}} at 1, 2 and 5 times powers of ten, or
     * finer (and 3, every integer multiple, every half, every tenth) while that gives fewer than {@value #MIN_LABELS}
     * and no more than
     * {@value LocaleFreeAxis#MAX_LABELS}.
     */
    static List<double[]> ticks(double lo, double hi) {
        List<double[]> best = collect(lo, hi, MANTISSAS[0]);
        for (int i = 1; i < MANTISSAS.length && best.size() < MIN_LABELS; i++) {
            List<double[]> finer = collect(lo, hi, MANTISSAS[i]);
            if (finer.size() > MAX_LABELS && best.size() >= 2) {
                break;
            }
            best = finer;
        }
        return best;
    }

    /** 1, 1 + step, ... below 10. */
    private static double[] steps(double step) {
        int n = (int) Math.round(9 / step);
        double[] m = new double[n];
        for (int i = 0; i < n; i++) {
            m[i] = 1 + i * step;
        }
        return m;
    }

    private static List<double[]> collect(double lo, double hi, double[] mantissas) {
        List<double[]> out = new ArrayList<>();
        for (int k = (int) Math.floor(lo) - 1; k <= (int) Math.ceil(hi); k++) {
            for (double m : mantissas) {
                double v = m * Math.pow(10, k);
                double at = Math.log10(v);
                if (at >= lo - 1e-12 && at <= hi + 1e-12) {
                    out.add(new double[] {at, v});
                }
            }
        }
        return out;
    }

    /** A value as a short plain number in the root locale: 0.5, 1, 20, 0.002. */
    static String label(double value) {
        return new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public List refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
        TextAnchor anchor = RectangleEdge.LEFT.equals(edge) ? TextAnchor.CENTER_RIGHT
                : RectangleEdge.RIGHT.equals(edge) ? TextAnchor.CENTER_LEFT
                : RectangleEdge.TOP.equals(edge) ? TextAnchor.BOTTOM_CENTER : TextAnchor.TOP_CENTER;
        List ticks = new ArrayList();
        for (double[] t : ticks(getLowerBound(), getUpperBound())) {
            ticks.add(new NumberTick(t[0], label(t[1]), anchor, TextAnchor.CENTER, 0.0));
        }
        return ticks;
    }
}

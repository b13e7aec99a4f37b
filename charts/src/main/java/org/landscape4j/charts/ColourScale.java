package org.landscape4j.charts;

import java.awt.Color;
import java.awt.Paint;

import org.jfree.chart.renderer.PaintScale;

/**
 * A perceptually uniform colour scale (viridis anchors) from {@code lower} (dark purple) to {@code upper} (yellow),
 * linear or logarithmic. Values above {@code upper}, and infinite ones, take the top colour: they are clipped, and the
 * charts say so in the legend.
 */
public final class ColourScale implements PaintScale {

    /** Viridis at 0, 1/8, ..., 1. */
    private static final Color[] ANCHORS = {
        new Color(68, 1, 84), new Color(71, 44, 122), new Color(59, 81, 139), new Color(44, 113, 142),
        new Color(33, 144, 141), new Color(39, 173, 129), new Color(92, 200, 99), new Color(170, 220, 50),
        new Color(253, 231, 37)
    };

    private final double lower;
    private final double upper;
    private final boolean log;

    /**
     * @param lower the value at the low end
     * @param upper the value at the high end, greater than {@code lower}
     * @param log   whether colours are spread evenly in log scale; then {@code lower > 0}
     */
    public ColourScale(double lower, double upper, boolean log) {
        if (!(upper > lower) || !Double.isFinite(lower) || !Double.isFinite(upper)) {
            throw new IllegalArgumentException("colour scale needs finite lower < upper, was " + lower + ".." + upper);
        }
        if (log && lower <= 0) {
            throw new IllegalArgumentException("a log colour scale needs positive values, lowest was " + lower);
        }
        this.lower = lower;
        this.upper = upper;
        this.log = log;
    }

    /** The colour of the lowest values. */
    public static Color lowColour() {
        return ANCHORS[0];
    }

    /** The colour of the highest (and clipped) values. */
    public static Color highColour() {
        return ANCHORS[ANCHORS.length - 1];
    }

    @Override
    public double getLowerBound() {
        return lower;
    }

    @Override
    public double getUpperBound() {
        return upper;
    }

    /** Whether the scale is logarithmic. */
    public boolean isLog() {
        return log;
    }

    @Override
    public Paint getPaint(double value) {
        return colour(value);
    }

    /** The colour of {@code value}; NaN gives transparent, above-range and +infinity the top colour. */
    public Color colour(double value) {
        if (Double.isNaN(value)) {
            return new Color(0, 0, 0, 0);
        }
        double t;
        if (value >= upper) {
            t = 1;
        } else if (value <= lower) {
            t = 0;
        } else if (log) {
            t = (Math.log(value) - Math.log(lower)) / (Math.log(upper) - Math.log(lower));
        } else {
            t = (value - lower) / (upper - lower);
        }
        double p = t * (ANCHORS.length - 1);
        int i = Math.min((int) p, ANCHORS.length - 2);
        double f = p - i;
        Color a = ANCHORS[i];
        Color b = ANCHORS[i + 1];
        return new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
    }
}

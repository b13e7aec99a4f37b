package org.landscape4j.charts;

/**
 * How a 2D landscape is drawn.
 *
 * @param levels       number of contour levels, 0 for none
 * @param logLevels    contour levels spaced evenly in log scale between the minimum and maximum (the blog seed)
 * @param vmin         lower end of the colour scale, or NaN for the smallest value
 * @param vmax         upper end of the colour scale, or NaN for the largest finite value; larger values are clipped
 * @param logColour    colour scale in log scale
 * @param labelLevels  write each contour line's value on it
 */
public record HeatmapStyle(int levels, boolean logLevels, double vmin, double vmax, boolean logColour,
                           boolean labelLevels) {

    /** 12 linear levels, labelled, automatic linear colour range. */
    public static final HeatmapStyle DEFAULT = new HeatmapStyle(12, false, Double.NaN, Double.NaN, false, true);

    public HeatmapStyle {
        if (levels < 0) {
            throw new IllegalArgumentException("number of contour levels must be >= 0, was " + levels);
        }
        if (Double.isInfinite(vmin) || Double.isInfinite(vmax)) {
            throw new IllegalArgumentException("vmin and vmax must be finite or NaN (automatic), were " + vmin + ", "
                    + vmax);
        }
        if (!Double.isNaN(vmin) && !Double.isNaN(vmax) && vmin >= vmax) {
            throw new IllegalArgumentException("vmin must be < vmax, was " + vmin + " >= " + vmax);
        }
    }

    /** This style with {@code n} contour levels. */
    public HeatmapStyle withLevels(int n) {
        return new HeatmapStyle(n, logLevels, vmin, vmax, logColour, labelLevels);
    }

    /** This style with log-spaced contour levels and a log colour scale (for losses spanning decades). */
    public HeatmapStyle withLogScale() {
        return new HeatmapStyle(levels, true, vmin, vmax, true, labelLevels);
    }

    /** This style with a fixed colour range; values above {@code max} are clipped and counted in the legend. */
    public HeatmapStyle withRange(double min, double max) {
        return new HeatmapStyle(levels, logLevels, min, max, logColour, labelLevels);
    }
}

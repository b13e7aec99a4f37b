package org.landscape4j.cli;

import java.util.Locale;

import org.landscape4j.charts.HeatmapStyle;
import picocli.CommandLine.Option;

/**
 * How {@code surface} and {@code plot} draw a heatmap: the colour range, the contour levels and the scale, as
 * loss-landscape's {@code plot_2D.py} takes them ({@code --vmin}, {@code --vmax}; it spaces its levels by
 * {@code --vlevel}, this CLI counts them).
 */
final class ChartOptions {

    @Option(names = "--vmin", paramLabel = "V",
            description = "lower end of the colour scale and of the contour levels (default: the smallest value)")
    Double vmin;

    @Option(names = "--vmax", paramLabel = "V",
            description = "upper end: larger values take the top colour and are counted in the legend (default: the"
                    + " largest finite value)")
    Double vmax;

    @Option(names = "--levels", paramLabel = "N", defaultValue = "12",
            description = "contour levels, 0 for none (default: ${DEFAULT-VALUE})")
    int levels;

    @Option(names = "--scale", paramLabel = "log|linear", defaultValue = "log",
            description = "colour scale and contour spacing: log, for losses spanning decades, or linear (default:"
                    + " ${DEFAULT-VALUE})")
    String scale;

    /** The most contour levels: more are not lines a reader can tell apart. */
    static final int MAX_LEVELS = 100;

    /**
     * The heatmap style these options give.
     *
     * @throws BadInput naming the option, before any work
     */
    HeatmapStyle style() {
        String s = scale.toLowerCase(Locale.ROOT);
        if (!s.equals("log") && !s.equals("linear")) {
            throw new BadInput("--scale must be log or linear, was '" + scale + "'");
        }
        if (levels < 0 || levels > MAX_LEVELS) {
            throw new BadInput("--levels must be between 0 and " + MAX_LEVELS + ", was " + levels);
        }
        for (Double v : new Double[] {vmin, vmax}) {
            if (v != null && !Double.isFinite(v)) {
                throw new BadInput("--" + (v == vmin ? "vmin" : "vmax") + " must be a finite number, was " + v);
            }
        }
        if (vmin != null && vmax != null && vmin >= vmax) {
            throw new BadInput("--vmin must be below --vmax, was " + vmin + " >= " + vmax);
        }
        if (s.equals("log") && vmin != null && vmin <= 0) {
            throw new BadInput("--vmin must be > 0 on the log scale, was " + vmin + " (or use --scale linear)");
        }
        HeatmapStyle style = HeatmapStyle.DEFAULT.withLevels(levels).withRange(vmin == null ? Double.NaN : vmin,
                vmax == null ? Double.NaN : vmax);
        return s.equals("log") ? style.withLogScale() : style;
    }
}

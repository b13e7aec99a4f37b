package org.landscape4j.charts;

import java.util.Locale;

import org.jfree.chart.axis.NumberAxis;

/**
 * A {@link NumberAxis} whose tick labels do not depend on the default locale ({@code 0.5}, never {@code 0,5}), so a
 * chart file reads the same on every machine, like the CSV and summaries.
 */
class LocaleFreeAxis extends NumberAxis {

    LocaleFreeAxis(String label) {
        super(label);
        setStandardTickUnits(NumberAxis.createStandardTickUnits(Locale.ROOT));
    }
}

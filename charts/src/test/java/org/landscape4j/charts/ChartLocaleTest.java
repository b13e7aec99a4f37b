package org.landscape4j.charts;

import static org.assertj.core.api.Assertions.assertThat;

import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.title.PaintScaleLegend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.landscape4j.engine.GermanLocale;

/** Tick labels in chart files do not depend on the default locale (issue 11, item 6). */
@ExtendWith(GermanLocale.class)
class ChartLocaleTest {

    @Test
    void heatmapTicksUseADecimalPointInAGermanLocale() {
        SurfaceChart chart = new SurfaceChart(ChartRenderingTest.bowl(5), "bowl", HeatmapStyle.DEFAULT);
        NumberAxis x = (NumberAxis) chart.chart().getXYPlot().getDomainAxis();
        NumberAxis legend = (NumberAxis) chart.chart().getSubtitles().stream()
                .filter(PaintScaleLegend.class::isInstance).map(t -> ((PaintScaleLegend) t).getAxis())
                .findFirst().orElseThrow();

        assertThat(x.getStandardTickUnits().getCeilingTickUnit(0.3).valueToString(0.5)).isEqualTo("0.5");
        assertThat(legend.getStandardTickUnits().getCeilingTickUnit(0.3).valueToString(1.5)).isEqualTo("1.5");
    }
}

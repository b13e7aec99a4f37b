package org.landscape4j.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class LogUnitsAxisTest {

    @Test
    void aLogLegendIsLabelledInLossUnitsAtOneTwoAndFive() {
        List<String> labels = LogUnitsAxis.ticks(Math.log10(0.4), Math.log10(6)).stream()
                .map(t -> LogUnitsAxis.label(t[1])).toList();
        assertThat(labels).containsExactly("0.5", "1", "2", "5");
    }

    @Test
    void aNarrowRangeFallsBackToEveryMultiple() {
        List<String> labels = LogUnitsAxis.ticks(Math.log10(2.5), Math.log10(4.5)).stream()
                .map(t -> LogUnitsAxis.label(t[1])).toList();
        assertThat(labels).containsExactly("3", "4");
    }

    @Test
    void tickPositionsAreLog10OfTheirValues() {
        for (double[] t : LogUnitsAxis.ticks(-3, 1)) {
            assertThat(t[0]).isCloseTo(Math.log10(t[1]), org.assertj.core.api.Assertions.within(1e-12));
        }
        assertThat(LogUnitsAxis.label(0.002)).isEqualTo("0.002");
        assertThat(LogUnitsAxis.label(20)).isEqualTo("20");
    }
}

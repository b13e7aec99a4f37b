package org.landscape4j.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class LogUnitsAxisTest {

    @Test
    void aLogLegendIsLabelledInLossUnitsAtOneTwoAndFiveAndFinerUntilItHasFiveLabels() {
        List<String> labels = LogUnitsAxis.ticks(Math.log10(0.4), Math.log10(60)).stream()
                .map(t -> LogUnitsAxis.label(t[1])).toList();
        assertThat(labels).containsExactly("0.5", "1", "2", "5", "10", "20", "50");
        assertThat(LogUnitsAxis.ticks(Math.log10(0.4), Math.log10(6)).stream().map(t -> LogUnitsAxis.label(t[1])))
                .containsExactly("0.5", "1", "2", "3", "5");
        // a loss from 0.3 to 2.5, as a trained network's plane often spans
        assertThat(LogUnitsAxis.ticks(Math.log10(0.3), Math.log10(2.5)).stream().map(t -> LogUnitsAxis.label(t[1])))
                .containsExactly("0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1", "2");
    }

    @Test
    void aNarrowRangeFallsBackToFinerMultiples() {
        List<String> labels = LogUnitsAxis.ticks(Math.log10(2.5), Math.log10(4.5)).stream()
                .map(t -> LogUnitsAxis.label(t[1])).toList();
        assertThat(labels).containsExactly("2.5", "3", "3.5", "4", "4.5");
        assertThat(LogUnitsAxis.ticks(Math.log10(1.02), Math.log10(1.38))).hasSizeBetween(3, 11);
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

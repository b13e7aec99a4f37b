package org.landscape4j.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Axis;

/** The Explorer's options name what is wrong before any window opens (no display needed). */
class ExplorerOptionsTest {

    @Test
    void optionsValidateThemselves() {
        Explorer.Saver none = (s, f) -> { };
        assertThatThrownBy(() -> Explorer.Options.DEFAULT.withSaver("png", none))
                .hasMessage("saver extension 'png' is built in (png, svg, csv)");
        assertThatThrownBy(() -> Explorer.Options.DEFAULT.withSaver(".h5", none))
                .hasMessage("saver extension must be lower-case letters and digits without the dot, e.g. h5, was '.h5'");
        assertThatThrownBy(() -> Explorer.Options.DEFAULT.withSaver("h5", null))
                .hasMessage("saver for .h5 must not be null");
        assertThatThrownBy(() -> Explorer.Options.DEFAULT.withHistoryBytes(-1))
                .hasMessage("historyBytes must be >= 0, was -1");
        assertThatThrownBy(() -> Explorer.Options.DEFAULT.withStyle(null))
                .hasMessage("style must not be null, e.g. HeatmapStyle.DEFAULT");
        assertThat(Explorer.Options.DEFAULT.withSaver("h5", none).savers()).containsOnlyKeys("h5");
        assertThat(Explorer.Options.DEFAULT.withView("test", "accuracy").savers()).isEqualTo(Map.of());
    }

    @Test
    void unknownSetsAndMetricsAreNamedBeforeAWindowOpens() {
        var plane = ExplorationTest.plane(3, new ExplorationTest.Evaluations(0));

        assertThatThrownBy(() -> Explorer.open(plane, Explorer.Options.DEFAULT.withView("validation", "loss")))
                .hasMessage("unknown evaluation set 'validation'; the landscape has [train, test]");
        assertThatThrownBy(() -> Explorer.open(plane, Explorer.Options.DEFAULT.withView("train", "acc")))
                .hasMessage("unknown metric 'acc'; the landscape has [loss, accuracy, evaluations]");
        assertThatThrownBy(() -> Explorer.open(plane.withAxes(Axis.linear(0, 1, 3), Axis.linear(0, 1, 3)),
                Explorer.Options.DEFAULT.withOverview(plane.surface())))
                .hasMessageContaining("is not a surface of this landscape");
    }
}

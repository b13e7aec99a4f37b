package org.landscape4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

/** Results made by hand copy what they are given; a landscape collects its own (decorated) stream. */
class ResultsTest {

    private static final MetricKeys KEYS = new MetricKeys(List.of("train"), List.of("loss"));

    @Test
    void aSurfaceOfGivenValuesKeepsACopy() {
        double[][] values = {{1, 2, 3, 4, 5, 6}};
        Surface s = Surface.of(Axis.linear(0, 1, 3), Axis.linear(0, 1, 2), KEYS, values, null);
        values[0][4] = 99;
        assertThat(s.value("train", "loss", 1, 1)).isEqualTo(5);
        assertThat(s.values("train", "loss")).isDeepEqualTo(new double[][] {{1, 2, 3}, {4, 5, 6}});
    }

    @Test
    void givenValuesMustFitTheKeysAndTheGrid() {
        assertThatThrownBy(() -> Surface.of(Axis.linear(0, 1, 3), Axis.linear(0, 1, 2), KEYS,
                new double[][] {{1, 2, 3, 4, 5}}, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("row 0 of values has 5 values, the grid has 6 points");
        assertThatThrownBy(() -> Profile.of(Axis.linear(0, 1, 3), KEYS, new double[][] {{1, 2, 3}, {4, 5, 6}}, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("i.e. 1, got 2");
    }

    @Test
    void aPointMadeByHandCopiesItsArrays() {
        double[] values = {0.5};
        LandscapePoint p = LandscapePoint.of(3, 4, new int[] {1, 1}, new double[] {0.5, 0.5}, values, KEYS);
        values[0] = 7;
        assertThat(p.value(0)).isEqualTo(0.5);
        assertThat(p.sequence()).isEqualTo(3);
        assertThatThrownBy(() -> LandscapePoint.of(4, 4, new int[] {0, 0}, new double[] {0, 0}, values, KEYS))
                .hasMessage("index must be in [0, 4), was 4");
    }

    @Test
    void aLandscapeCollectsItsOwnDecoratedStream() {
        DataSet data = Fixtures.blobs(30, 2);
        MultiLayerNetwork net = Fixtures.mlp(data, 3);
        Landscape landscape = Landscape.compile(Fixtures.spec(net, data, 2, 3, 5));
        AtomicInteger seen = new AtomicInteger();
        Surface decorated = landscape.surface(landscape.points().doOnNext(p -> seen.incrementAndGet()));
        assertThat(seen).hasValue(9);
        assertThat(decorated.flatValues("train", "loss")).containsExactly(landscape.surface().flatValues("train",
                "loss"));

        Landscape other = Landscape.compile(Fixtures.spec(net, data, 2, 4, 5));
        assertThatThrownBy(() -> landscape.surface(other.points()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("a point of another landscape (16 points");
        assertThatThrownBy(() -> landscape.profile(landscape.points()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("profile() needs 1 direction, this landscape has 2; use surface()");
    }
}

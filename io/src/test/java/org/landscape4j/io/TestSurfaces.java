package org.landscape4j.io;

import java.util.List;

import org.landscape4j.engine.Axis;
import org.landscape4j.engine.MetricKeys;
import org.landscape4j.engine.Profile;
import org.landscape4j.engine.Provenance;
import org.landscape4j.engine.Surface;

/** Results with known values, made without a network. */
final class TestSurfaces {

    static final MetricKeys KEYS = new MetricKeys(List.of("train", "test"), List.of("loss", "accuracy"));

    private TestSurfaces() {
    }

    static Provenance provenance(List<Axis> axes) {
        return new Provenance("given", 1, axes, "MultiLayerNetwork", 10, "0123456789abcdef", List.of("train (3 examples)"));
    }

    /** nx = 5, ny = 3; value k at index i is {@code 10 k + i / 100}, accuracy values in [0, 1]. */
    static Surface surface() {
        Axis x = Axis.linear(-1, 1, 5);
        Axis y = Axis.linear(-0.5, 0.5, 3);
        double[][] values = new double[KEYS.size()][15];
        for (int k = 0; k < values.length; k++) {
            for (int i = 0; i < 15; i++) {
                values[k][i] = k % 2 == 1 ? i / 15.0 : 10 * k + i / 100.0;
            }
        }
        return Surface.of(x, y, KEYS, values, provenance(List.of(x, y)));
    }

    static Profile profile() {
        Axis x = Axis.linear(0, 2, 4);
        double[][] values = new double[KEYS.size()][4];
        for (int k = 0; k < values.length; k++) {
            for (int i = 0; i < 4; i++) {
                values[k][i] = k % 2 == 1 ? 0.25 * i : k + i;
            }
        }
        return Profile.of(x, KEYS, values, provenance(List.of(x)));
    }
}

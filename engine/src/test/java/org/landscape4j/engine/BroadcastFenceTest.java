package org.landscape4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.landscape4j.engine.internal.BroadcastFence;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The engine installs ND4J's CPU executioner with broadcast ops kept reachable (issue 19), and it computes the same. */
class BroadcastFenceTest {

    @Test
    void usingTheEngineInstallsTheFencedExecutionerWhichBroadcastsAsNd4jDoes() {
        DataSet data = Fixtures.blobs(30, 1);
        Landscape.compile(Fixtures.spec(Fixtures.mlp(data, 1), data, 1, 3, 1)).profile();
        assertThat(BroadcastFence.installed()).as("ND4J's executioner is %s", Nd4j.getExecutioner()).isTrue();

        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 4);
        INDArray row = Nd4j.rand(DataType.DOUBLE, 1, 4);
        INDArray expected = x.dup();
        for (int r = 0; r < 5; r++) {
            for (int c = 0; c < 4; c++) {
                expected.putScalar(r, c, x.getDouble(r, c) + row.getDouble(0, c));
            }
        }
        assertThat(x.addiRowVector(row).toDoubleMatrix()).isDeepEqualTo(expected.toDoubleMatrix());
    }
}

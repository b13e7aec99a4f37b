package org.landscape4j.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.landscape4j.engine.Fixtures;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DirectionsHdf5Test {

    @TempDir
    Path dir;

    /** A direction whose entry i is i (x) or -i (y), so every value names its position in the flat vector. */
    private static INDArray[] numbered(long n) {
        INDArray x = Nd4j.arange(n).castTo(DataType.FLOAT);
        return new INDArray[] {x, x.neg()};
    }

    @Test
    void denseWeightsAreWrittenTransposedToPyTorchsOutByIn() throws IOException {
        MultiLayerNetwork net = Fixtures.mlp(Fixtures.blobs(30, 1), 0);
        INDArray[] d = numbered(net.numParams());
        List<List<DirectionsHdf5.Tensor>> read = DirectionsHdf5.read(
                DirectionsHdf5.write(ParameterLayout.of(net), d, dir.resolve("dir.h5")));

        assertThat(read).hasSize(2);
        List<DirectionsHdf5.Tensor> x = read.get(0);
        assertThat(x).hasSize(4);                                     // hidden W, b, out W, b
        assertThat(x.get(0).shape()).containsExactly(8, 4);           // DL4J [nIn 4, nOut 8] -> [out, in]
        assertThat(x.get(1).shape()).containsExactly(8);
        assertThat(x.get(2).shape()).containsExactly(3, 8);
        assertThat(x.get(3).shape()).containsExactly(3);

        // Compare against DL4J's own view of W with the direction as the parameters.
        net.setParams(d[0]);
        INDArray w = net.getLayer(0).getParam("W");                   // [4, 8]
        for (int o = 0; o < 8; o++) {
            for (int i = 0; i < 4; i++) {
                assertThat(x.get(0).values()[o * 4 + i]).isEqualTo(w.getDouble(i, o));
            }
        }
        INDArray outW = net.getLayer(1).getParam("W");                // [8, 3]
        assertThat(x.get(2).values()[2 * 8 + 5]).isEqualTo(outW.getDouble(5, 2));
        assertThat(read.get(1).get(3).values()).containsExactly(
                java.util.Arrays.stream(x.get(3).values()).map(v -> -v).toArray());
    }

    @Test
    void float32FilesHoldTheSameTensorsInHalfTheBytes() throws IOException {
        MultiLayerNetwork net = Fixtures.mlp(Fixtures.blobs(30, 1), 0);
        INDArray[] d = {Nd4j.rand(DataType.FLOAT, net.numParams()), Nd4j.rand(DataType.FLOAT, net.numParams())};
        Path f64 = DirectionsHdf5.write(ParameterLayout.of(net), d, dir.resolve("f64.h5"));
        Path f32 = DirectionsHdf5.write(ParameterLayout.of(net), d, dir.resolve("f32.h5"), true);
        List<List<DirectionsHdf5.Tensor>> a = DirectionsHdf5.read(f64);
        List<List<DirectionsHdf5.Tensor>> b = DirectionsHdf5.read(f32);
        for (int k = 0; k < 2; k++) {
            for (int t = 0; t < a.get(k).size(); t++) {
                assertThat(b.get(k).get(t).shape()).containsExactly(a.get(k).get(t).shape());
                assertThat(b.get(k).get(t).values()).containsExactly(a.get(k).get(t).values()); // float values
            }
        }
        assertThat(java.nio.file.Files.size(f32)).isLessThan(java.nio.file.Files.size(f64));
    }

    @Test
    void convolutionWeightsKeepOutInKhKwAndRunningStatisticsAreLeftOut() throws IOException {
        MultiLayerNetwork net = Fixtures.cnn(Fixtures.images(20, 1), 0);
        INDArray[] d = numbered(net.numParams());
        List<List<DirectionsHdf5.Tensor>> read = DirectionsHdf5.read(
                DirectionsHdf5.write(ParameterLayout.of(net), new INDArray[] {d[0]}, dir.resolve("cnn.h5")));

        assertThat(read).hasSize(1);
        List<DirectionsHdf5.Tensor> x = read.get(0);
        assertThat(x.get(0).shape()).containsExactly(4, 1, 3, 3);
        assertThat(x.get(1).shape()).containsExactly(4);              // conv bias
        assertThat(x.get(2).shape()).containsExactly(4);              // bn gamma
        assertThat(x.get(3).shape()).containsExactly(4);              // bn beta; then dense W, b; out W, b
        assertThat(x).hasSize(8);
        net.setParams(d[0]);
        INDArray w = net.getLayer(0).getParam("W");
        assertThat(x.get(0).values()[((2 * 1 + 0) * 3 + 1) * 3 + 2]).isEqualTo(w.getDouble(2, 0, 1, 2));
        assertThat(x.get(2).values()).containsExactly(net.getLayer(1).getParam("gamma").toDoubleVector());
    }
}

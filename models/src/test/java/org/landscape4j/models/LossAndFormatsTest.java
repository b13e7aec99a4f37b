package org.landscape4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.landscape4j.engine.Directions;
import org.landscape4j.engine.Landscape;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The appended losses match PyTorch's; DL4J zips load as saved. */
class LossAndFormatsTest {

    @Test
    void mseOnTheLogitsIsPyTorchsMseLoss() {
        ImportedModel m = Models.load(PyTorchFixtures.file("mlp.onnx"), Loss.MSE);
        assertThat(m.description()).contains("identity + MSE on 'output'");
        DataSet data = PyTorchFixtures.data("mlp", 5, DataType.FLOAT);
        INDArray d1 = m.parameters().toFlat(PyTorchFixtures.direction("mlp", 1), DataType.FLOAT);
        INDArray d2 = m.parameters().toFlat(PyTorchFixtures.direction("mlp", 2), DataType.FLOAT);
        double[][] got = Landscape.builder().model(m.model()).directions(Directions.of("PyTorch's", d1, d2))
                .grid(-1, 1, 5).evaluateOn("train", data).workers(1).build().surface().values("train", "loss");
        INDArray want = PyTorchFixtures.npz("mlp-plane.npz").get("mse64");
        for (int iy = 0; iy < 5; iy++) {
            for (int ix = 0; ix < 5; ix++) {
                assertThat(got[iy][ix]).as("(%d, %d)", ix, iy)
                        .isCloseTo(want.getDouble(iy, ix), org.assertj.core.data.Percentage.withPercentage(1e-3));
            }
        }
    }

    @Test
    void aLogSoftmaxEndingIsTheNegativeLogLikelihood() {
        ImportedModel m = Models.load(PyTorchFixtures.file("activations.onnx"), Loss.CROSS_ENTROPY);
        assertThat(m.description()).contains("the graph's final LogSoftmax '/LogSoftmax' as softmax + MCXENT");
        assertThatThrownBy(() -> Models.load(PyTorchFixtures.file("activations.onnx"), Loss.MSE))
                .isInstanceOf(ModelImportException.class).hasMessageContaining("mse on log-probabilities");
    }

    @Test
    void aDl4jZipLoadsAsSavedAndRefusesALoss(@TempDir Path dir) throws IOException {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        File f = dir.resolve("net.bin").toFile();
        ModelSerializer.writeModel(net, f, false);
        ImportedModel m = Models.load(f.toPath());
        assertThat(m.format()).isEqualTo(ModelFormat.DL4J);
        assertThat(m.network().params()).isEqualTo(net.params());
        assertThat(m.parameters().names()).containsExactly("layer0/W", "layer0/b", "layer1/W", "layer1/b");
        Map<String, INDArray> back = m.parameters().fromFlat(net.params());
        assertThat(back.get("layer0/W")).isEqualTo(net.getLayer(0).getParam("W"));
        assertThatThrownBy(() -> Models.load(f.toPath(), Loss.MSE)).isInstanceOf(ModelImportException.class)
                .hasMessageContaining("is a DL4J network, whose output layers carry their own loss");
    }
}

package org.landscape4j.engine.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link GroupedConvolution2D} in DL4J: its forward pass equals a plain convolution with the block-diagonal weight, its
 * configuration survives DL4J's JSON and model files, bad geometry is refused naming the value.
 */
class GroupedConvolutionTest {

    private static MultiLayerNetwork net(org.deeplearning4j.nn.conf.layers.Layer second) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.DOUBLE).list()
                .layer(new ConvolutionLayer.Builder(1, 1).nIn(2).nOut(6).activation(Activation.TANH).build())
                .layer(second)
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(7, 7, 2)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static GroupedConvolution2D grouped() {
        return new GroupedConvolution2D(6, 9, 3, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0},
                new int[] {1, 2}, true);
    }

    @Test
    void equalsAPlainConvolutionWithTheBlockDiagonalWeight() {
        MultiLayerNetwork g = net(grouped());
        MultiLayerNetwork plain = net(new ConvolutionLayer.Builder(3, 2).stride(2, 1).padding(1, 0).dilation(1, 2)
                .convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Truncate).nOut(9)
                .activation(Activation.IDENTITY).build());
        INDArray w = g.getLayer(1).getParam("W");
        assertThat(w.shape()).containsExactly(9, 2, 3, 2);
        INDArray full = Nd4j.zeros(DataType.DOUBLE, 9, 6, 3, 2);
        for (int group = 0; group < 3; group++) {
            full.get(NDArrayIndex.interval(3 * group, 3 * group + 3), NDArrayIndex.interval(2 * group, 2 * group + 2),
                    NDArrayIndex.all(), NDArrayIndex.all())
                    .assign(w.get(NDArrayIndex.interval(3 * group, 3 * group + 3), NDArrayIndex.all(),
                            NDArrayIndex.all(), NDArrayIndex.all()));
        }
        g.getLayer(1).getParam("b").assign(Nd4j.linspace(-0.4, 0.4, 9, DataType.DOUBLE));
        plain.getLayer(0).setParams(g.getLayer(0).params().dup());
        plain.getLayer(1).setParam("W", full);
        plain.getLayer(1).setParam("b", g.getLayer(1).getParam("b").reshape(1, 9));
        plain.getLayer(3).setParams(g.getLayer(3).params().dup());
        INDArray x = Nd4j.linspace(-2, 2, 3 * 2 * 49, DataType.DOUBLE).reshape(3, 2, 7, 7);
        INDArray want = plain.feedForward(x, false).get(2);
        INDArray got = g.feedForward(x, false).get(2);
        assertThat(got.shape()).containsExactly(3, 9, 4, 5);
        assertThat(got.sub(want).amaxNumber().doubleValue()).isLessThan(1e-12);
    }

    /**
     * DL4J's gradient through the layer (its own backward pass) equals central differences of DL4J's loss, for every
     * parameter of a network with two grouped convolutions (with bias; strided without bias) between others.
     */
    @Test
    void dl4jsGradientEqualsCentralDifferences() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.DOUBLE).list()
                .layer(new ConvolutionLayer.Builder(1, 1).nIn(2).nOut(4).activation(Activation.TANH).build())
                .layer(new GroupedConvolution2D(4, 6, 2, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                        new int[] {1, 1}, true))
                .layer(new org.deeplearning4j.nn.conf.layers.ActivationLayer.Builder().activation(Activation.SOFTPLUS)
                        .build())
                .layer(new GroupedConvolution2D(6, 6, 3, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0},
                        new int[] {1, 1}, false))
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(5, 5, 2)).build());
        net.init();
        Nd4j.getRandom().setSeed(14);
        double worst = CentralDifferences.worstGradientError(net, CentralDifferences.data(14, 4, 3, 2, 5, 5));
        assertThat(worst).as("largest difference to central differences").isLessThan(1e-8);
    }

    @Test
    void survivesDl4jsJsonAndModelFiles() throws IOException {
        MultiLayerNetwork net = net(grouped());
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson());
        assertThat(back.getConf(1).getLayer()).isEqualTo(net.getLayerWiseConfigurations().getConf(1).getLayer());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, false);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(
                new ByteArrayInputStream(bytes.toByteArray()), false);
        INDArray x = Nd4j.linspace(-1, 1, 2 * 49, DataType.DOUBLE).reshape(1, 2, 7, 7);
        assertThat(restored.params()).isEqualTo(net.params());
        assertThat(restored.output(x)).isEqualTo(net.output(x));
        assertThat(LayerKind.of(restored.getLayerWiseConfigurations().getConf(1).getLayer()))
                .isEqualTo(LayerKind.GROUPED_CONVOLUTION_2D);
    }

    @Test
    void badGeometryIsRefusedNamingTheValue() {
        int[] one = {1, 1};
        assertThatThrownBy(() -> new GroupedConvolution2D(6, 8, 4, one, one, one, one, true))
                .hasMessage("a grouped convolution needs input (6) and output (8) channels that are positive multiples"
                        + " of its groups (4)");
        assertThatThrownBy(() -> new GroupedConvolution2D(4, 8, 2, new int[] {3, 0}, one, one, one, true))
                .hasMessage("kernelSize must be two values of at least 1, was [3, 0]");
        assertThatThrownBy(() -> new GroupedConvolution2D(4, 8, 2, one, one, new int[] {-1, 0}, one, true))
                .hasMessage("padding must be two values of at least 0, was [-1, 0]");
    }
}

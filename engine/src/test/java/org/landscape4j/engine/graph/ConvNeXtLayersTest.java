package org.landscape4j.engine.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * ConvNeXt's pieces in DL4J: PyTorch's exact GELU ({@link TorchGelu}), the layer normalization over channels
 * ({@link ChannelLayerNorm}) and the channel scale ({@link ChannelScale}) compute their definitions, and DL4J's
 * gradient through them equals central differences of DL4J's loss.
 */
class ConvNeXtLayersTest {

    @Test
    void geluIsXTimesTheNormalDistributionFunction() {
        INDArray x = Nd4j.createFromArray(-3.0, -1.0, 0.0, 0.5, 1.0, 2.5);
        // x * Φ(x), Φ from erf: values of scipy.stats.norm.cdf
        double[] want = {-3 * 0.0013498980316300946, -0.15865525393145707, 0, 0.5 * 0.6914624612740131,
            0.8413447460685429, 2.5 * 0.9937903346742238};
        INDArray y = new TorchGelu().getActivation(x.dup(), false);
        for (int i = 0; i < want.length; i++) {
            assertThat(y.getDouble(i)).isCloseTo(want[i], within(1e-13));
        }
    }

    @Test
    void layerNormNormalizesEveryPixelOverTheChannels() {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 3, 2, 2).muli(2).addi(1);
        INDArray gamma = Nd4j.createFromArray(0.5, 1.5, -1.0);
        INDArray beta = Nd4j.createFromArray(0.1, 0.0, -0.2);
        INDArray y = ChannelLayerNorm.normalize(x, gamma, beta, 1e-6, 1, x.ulike());
        for (int n = 0; n < 2; n++) {
            for (int h = 0; h < 2; h++) {
                for (int w = 0; w < 2; w++) {
                    double mean = 0;
                    double sq = 0;
                    for (int c = 0; c < 3; c++) {
                        mean += x.getDouble(n, c, h, w) / 3;
                    }
                    for (int c = 0; c < 3; c++) {
                        sq += Math.pow(x.getDouble(n, c, h, w) - mean, 2) / 3;
                    }
                    for (int c = 0; c < 3; c++) {
                        double want = (x.getDouble(n, c, h, w) - mean) / Math.sqrt(sq + 1e-6) * gamma.getDouble(c)
                                + beta.getDouble(c);
                        assertThat(y.getDouble(n, c, h, w)).isCloseTo(want, within(1e-12));
                    }
                }
            }
        }
        INDArray nhwc = ChannelLayerNorm.normalize(x.permute(0, 2, 3, 1).dup('c'), gamma, beta, 1e-6, 3,
                Nd4j.create(DataType.DOUBLE, 2, 2, 2, 3));
        assertThat(nhwc.permute(0, 3, 1, 2).sub(y).amaxNumber().doubleValue()).isLessThan(1e-14);
    }

    /** Conv, layer norm, 1x1 conv, GELU, 1x1 conv, channel scale (ConvNeXt's block without the residual). */
    @Test
    void dl4jsGradientEqualsCentralDifferences() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(4)
                .dataType(DataType.DOUBLE).list()
                .layer(new ConvolutionLayer.Builder(3, 3).padding(1, 1).nIn(2).nOut(4)
                        .activation(Activation.IDENTITY).build())
                .layer(new ChannelLayerNorm(4, 1e-6))
                .layer(new ConvolutionLayer.Builder(1, 1).nIn(4).nOut(8).activation(Activation.IDENTITY).build())
                .layer(new ActivationLayer.Builder().activation(new TorchGelu()).build())
                .layer(new ConvolutionLayer.Builder(1, 1).nIn(8).nOut(4).activation(Activation.IDENTITY).build())
                .layer(new ChannelScale(4))
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new ChannelLayerNorm(4, 1e-5))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(4, 4, 2)).build());
        net.init();
        Nd4j.getRandom().setSeed(5);
        net.getLayer(1).getParam("gamma").assign(Nd4j.rand(DataType.DOUBLE, 4).addi(0.5));
        net.getLayer(1).getParam("beta").assign(Nd4j.randn(DataType.DOUBLE, 4).muli(0.2));
        net.getLayer(5).getParam("W").assign(Nd4j.randn(DataType.DOUBLE, 4));
        double worst = CentralDifferences.worstGradientError(net, CentralDifferences.data(5, 4, 3, 2, 4, 4));
        assertThat(worst).as("largest difference to central differences").isLessThan(1e-8);
    }
}

package org.landscape4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Feature shapes are checked against what DL4J accepts for each first-layer kind (issue 11, item 1). */
class InputShapesTest {

    private static final OutputLayer.Builder OUT = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
            .name("out").nOut(2).activation(Activation.SOFTMAX);

    private static MultiLayerNetwork net(InputType input, org.deeplearning4j.nn.conf.layers.Layer... layers) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(2).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list();
        for (org.deeplearning4j.nn.conf.layers.Layer l : layers) {
            b.layer(l);
        }
        MultiLayerConfiguration conf = b.layer(OUT.build()).setInputType(input).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static DataSet data(long... featureShape) {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, featureShape);
        INDArray y = Nd4j.zeros(DataType.FLOAT, featureShape[0], 2);
        for (int i = 0; i < featureShape[0]; i++) {
            y.putScalar(i, i % 2, 1.0);
        }
        return new DataSet(x, y);
    }

    private static double centreLoss(MultiLayerNetwork net, DataSet d) {
        Landscape l = Landscape.compile(new LandscapeSpec(net, RandomDirections.FILTER_NORMALIZED, 1,
                List.of(Axis.linear(-1, 1, 3)), List.of(EvaluationSet.of("train", d)), List.of(Metric.loss()),
                Execution.DEFAULT.withWorkers(1)));
        return l.profile().values("train", "loss")[1];
    }

    @Test
    void cnnBuiltForImageTensorsTakesImageTensorsAndMatchesDl4jsScore() {
        MultiLayerNetwork cnn = net(InputType.convolutional(6, 6, 1),
                new ConvolutionLayer.Builder(3, 3).name("conv").nOut(3).activation(Activation.RELU).build());
        DataSet images = data(10, 1, 6, 6);

        assertThat(centreLoss(cnn, images)).isCloseTo(cnn.score(images, false), within(1e-5));
    }

    @Test
    void cnnBuiltForFlatImagesTakesImageTensorsToo() {
        MultiLayerNetwork cnn = net(InputType.convolutionalFlat(6, 6, 1),
                new ConvolutionLayer.Builder(3, 3).name("conv").nOut(3).activation(Activation.RELU).build());
        DataSet images = data(10, 1, 6, 6);
        DataSet flat = new DataSet(images.getFeatures().reshape(10, 36), images.getLabels());

        assertThat(centreLoss(cnn, images)).isCloseTo(cnn.score(images, false), within(1e-5));
        assertThat(centreLoss(cnn, flat)).isCloseTo(cnn.score(images, false), within(1e-5));
    }

    @Test
    void denseNetworkBuiltForImageTensorsTakesThem() {
        MultiLayerNetwork mlp = net(InputType.convolutional(4, 4, 1),
                new DenseLayer.Builder().name("dense").nOut(5).activation(Activation.TANH).build());
        DataSet images = data(10, 1, 4, 4);

        assertThat(centreLoss(mlp, images)).isCloseTo(mlp.score(images, false), within(1e-5));
    }

    @Test
    void conv1dTakesSequences() {
        MultiLayerNetwork conv1d = net(InputType.recurrent(3, 8),
                new Convolution1DLayer.Builder(3).name("conv1d").nOut(4).activation(Activation.RELU).build(),
                new GlobalPoolingLayer.Builder(PoolingType.MAX).name("pool").build());
        DataSet sequences = data(10, 3, 8);

        assertThat(centreLoss(conv1d, sequences)).isCloseTo(conv1d.score(sequences, false), within(1e-5));
    }

    @Test
    void imagesWithTheWrongChannelCountAreRejectedNamingTheShapeTaken() {
        MultiLayerNetwork cnn = net(InputType.convolutional(6, 6, 1),
                new ConvolutionLayer.Builder(3, 3).name("conv").nOut(3).activation(Activation.RELU).build());

        assertThatThrownBy(() -> centreLoss(cnn, data(4, 3, 6, 6)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("evaluation set 'train': features have shape [4, 3, 6, 6] but layer 0 'conv' "
                        + "(ConvolutionLayer) takes [examples, 1, height, width] (NCHW)");
    }
}

package org.landscape4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution1D;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.graph.ChannelGateVertex;
import org.landscape4j.engine.graph.ChannelLayerNorm;
import org.landscape4j.engine.graph.ChannelScale;
import org.landscape4j.engine.graph.ChannelShuffleVertex;
import org.landscape4j.engine.graph.ChannelSliceVertex;
import org.landscape4j.engine.graph.GroupedConvolution2D;
import org.landscape4j.engine.graph.TorchGelu;
import org.landscape4j.engine.graph.TorchHardSigmoid;
import org.landscape4j.engine.graph.TorchHardSwish;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The inference plan's loss and accuracy equal DL4J's own {@code score(data, false)} and {@code output(x, false)} on
 * the same parameters, at every point of a small plane, for every layer kind the plan supports, in both network
 * kinds; batches of 7 so that the last batch is a partial view of the plan's buffers.
 */
class InferencePlanTest {

    private static final int N = 20;

    @Test
    void leNetOnImageTensors() {
        MultiLayerNetwork net = leNet(InputType.convolutional(12, 12, 1));
        assertMatchesDl4j(net, images(N, 1, 12, 12), "first layer factorized (layer 0 'c1' (ConvolutionLayer)");
    }

    @Test
    void leNetOnFlatRows() {
        MultiLayerNetwork net = leNet(InputType.convolutionalFlat(12, 12, 1));
        assertMatchesDl4j(net, images(N, 1, 12, 12).reshape(N, 144), "first layer factorized");
    }

    /** 64 channels of 28x28 make ~200 kB per example: a batch of 100 runs as row blocks of 41, 41 and 18. */
    @Test
    void aLargeBatchRunsInRowBlocksWithTheBatchsNumbers() {
        MultiLayerNetwork net = mln(new NeuralNetConfiguration.Builder().seed(12).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(3, 3).convolutionMode(ConvolutionMode.Same).nOut(64)
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(4, 4).stride(4, 4).build())
                .layer(new DenseLayer.Builder().nOut(8).activation(Activation.RELU).build())
                .layer(output(3))
                .setInputType(InputType.convolutional(28, 28, 1)).build());
        assertMatchesDl4j(net, images(100, 1, 28, 28), Execution.DEFAULT.withFactorization(false), false,
                "inference plan", 100);
        assertMatchesDl4j(net, images(100, 1, 28, 28), Execution.DEFAULT, false, "first layer factorized", 100);
    }

    @Test
    void leNetWithTheFirstLayerComputedPerPointWhenItsProductsExceedTheBudget() {
        MultiLayerNetwork net = leNet(InputType.convolutional(12, 12, 1));
        assertMatchesDl4j(net, images(N, 1, 12, 12), Execution.DEFAULT.withFirstLayerMemory(1000), false,
                "first layer computed per point: its products would take");
    }

    @Test
    void batchNormAndDropoutCnnWithMovingRunningStatistics() {
        MultiLayerNetwork net = Fixtures.cnn(Fixtures.images(40, 3), 3);
        INDArray x = Fixtures.images(N, 4).getFeatures();
        assertMatchesDl4j(net, x, Execution.DEFAULT, true, "batchnorm");
        assertMatchesDl4j(net, x, Execution.DEFAULT.withFactorization(false), true, "inference plan");
    }

    @Test
    void everyConvolutionModeWithStridesAndPadding() {
        MultiLayerNetwork net = convolutionModes(1);
        assertMatchesDl4j(net, images(N, 2, 12, 12), "conv2d, conv2d, conv2d, avgpool2d, global-max");
    }

    /**
     * ND4J's conv2d op fails on dilated kernels with the oneDNN natives of this release (the generic natives compute
     * them): the plan's check on the probe sees it, names the layer, and DL4J's forward pass (its own im2col) gives
     * the numbers.
     */
    @Test
    void dilatedConvolutionsGiveDl4jsNumbersOnEveryNativeBuild() {
        MultiLayerNetwork net = convolutionModes(2);
        assertMatchesDl4j(net, images(N, 2, 12, 12), "");
        String plan = Landscape.compile(Fixtures.spec(net, new DataSet(images(N, 2, 12, 12), labels(N, 3)), 1, 3, 1))
                .evaluationPlan();
        assertThat(plan).satisfiesAnyOf(p -> assertThat(p).startsWith("inference plan"),
                p -> assertThat(p).contains("layer 1 'layer1' (ConvolutionLayer)"));
    }

    private static MultiLayerNetwork convolutionModes(int dilation) {
        return mln(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(3, 3).stride(2, 2).convolutionMode(ConvolutionMode.Same).nOut(4)
                        .activation(Activation.TANH).build())
                .layer(new ConvolutionLayer.Builder(3, 3).dilation(dilation, dilation).padding(1, 1)
                        .convolutionMode(ConvolutionMode.Truncate).nOut(5).activation(Activation.RELU).build())
                .layer(new ConvolutionLayer.Builder(2, 2).convolutionMode(ConvolutionMode.Strict).nOut(6)
                        .activation(Activation.LEAKYRELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(3, 3).stride(2, 2).padding(1, 1)
                        .convolutionMode(ConvolutionMode.Truncate).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.MAX).build())
                .layer(output(3))
                .setInputType(InputType.convolutional(12, 12, 2)).build());
    }

    @Test
    void sameModePoolingGlobalAverageAndSum() {
        for (PoolingType global : new PoolingType[] {PoolingType.AVG, PoolingType.SUM}) {
            MultiLayerNetwork net = mln(new NeuralNetConfiguration.Builder().seed(4).dataType(DataType.FLOAT)
                    .weightInit(WeightInit.XAVIER).list()
                    .layer(new ConvolutionLayer.Builder(3, 3).convolutionMode(ConvolutionMode.Same).nOut(3)
                            .activation(Activation.SIGMOID).build())
                    .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(3, 3).stride(2, 2)
                            .convolutionMode(ConvolutionMode.Same).build())
                    .layer(new GlobalPoolingLayer.Builder(global).build())
                    .layer(output(3))
                    .setInputType(InputType.convolutional(9, 9, 1)).build());
            assertMatchesDl4j(net, images(N, 1, 9, 9), "global-" + global.name().toLowerCase());
        }
    }

    @Test
    void zeroPaddingUpsamplingActivationLayerAndLossLayer() {
        MultiLayerNetwork net = mln(new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new ZeroPaddingLayer.Builder(1, 2, 0, 1).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.IDENTITY).build())
                .layer(new ActivationLayer.Builder().activation(Activation.SIGMOID).build())
                .layer(new Upsampling2D.Builder(2).build())
                .layer(new ZeroPaddingLayer.Builder(1, 1).build())
                .layer(new ActivationLayer.Builder().activation(Activation.TANH).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(3).activation(Activation.IDENTITY).build())
                .layer(new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 1)).build());
        assertMatchesDl4j(net, images(N, 1, 6, 6), "zero-padding, conv2d, activation, upsampling2d");
    }

    @Test
    void oneDimensionalConvolutionAndPooling() {
        MultiLayerNetwork net = mln(new NeuralNetConfiguration.Builder().seed(6).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new Convolution1DLayer.Builder(3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new Subsampling1DLayer.Builder(PoolingType.MAX).kernelSize(2).stride(2).build())
                .layer(new Convolution1DLayer.Builder(2).nOut(5).stride(2).activation(Activation.TANH).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(output(3))
                .setInputType(InputType.recurrent(3, 10)).build());
        assertMatchesDl4j(net, images(N, 3, 10, 1).reshape(N, 3, 10), "conv1d, maxpool2d, conv1d");
    }

    /**
     * DL4J's {@code Convolution1D} (a subclass of {@code Convolution1DLayer} without a builder of its own, met in saved
     * configurations) is the same {@code LayerKind}: the parameter layout reads it and the plan runs it.
     */
    @Test
    void convolution1dIsTheSameKindAsConvolution1dLayer() {
        MultiLayerConfiguration layerConf = new NeuralNetConfiguration.Builder().seed(6).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new Convolution1DLayer.Builder(3).nOut(4).activation(Activation.RELU).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(output(3))
                .setInputType(InputType.recurrent(3, 10)).build();
        String json = layerConf.toJson().replace("org.deeplearning4j.nn.conf.layers.Convolution1DLayer",
                "org.deeplearning4j.nn.conf.layers.Convolution1D");
        MultiLayerNetwork net = mln(MultiLayerConfiguration.fromJson(json));
        assertThat(net.getLayer(0).conf().getLayer()).isExactlyInstanceOf(Convolution1D.class);
        assertThat(ParameterLayout.of(net).segments()).hasSize(mln(layerConf).paramTable().size());
        assertMatchesDl4j(net, images(N, 3, 10, 1).reshape(N, 3, 10), "conv1d, global");
    }

    @Test
    void residualGraphWithBatchNormAndMerge() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(8).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).updater(new Adam(0.01)).graphBuilder()
                .addInputs("in")
                .addLayer("c0", new ConvolutionLayer.Builder(3, 3).convolutionMode(ConvolutionMode.Same).nOut(4)
                        .activation(Activation.RELU).build(), "in")
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).convolutionMode(ConvolutionMode.Same).nOut(4)
                        .activation(Activation.IDENTITY).build(), "c0")
                .addLayer("bn1", new BatchNormalization.Builder().build(), "c1")
                .addLayer("r1", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn1")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).convolutionMode(ConvolutionMode.Same).nOut(4)
                        .activation(Activation.IDENTITY).build(), "r1")
                .addLayer("bn2", new BatchNormalization.Builder().useLogStd(false).build(), "c2")
                .addVertex("skip", new ElementWiseVertex(ElementWiseVertex.Op.Add), "c0", "bn2")
                .addLayer("r2", new ActivationLayer.Builder().activation(Activation.RELU).build(), "skip")
                .addVertex("merge", new MergeVertex(), "r2", "c0")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "merge")
                .addLayer("out", output(3), "pool")
                .setOutputs("out")
                .setInputTypes(InputType.convolutional(8, 8, 1))
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        INDArray x = images(N, 1, 8, 8);
        graph.fit(new DataSet(x, labels(N, 3)));
        graph.fit(new DataSet(x, labels(N, 3)));
        assertMatchesDl4j(graph, x, Execution.DEFAULT, true, "first layer factorized (vertex 'c0' (ConvolutionLayer)");
    }

    /**
     * MobileNetV2's inverted residual block: a 1x1 expansion, batch norm and ReLU6, a depthwise 3x3 convolution with
     * batch norm and ReLU6, a 1x1 projection with batch norm, added to the block's input; then a strided depthwise
     * convolution of multiplier 2 with its own bounded ReLU (PyTorch's {@code Clip(0, 3)}).
     */
    @Test
    void invertedResidualBlockWithDepthwiseConvolutionsAndRelu6() {
        ComputationGraphConfiguration.GraphBuilder conf = new NeuralNetConfiguration.Builder().seed(13).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).updater(new Adam(0.01)).graphBuilder()
                .addInputs("in")
                .addLayer("c0", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nIn(2).nOut(4)
                        .activation(Activation.RELU6).build(), "in")
                .addLayer("expand", new ConvolutionLayer.Builder(1, 1).nOut(8).hasBias(false)
                        .activation(Activation.IDENTITY).build(), "c0")
                .addLayer("bn1", new BatchNormalization.Builder().build(), "expand")
                .addLayer("r1", new ActivationLayer.Builder().activation(Activation.RELU6).build(), "bn1")
                .addLayer("dw", new DepthwiseConvolution2D.Builder(3, 3).padding(1, 1).hasBias(false)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build(), "r1")
                .addLayer("bn2", new BatchNormalization.Builder().build(), "dw")
                .addLayer("r2", new ActivationLayer.Builder().activation(Activation.RELU6).build(), "bn2")
                .addLayer("project", new ConvolutionLayer.Builder(1, 1).nOut(4).activation(Activation.IDENTITY)
                        .build(), "r2")
                .addLayer("bn3", new BatchNormalization.Builder().build(), "project")
                .addVertex("skip", new ElementWiseVertex(ElementWiseVertex.Op.Add), "c0", "bn3")
                .addLayer("dw2", new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(2).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same)
                        .activation(new org.nd4j.linalg.activations.impl.ActivationReLU(3.0, 0.0, 0.0)).build(),
                        "skip")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "dw2");
        assertTrainedImageGraphMatchesDl4j(conf, true, "depthwise-conv2d, batchnorm, activation");
    }

    /**
     * Squeeze-and-excitation as EfficientNet and MobileNetV3 build it: SiLU (DL4J's swish) and PyTorch's hard swish,
     * a global average pooling that keeps its dimensions, two 1x1 convolutions, PyTorch's hard sigmoid as the gate,
     * and the feature map times its per-channel gate ({@code ChannelGateVertex}).
     */
    @Test
    void squeezeAndExcitationWithSwishHardSwishAndAChannelGate() {
        ComputationGraphConfiguration.GraphBuilder conf = new NeuralNetConfiguration.Builder().seed(21).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).updater(new Adam(0.01)).graphBuilder()
                .addInputs("in")
                .addLayer("c0", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nIn(2).nOut(6)
                        .activation(Activation.SWISH).build(), "in")
                .addLayer("dw", new DepthwiseConvolution2D.Builder(3, 3).padding(1, 1).hasBias(false)
                        .convolutionMode(ConvolutionMode.Truncate).activation(new TorchHardSwish()).build(), "c0")
                .addLayer("squeeze", new GlobalPoolingLayer.Builder(PoolingType.AVG).collapseDimensions(false)
                        .build(), "dw")
                .addLayer("fc1", new ConvolutionLayer.Builder(1, 1).nOut(3).activation(Activation.RELU).build(),
                        "squeeze")
                .addLayer("fc2", new ConvolutionLayer.Builder(1, 1).nOut(6).activation(Activation.IDENTITY).build(),
                        "fc1")
                .addLayer("hs", new ActivationLayer.Builder().activation(new TorchHardSigmoid()).build(), "fc2")
                .addVertex("scale", new ChannelGateVertex(), "dw", "hs")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "scale");
        assertTrainedImageGraphMatchesDl4j(conf, false, "channel-gate");
    }

    /**
     * A ResNeXt-style block: grouped convolutions ({@code GroupedConvolution2D}; 8 to 8 channels in 4 groups without
     * bias, batch norm, ReLU; 8 to 8 in 2 groups, strided, with bias) and a skip connection. The plan runs each as
     * one oneDNN grouped convolution in float, and ND4J's conv2d per group in double.
     */
    @Test
    void groupedConvolutionsInAResNeXtBlock() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            ComputationGraphConfiguration.GraphBuilder conf = new NeuralNetConfiguration.Builder().seed(23)
                    .dataType(type).weightInit(WeightInit.XAVIER).updater(new Adam(0.01)).graphBuilder()
                    .addInputs("in")
                    .addLayer("c0", new ConvolutionLayer.Builder(1, 1).nIn(2).nOut(8).activation(Activation.RELU)
                            .build(), "in")
                    .addLayer("g1", new GroupedConvolution2D(8, 8, 4, new int[] {3, 3}, new int[] {1, 1},
                            new int[] {1, 1}, new int[] {1, 1}, false), "c0")
                    .addLayer("bn1", new BatchNormalization.Builder().build(), "g1")
                    .addLayer("r1", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn1")
                    .addVertex("skip", new ElementWiseVertex(ElementWiseVertex.Op.Add), "c0", "r1")
                    .addLayer("g2", new GroupedConvolution2D(8, 8, 2, new int[] {3, 3}, new int[] {2, 2},
                            new int[] {1, 1}, new int[] {1, 1}, true), "skip")
                    .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "g2");
            assertTrainedImageGraphMatchesDl4j(conf, true, "grouped-conv2d");
        }
    }

    /**
     * ShuffleNet V2's unit: the channels split in two ({@code ChannelSliceVertex}), one half through a branch,
     * concatenated, then shuffled in 2 groups ({@code ChannelShuffleVertex}).
     */
    @Test
    void shuffleNetUnitWithSlicesAndAChannelShuffle() {
        ComputationGraphConfiguration.GraphBuilder conf = new NeuralNetConfiguration.Builder().seed(29)
                .dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER).updater(new Adam(0.01)).graphBuilder()
                .addInputs("in")
                .addLayer("c0", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nIn(2).nOut(8)
                        .activation(Activation.RELU).build(), "in")
                .addVertex("x1", new ChannelSliceVertex(0, 4), "c0")
                .addVertex("x2", new ChannelSliceVertex(4, 4), "c0")
                .addLayer("branch", new ConvolutionLayer.Builder(1, 1).nIn(4).nOut(4).activation(Activation.TANH)
                        .build(), "x2")
                .addVertex("cat", new MergeVertex(), "x1", "branch")
                .addVertex("shuffle", new ChannelShuffleVertex(2), "cat")
                .addLayer("c1", new ConvolutionLayer.Builder(1, 1).nOut(6).activation(Activation.RELU).build(),
                        "shuffle")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "c1");
        assertTrainedImageGraphMatchesDl4j(conf, false, "channel-slice, channel-slice");
    }

    /**
     * ConvNeXt's block: a depthwise 7x7 convolution, layer normalization over the channels ({@code ChannelLayerNorm}),
     * two 1x1 convolutions (PyTorch's Linear on channels-last pixels) around PyTorch's exact GELU ({@code TorchGelu}),
     * the layer scale ({@code ChannelScale}) and the residual add; a layer norm of the pooled features before the head.
     */
    @Test
    void convNeXtBlockWithLayerNormGeluAndLayerScale() {
        ComputationGraphConfiguration.GraphBuilder conf = new NeuralNetConfiguration.Builder().seed(31)
                .dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER).updater(new Adam(0.01)).graphBuilder()
                .addInputs("in")
                .addLayer("stem", new ConvolutionLayer.Builder(2, 2).stride(2, 2).nIn(2).nOut(8)
                        .activation(Activation.IDENTITY).build(), "in")
                .addLayer("dw", new DepthwiseConvolution2D.Builder(7, 7).padding(3, 3).nIn(8).nOut(8)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build(), "stem")
                .addLayer("norm", new ChannelLayerNorm(8, 1e-6), "dw")
                .addLayer("pw1", new ConvolutionLayer.Builder(1, 1).nIn(8).nOut(16).activation(Activation.IDENTITY)
                        .build(), "norm")
                .addLayer("gelu", new ActivationLayer.Builder().activation(new TorchGelu()).build(), "pw1")
                .addLayer("pw2", new ConvolutionLayer.Builder(1, 1).nIn(16).nOut(8).activation(Activation.IDENTITY)
                        .build(), "gelu")
                .addLayer("scale", new ChannelScale(8), "pw2")
                .addVertex("skip", new ElementWiseVertex(ElementWiseVertex.Op.Add), "stem", "scale")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "skip")
                .addLayer("pool", new ChannelLayerNorm(8, 1e-6), "gap");
        assertTrainedImageGraphMatchesDl4j(conf, false, "layernorm, conv2d, activation, conv2d, channel-scale");
    }

    @Test
    void denseGraphWithSkipConnection() {
        ComputationGraph graph = Fixtures.residualGraph(Fixtures.blobs(30, 1), 3);
        assertMatchesDl4j(graph, Fixtures.blobs(N, 2).getFeatures(), "elementwise-add");
    }

    @Test
    void doublePrecisionMlp() {
        MultiLayerNetwork net = mln(new NeuralNetConfiguration.Builder().seed(9).dataType(DataType.DOUBLE)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.ELU).build())
                .layer(new DropoutLayer.Builder(0.5).build())
                .layer(new DenseLayer.Builder().nOut(5).activation(Activation.SOFTPLUS).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.feedForward(4)).build());
        assertMatchesDl4j(net, Fixtures.blobs(N, 3).getFeatures().castTo(DataType.DOUBLE),
                "first layer factorized (layer 0");
    }

    @Test
    void aLayerWithoutAStepUsesDl4jsForwardPassAndNamesIt() {
        MultiLayerNetwork net = mln(new NeuralNetConfiguration.Builder().seed(10).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.RELU).build())
                .layer(new LocalResponseNormalization.Builder().name("lrn").build())
                .layer(output(3))
                .setInputType(InputType.convolutional(6, 6, 1)).build());
        assertMatchesDl4j(net, images(N, 1, 6, 6),
                "DL4J forward pass: layer 1 'lrn' (LocalResponseNormalization) has no inference-plan step");
    }

    @Test
    void customMetricsSeeThePlansOutputActivations() {
        MultiLayerNetwork net = leNet(InputType.convolutional(12, 12, 1));
        INDArray x = images(N, 1, 12, 12);
        INDArray y = labels(N, 3);
        Metric meanTopProbability = Metric.of("top", (out, labels) -> out.max(1).meanNumber().doubleValue());
        Landscape l = Landscape.compile(new LandscapeSpec(net, RandomDirections.FILTER_NORMALIZED, 1,
                List.of(Axis.linear(-0.5, 0.5, 3)), List.of(EvaluationSet.of("train", new DataSet(x, y))
                .withBatchSize(7)), List.of(Metric.loss(), meanTopProbability)));
        assertThat(l.evaluationPlan()).contains("inference plan");
        double[] top = l.profile().values("train", "top");
        INDArray d = l.directions()[0];
        for (int i = 0; i < 3; i++) {
            MultiLayerNetwork moved = net.clone();
            moved.setParams(net.params().add(d.mul(-0.5 + 0.5 * i)));
            double want = moved.output(x, false).max(1).meanNumber().doubleValue();
            assertThat(top[i]).isCloseTo(want, within(1e-5 * Math.max(1, Math.abs(want))));
        }
    }

    // ---- the comparison --------------------------------------------------------------------------------------------

    /**
     * {@code layers} (from input "in", 2x8x8 images, to a layer "pool") with a 3-class output, trained a step on
     * inputs scaled by 4, matches DL4J at every point of a plane without first-layer factorization.
     */
    private static void assertTrainedImageGraphMatchesDl4j(ComputationGraphConfiguration.GraphBuilder layers,
                                                           boolean states, String expectedPlan) {
        ComputationGraph graph = new ComputationGraph(layers.addLayer("out", output(3), "pool").setOutputs("out")
                .setInputTypes(InputType.convolutional(8, 8, 2)).build());
        graph.init();
        INDArray x = images(N, 2, 8, 8).muli(4);
        graph.fit(new DataSet(x, labels(N, 3)));
        assertMatchesDl4j(graph, x, Execution.DEFAULT.withFactorization(false), states, expectedPlan);
    }

    private static void assertMatchesDl4j(Model net, INDArray x, String expectedPlan) {
        assertMatchesDl4j(net, x, Execution.DEFAULT, false, expectedPlan);
    }

    /**
     * Every point of a 3x3 plane: the engine's loss and accuracy equal DL4J's score and output on a copy of the
     * network moved to that point, to 1e-5 relative.
     */
    private static void assertMatchesDl4j(Model net, INDArray x, Execution execution, boolean states,
                                          String expectedPlan) {
        assertMatchesDl4j(net, x, execution, states, expectedPlan, 7);
    }

    private static void assertMatchesDl4j(Model net, INDArray x, Execution execution, boolean states,
                                          String expectedPlan, int batchSize) {
        int n = (int) x.size(0);
        long classes = net instanceof MultiLayerNetwork m ? m.output(x.get(org.nd4j.linalg.indexing.NDArrayIndex
                .interval(0, 1)), false).size(1) : ((ComputationGraph) net).outputSingle(false, x.get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1))).size(1);
        INDArray y = labels(n, (int) classes);
        DataSet data = new DataSet(x, y);
        float[] before = Fixtures.parameterBits(net);
        RandomDirections directions = states ? RandomDirections.FILTER_NORMALIZED.withRunningStatistics()
                : RandomDirections.FILTER_NORMALIZED;
        Landscape l = Landscape.compile(new LandscapeSpec(net, directions, 17,
                List.of(Axis.linear(-0.5, 0.5, 3), Axis.linear(-0.5, 0.5, 3)),
                List.of(EvaluationSet.of("train", data).withBatchSize(batchSize)), List.of()).withExecution(execution));
        assertThat(l.evaluationPlan()).contains(expectedPlan);
        Surface s = l.surface();
        INDArray[] d = l.directions();
        boolean accuracy = l.keys().metrics().contains("accuracy");
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double a = -0.5 + 0.5 * i;
                double b = -0.5 + 0.5 * j;
                INDArray theta = net.params().dup().addi(d[0].mul(a)).addi(d[1].mul(b));
                double loss;
                INDArray out;
                if (net instanceof MultiLayerNetwork m) {
                    MultiLayerNetwork moved = m.clone();
                    moved.setParams(theta);
                    loss = moved.score(data, false);
                    out = moved.output(x, false);
                } else {
                    ComputationGraph moved = ((ComputationGraph) net).clone();
                    moved.setParams(theta);
                    loss = moved.score(data, false);
                    out = moved.outputSingle(false, x);
                }
                assertThat(s.value("train", "loss", i, j)).as("loss at (%s, %s)", a, b)
                        .isCloseTo(loss, within(1e-5 * Math.max(1, Math.abs(loss))));
                if (accuracy) {
                    double acc = out.argMax(1).eq(y.argMax(1)).castTo(DataType.DOUBLE).meanNumber().doubleValue();
                    assertThat(s.value("train", "accuracy", i, j)).as("accuracy at (%s, %s)", a, b)
                            .isCloseTo(acc, within(1e-9));
                }
            }
        }
        assertThat(Fixtures.parameterBits(net)).as("the caller's parameters").isEqualTo(before);
    }

    // ---- networks and data -----------------------------------------------------------------------------------------

    /** The benchmark's LeNet-like CNN, scaled to 12x12 images: conv 3x3x4 → max pool → conv 3x3x8 → max pool → dense. */
    private static MultiLayerNetwork leNet(InputType input) {
        return mln(new NeuralNetConfiguration.Builder().seed(2).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("c1").nOut(4).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(output(3))
                .setInputType(input).build());
    }

    private static OutputLayer output(int classes) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                .activation(Activation.SOFTMAX).build();
    }

    private static MultiLayerNetwork mln(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static INDArray images(int n, int c, int h, int w) {
        Nd4j.getRandom().setSeed(n * 31L + c * 7L + h);
        return Nd4j.randn(DataType.FLOAT, n, c, h, w);
    }

    private static INDArray labels(int n, int classes) {
        Random r = new Random(n + classes);
        INDArray y = Nd4j.create(DataType.FLOAT, n, classes);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, r.nextInt(classes), 1.0);
        }
        return y;
    }
}

package org.landscape4j.cuda;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.landscape4j.engine.graph.ChannelGateVertex;
import org.landscape4j.engine.graph.ChannelLayerNorm;
import org.landscape4j.engine.graph.ChannelScale;
import org.landscape4j.engine.graph.ChannelShuffleVertex;
import org.landscape4j.engine.graph.ChannelSliceVertex;
import org.landscape4j.engine.graph.GroupedConvolution2D;
import org.landscape4j.engine.graph.TorchGelu;
import org.landscape4j.engine.graph.TorchHardSigmoid;
import org.landscape4j.engine.graph.TorchHardSwish;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Seeded graphs made of the blocks of torchvision's newer classifiers, in DL4J with the engine's own layers, the way
 * the models module imports them: MobileNetV2/V3's and EfficientNet's (depthwise convolutions, ReLU6, swish, hard
 * swish, squeeze-and-excitation gates), ShuffleNet's and ResNeXt's (channel slices, shuffles, grouped convolutions),
 * ConvNeXt's (a 7×7 depthwise convolution, layer norm over channels, PyTorch's GELU, a layer scale), plus upsampling
 * and a batch norm after an activation (the Julia/Flux VGG's order), which no convolution absorbs.
 */
final class ZooNetworks {

    private ZooNetworks() {
    }

    /**
     * MobileNet/EfficientNet blocks: stem conv + BN + ReLU6; an inverted residual (1×1 expand + BN + swish, 3×3
     * depthwise + BN + hard swish, squeeze-and-excitation with a hard-sigmoid gate, 1×1 project + BN, add); a
     * depthwise convolution with multiplier 2 and bias; upsampling; a ReLU then a batch norm; global pooling.
     */
    static ComputationGraph mobile(int size) {
        ComputationGraphConfiguration.GraphBuilder g = builder(17)
                .addLayer("stem", conv(3, 8, 2, Activation.IDENTITY), "in")
                .addLayer("stem-bn", new BatchNormalization.Builder().build(), "stem")
                .addLayer("stem-act", act(Activation.RELU6.getActivationFunction()), "stem-bn")
                .addLayer("expand", conv(1, 16, 1, Activation.IDENTITY), "stem-act")
                .addLayer("expand-bn", new BatchNormalization.Builder().build(), "expand")
                .addLayer("expand-act", act(Activation.SWISH.getActivationFunction()), "expand-bn")
                .addLayer("dw", new DepthwiseConvolution2D.Builder(3, 3).padding(1, 1).depthMultiplier(1)
                        .hasBias(false).activation(Activation.IDENTITY).build(), "expand-act")
                .addLayer("dw-bn", new BatchNormalization.Builder().build(), "dw")
                .addLayer("dw-act", act(new TorchHardSwish()), "dw-bn")
                .addLayer("se-pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).collapseDimensions(false).build(),
                        "dw-act")
                .addLayer("se-reduce", new ConvolutionLayer.Builder(1, 1).nOut(4).activation(Activation.SWISH)
                        .build(), "se-pool")
                .addLayer("se-expand", new ConvolutionLayer.Builder(1, 1).nOut(16).activation(new TorchHardSigmoid())
                        .build(), "se-reduce")
                .addVertex("se", new ChannelGateVertex(), "dw-act", "se-expand")
                .addLayer("project", conv(1, 8, 1, Activation.IDENTITY), "se")
                .addLayer("project-bn", new BatchNormalization.Builder().build(), "project")
                .addVertex("residual", new ElementWiseVertex(ElementWiseVertex.Op.Add), "stem-act", "project-bn")
                .addLayer("dw2", new DepthwiseConvolution2D.Builder(3, 3).stride(2, 2).padding(1, 1)
                        .depthMultiplier(2).activation(Activation.TANH).build(), "residual")
                .addLayer("up", new Upsampling2D.Builder(2).build(), "dw2")
                .addLayer("relu", act(Activation.RELU.getActivationFunction()), "up")
                .addLayer("post-bn", new BatchNormalization.Builder().build(), "relu");
        return finish(g, "post-bn", size, 3);
    }

    /**
     * ShuffleNet/ResNeXt blocks: a stem, the input split in two channel slices, one branch through a grouped 3×3
     * convolution + BN + ReLU and a 1×1 convolution, the halves merged and shuffled in 2 groups; then a grouped
     * convolution in 4 groups with a bias and a sigmoid.
     */
    static ComputationGraph shuffled(int size) {
        ComputationGraphConfiguration.GraphBuilder g = builder(19)
                .addLayer("stem", conv(3, 8, 1, Activation.RELU), "in")
                .addVertex("left", new ChannelSliceVertex(0, 4), "stem")
                .addVertex("right", new ChannelSliceVertex(4, 4), "stem")
                .addLayer("grouped", new GroupedConvolution2D(4, 4, 2, new int[] {3, 3}, new int[] {1, 1},
                        new int[] {1, 1}, new int[] {1, 1}, false), "right")
                .addLayer("grouped-bn", new BatchNormalization.Builder().build(), "grouped")
                .addLayer("grouped-act", act(Activation.RELU.getActivationFunction()), "grouped-bn")
                .addLayer("point", conv(1, 4, 1, Activation.IDENTITY), "grouped-act")
                .addVertex("cat", new MergeVertex(), "left", "point")
                .addVertex("shuffle", new ChannelShuffleVertex(2), "cat")
                .addLayer("grouped4", new GroupedConvolution2D(8, 12, 4, new int[] {3, 2}, new int[] {2, 1},
                        new int[] {1, 0}, new int[] {1, 1}, true), "shuffle")
                .addLayer("grouped4-act", act(Activation.SIGMOID.getActivationFunction()), "grouped4");
        return finish(g, "grouped4-act", size, 2);
    }

    /**
     * A ConvNeXt block: a 2×2 stride-2 stem + layer norm, a 7×7 depthwise convolution, layer norm over channels,
     * 1×1 expansion with PyTorch's GELU, 1×1 projection, a layer scale, the residual add; a layer norm of the pooled
     * features before the head.
     */
    static ComputationGraph convNeXt(int size) {
        ComputationGraphConfiguration.GraphBuilder g = builder(23)
                .addLayer("stem", new ConvolutionLayer.Builder(2, 2).stride(2, 2).nOut(8)
                        .activation(Activation.IDENTITY).build(), "in")
                .addLayer("stem-ln", new ChannelLayerNorm(8, 1e-6), "stem")
                .addLayer("dw", new DepthwiseConvolution2D.Builder(7, 7).padding(3, 3).depthMultiplier(1)
                        .activation(Activation.IDENTITY).build(), "stem-ln")
                .addLayer("ln", new ChannelLayerNorm(8, 1e-6), "dw")
                .addLayer("pw1", new ConvolutionLayer.Builder(1, 1).nOut(32).activation(new TorchGelu()).build(), "ln")
                .addLayer("pw2", conv(1, 8, 1, Activation.IDENTITY), "pw1")
                .addLayer("scale", new ChannelScale(8), "pw2")
                .addVertex("residual", new ElementWiseVertex(ElementWiseVertex.Op.Add), "stem-ln", "scale")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "residual")
                .addLayer("head-ln", new ChannelLayerNorm(8, 1e-6), "pool");
        ComputationGraph net = build(g, "head-ln", size, 3, false);
        Nd4j.getRandom().setSeed(29);
        for (var e : net.paramTable().entrySet()) {
            String key = e.getKey();
            if (key.endsWith("_gamma") || key.endsWith("_beta") || key.startsWith("scale_")) {
                // not the defaults (1, 0, 1), so that the test sees them read
                e.getValue().assign(Nd4j.rand(DataType.FLOAT, e.getValue().shape()).addi(0.5));
            }
        }
        return net;
    }

    private static ComputationGraphConfiguration.GraphBuilder builder(long seed) {
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER)
                .convolutionMode(ConvolutionMode.Truncate).graphBuilder().addInputs("in");
    }

    private static ComputationGraph finish(ComputationGraphConfiguration.GraphBuilder g, String last, int size,
                                           int channels) {
        return build(g, last, size, channels, true);
    }

    private static ComputationGraph build(ComputationGraphConfiguration.GraphBuilder g, String last, int size,
                                          int channels, boolean pool) {
        String features = last;
        if (pool) {
            g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last);
            features = "pool";
        }
        g.addLayer("dense", new DenseLayer.Builder().nOut(6).activation(Activation.RELU).build(), features)
                .addLayer("dense-bn", new BatchNormalization.Builder().build(), "dense")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "dense-bn")
                .setOutputs("out").setInputTypes(InputType.convolutional(size, size, channels));
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        randomStatistics(net);
        return net;
    }

    /** Batch norms' statistics, γ and β drawn at random, so that every batch norm matters. */
    private static void randomStatistics(ComputationGraph net) {
        Nd4j.getRandom().setSeed(31);
        for (var e : net.paramTable().entrySet()) {
            INDArray p = e.getValue();
            String key = e.getKey().substring(e.getKey().lastIndexOf('_') + 1);
            switch (key) {
                case "mean" -> p.assign(Nd4j.randn(p.dataType(), p.shape()).muli(0.3));
                case "log10stdev" -> p.assign(Nd4j.rand(p.dataType(), p.shape()).muli(0.4).subi(0.2));
                default -> { }
            }
            if (e.getKey().contains("bn_") && (key.equals("gamma") || key.equals("beta"))) {
                p.assign(Nd4j.rand(p.dataType(), p.shape()).addi(key.equals("gamma") ? 0.5 : -0.5));
            }
        }
    }

    private static ActivationLayer act(IActivation a) {
        return new ActivationLayer.Builder().activation(a).build();
    }

    private static ConvolutionLayer conv(int k, int channels, int stride, Activation a) {
        return new ConvolutionLayer.Builder(k, k).stride(stride, stride).padding(k / 2, k / 2).nOut(channels)
                .hasBias(false).activation(a).build();
    }
}

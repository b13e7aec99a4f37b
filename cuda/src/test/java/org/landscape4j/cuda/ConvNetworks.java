package org.landscape4j.cuda;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Seeded convolutional networks for this module's tests and its device check, in the shapes of the examples' bench
 * networks ({@code BenchNetworks}: LeNet-like, VGG-like with batch norm, ResNet-20), sized by their arguments: small
 * here, the bench's own sizes in the device check. Batch norms get random statistics, so that folding them matters.
 */
final class ConvNetworks {

    private ConvNetworks() {
    }

    /** {@code n} images {@code [n, channels, size, size]} of Gaussian pixels, a class's mean shifted, one-hot labels. */
    static DataSet images(int n, int channels, int size, int classes, long seed) {
        DataSet flat = Networks.data(n, channels * size * size, classes, seed);
        return new DataSet(flat.getFeatures().reshape('c', n, channels, size, size), flat.getLabels());
    }

    /** LeNet-like: conv k×k c1 ReLU, max pool 2, conv k×k c2 ReLU, max pool 2, dense ReLU, softmax 10. */
    static MultiLayerNetwork leNet(int size, int k, int c1, int c2, int dense) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(k, k).nOut(c1).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new ConvolutionLayer.Builder(k, k).nOut(c2).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new DenseLayer.Builder().nOut(dense).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(size, size, 1))
                .build();
        return init(new MultiLayerNetwork(conf));
    }

    /**
     * VGG-like with batch norm (Same mode): per stage two 3×3 convolutions each followed by batch norm and ReLU, then
     * max pooling 2; dense ReLU with dropout; softmax 10.
     */
    static MultiLayerNetwork vgg(int size, int[] widths, int dense) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU).convolutionMode(ConvolutionMode.Same).list();
        for (int width : widths) {
            for (int i = 0; i < 2; i++) {
                b.layer(new ConvolutionLayer.Builder(3, 3).nOut(width).activation(Activation.IDENTITY).build())
                        .layer(new BatchNormalization.Builder().build())
                        .layer(new ActivationLayer.Builder().activation(Activation.RELU).build());
            }
            b.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                    .build());
        }
        MultiLayerConfiguration conf = b.layer(new DenseLayer.Builder().nOut(dense).activation(Activation.RELU)
                        .dropOut(0.5).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(size, size, 1))
                .build();
        return init(new MultiLayerNetwork(conf));
    }

    /**
     * ResNet-20's shape: a 3×3 stem with batch norm and ReLU, stages of {@code widths} channels with {@code blocks}
     * basic blocks each (conv, batch norm, ReLU, conv, batch norm, added to the shortcut, ReLU; the first block of
     * later stages strides by 2 with a 1×1 projection and batch norm), global average pooling, softmax 10.
     */
    static ComputationGraph resNet(int size, int channels, int[] widths, int blocks) {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(7)
                .dataType(DataType.FLOAT).weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Truncate).graphBuilder().addInputs("in")
                .addLayer("stem", conv(3, widths[0], 1), "in")
                .addLayer("stem-bn", new BatchNormalization.Builder().build(), "stem")
                .addLayer("stem-relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "stem-bn");
        String last = "stem-relu";
        int width = widths[0];
        for (int stage = 0; stage < widths.length; stage++) {
            int out = widths[stage];
            for (int block = 0; block < blocks; block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                String p = "s" + stage + "b" + block + "-";
                g.addLayer(p + "c1", conv(3, out, stride), last)
                        .addLayer(p + "bn1", new BatchNormalization.Builder().build(), p + "c1")
                        .addLayer(p + "relu1", new ActivationLayer.Builder().activation(Activation.RELU).build(),
                                p + "bn1")
                        .addLayer(p + "c2", conv(3, out, 1), p + "relu1")
                        .addLayer(p + "bn2", new BatchNormalization.Builder().build(), p + "c2");
                String shortcut = last;
                if (stride != 1 || width != out) {
                    g.addLayer(p + "proj", conv(1, out, stride), last)
                            .addLayer(p + "proj-bn", new BatchNormalization.Builder().build(), p + "proj");
                    shortcut = p + "proj-bn";
                }
                g.addVertex(p + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), shortcut, p + "bn2")
                        .addLayer(p + "relu2", new ActivationLayer.Builder().activation(Activation.RELU).build(),
                                p + "add");
                last = p + "relu2";
                width = out;
            }
        }
        ComputationGraphConfiguration conf = g
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last)
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").setInputTypes(InputType.convolutional(size, size, channels)).build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        randomStatistics(net.paramTable());
        return net;
    }

    /**
     * What the bench networks do not have: a biased tanh convolution (bias and activation not fused by cuDNN), average
     * pooling, a 2-dilated convolution in Same mode feeding a batch norm with locked γ and β that stores its variance (the
     * bench's store log10 of the standard deviation, DL4J's default), global max pooling.
     */
    static MultiLayerNetwork mixed(int size) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(11).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(3, 3).stride(2, 1).padding(1, 0).nOut(5).activation(Activation.TANH)
                        .build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG).kernelSize(2, 2).stride(1, 1)
                        .build())
                .layer(new ConvolutionLayer.Builder(3, 3).dilation(2, 2).convolutionMode(ConvolutionMode.Same).nOut(6)
                        .activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().lockGammaBeta(true).gamma(1.5).beta(0.25)
                        .useLogStd(false).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.MAX).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(size, size, 2))
                .build();
        return init(new MultiLayerNetwork(conf));
    }

    /**
     * A graph with zero padding and merge vertices: padded images into a 3×3 ReLU and a biased 1×1 convolution whose
     * channels are merged, a strided convolution, global average pooling, two dense layers whose features are merged.
     */
    static ComputationGraph merged(int size) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(13).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).convolutionMode(ConvolutionMode.Same).graphBuilder().addInputs("in")
                .addLayer("pad", new ZeroPaddingLayer.Builder(1, 2, 0, 1).build(), "in")
                .addLayer("a", new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.RELU).build(), "pad")
                .addLayer("b", new ConvolutionLayer.Builder(1, 1).nOut(2).activation(Activation.IDENTITY).build(),
                        "pad")
                .addVertex("cat", new MergeVertex(), "a", "b")
                .addLayer("c", new ConvolutionLayer.Builder(3, 3).stride(2, 2).padding(1, 1)
                        .convolutionMode(ConvolutionMode.Truncate).nOut(4).activation(Activation.RELU).build(), "cat")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "c")
                .addLayer("d1", new DenseLayer.Builder().nOut(5).activation(Activation.TANH).build(), "pool")
                .addLayer("d2", new DenseLayer.Builder().nOut(3).activation(Activation.RELU).build(), "pool")
                .addVertex("features", new MergeVertex(), "d1", "d2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "features")
                .setOutputs("out").setInputTypes(InputType.convolutional(size, size, 2)).build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    /**
     * The Julia/Flux write-up's 13-layer VGG on 28×28×1 images (the GPU bench's {@code vgg13} in bench_peer.py):
     * stages of 2, 2, 3, 3 convolutions 3×3 (padding 1) of 64, 128, 256, 512 channels, each ReLU then batch norm
     * (Flux's order: the norm after the activation, so it runs as its own step on the GPU), a 2×2 max pool after each
     * stage (28, 14, 7, 3 to 1), dense 512-4096 ReLU, 4096-4096 ReLU, dropout 0.5 (identity in inference), softmax 10.
     * 0.43 GFLOP per example.
     */
    static MultiLayerNetwork fluxVgg13() {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(13).dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU).convolutionMode(ConvolutionMode.Truncate).list();
        for (int[] stage : new int[][] {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}}) {
            for (int width : stage) {
                b.layer(new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(width).activation(Activation.RELU)
                                .build())
                        .layer(new BatchNormalization.Builder().build());
            }
            b.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                    .build());
        }
        MultiLayerConfiguration conf = b.layer(new DenseLayer.Builder().nOut(4096).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(4096).activation(Activation.RELU).dropOut(0.5).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1))
                .build();
        return init(new MultiLayerNetwork(conf));
    }

    private static MultiLayerNetwork init(MultiLayerNetwork net) {
        net.init();
        for (int i = 0; i < net.getLayers().length; i++) {
            randomStatistics(net.getLayer(i).paramTable());
        }
        return net;
    }

    /** Batch norms' mean and (log10 std or) variance, γ, β drawn at random, in place. */
    private static void randomStatistics(java.util.Map<String, INDArray> params) {
        Nd4j.getRandom().setSeed(params.size());
        for (var e : params.entrySet()) {
            String key = e.getKey().substring(e.getKey().lastIndexOf('_') + 1);
            INDArray p = e.getValue();
            switch (key) {
                case "mean", "beta" -> p.assign(Nd4j.randn(p.dataType(), p.shape()).muli(0.3));
                case "var" -> p.assign(Nd4j.rand(p.dataType(), p.shape()).addi(0.5));
                case "log10stdev" -> p.assign(Nd4j.rand(p.dataType(), p.shape()).muli(0.4).subi(0.2));
                case "gamma" -> p.assign(Nd4j.rand(p.dataType(), p.shape()).addi(0.5));
                default -> { }
            }
        }
    }

    /** A {@code k×k} convolution without bias or activation, padded by {@code k / 2}. */
    private static ConvolutionLayer conv(int k, int channels, int stride) {
        return new ConvolutionLayer.Builder(k, k).stride(stride, stride).padding(k / 2, k / 2).nOut(channels)
                .hasBias(false).activation(Activation.IDENTITY).build();
    }
}

package org.landscape4j.examples.seeds;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The convolutional networks of the seed examples, on 28x28x1 FashionMNIST image tensors, narrow enough that
 * DL4J's own CPU training reaches the examples' criteria in minutes.
 */
public final class SeedNetworks {

    private SeedNetworks() {
    }

    /**
     * VGG-like with batch norm (seeds 002 and 003): per stage a 3x3 convolution, batch norm, {@code activation} and
     * 2x2 max pooling, one stage per entry of {@code widths}; a dense layer of {@code dense} units with dropout
     * (drop probability {@code dropProbability}, 0 for none); softmax 10.
     */
    public static MultiLayerNetwork vgg(int[] widths, int dense, double dropProbability, Activation activation,
                                        IUpdater updater, long seed) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(seed)
                .dataType(DataType.FLOAT).updater(updater).weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same).list();
        for (int width : widths) {
            b.layer(new ConvolutionLayer.Builder(3, 3).nOut(width).activation(Activation.IDENTITY).build())
                    .layer(new BatchNormalization.Builder().build())
                    .layer(new ActivationLayer.Builder().activation(activation).build())
                    .layer(maxPool());
        }
        DenseLayer.Builder hidden = new DenseLayer.Builder().nOut(dense).activation(activation);
        if (dropProbability > 0) {
            hidden.dropOut(1 - dropProbability); // DL4J takes the retain probability
        }
        MultiLayerConfiguration conf = b.layer(hidden.build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /**
     * LeNet-like (the shape of {@code BenchNetworks.leNet()}, with the updater and weight decay of an arm): conv 5x5x8 ReLU,
     * max pool, conv 5x5x16 ReLU, max pool, dense 64 ReLU, softmax 10.
     *
     * @param weightDecay DL4J's decoupled weight decay coefficient (applied with the learning rate), 0 for none
     */
    public static MultiLayerNetwork leNet(IUpdater updater, double weightDecay, long seed) {
        NeuralNetConfiguration.Builder builder = new NeuralNetConfiguration.Builder().seed(seed)
                .dataType(DataType.FLOAT).updater(updater).weightInit(WeightInit.XAVIER);
        if (weightDecay > 0) {
            builder.weightDecay(weightDecay);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(builder.list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(8).activation(Activation.RELU).build())
                .layer(maxPool())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).activation(Activation.RELU).build())
                .layer(maxPool())
                .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1))
                .build());
        net.init();
        return net;
    }

    /**
     * Seed 001's depth study network, plain or residual, identical but for the shortcuts: a 3x3 stride-2 stem
     * convolution with batch norm and ReLU and 2x2 max pooling (28x28 to 7x7), then {@code depth / 2} blocks of
     * (conv 3x3, batch norm, ReLU, conv 3x3, batch norm, [+ identity shortcut when {@code residual}], ReLU), all
     * {@code channels} wide, and a softmax 10 on the flattened 7x7 maps: the papers' ReLU and max pooling. The
     * curvature maps take exact Hessian-vector products (the R-operator), which are right at ReLU minima; the
     * finite differences used before came out as noise there, and this network used ELU and average pooling then.
     */
    public static ComputationGraph depthNet(int channels, int depth, boolean residual, IUpdater updater, long seed) {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(seed)
                .dataType(DataType.FLOAT).updater(updater).weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(28, 28, 1))
                .addLayer("stem", new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(channels)
                        .activation(Activation.IDENTITY).build(), "in")
                .addLayer("stem-bn", new BatchNormalization.Builder().build(), "stem")
                .addLayer("stem-relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "stem-bn")
                .addLayer("stem-pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                        .stride(2, 2).build(), "stem-relu");
        String last = "stem-pool";
        for (int block = 0; block < depth / 2; block++) {
            String p = "b" + block + "-";
            g.addLayer(p + "c1", conv3x3(channels), last)
                    .addLayer(p + "bn1", new BatchNormalization.Builder().build(), p + "c1")
                    .addLayer(p + "relu1", new ActivationLayer.Builder().activation(Activation.RELU).build(), p + "bn1")
                    .addLayer(p + "c2", conv3x3(channels), p + "relu1")
                    .addLayer(p + "bn2", new BatchNormalization.Builder().build(), p + "c2");
            String sum = p + "bn2";
            if (residual) {
                g.addVertex(p + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), last, p + "bn2");
                sum = p + "add";
            }
            g.addLayer(p + "relu2", new ActivationLayer.Builder().activation(Activation.RELU).build(), sum);
            last = p + "relu2";
        }
        ComputationGraph net = new ComputationGraph(g
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), last)
                .setOutputs("out").build());
        net.init();
        return net;
    }

    private static ConvolutionLayer conv3x3(int channels) {
        return new ConvolutionLayer.Builder(3, 3).nOut(channels).activation(Activation.IDENTITY).build();
    }

    private static SubsamplingLayer maxPool() {
        return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build();
    }
}

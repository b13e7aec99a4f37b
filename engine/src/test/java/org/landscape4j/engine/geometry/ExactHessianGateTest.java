package org.landscape4j.engine.geometry;

import static org.landscape4j.engine.geometry.ExactHessianTest.classes;
import static org.landscape4j.engine.geometry.ExactHessianTest.proveOn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.graph.ChannelGateVertex;
import org.landscape4j.engine.graph.TorchHardSigmoid;
import org.landscape4j.engine.graph.TorchHardSwish;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The exact Hessian's rules for EfficientNet's and MobileNetV3's pieces: SiLU (DL4J's swish), PyTorch's hard sigmoid
 * and hard swish, and squeeze-and-excitation's channel gate; gradients against DL4J's (the gate's through DL4J's
 * SameDiff vertex), products against central differences ({@link ExactHessianTest#proveOn}).
 */
class ExactHessianGateTest {

    private static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder().seed(11).dataType(DataType.DOUBLE).updater(new Sgd(0.1))
                .weightInit(WeightInit.XAVIER);
    }

    @Test
    void swishHardSwishAndHardSigmoid() {
        MultiLayerNetwork net = new MultiLayerNetwork(base().list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.SWISH).build())
                .layer(new DenseLayer.Builder().nOut(6).activation(new TorchHardSwish()).build())
                .layer(new DenseLayer.Builder().nOut(5).activation(new TorchHardSigmoid(0.3, 0.4)).build())
                .layer(new ActivationLayer.Builder().activation(new TorchHardSwish()).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(4)).build());
        net.init();
        DataSet data = classes(31, 12, 3, 4);
        data.getFeatures().muli(3); // across the hard functions' kinks
        proveOn("swish+hardswish+hardsigmoid", net, data, true);
    }

    /** Squeeze-and-excitation: pooled with its dimensions kept, two 1x1 convolutions, a hard sigmoid gate. */
    @Test
    void squeezeAndExcitationChannelGate() {
        ComputationGraphConfiguration conf = base().graphBuilder().addInputs("in")
                .addLayer("c0", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nIn(2).nOut(4)
                        .activation(Activation.SWISH).build(), "in")
                .addLayer("squeeze", new GlobalPoolingLayer.Builder(PoolingType.AVG).collapseDimensions(false)
                        .build(), "c0")
                .addLayer("fc1", new ConvolutionLayer.Builder(1, 1).nOut(2).activation(Activation.SWISH).build(),
                        "squeeze")
                .addLayer("fc2", new ConvolutionLayer.Builder(1, 1).nOut(4).biasInit(0.2)
                        .activation(new TorchHardSigmoid()).build(), "fc1")
                .addVertex("scale", new ChannelGateVertex(), "c0", "fc2")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "scale")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").setInputTypes(InputType.convolutional(4, 4, 2)).build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        DataSet data = classes(32, 6, 3, 2, 4, 4);
        data.getFeatures().muli(3);
        proveOn("squeeze-excitation", graph, data, true);
    }
}

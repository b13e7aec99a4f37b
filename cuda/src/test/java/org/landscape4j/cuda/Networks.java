package org.landscape4j.cuda;

import java.util.List;
import java.util.Random;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.landscape4j.engine.Precision;
import org.landscape4j.engine.device.DeviceRequest;
import org.landscape4j.engine.graph.NetworkGraph;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Seeded networks and data for this module's tests and its device check: the dense shapes the CUDA plan runs (every
 * activation of its kernel, dropout, an activation layer, a flattening preprocessor, softmax cross-entropy and MSE
 * heads) and a 1D convolution it refuses. Built by code, the same on every machine.
 */
final class Networks {

    private Networks() {
    }

    /** {@code n} examples of {@code inputs} Gaussian features with one-hot labels of {@code classes} classes. */
    static DataSet data(int n, int inputs, int classes, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[n][inputs];
        float[][] y = new float[n][classes];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(classes);
            for (int j = 0; j < inputs; j++) {
                x[i][j] = (float) (r.nextGaussian() + (j % classes == c ? 1.0 : 0.0));
            }
            y[i][c] = 1f;
        }
        return new DataSet(Nd4j.create(x), Nd4j.create(y));
    }

    /** An MLP classifier: dense ReLU, dropout, dense leaky ReLU, an activation layer (ELU), softmax cross-entropy. */
    static MultiLayerNetwork classifier(int inputs, int hidden, int classes, long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().name("d1").nIn(inputs).nOut(hidden).activation(Activation.RELU).build())
                .layer(new DropoutLayer.Builder(0.5).name("drop").build())
                .layer(new DenseLayer.Builder().name("d2").nIn(hidden).nOut(hidden).activation(Activation.LEAKYRELU)
                        .build())
                .layer(new DenseLayer.Builder().name("d3").nIn(hidden).nOut(hidden).activation(Activation.IDENTITY)
                        .build())
                .layer(new ActivationLayer.Builder().name("elu").activation(Activation.ELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nIn(hidden).nOut(classes)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** A regression MLP: dense sigmoid, dense tanh, identity output with MSE. */
    static MultiLayerNetwork regression(int inputs, int outputs, long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().name("d1").nIn(inputs).nOut(24).activation(Activation.SIGMOID).build())
                .layer(new DenseLayer.Builder().name("d2").nIn(24).nOut(12).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).name("out").nIn(12).nOut(outputs)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Images {@code [n, 2, 5, 5]} into dense layers through DL4J's flattening preprocessor; softplus, NLL. */
    static MultiLayerNetwork flattened(int classes, long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().name("d1").nOut(16).activation(Activation.SOFTPLUS).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD).name("out")
                        .nOut(classes).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(5, 5, 2))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** A 1D convolution over sequences {@code [n, 2, 6]}: it has no CUDA-plan rule yet. */
    static MultiLayerNetwork sequences(long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT).list()
                .layer(new org.deeplearning4j.nn.conf.layers.Convolution1DLayer.Builder(3).name("conv1d").nOut(4)
                        .activation(Activation.RELU).build())
                .layer(new org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer.Builder(
                        org.deeplearning4j.nn.conf.layers.PoolingType.MAX).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.recurrent(2, 6))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Images shaped for {@link #flattened}: {@code [n, 2, 5, 5]}. */
    static DataSet images(int n, int classes, long seed) {
        DataSet flat = data(n, 50, classes, seed);
        return new DataSet(flat.getFeatures().reshape('c', n, 2, 5, 5), flat.getLabels());
    }

    /** The request the engine would make for {@code model} on {@code data} in batches of {@code batch}. */
    static DeviceRequest request(Model model, DataSet data, int batch, DeviceRequest.Accuracy accuracy) {
        return request(model, data, batch, accuracy, Precision.FLOAT);
    }

    /** The same in {@code precision}. */
    static DeviceRequest request(Model model, DataSet data, int batch, DeviceRequest.Accuracy accuracy,
                                 Precision precision) {
        return request(model, data, batch, accuracy, precision, 0);
    }

    /** The same with first-layer factorization within {@code firstLayerMemory} bytes (0: off) for a plane. */
    static DeviceRequest request(Model model, DataSet data, int batch, DeviceRequest.Accuracy accuracy,
                                 Precision precision, long firstLayerMemory) {
        List<Batch> batches = Batch.split(new INDArray[] {data.getFeatures()}, new INDArray[] {data.getLabels()},
                batch);
        NetworkGraph graph = NetworkGraph.of(model);
        return new DeviceRequest(model, graph, ParameterLayout.of(graph), List.of(batches), accuracy,
                precision == Precision.TF32, 3, firstLayerMemory);
    }

    /** A random direction shaped like {@code model}'s parameters, scaled to {@code fraction} of their norm. */
    static INDArray direction(Model model, double fraction, long seed) {
        INDArray p = model.params();
        Nd4j.getRandom().setSeed(seed);
        INDArray d = Nd4j.randn(DataType.FLOAT, p.shape());
        return d.muli(fraction * p.norm2Number().doubleValue() / d.norm2Number().doubleValue());
    }
}

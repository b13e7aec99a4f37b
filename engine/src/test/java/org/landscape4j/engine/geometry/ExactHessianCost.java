package org.landscape4j.engine.geometry;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.landscape4j.engine.internal.hessian.ExactHessian;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Cost of one exact Hessian-vector product against one forward pass and against the finite-difference fallback, in
 * double precision on the same data (not a test: run by hand, see the class's main; the argument is the number of
 * rounds). Prints one line per network.
 */
public final class ExactHessianCost {

    private ExactHessianCost() {
    }

    static MultiLayerNetwork cnn() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .dataType(DataType.DOUBLE).weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(16).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(32).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(32, 32, 3)).build());
        net.init();
        return net;
    }

    static MultiLayerNetwork mlp() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .dataType(DataType.DOUBLE).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(128).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(128).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(784)).build());
        net.init();
        return net;
    }

    /** Medians over {@code repeats} rounds of one call each, interleaved so that the machine's load hits all alike. */
    static double[] medians(int repeats, Runnable... calls) {
        for (Runnable r : calls) {
            r.run();
        }
        double[][] t = new double[calls.length][repeats];
        for (int i = 0; i < repeats; i++) {
            for (int c = 0; c < calls.length; c++) {
                long start = System.nanoTime();
                calls[c].run();
                t[c][i] = (System.nanoTime() - start) / 1e9;
            }
        }
        double[] m = new double[calls.length];
        for (int c = 0; c < calls.length; c++) {
            java.util.Arrays.sort(t[c]);
            m[c] = t[c][repeats / 2];
        }
        return m;
    }

    static void measure(String name, Supplier<MultiLayerNetwork> make, DataSet data, int repeats) {
        MultiLayerNetwork net = make.get();
        LossGradients g = new LossGradients(net, data);
        ExactHessian h = g.exact();
        double[] theta = g.theta();
        double[] v = ExactHessianTest.random(theta.length, 1);
        double[] m = medians(repeats, () -> net.output(data.getFeatures(), false), () -> g.at(theta),
                () -> h.times(theta, v), () -> g.finiteDifference(v, 1e-5), () -> h.loss(theta),
                () -> h.gradient(theta));
        double forward = m[0];
        double gradient = m[1];
        double exact = m[2];
        System.out.printf(Locale.ROOT, "cost: %s: own forward %.1f ms, own gradient %.1f ms%n", name, m[4] * 1e3,
                m[5] * 1e3);
        System.out.printf(Locale.ROOT, "cost: %s, %d parameters, %d examples, medians of %d interleaved rounds: DL4J"
                        + " inference forward %.1f ms, DL4J gradient %.1f ms, exact HVP %.1f ms (%.1fx forward, %.1fx"
                        + " gradient), finite-difference HVP %.1f ms%n", name, theta.length, data.numExamples(),
                repeats, forward * 1e3, gradient * 1e3, exact * 1e3, exact / forward, exact / gradient, m[3] * 1e3);
        g.close();
    }

    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        measure("mlp 784-128-128-10", ExactHessianCost::mlp, ExactHessianTest.classes(1, 256, 10, 784), repeats);
        measure("cnn 3x32x32 conv16-pool-conv32-pool-dense64-10", ExactHessianCost::cnn,
                ExactHessianTest.classes(2, 128, 10, 3, 32, 32), repeats);
    }
}

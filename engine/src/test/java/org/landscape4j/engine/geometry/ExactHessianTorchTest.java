package org.landscape4j.engine.geometry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.graph.ChannelLayerNorm;
import org.landscape4j.engine.graph.ChannelScale;
import org.landscape4j.engine.graph.GroupedConvolution2D;
import org.landscape4j.engine.graph.TorchGelu;
import org.landscape4j.engine.internal.hessian.ExactHessian;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Exact Hessian-vector products equal PyTorch's {@code torch.autograd.functional.hvp} on the same weights, data and
 * vector: fixtures exported by {@code engine/src/test/python/hvp_fixture.py} (Debian's python3-torch 1.13, float64).
 * PyTorch's Linear weights are {@code [out, in]}, DL4J's dense weights {@code [nIn, nOut]}: loaded transposed;
 * convolution weights are {@code [out, in, kH, kW]} in both; both flatten NCHW as (C, H, W).
 */
class ExactHessianTorchTest {

    /** One exported tensor. */
    static INDArray load(String net, String name) {
        String path = "/hvp/" + net + "/" + name + ".txt";
        try (InputStream in = ExactHessianTorchTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            String[] lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n");
            long[] shape = Arrays.stream(lines[0].trim().split(" ")).mapToLong(Long::parseLong).toArray();
            double[] values = Arrays.stream(lines[1].trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
            return Nd4j.create(values, shape, 'c');
        } catch (IOException e) {
            throw new IllegalStateException(path, e);
        }
    }

    static DataSet data(String net, int classes) {
        INDArray x = load(net, "x");
        INDArray y = load(net, "y");
        INDArray oneHot = Nd4j.zeros(DataType.DOUBLE, y.length(), classes);
        for (int i = 0; i < y.length(); i++) {
            oneHot.putScalar(i, (int) y.getDouble(i), 1.0);
        }
        return new DataSet(x, oneHot);
    }

    /** Where one PyTorch tensor lives in the DL4J network: layer, key, and whether it is transposed. */
    record Slot(String torchName, int layer, String key, boolean transpose) {
    }

    /** Writes the fixture's tensors {@code prefix + name} into {@code net}'s parameters (others 0 when zeroRest). */
    static double[] flat(MultiLayerNetwork net, String fixture, List<Slot> slots, String prefix, boolean zeroRest) {
        MultiLayerNetwork copy = net.clone();
        if (zeroRest) {
            copy.params().assign(0);
        }
        for (Slot s : slots) {
            INDArray t = load(fixture, prefix + s.torchName());
            INDArray target = copy.getLayer(s.layer()).getParam(s.key());
            target.assign((s.transpose() ? t.transpose() : t).reshape(target.shape()));
        }
        return copy.params().toDoubleVector();
    }

    /** Relative max difference of our H v and PyTorch's, tensor by tensor; asserts each is within 1e-4. */
    static double compare(MultiLayerNetwork net, String fixture, List<Slot> slots, double[] hv) {
        MultiLayerNetwork copy = net.clone();
        copy.params().assign(Nd4j.create(hv, new long[] {1, hv.length}, 'c'));
        double worst = 0;
        for (Slot s : slots) {
            INDArray torch = load(fixture, "hv_" + s.torchName());
            INDArray ours = copy.getLayer(s.layer()).getParam(s.key());
            INDArray mine = (s.transpose() ? ours.transpose() : ours).reshape(torch.shape());
            double scale = Math.max(1e-12, Transforms.abs(torch, true).maxNumber().doubleValue());
            double diff = mine.sub(torch).amaxNumber().doubleValue() / scale;
            assertThat(diff).as(fixture + " Hv of " + s.torchName()).isLessThan(1e-4);
            worst = Math.max(worst, diff);
        }
        return worst;
    }

    @Test
    void mlpHessianVectorProductEqualsPytorch() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        List<Slot> slots = List.of(new Slot("w1", 0, "W", true), new Slot("b1", 0, "b", false),
                new Slot("w2", 1, "W", true), new Slot("b2", 1, "b", false),
                new Slot("w3", 2, "W", true), new Slot("b3", 2, "b", false));
        net.params().assign(Nd4j.create(flat(net, "mlp", slots, "", true), new long[] {1, net.numParams()}, 'c'));
        DataSet data = data("mlp", 3);

        ExactHessian h = ExactHessianTest.compile(net, data);
        double[] theta = net.params().toDoubleVector();
        assertThat(h.loss(theta)).isCloseTo(load("mlp", "loss").getDouble(0),
                org.assertj.core.api.Assertions.within(1e-12));
        double worst = compare(net, "mlp", slots, h.times(theta, flat(net, "mlp", slots, "v_", true)));
        System.out.printf("fidelity: mlp Hv vs PyTorch, worst relative difference %.2g%n", worst);
    }

    @Test
    void convolutionBatchNormReluMaxPoolHessianVectorProductEqualsPytorch() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(2).padding(1, 1)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().eps(1e-5).build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 1))
                .build());
        net.init();
        List<Slot> slots = List.of(new Slot("conv_w", 0, "W", false), new Slot("conv_b", 0, "b", false),
                new Slot("bn_gamma", 1, "gamma", false), new Slot("bn_beta", 1, "beta", false),
                new Slot("fc_w", 4, "W", true), new Slot("fc_b", 4, "b", false));
        net.params().assign(Nd4j.create(flat(net, "cnn", slots, "", true), new long[] {1, net.numParams()}, 'c'));
        org.deeplearning4j.nn.api.Layer bn = net.getLayer(1);
        bn.getParam("mean").assign(load("cnn", "bn_mean").reshape(1, 2));
        INDArray var = load("cnn", "bn_var").reshape(1, 2);
        if (bn.paramTable().containsKey("log10stdev")) {
            bn.getParam("log10stdev").assign(Transforms.log(Transforms.sqrt(var, true), 10.0, true));
        } else {
            bn.getParam("var").assign(var);
        }
        DataSet data = data("cnn", 3);

        ExactHessian h = ExactHessianTest.compile(net, data);
        double[] theta = net.params().toDoubleVector();
        assertThat(h.loss(theta)).isCloseTo(load("cnn", "loss").getDouble(0),
                org.assertj.core.api.Assertions.within(1e-10));
        double worst = compare(net, "cnn", slots, h.times(theta, flat(net, "cnn", slots, "v_", true)));
        System.out.printf("fidelity: conv+bn+relu+maxpool Hv vs PyTorch, worst relative difference %.2g%n", worst);
    }

    /** Grouped convolutions ({@code GroupedConvolution2D}): 2 groups with bias, then 3 groups strided without. */
    @Test
    void groupedConvolutionHessianVectorProductEqualsPytorch() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .list()
                .layer(new GroupedConvolution2D(4, 6, 2, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                        new int[] {1, 1}, true))
                .layer(new ActivationLayer.Builder().activation(Activation.TANH).build())
                .layer(new GroupedConvolution2D(6, 6, 3, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0},
                        new int[] {1, 1}, false))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(5, 5, 4))
                .build());
        net.init();
        List<Slot> slots = List.of(new Slot("c1_w", 0, "W", false), new Slot("c1_b", 0, "b", false),
                new Slot("c2_w", 2, "W", false), new Slot("fc_w", 3, "W", true), new Slot("fc_b", 3, "b", false));
        net.params().assign(Nd4j.create(flat(net, "grouped", slots, "", true), new long[] {1, net.numParams()}, 'c'));
        DataSet data = data("grouped", 3);

        ExactHessian h = ExactHessianTest.compile(net, data);
        double[] theta = net.params().toDoubleVector();
        assertThat(h.loss(theta)).isCloseTo(load("grouped", "loss").getDouble(0),
                org.assertj.core.api.Assertions.within(1e-10));
        double worst = compare(net, "grouped", slots, h.times(theta, flat(net, "grouped", slots, "v_", true)));
        assertThat(worst).isLessThan(1e-8);
        System.out.printf("fidelity: grouped conv Hv vs PyTorch, worst relative difference %.2g%n", worst);
    }

    /**
     * ConvNeXt's pieces: layer normalization over channels ({@code ChannelLayerNorm}), the Linear layers on
     * channels-last pixels as 1x1 convolutions, PyTorch's exact GELU, the layer scale ({@code ChannelScale}).
     */
    @Test
    void convNeXtPiecesHessianVectorProductEqualsPytorch() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nIn(2).nOut(4).padding(1, 1)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build())
                .layer(new ChannelLayerNorm(4, 1e-6))
                .layer(new ConvolutionLayer.Builder(1, 1).nIn(4).nOut(8).activation(new TorchGelu()).build())
                .layer(new ConvolutionLayer.Builder(1, 1).nIn(8).nOut(4).activation(Activation.IDENTITY).build())
                .layer(new ChannelScale(4))
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(4, 4, 2))
                .build());
        net.init();
        List<Slot> slots = List.of(new Slot("conv_w", 0, "W", false), new Slot("conv_b", 0, "b", false),
                new Slot("norm_w", 1, "gamma", false), new Slot("norm_b", 1, "beta", false),
                new Slot("fc1_w", 2, "W", false), new Slot("fc1_b", 2, "b", false),
                new Slot("fc2_w", 3, "W", false), new Slot("fc2_b", 3, "b", false),
                new Slot("scale", 4, "W", false), new Slot("head_w", 6, "W", true), new Slot("head_b", 6, "b", false));
        net.params().assign(Nd4j.create(flat(net, "convnext", slots, "", true), new long[] {1, net.numParams()}, 'c'));
        DataSet data = data("convnext", 3);

        ExactHessian h = ExactHessianTest.compile(net, data);
        double[] theta = net.params().toDoubleVector();
        assertThat(h.loss(theta)).isCloseTo(load("convnext", "loss").getDouble(0),
                org.assertj.core.api.Assertions.within(1e-10));
        double worst = compare(net, "convnext", slots, h.times(theta, flat(net, "convnext", slots, "v_", true)));
        assertThat(worst).isLessThan(1e-8);
        System.out.printf("fidelity: layer norm + GELU + layer scale Hv vs PyTorch, worst relative difference %.2g%n",
                worst);
    }
}

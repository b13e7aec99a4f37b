package org.landscape4j.engine.geometry;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.curvature.Eigenvalues;
import org.landscape4j.engine.curvature.Extremes;
import org.landscape4j.engine.curvature.Hessian;
import org.landscape4j.engine.graph.GroupedConvolution2D;
import org.landscape4j.engine.internal.FlatVectors;
import org.landscape4j.engine.internal.SymmetricEigen;
import org.landscape4j.engine.internal.hessian.ExactHessian;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.engine.parameters.ParameterRole;
import org.landscape4j.engine.parameters.ParameterSegment;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Proof of the exact Hessian-vector products on tiny double-precision networks of every supported layer kind: the
 * gradient equals DL4J's (networks without batch norm, where DL4J's training-mode gradient is of the same function)
 * or central differences of the loss (with batch norm); {@code H} built column by column from exact products equals
 * {@code H} built from central differences of the exact gradient; products are symmetric; Lanczos extremes equal the
 * explicit Hessian's eigenvalues.
 */
class ExactHessianTest {

    private static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder().seed(11).dataType(DataType.DOUBLE).updater(new Sgd(0.1))
                .weightInit(WeightInit.XAVIER);
    }

    private static MultiLayerNetwork init(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    static DataSet classes(long seed, int n, int classes, long... featureShape) {
        Nd4j.getRandom().setSeed(seed);
        long[] shape = new long[featureShape.length + 1];
        shape[0] = n;
        System.arraycopy(featureShape, 0, shape, 1, featureShape.length);
        INDArray x = Nd4j.randn(DataType.DOUBLE, shape);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, n, classes);
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, r.nextInt(classes), 1.0);
        }
        return new DataSet(x, y);
    }

    /** Dense tanh → dense ReLU → dense ELU → output softmax + cross-entropy. */
    static MultiLayerNetwork mlp() {
        return init(base().list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(6).nOut(5).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(5).nOut(5).activation(Activation.ELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build());
    }

    /** Sigmoid, leaky ReLU, softplus, dropout, an activation layer, and MSE on a tanh output. */
    static MultiLayerNetwork regression() {
        return init(base().list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(5).activation(Activation.SIGMOID).build())
                .layer(new DenseLayer.Builder().nIn(5).nOut(5).activation(new ActivationLReLU(0.1)).build())
                .layer(new DropoutLayer.Builder(0.5).build())
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).activation(Activation.IDENTITY).build())
                .layer(new ActivationLayer.Builder().activation(Activation.SOFTPLUS).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(2)
                        .activation(Activation.TANH).build())
                .build());
    }

    /** Conv (same, ReLU) → max pool → conv (truncate, stride 2, dilation... ) → avg pool → dense → softmax. */
    static MultiLayerNetwork cnn() {
        return init(base().list()
                .layer(new ConvolutionLayer.Builder(3, 3).nIn(2).nOut(2).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ZeroPaddingLayer.Builder(1, 0, 1, 1).build())
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(2).stride(1, 2).dilation(2, 1).padding(1, 0)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.TANH).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(1, 1)
                        .convolutionMode(ConvolutionMode.Same).build())
                .layer(new DenseLayer.Builder().nOut(2).activation(Activation.SIGMOID).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 2))
                .build());
    }

    /** Conv → batch norm → ReLU → global average pooling → dense with batch norm → softmax. */
    static MultiLayerNetwork cnnWithBatchNorm() {
        MultiLayerNetwork net = init(base().list()
                .layer(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(3).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(2).activation(Activation.IDENTITY).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.MAX).build())
                .layer(new DenseLayer.Builder().nOut(4).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.ELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 1))
                .build());
        randomizeBatchNorm(net, 5);
        return net;
    }

    /** Gives γ, β, the running mean and variance of every batch-norm layer values far from their defaults. */
    static void randomizeBatchNorm(Model net, long seed) {
        Random r = new Random(seed);
        INDArray flat = net.params();
        for (ParameterSegment s : ParameterLayout.of(net).segments()) {
            boolean var = s.key().equals("var");
            if (s.role() == ParameterRole.BATCHNORM_GAMMA || s.role() == ParameterRole.BATCHNORM_BETA
                    || s.role() == ParameterRole.BATCHNORM_RUNNING_STATISTIC) {
                for (long i = s.offset(); i < s.offset() + s.length(); i++) {
                    double value = var ? 0.3 + r.nextDouble() : s.role() == ParameterRole.BATCHNORM_GAMMA
                            ? 0.5 + r.nextDouble() : 0.5 * r.nextGaussian();
                    flat.putScalar(i, value);
                }
            }
        }
    }

    /** A graph: two dense branches added, subtracted, multiplied, averaged, merged with a third, to an MSE loss. */
    static ComputationGraph graph() {
        ComputationGraphConfiguration conf = base().graphBuilder()
                .addInputs("in")
                .addLayer("a", new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.TANH).build(), "in")
                .addLayer("b", new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.RELU).build(), "in")
                .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "a", "b")
                .addVertex("prod", new ElementWiseVertex(ElementWiseVertex.Op.Product), "a", "sum")
                .addLayer("c", new DenseLayer.Builder().nIn(5).nOut(3).activation(Activation.SIGMOID).build(), "sum")
                .addVertex("diff", new ElementWiseVertex(ElementWiseVertex.Op.Subtract), "a", "b")
                .addVertex("avg", new ElementWiseVertex(ElementWiseVertex.Op.Average), "diff", "prod", "a")
                .addVertex("merge", new MergeVertex(), "avg", "c")
                .addLayer("d", new DenseLayer.Builder().nIn(8).nOut(2).activation(Activation.IDENTITY).build(),
                        "merge")
                .addLayer("out", new LossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build(), "d")
                .setOutputs("out")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    /** A conv + ReLU + max-pool net trained to a minimum of its data (the seed examples' kind). */
    static MultiLayerNetwork trainedReluMaxPool(DataSet data) {
        MultiLayerNetwork net = init(base().updater(new Adam(0.02)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(3).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(4).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 1))
                .build());
        for (int i = 0; i < 200; i++) {
            net.fit(data);
        }
        return net;
    }

    // ---------------------------------------------------------------------------------------------------------------

    static ExactHessian compile(Model net, DataSet data) {
        ExactHessian.Compiled c = ExactHessian.compile(net, List.of(data));
        assertThat(c.unsupported()).as("unsupported reason").isNull();
        return c.hessian();
    }

    static double[] random(int n, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    static double relative(double[] a, double[] b) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / scale;
    }

    /** DL4J's training-mode gradient, mean over the examples (the same function for nets without batch norm). */
    static double[] dl4jGradient(Model net, DataSet data) {
        Model copy = net instanceof MultiLayerNetwork m ? m.clone() : ((ComputationGraph) net).clone();
        for (org.deeplearning4j.nn.api.Layer l : copy instanceof MultiLayerNetwork m ? m.getLayers()
                : ((ComputationGraph) copy).getLayers()) {
            l.conf().getLayer().setIDropout(null);
        }
        if (copy instanceof MultiLayerNetwork m) {
            m.setInput(data.getFeatures());
            m.setLabels(data.getLabels());
            m.computeGradientAndScore();
        } else {
            ComputationGraph g = (ComputationGraph) copy;
            g.setInputs(data.getFeatures());
            g.setLabels(data.getLabels());
            g.computeGradientAndScore();
        }
        double[] g = copy.gradient().gradient().toDoubleVector();
        FlatVectors.scale(1.0 / data.numExamples(), g);
        return g;
    }

    /** Zero at batch-norm running statistics. */
    static double[] trainable(Model net, double[] v) {
        return ParameterLayout.of(net).zero(v, ParameterRole.BATCHNORM_RUNNING_STATISTIC);
    }

    /** The explicit Hessian from central differences of the exact gradient, over the trainable parameters. */
    static double[][] finiteDifferenceHessian(ExactHessian h, double[] theta, double[] mask) {
        int p = theta.length;
        double[][] hess = new double[p][];
        double eps = 1e-5;
        for (int j = 0; j < p; j++) {
            if (mask[j] == 0) {
                hess[j] = new double[p];
                continue;
            }
            double[] plus = theta.clone();
            plus[j] += eps;
            double[] minus = theta.clone();
            minus[j] -= eps;
            double[] col = FlatVectors.minus(h.gradient(plus), h.gradient(minus));
            FlatVectors.scale(1 / (2 * eps), col);
            for (int i = 0; i < p; i++) {
                col[i] *= mask[i];
            }
            hess[j] = col;
        }
        return hess;
    }

    static double[][] exactHessian(ExactHessian h, double[] theta, double[] mask) {
        int p = theta.length;
        double[][] hess = new double[p][];
        for (int j = 0; j < p; j++) {
            double[] e = new double[p];
            e[j] = mask[j];
            double[] col = h.times(theta, e);
            for (int i = 0; i < p; i++) {
                col[i] *= mask[i];
            }
            hess[j] = col;
        }
        return hess;
    }

    static double maxRelative(double[][] a, double[][] b) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                diff = Math.max(diff, Math.abs(a[i][j] - b[i][j]));
                scale = Math.max(scale, Math.abs(b[i][j]));
            }
        }
        return diff / scale;
    }

    /** Every check on one network; returns the explicit Hessian's relative difference for the report. */
    static double proveOn(String name, Model net, DataSet data, boolean sameGradientAsDl4j) {
        ExactHessian h = compile(net, data);
        double[] theta = net.params().toDoubleVector();
        int p = theta.length;
        double[] mask = trainable(net, filled(p));

        double[] g = h.gradient(theta);
        if (sameGradientAsDl4j) {
            double vsDl4j = relative(g, trainable(net, dl4jGradient(net, data)));
            assertThat(vsDl4j).as(name + ": gradient vs DL4J").isLessThan(1e-9);
            System.out.printf("fidelity: %s gradient vs DL4J's %.2g%n", name, vsDl4j);
        }
        // the gradient against central differences of the loss, along a random direction
        double[] u = trainable(net, random(p, 3));
        double eps = 1e-5;
        double[] plus = theta.clone();
        FlatVectors.axpy(eps, u, plus);
        double[] minus = theta.clone();
        FlatVectors.axpy(-eps, u, minus);
        double directional = (h.loss(plus) - h.loss(minus)) / (2 * eps);
        assertThat(Math.abs(directional - FlatVectors.dot(g, u)) / Math.abs(directional))
                .as(name + ": directional derivative").isLessThan(1e-6);

        double[][] exact = exactHessian(h, theta, mask);
        double[][] fd = finiteDifferenceHessian(h, theta, mask);
        double diff = maxRelative(exact, fd);
        assertThat(diff).as(name + ": H from exact products vs central differences of the exact gradient")
                .isLessThan(1e-4);

        double[] v1 = trainable(net, random(p, 5));
        double[] v2 = trainable(net, random(p, 6));
        double a = FlatVectors.dot(v1, h.times(theta, v2));
        double b = FlatVectors.dot(v2, h.times(theta, v1));
        assertThat(Math.abs(a - b) / Math.max(Math.abs(a), 1e-12)).as(name + ": symmetry").isLessThan(1e-10);

        // H v equals the explicit matrix times v
        double[] hv = h.times(theta, v1);
        double[] mv = new double[p];
        for (int j = 0; j < p; j++) {
            FlatVectors.axpy(v1[j], exact[j], mv);
        }
        assertThat(relative(hv, mv)).as(name + ": linearity").isLessThan(1e-10);
        System.out.printf("fidelity: %s (%d parameters): explicit H from exact products vs central differences of the"
                + " exact gradient %.2g, symmetry %.2g%n", name, p, diff, Math.abs(a - b) / Math.abs(a));
        return diff;
    }

    static double[] filled(int p) {
        double[] ones = new double[p];
        java.util.Arrays.fill(ones, 1.0);
        return ones;
    }

    @Test
    void denseNetworkWithTanhReluEluAndSoftmaxCrossEntropy() {
        proveOn("mlp", mlp(), classes(1, 7, 3, 4), true);
    }

    @Test
    void sigmoidLeakyReluSoftplusDropoutActivationLayerAndMse() {
        DataSet data = classes(2, 6, 2, 3);
        data.setLabels(Nd4j.randn(DataType.DOUBLE, 6, 2));
        proveOn("regression", regression(), data, true);
    }

    @Test
    void convolutionMaxAndAveragePoolingZeroPaddingSameTruncateStrideDilation() {
        proveOn("cnn", cnn(), classes(3, 4, 3, 2, 6, 6), true);
    }

    @Test
    void convolutionWithInferenceBatchNormAndGlobalMaxPooling() {
        MultiLayerNetwork net = cnnWithBatchNorm();
        DataSet data = classes(4, 5, 3, 1, 6, 6);
        proveOn("cnn+bn", net, data, false);
        // and the loss differentiated is the landscape's: DL4J's inference score
        double dl4j = net.score(data, false);
        assertThat(compile(net, data).loss(net.params().toDoubleVector())).isCloseTo(dl4j,
                org.assertj.core.api.Assertions.within(1e-12 * dl4j));
    }

    @Test
    void hardTanhConvolutionGlobalAveragePoolingAndL2() {
        MultiLayerNetwork net = init(base().list()
                .layer(new ConvolutionLayer.Builder(2, 2).nIn(1).nOut(2).activation(Activation.HARDTANH).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.L2).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(4, 4, 1))
                .build());
        DataSet data = classes(8, 5, 2, 1, 4, 4);
        data.setLabels(Nd4j.randn(DataType.DOUBLE, 5, 2));
        proveOn("hardtanh+global-avg+l2", net, data, true);
    }

    /**
     * Depthwise convolutions (multiplier 1 with batch norm and ReLU6, as in MobileNetV2; multiplier 2, strided, with a
     * ReLU bounded at 0.5) and ReLU6 as a layer's own activation; inputs scaled so that both bounds are met. (A zero
     * bias would put the bounded ReLU exactly on its kink wherever its window reads zeros, where central differences
     * average the two one-sided slopes.)
     */
    @Test
    void depthwiseConvolutionsBatchNormAndRelu6() {
        MultiLayerNetwork net = init(base().list()
                .layer(new ConvolutionLayer.Builder(1, 1).nIn(2).nOut(3).activation(Activation.RELU6).build())
                .layer(new DepthwiseConvolution2D.Builder(3, 3).padding(1, 1).hasBias(false)
                        .activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU6).build())
                .layer(new DepthwiseConvolution2D.Builder(2, 2).depthMultiplier(2).stride(2, 2).biasInit(0.1)
                        .activation(new org.nd4j.linalg.activations.impl.ActivationReLU(0.5, 0.0, 0.0)).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(5, 5, 2))
                .build());
        randomizeBatchNorm(net, 12);
        DataSet data = classes(12, 4, 3, 2, 5, 5);
        data.getFeatures().muli(6);
        proveOn("depthwise+relu6", net, data, false);
        double dl4j = net.score(data, false);
        assertThat(compile(net, data).loss(net.params().toDoubleVector())).isCloseTo(dl4j,
                org.assertj.core.api.Assertions.within(1e-12 * dl4j));
    }

    /**
     * Grouped convolutions (ResNeXt's and RegNet's kind, {@code GroupedConvolution2D}): 4 to 6 channels in 2 groups with
     * a bias, batch norm and softplus, then 6 to 6 in 3 groups, strided, without bias. (DL4J's own gradient of the
     * layer is checked against central differences in {@code GroupedConvolutionTest}.)
     */
    @Test
    void groupedConvolutionsBatchNormAndRelu() {
        MultiLayerNetwork net = init(base().list()
                .layer(new ConvolutionLayer.Builder(1, 1).nIn(2).nOut(4).activation(Activation.TANH).build())
                .layer(new GroupedConvolution2D(4, 6, 2, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                        new int[] {1, 1}, true))
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.SOFTPLUS).build())
                .layer(new GroupedConvolution2D(6, 6, 3, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0},
                        new int[] {1, 1}, false))
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(5, 5, 2))
                .build());
        randomizeBatchNorm(net, 13);
        DataSet data = classes(14, 4, 3, 2, 5, 5);
        proveOn("grouped-conv2d", net, data, false); // DL4J differentiates batch norm in training mode
        double dl4j = net.score(data, false);
        assertThat(compile(net, data).loss(net.params().toDoubleVector())).isCloseTo(dl4j,
                org.assertj.core.api.Assertions.within(1e-12 * dl4j));
    }

    /** ShuffleNet V2's unit: slices of the channels, a branch, their concatenation shuffled in 2 groups. */
    @Test
    void shuffleNetUnitWithSlicesAndAChannelShuffle() {
        ComputationGraphConfiguration conf = base().graphBuilder().addInputs("in")
                .addLayer("c0", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nIn(2).nOut(4)
                        .activation(Activation.TANH).build(), "in")
                .addVertex("x1", new org.landscape4j.engine.graph.ChannelSliceVertex(0, 2), "c0")
                .addVertex("x2", new org.landscape4j.engine.graph.ChannelSliceVertex(2, 2), "c0")
                .addLayer("branch", new ConvolutionLayer.Builder(1, 1).nIn(2).nOut(2).activation(Activation.SOFTPLUS)
                        .build(), "x2")
                .addVertex("cat", new org.deeplearning4j.nn.conf.graph.MergeVertex(), "x1", "branch")
                .addVertex("shuffle", new org.landscape4j.engine.graph.ChannelShuffleVertex(2), "cat")
                .addLayer("c1", new ConvolutionLayer.Builder(1, 1).nOut(3).activation(Activation.TANH).build(),
                        "shuffle")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "c1")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").setInputTypes(InputType.convolutional(4, 4, 2)).build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        proveOn("channel-slice+channel-shuffle", graph, classes(33, 5, 3, 2, 4, 4), true);
    }

    /** PyTorch's exact GELU ({@code TorchGelu}) and the channel scale ({@code ChannelScale}) of ConvNeXt's blocks. */
    @Test
    void geluAndChannelScale() {
        MultiLayerNetwork net = init(base().list()
                .layer(new ConvolutionLayer.Builder(3, 3).padding(1, 1).nIn(2).nOut(3)
                        .activation(new org.landscape4j.engine.graph.TorchGelu()).build())
                .layer(new org.landscape4j.engine.graph.ChannelScale(3))
                .layer(new ConvolutionLayer.Builder(1, 1).nIn(3).nOut(4).activation(Activation.IDENTITY).build())
                .layer(new ActivationLayer.Builder().activation(new org.landscape4j.engine.graph.TorchGelu()).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new org.landscape4j.engine.graph.ChannelScale(4))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(4, 4, 2))
                .build());
        Nd4j.getRandom().setSeed(8);
        net.getLayer(1).getParam("W").assign(Nd4j.randn(DataType.DOUBLE, 3));
        net.getLayer(5).getParam("W").assign(Nd4j.randn(DataType.DOUBLE, 4));
        DataSet data = classes(34, 5, 3, 2, 4, 4);
        data.getFeatures().muli(2);
        proveOn("gelu+channel-scale", net, data, true);
    }

    /** Layer normalization over the channels of images and of pooled features ({@code ChannelLayerNorm}). */
    @Test
    void layerNormOverChannels() {
        MultiLayerNetwork net = init(base().list()
                .layer(new ConvolutionLayer.Builder(3, 3).padding(1, 1).nIn(2).nOut(4).activation(Activation.IDENTITY)
                        .build())
                .layer(new org.landscape4j.engine.graph.ChannelLayerNorm(4, 1e-6))
                .layer(new ActivationLayer.Builder().activation(new org.landscape4j.engine.graph.TorchGelu()).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new org.landscape4j.engine.graph.ChannelLayerNorm(4, 1e-5))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(4, 4, 2))
                .build());
        Nd4j.getRandom().setSeed(9);
        net.getLayer(1).getParam("gamma").assign(Nd4j.rand(DataType.DOUBLE, 4).addi(0.5));
        net.getLayer(1).getParam("beta").assign(Nd4j.randn(DataType.DOUBLE, 4).muli(0.3));
        net.getLayer(4).getParam("gamma").assign(Nd4j.rand(DataType.DOUBLE, 4).addi(0.5));
        proveOn("layernorm", net, classes(35, 5, 3, 2, 4, 4), true);
    }

    @Test
    void graphWithAddSubtractProductAverageAndMergeVertices() {
        DataSet data = classes(5, 6, 2, 4);
        data.setLabels(Nd4j.randn(DataType.DOUBLE, 6, 2));
        proveOn("graph", graph(), data, true);
    }

    @Test
    void reluAndMaxPoolingAtATrainedMinimum() {
        DataSet data = classes(6, 12, 3, 1, 6, 6);
        MultiLayerNetwork net = trainedReluMaxPool(data);
        ExactHessian h = compile(net, data);
        double[] theta = net.params().toDoubleVector();
        assertThat(FlatVectors.norm(h.gradient(theta))).as("near a minimum").isLessThan(0.05);
        proveOn("relu+maxpool minimum", net, data, true);

        // what the former method gives here: central differences of DL4J gradients, for the record
        LossGradients fd = new LossGradients(net, data);
        double[] v = random(theta.length, 9);
        double fdError = relative(fd.finiteDifference(v, 1e-5 * Math.max(1, FlatVectors.norm(theta))),
                h.times(theta, v));
        fd.close();
        System.out.printf("fidelity: relu+maxpool minimum: finite-difference Hv (the fallback) vs exact, relative"
                + " %.2g%n", fdError);

        // λmin/λmax by Lanczos over all parameters equal the explicit Hessian's (a tolerance that runs every step)
        double[][] explicit = exactHessian(h, theta, filled(theta.length));
        double[] values = SymmetricEigen.of(symmetrized(explicit)).values();
        Hessian.Options all = Hessian.Options.DEFAULT.withParameters(Hessian.Parameters.ALL_TRAINABLE);
        Extremes e;
        Eigenvalues top;
        try (Hessian hessian = Hessian.of(net, data, all.withMaxLanczosSteps(theta.length).withTolerance(1e-15))) {
            e = hessian.extremes();
        }
        try (Hessian hessian = Hessian.of(net, data, all)) {
            top = hessian.eigenvalues(1);
        }
        double scale = Math.abs(values[0]);
        assertThat(Math.abs(e.max() - values[0]) / scale).isLessThan(1e-8);
        assertThat(Math.abs(e.min() - values[values.length - 1]) / scale).isLessThan(1e-8);
        assertThat(Math.abs(top.values()[0] - values[0]) / scale).isLessThan(1e-6);
        assertThat(top.method()).startsWith("exact");
        System.out.printf("fidelity: relu+maxpool minimum: Lanczos λmin %.6g λmax %.6g vs explicit %.6g %.6g (relative"
                + " %.2g, %.2g); top eigenvalue λ1 %.6g (relative %.2g)%n", e.min(), e.max(), values[values.length - 1],
                values[0], Math.abs(e.min() - values[values.length - 1]) / scale, Math.abs(e.max() - values[0]) / scale,
                top.values()[0], Math.abs(top.values()[0] - values[0]) / scale);
    }

    static double[][] symmetrized(double[][] a) {
        int n = a.length;
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s[i][j] = 0.5 * (a[i][j] + a[j][i]);
            }
        }
        return s;
    }

    @Test
    void aLayerWithoutAnExactRuleFallsBackToFiniteDifferencesNamingIt() {
        MultiLayerNetwork net = init(base().list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nIn(4).nOut(2)
                        .activation(Activation.SIGMOID).build())
                .build());
        DataSet data = classes(7, 6, 2, 3);

        Hessian hessian = Hessian.of(net, List.of(data), Hessian.Options.DEFAULT);
        assertThat(hessian.isExact()).isFalse();
        assertThat(hessian.method()).startsWith("finite differences of DL4J training-mode gradients (fallback: layer 1")
                .contains("has no exact rule");
        Extremes e = hessian.moveTo(net.params()).extremes();
        assertThat(e.products()).isEqualTo(e.steps());
        assertThat(e.method()).isEqualTo(hessian.method());
        assertThat(hessian.eigenvalues(1).isExact()).isFalse();
        hessian.close();
    }
}

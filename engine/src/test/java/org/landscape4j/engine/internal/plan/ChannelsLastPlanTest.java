package org.landscape4j.engine.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.deeplearning4j.nn.api.Model;
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
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.internal.NetworkEvaluator;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A plan with channels-last images computes what the channels-first plan computes, bit for bit, for every step that
 * touches images (2D convolution with and without folded batch norm, standalone batch norm, max and average pooling,
 * zero padding, upsampling, element-wise and merge vertices, global pooling, flattening and unflattening); DL4J's own
 * forward pass is compared by the compile-time probe check and by {@code InferencePlanTest}. A plan that cannot work
 * channels-last keeps DL4J's layout.
 */
class ChannelsLastPlanTest {

    private static final int N = 23;

    @Test
    void convolutionsBatchNormPoolingAndAFlatteningOfManyChannels() {
        MultiLayerNetwork net = mln(new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(6).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(5).activation(Activation.TANH).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(1, 1).build())
                .layer(new DenseLayer.Builder().nOut(7).activation(Activation.RELU).build())
                .layer(output(4))
                .setInputType(InputType.convolutional(10, 10, 3)).build());
        assertSameNumbers(net, images(3, 10, 10),
                "conv2d+batchnorm+relu, maxpool2d, conv2d, batchnorm, avgpool2d, flatten, dense, output");
    }

    @Test
    void zeroPaddingUpsamplingAndAnUnflattening() {
        MultiLayerNetwork net = mln(new NeuralNetConfiguration.Builder().seed(2).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(12).nOut(2 * 4 * 4).activation(Activation.SIGMOID).build())
                .layer(new ZeroPaddingLayer.Builder(1, 2, 0, 1).build())
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(3).activation(Activation.ELU).build())
                .layer(new Upsampling2D.Builder(2).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.MAX).build())
                .layer(output(3))
                .inputPreProcessor(1, new FeedForwardToCnnPreProcessor(4, 4, 2))
                .build());
        INDArray x = Nd4j.rand(DataType.FLOAT, N, 12).subi(0.5);
        assertSameNumbers(net, x, "dense, unflatten, zero-padding, conv2d, upsampling2d, global-max, output");
    }

    @Test
    void residualBlockWithMerge() {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("in")
                .addLayer("c0", new ConvolutionLayer.Builder(3, 3).convolutionMode(ConvolutionMode.Same).nOut(4)
                        .activation(Activation.RELU).build(), "in")
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).convolutionMode(ConvolutionMode.Same).nOut(4)
                        .activation(Activation.IDENTITY).build(), "c0")
                .addLayer("bn1", new BatchNormalization.Builder().build(), "c1")
                .addVertex("skip", new ElementWiseVertex(ElementWiseVertex.Op.Add), "c0", "bn1")
                .addLayer("r", new ActivationLayer.Builder().activation(Activation.RELU).build(), "skip")
                .addVertex("merge", new MergeVertex(), "r", "c0")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "merge")
                .addLayer("out", output(3), "pool")
                .setOutputs("out")
                .setInputTypes(InputType.convolutional(8, 8, 2))
                .build());
        graph.init();
        assertSameNumbers(graph, images(2, 8, 8), "conv2d, conv2d+batchnorm, elementwise-add+relu, merge");
    }

    /**
     * ND4J M2.1's {@code conv2d} cannot build a dilated convolution on oneDNN, so the channels-first plan fails its
     * probe and the network goes to DL4J; channels-last, the plan's own oneDNN call runs it with DL4J's loss.
     */
    @Test
    void aDilatedConvolutionIsPlannedChannelsLastWithDl4jsLoss() {
        MultiLayerNetwork net = mln(new NeuralNetConfiguration.Builder().seed(6).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(3, 3).dilation(2, 2).convolutionMode(ConvolutionMode.Same).nOut(4)
                        .activation(Activation.RELU).build())
                .layer(new ConvolutionLayer.Builder(3, 3).dilation(2, 1).nOut(3).activation(Activation.TANH).build())
                .layer(output(3))
                .setInputType(InputType.convolutional(11, 9, 2)).build());
        INDArray x = images(2, 11, 9);
        Batch b = batch(x, net);
        assertThat(InferencePlan.compile(net, b, false).unsupportedReason())
                .contains("layer 0 'layer0' (ConvolutionLayer): Op [conv2d] execution failed");
        InferencePlan last = InferencePlan.compile(net, b, true);
        assertThat(last.unsupportedReason()).isNull();
        assertThat(last.toString()).endsWith(", channels-last, convolutions by oneDNN");
        assertThat(relativeToDl4jScore(net, b, last)).isLessThan(1e-5);
    }

    /** oneDNN's kernels here are float: a double network's convolutions run ND4J's op, in double, with DL4J's loss. */
    @Test
    void aDoubleNetworkConvolvesThroughNd4jInDouble() {
        MultiLayerNetwork net = mln(new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(output(3))
                .setInputType(InputType.convolutional(7, 7, 2)).build());
        INDArray x = images(2, 7, 7).castTo(DataType.DOUBLE);
        Batch b = batch(x, net);
        InferencePlan plan = InferencePlan.compile(net, b, true);
        assertThat(plan.unsupportedReason()).isNull();
        assertThat(plan.toString()).contains("conv2d+batchnorm, activation").endsWith(", channels-last");
        assertThat(plan.bf16UnavailableReason()).startsWith("the network computes in DOUBLE");
        assertThat(relativeToDl4jScore(net, b, plan)).isLessThan(1e-12);
    }

    @Test
    void aSoftmaxOverChannelsKeepsDl4jsLayout() {
        MultiLayerNetwork net = mln(new NeuralNetConfiguration.Builder().seed(4).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.IDENTITY).build())
                .layer(new ActivationLayer.Builder().activation(Activation.SOFTMAX).build())
                .layer(output(3))
                .setInputType(InputType.convolutional(6, 6, 2)).build());
        InferencePlan plan = InferencePlan.compile(net, batch(images(2, 6, 6), net));
        assertThat(plan.isSupported()).isTrue();
        assertThat(plan.isChannelsLast()).isFalse();
        assertThat(plan.toString()).doesNotContain("channels-last");
    }

    @Test
    void aNetworkWithoutConvolutionsKeepsDl4jsLayout() {
        MultiLayerNetwork net = mln(new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build())
                .layer(output(3))
                .setInputType(InputType.convolutional(4, 4, 2)).build());
        InferencePlan plan = InferencePlan.compile(net, batch(images(2, 4, 4), net));
        assertThat(plan.isChannelsLast()).isFalse();
        assertThat(plan.factorizableStep()).as("the first layer stays factorizable").isGreaterThanOrEqualTo(0);
    }

    // ---- the comparison --------------------------------------------------------------------------------------------

    /**
     * Both layouts on the same network copy, at three points, over batches of 10 (the last one partial), with every
     * step's output compared to DL4J's on the compile probe: loss, accuracy and outputs the same bits. {@code kinds}
     * are the channels-last plan's steps (where a ReLU layer after a convolution is fused into it).
     */
    private static void assertSameNumbers(Model net, INDArray x, String kinds) {
        List<List<Batch>> batches = List.of(List.of(batch(x.get(rows(0, 10)), net), batch(x.get(rows(10, 20)), net),
                batch(x.get(rows(20, N)), net)));
        InferencePlan first = InferencePlan.compile(net, batches.get(0).get(0), false);
        InferencePlan last = InferencePlan.compile(net, batches.get(0).get(0), true);
        assertThat(first.unsupportedReason()).isNull();
        assertThat(last.unsupportedReason()).isNull();
        assertThat(first.isChannelsLast()).isFalse();
        assertThat(last.isChannelsLast()).isTrue();
        assertThat(last.toString()).contains(kinds).endsWith(", channels-last, convolutions by oneDNN");

        Model copyFirst = NetworkEvaluator.copyOf(net);
        Model copyLast = NetworkEvaluator.copyOf(net);
        PlanWorker a = first.newWorker(copyFirst, batches, true, -1, null);
        PlanWorker b = last.newWorker(copyLast, batches, true, -1, null);
        INDArray direction = Nd4j.randn(DataType.FLOAT, net.params().shape()).muli(0.05);
        for (double t : new double[] {0, 1, -2}) {
            INDArray theta = net.params().add(direction.mul(t));
            copyFirst.params().assign(theta);
            copyLast.params().assign(theta);
            a.pointChanged();
            b.pointChanged();
            for (int batch = 0; batch < 3; batch++) {
                NetworkEvaluator.Outputs want = a.run(0, batch, null);
                NetworkEvaluator.Outputs have = b.run(0, batch, null);
                assertThat(have.loss()).as("loss at t = %s, batch %d", t, batch).isEqualTo(want.loss());
                assertThat(have.accuracy()).isEqualTo(want.accuracy());
                assertThat(have.output()).isEqualTo(want.output());
            }
        }
        a.close();
        b.close();
    }

    /** |plan's loss − DL4J's score| / score on the batch {@code b}, at the network's parameters. */
    private static double relativeToDl4jScore(MultiLayerNetwork net, Batch b, InferencePlan plan) {
        double loss = InferencePlan.losses(net, b, plan)[0];
        double dl4j = net.score(new org.nd4j.linalg.dataset.DataSet(b.features()[0], b.labels()[0]), false);
        return Math.abs(loss - dl4j) / dl4j;
    }

    private static Batch batch(INDArray x, Model net) {
        INDArray out = net instanceof MultiLayerNetwork m ? m.output(x, false)
                : ((ComputationGraph) net).outputSingle(false, x);
        INDArray y = Nd4j.zeros(DataType.FLOAT, x.size(0), out.size(1));
        for (int i = 0; i < x.size(0); i++) {
            y.putScalar(i, i % out.size(1), 1.0);
        }
        return new Batch(new INDArray[] {x}, new INDArray[] {y}, (int) x.size(0));
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex rows(int from, int to) {
        return org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to);
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

    private static INDArray images(int c, int h, int w) {
        Nd4j.getRandom().setSeed(c * 7L + h);
        return Nd4j.randn(DataType.FLOAT, N, c, h, w);
    }
}

package org.landscape4j.engine.internal.hessian;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.UnaryOperator;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.internal.plan.InferencePlan;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * What the exact Hessian refuses, and in which words: a kind without an exact rule by name, a graph with several inputs
 * or outputs, and the settings no back end runs (read once, in {@code NetworkGraph.Node.problem}) with the same
 * reason as the inference plan's.
 */
class ExactHessianRefusalTest {

    private static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE);
    }

    private static OutputLayer softmax(int nIn) {
        OutputLayer.Builder b = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                .activation(Activation.SOFTMAX);
        return (nIn > 0 ? b.nIn(nIn) : b).build();
    }

    private static DataSet data(long... featureShape) {
        Nd4j.getRandom().setSeed(1);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, featureShape[0], 2);
        y.getColumn(0).assign(1);
        return new DataSet(Nd4j.randn(DataType.DOUBLE, featureShape), y);
    }

    private static String refusal(Model net, DataSet data) {
        ExactHessian.Compiled c = ExactHessian.compile(net, List.of(data));
        assertThat(c.hessian()).isNull();
        return c.unsupported();
    }

    private static MultiLayerNetwork images(org.deeplearning4j.nn.conf.layers.Layer middle) {
        MultiLayerNetwork net = new MultiLayerNetwork(base().list()
                .layer(new ConvolutionLayer.Builder(2, 2).nIn(1).nOut(6).activation(Activation.TANH).build())
                .layer(middle)
                .layer(softmax(0))
                .setInputType(InputType.convolutional(5, 5, 1))
                .build());
        net.init();
        return net;
    }

    private static ComputationGraph graph(UnaryOperator<GraphBuilder> body) {
        ComputationGraph g = new ComputationGraph(body.apply(base().graphBuilder()).build());
        g.init();
        return g;
    }

    @Test
    void aKindWithoutAnExactRuleIsRefusedByName() {
        DataSet images = data(3, 1, 5, 5);
        assertThat(refusal(images(new LocalResponseNormalization.Builder().build()), images))
                .isEqualTo("layer 1 'layer1' (LocalResponseNormalization) has no exact rule");
        assertThat(refusal(images(new Upsampling2D.Builder(2).build()), images))
                .isEqualTo("layer 1 'layer1' (Upsampling2D) has no exact rule");
        ComputationGraph scaled = graph(b -> b.addInputs("in")
                .addLayer("a", new DenseLayer.Builder().nIn(4).nOut(3).build(), "in")
                .addVertex("s", new ScaleVertex(2.0), "a")
                .addLayer("out", softmax(3), "s")
                .setOutputs("out"));
        assertThat(refusal(scaled, data(3, 4))).isEqualTo("vertex 's' (ScaleVertex) has no exact rule");
        ComputationGraph max = graph(b -> b.addInputs("in")
                .addLayer("a", new DenseLayer.Builder().nIn(4).nOut(3).build(), "in")
                .addLayer("b", new DenseLayer.Builder().nIn(4).nOut(3).build(), "in")
                .addVertex("m", new ElementWiseVertex(ElementWiseVertex.Op.Max), "a", "b")
                .addLayer("out", softmax(3), "m")
                .setOutputs("out"));
        assertThat(refusal(max, data(3, 4))).isEqualTo("vertex 'm' (ElementWiseVertex) (Max of 2 inputs) has no exact"
                + " rule");
    }

    @Test
    void aGraphWithSeveralInputsOrOutputsIsRefusedByName() {
        ComputationGraph twoInputs = graph(b -> b.addInputs("in", "in2")
                .addLayer("a", new DenseLayer.Builder().nIn(4).nOut(3).build(), "in")
                .addLayer("b", new DenseLayer.Builder().nIn(4).nOut(3).build(), "in2")
                .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "a", "b")
                .addLayer("out", softmax(3), "sum")
                .setOutputs("out"));
        assertThat(refusal(twoInputs, data(3, 4))).isEqualTo("the graph has 2 inputs; the exact Hessian takes one");
        ComputationGraph twoOutputs = graph(b -> b.addInputs("in")
                .addLayer("a", new DenseLayer.Builder().nIn(4).nOut(3).build(), "in")
                .addLayer("out", softmax(3), "a")
                .addLayer("out2", softmax(3), "a")
                .setOutputs("out", "out2"));
        assertThat(refusal(twoOutputs, data(3, 4))).isEqualTo("the graph has 2 outputs; the exact Hessian takes one");
        ComputationGraph noLoss = graph(b -> b.addInputs("in")
                .addLayer("a", new DenseLayer.Builder().nIn(4).nOut(2).build(), "in")
                .addLayer("b", new DenseLayer.Builder().nIn(4).nOut(2).build(), "in")
                .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "a", "b")
                .setOutputs("sum"));
        assertThat(refusal(noLoss, data(3, 4)))
                .isEqualTo("vertex 'sum' (ElementWiseVertex) is a network output without a loss layer");
    }

    @Test
    void aSettingNoBackEndRunsIsRefusedInTheInferencePlansWords() {
        MultiLayerNetwork nhwc = new MultiLayerNetwork(base().list()
                .layer(new ConvolutionLayer.Builder(2, 2).nIn(1).nOut(2).dataFormat(CNN2DFormat.NHWC)
                        .activation(Activation.RELU).build())
                .layer(softmax(0))
                .setInputType(InputType.convolutional(4, 4, 1, CNN2DFormat.NHWC))
                .build());
        nhwc.init();
        DataSet data = data(3, 4, 4, 1);
        String reason = refusal(nhwc, data);
        assertThat(reason).isEqualTo("layer 0 'layer0' (ConvolutionLayer) uses the NHWC format");
        Batch batch = new Batch(new INDArray[] {data.getFeatures()}, new INDArray[] {data.getLabels()}, 3);
        assertThat(InferencePlan.compile(nhwc, batch).unsupportedReason()).isEqualTo(reason);
    }
}

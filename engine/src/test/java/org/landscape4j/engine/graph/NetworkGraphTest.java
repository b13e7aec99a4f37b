package org.landscape4j.engine.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class NetworkGraphTest {

    @Test
    void kindsAreMappedByExactClass() {
        assertThat(LayerKind.of(new DenseLayer.Builder().nIn(2).nOut(3).build())).isEqualTo(LayerKind.DENSE);
        assertThat(LayerKind.of(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(2).build()))
                .isEqualTo(LayerKind.CONVOLUTION_2D);
        // a subclass computes something else: not a 2D convolution, a kind of its own or none
        assertThat(LayerKind.of(new DepthwiseConvolution2D.Builder(3, 3).nIn(1).nOut(2).build()))
                .isEqualTo(LayerKind.DEPTHWISE_CONVOLUTION_2D);
        assertThat(LayerKind.of(new SeparableConvolution2D.Builder(3, 3).nIn(1).nOut(2).build())).isNull();
        assertThat(LayerKind.of(new ElementWiseVertex(ElementWiseVertex.Op.Add))).isEqualTo(LayerKind.ELEMENT_WISE);
        assertThat(LayerKind.of(new ScaleVertex(2.0))).isEqualTo(LayerKind.OTHER_VERTEX);
        assertThat(LayerKind.supportedLayers()).contains("Convolution1D, Convolution1DLayer", "DenseLayer")
                .doesNotContain("Vertex");
        assertThat(LayerKind.DENSE.filterAxis()).isEqualTo(1);
        assertThat(LayerKind.CONVOLUTION_2D.filterAxis()).isZero();
        assertThat(LayerKind.DEPTHWISE_CONVOLUTION_2D.filterAxis()).isEqualTo(2);
    }

    @Test
    void theModelsPagesListOfSupportedLayersIsLayerKinds() throws IOException {
        // surefire runs in the module's directory; docs/models.md (linked from the README) holds the list
        String readme = Files.readString(Path.of("..", "docs", "models.md")).replaceAll("\\s+", " ");
        String marker = "Supported layers (DL4J's configuration classes, `LayerKind.supportedLayers()`): ";
        int start = readme.indexOf(marker);
        assertThat(start).as("docs/models.md's sentence '%s...'", marker).isNotNegative();
        String listed = readme.substring(start + marker.length(), readme.indexOf(';', start));
        assertThat(listed).isEqualTo(LayerKind.supportedLayers());
    }

    @Test
    void aNetworksPreprocessorIsANodeBeforeItsLayerAndTheProbeIsDl4jsForwardPass() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .dataType(DataType.DOUBLE).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(5, 5, 1)).build());
        net.init();
        NetworkGraph graph = NetworkGraph.of(net);

        List<NetworkGraph.Node> nodes = graph.nodes();
        assertThat(nodes).extracting(NetworkGraph.Node::kind).containsExactly(LayerKind.PREPROCESSOR,
                LayerKind.CONVOLUTION_2D, LayerKind.PREPROCESSOR, LayerKind.OUTPUT);
        assertThat(nodes.get(0).configuration()).isInstanceOf(FeedForwardToCnnPreProcessor.class);
        assertThat(nodes.get(1).inputs()).containsExactly(nodes.get(0).output());
        assertThat(nodes.get(3).isOutput()).isTrue();
        assertThat(graph.layers()).extracting(NetworkGraph.Node::layerIndex).containsExactly(0, 1);
        assertThat(graph.inputs()).isEqualTo(1);
        assertThat(graph.values()).isEqualTo(5);

        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 25);
        INDArray[] value = graph.probe(x);
        assertThat(value[nodes.get(0).output()].shape()).containsExactly(4, 1, 5, 5);
        assertThat(value[nodes.get(1).output()]).isEqualTo(net.feedForward(x, false).get(1));
        assertThat(value[nodes.get(2).output()].shape()).containsExactly(4, 2 * 3 * 3);
    }

    @Test
    void aGraphIsReadInTopologicalOrderWithItsVerticesAndOutputs() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(2).graphBuilder()
                .addInputs("in")
                .addLayer("a", new DenseLayer.Builder().nIn(4).nOut(4).build(), "in")
                .addLayer("b", new DenseLayer.Builder().nIn(4).nOut(4).build(), "a")
                .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "a", "b")
                .addVertex("scaled", new ScaleVertex(0.5), "sum")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(2)
                        .activation(Activation.IDENTITY).build(), "scaled")
                .setOutputs("out").build();
        ComputationGraph cg = new ComputationGraph(conf);
        cg.init();
        NetworkGraph graph = NetworkGraph.of(cg);

        assertThat(graph.nodes()).extracting(NetworkGraph.Node::name).containsExactly("a", "b", "sum", "scaled",
                "out");
        NetworkGraph.Node sum = graph.nodes().get(2);
        assertThat(sum.kind()).isEqualTo(LayerKind.ELEMENT_WISE);
        assertThat(sum.inputs()).containsExactly(graph.nodes().get(0).output(), graph.nodes().get(1).output());
        assertThat(sum.source()).isEqualTo("vertex 'sum' (ElementWiseVertex)");
        assertThat(graph.nodes().get(3).kind()).isEqualTo(LayerKind.OTHER_VERTEX);
        assertThat(graph.nodes().get(4).outputIndex()).isZero();
        assertThat(graph.nodes()).allMatch(n -> n.structuralProblem() == null);
        assertThat(graph.layers()).extracting(NetworkGraph.Node::name).containsExactlyInAnyOrder("a", "b", "out");
    }

    @Test
    void aLayerOfNoKindIsRefusedByNameWithTheSupportedList() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new SeparableConvolution2D.Builder(3, 3).name("sep").nOut(2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(5, 5, 1)).build());
        net.init();
        assertThatThrownBy(() -> NetworkGraph.of(net)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("layer 0 'sep' is a SeparableConvolution2D, which the engine does not support;"
                        + " supported layer kinds: ActivationLayer, BatchNormalization");
        assertThatThrownBy(() -> NetworkGraph.of(new MultiLayerNetwork(net.getLayerWiseConfigurations())))
                .hasMessage("the MultiLayerNetwork is not initialised: call net.init() first");
    }
}

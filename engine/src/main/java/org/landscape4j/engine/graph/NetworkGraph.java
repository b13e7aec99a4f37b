package org.landscape4j.engine.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A DL4J network read once, as the engine's back ends see it: its nodes in topological order, each of a
 * {@link LayerKind}, with its configuration, its DL4J layer (whose parameter table holds views of the network's flat
 * parameters) and the values it reads and writes. This is the one place the engine reads a
 * {@link MultiLayerNetwork}'s or a {@link ComputationGraph}'s structure: the parameter layout, the inference plan
 * and the exact Hessian all walk these nodes.
 *
 * <p><b>Values.</b> The network's inputs are values {@code 0 .. inputs-1}; node {@code i} writes value
 * {@code inputs + i}. A layer's input preprocessor is a node of its own ({@link LayerKind#PREPROCESSOR}) just
 * before the layer, so a preprocessor is handled the same way whether it belongs to a layer or is a graph vertex.
 *
 * <p>{@link #probe} adds what DL4J's own forward pass computes on a few examples: every value's array (the shapes
 * the back ends size their buffers from, and what they are checked against).
 */
public final class NetworkGraph {

    /**
     * One node of the graph.
     *
     * @param id            the node's position in topological order; it writes value {@code inputs + id}
     * @param kind          what the engine knows of it
     * @param name          the layer's or vertex's name (a layer without one is {@code layer<i>})
     * @param source        how messages name it, e.g. {@code layer 2 'conv2' (ConvolutionLayer)} or
     *                      {@code vertex 'add' (ElementWiseVertex)}; a preprocessor carries its owner's
     * @param configuration the DL4J layer configuration, graph vertex or {@link InputPreProcessor}
     * @param layer         the DL4J layer (parameters), or {@code null} for vertices and preprocessors
     * @param layerIndex    the layer's index in DL4J's {@code getLayers()} order, or -1
     * @param inputs        the values read
     * @param output        the value written
     * @param outputIndex   which network output this node is ({@code 0..}), or -1
     */
    public record Node(int id, LayerKind kind, String name, String source, Object configuration, Layer layer,
                       int layerIndex, int[] inputs, int output, int outputIndex) {

        /** The configuration as {@code type} (e.g. {@code node.config(DenseLayer.class)}). */
        public <T> T config(Class<T> type) {
            return type.cast(configuration);
        }

        /** Whether this node is a network output. */
        public boolean isOutput() {
            return outputIndex >= 0;
        }

        /**
         * What no back end can run whatever the kind: a layer vertex with several inputs, or a network output that is
         * not a layer; {@code null} when the node is well-formed.
         */
        public String structuralProblem() {
            if (kind.isLayer() && inputs.length != 1) {
                return source + " has " + inputs.length + " inputs";
            }
            if (!kind.isLayer() && isOutput()) {
                return source + " is a network output without a loss layer";
            }
            return null;
        }

        /**
         * What no back end runs of this node: its {@link #structuralProblem()}, or a setting none of them implements,
         * read with {@code probe}, the values of {@link NetworkGraph#probe}: layer normalization in a dense layer;
         * images in NHWC (convolution, depthwise convolution, subsampling, zero padding, upsampling, batch
         * normalization, which also takes only rank-2 or rank-4 activations), a 1D convolution over NWC sequences; an
         * element-wise vertex broadcasting inputs of different shapes; an input preprocessor that does more than
         * reshape. {@code null} when there is none. A back end's own restrictions (a pooling type, an activation
         * function) are its rules'.
         */
        public String problem(INDArray[] probe) {
            String structural = structuralProblem();
            if (structural != null) {
                return structural;
            }
            return switch (kind) {
                case DENSE -> config(DenseLayer.class).hasLayerNorm() ? source + " uses layer normalization" : null;
                case CONVOLUTION_2D, DEPTHWISE_CONVOLUTION_2D -> nhwc(config(ConvolutionLayer.class)
                        .getCnn2dDataFormat());
                case CONVOLUTION_1D -> config(Convolution1DLayer.class).getRnnDataFormat() == RNNFormat.NCW ? null
                        : source + " uses the NWC format";
                case ZERO_PADDING -> nhwc(config(ZeroPaddingLayer.class).getDataFormat());
                case UPSAMPLING_2D -> nhwc(config(Upsampling2D.class).getFormat());
                case SUBSAMPLING_2D, SUBSAMPLING_1D -> {
                    SubsamplingLayer s = config(SubsamplingLayer.class);
                    yield s.getCnn2dDataFormat() != CNN2DFormat.NCHW
                            ? source + " uses " + s.getPoolingType() + " pooling or NHWC" : null;
                }
                case BATCH_NORMALIZATION -> {
                    int rank = probe[inputs[0]].rank();
                    boolean nchw = config(BatchNormalization.class).getCnn2DFormat() == CNN2DFormat.NCHW;
                    yield rank == 2 || rank == 4 && nchw ? null
                            : source + " normalizes rank-" + rank + " or NHWC activations";
                }
                case ELEMENT_WISE -> {
                    long[] first = probe[inputs[0]].shape();
                    for (int v : inputs) {
                        long[] shape = probe[v].shape();
                        if (!Arrays.equals(shape, 1, shape.length, first, 1, first.length)) {
                            yield source + " broadcasts inputs of different shapes";
                        }
                    }
                    yield null;
                }
                case CHANNEL_GATE -> {
                    long[] x = probe[inputs[0]].shape();
                    long[] gate = probe[inputs[1]].shape();
                    yield x.length == 4 && Arrays.equals(gate, new long[] {x[0], x[1], 1, 1}) ? null
                            : source + " gates " + Arrays.toString(x) + " by " + Arrays.toString(gate)
                            + "; only [n, c, h, w] by [n, c, 1, 1]";
                }
                case PREPROCESSOR -> inputs.length == 1 && probe[output] == null ? source + ": input preprocessor "
                        + configuration.getClass().getSimpleName() + " is not a plain reshape" : null;
                default -> null;
            };
        }

        private String nhwc(CNN2DFormat format) {
            return format == CNN2DFormat.NCHW ? null : source + " uses the NHWC format";
        }
    }

    private final Model model;
    private final List<Node> nodes;
    private final List<Node> layers;
    private final int inputs;
    private final int outputs;

    private NetworkGraph(Model model, List<Node> nodes, int inputs, int outputs) {
        this.model = model;
        this.nodes = List.copyOf(nodes);
        this.inputs = inputs;
        this.outputs = outputs;
        Node[] byLayer = new Node[(int) nodes.stream().filter(n -> n.layerIndex >= 0).count()];
        for (Node n : nodes) {
            if (n.layerIndex >= 0) {
                byLayer[n.layerIndex] = n;
            }
        }
        this.layers = List.of(byLayer);
    }

    /**
     * Reads {@code model} (only read; the nodes' layers are its own, so their parameters are views of its flat
     * vector).
     *
     * @throws IllegalArgumentException if it is not an initialised {@link MultiLayerNetwork} or
     *                                  {@link ComputationGraph}, or holds a layer of no {@link LayerKind} (named
     *                                  with the supported list)
     */
    public static NetworkGraph of(Model model) {
        if (model instanceof MultiLayerNetwork net) {
            if (!net.isInitCalled()) {
                throw new IllegalArgumentException("the MultiLayerNetwork is not initialised: call net.init() first");
            }
            return ofNetwork(net);
        }
        if (model instanceof ComputationGraph graph) {
            if (graph.getLayers() == null || graph.params() == null) {
                throw new IllegalArgumentException("the ComputationGraph is not initialised: call graph.init() first");
            }
            return ofGraph(graph);
        }
        throw new IllegalArgumentException("model must be a MultiLayerNetwork or a ComputationGraph, was "
                + (model == null ? "null" : model.getClass().getName()));
    }

    private static NetworkGraph ofNetwork(MultiLayerNetwork net) {
        List<Node> nodes = new ArrayList<>();
        int value = 0;
        int n = net.getnLayers();
        for (int l = 0; l < n; l++) {
            Layer layer = net.getLayer(l);
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            String name = conf.getLayerName() != null ? conf.getLayerName() : "layer" + l;
            LayerKind kind = kindOf(conf, l, name);
            String source = "layer " + l + " '" + conf.getLayerName() + "' (" + conf.getClass().getSimpleName() + ")";
            InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(l);
            if (pre != null) {
                value = add(nodes, 1, LayerKind.PREPROCESSOR, name, source, pre, null, -1, new int[] {value}, -1);
            }
            value = add(nodes, 1, kind, name, source, conf, layer, l, new int[] {value}, l == n - 1 ? 0 : -1);
        }
        return new NetworkGraph(net, nodes, 1, 1);
    }

    private static NetworkGraph ofGraph(ComputationGraph graph) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        Layer[] dl4jLayers = graph.getLayers();
        Map<String, Integer> layerIndex = new HashMap<>();
        for (int i = 0; i < dl4jLayers.length; i++) {
            org.deeplearning4j.nn.conf.layers.Layer c = dl4jLayers[i].conf().getLayer();
            String name = c.getLayerName() != null ? c.getLayerName() : "layer" + i;
            kindOf(c, i, name);
            layerIndex.put(dl4jLayers[i].conf().getLayer().getLayerName(), i);
        }
        List<String> inputNames = conf.getNetworkInputs();
        List<String> outputNames = conf.getNetworkOutputs();
        Map<String, Integer> values = new HashMap<>();
        for (int i = 0; i < inputNames.size(); i++) {
            values.put(inputNames.get(i), i);
        }
        int k = inputNames.size();
        List<Node> nodes = new ArrayList<>();
        for (int index : graph.topologicalSortOrder()) {
            String name = graph.getVertices()[index].getVertexName();
            if (values.containsKey(name)) {
                continue;
            }
            GraphVertex vertex = conf.getVertices().get(name);
            int[] in = conf.getVertexInputs().get(name).stream().mapToInt(values::get).toArray();
            int output = outputNames.indexOf(name);
            if (vertex instanceof LayerVertex lv) {
                org.deeplearning4j.nn.conf.layers.Layer c = lv.getLayerConf().getLayer();
                String source = "vertex '" + name + "' (" + c.getClass().getSimpleName() + ")";
                if (lv.getPreProcessor() != null && in.length == 1) {
                    in = new int[] {add(nodes, k, LayerKind.PREPROCESSOR, name, source, lv.getPreProcessor(), null,
                            -1, in, -1)};
                }
                Integer li = layerIndex.get(name);
                values.put(name, add(nodes, k, LayerKind.of(c), name, source, c, graph.getLayer(name),
                        li == null ? -1 : li, in, output));
            } else {
                String source = "vertex '" + name + "' (" + vertex.getClass().getSimpleName() + ")";
                Object config = vertex instanceof PreprocessorVertex pv ? pv.getPreProcessor() : vertex;
                values.put(name, add(nodes, k, LayerKind.of(vertex), name, source, config, null, -1, in, output));
            }
        }
        return new NetworkGraph(graph, nodes, k, outputNames.size());
    }

    private static LayerKind kindOf(org.deeplearning4j.nn.conf.layers.Layer conf, int index, String name) {
        LayerKind kind = LayerKind.of(conf);
        if (kind == null) {
            throw new IllegalArgumentException("layer " + index + " '" + name + "' is a "
                    + conf.getClass().getSimpleName() + ", which the engine does not support; supported layer kinds: "
                    + LayerKind.supportedLayers());
        }
        return kind;
    }

    private static int add(List<Node> nodes, int inputs, LayerKind kind, String name, String source, Object config,
                           Layer layer, int layerIndex, int[] in, int outputIndex) {
        int id = nodes.size();
        nodes.add(new Node(id, kind, name, source, config, layer, layerIndex, in, inputs + id, outputIndex));
        return inputs + id;
    }

    /** The model read (the nodes' layers are its layers). */
    public Model model() {
        return model;
    }

    /** The nodes in topological order. */
    public List<Node> nodes() {
        return nodes;
    }

    /** The layer nodes in DL4J's {@code getLayers()} order (the order of their parameters' table entries). */
    public List<Node> layers() {
        return layers;
    }

    /** The number of network inputs (values {@code 0 .. inputs-1}). */
    public int inputs() {
        return inputs;
    }

    /** The number of network outputs. */
    public int outputs() {
        return outputs;
    }

    /** The number of values: the inputs and one per node. */
    public int values() {
        return inputs + nodes.size();
    }

    /**
     * Runs DL4J's own inference forward pass on {@code features} (one array per input) and returns every value's
     * array. A preprocessor's value is its output when it only reshapes (its input's values in C order), else
     * {@code null}. A network's output layers have no value here (the back ends compute their heads).
     */
    public INDArray[] probe(INDArray... features) {
        INDArray[] value = new INDArray[values()];
        System.arraycopy(features, 0, value, 0, inputs);
        if (model instanceof MultiLayerNetwork net) {
            List<INDArray> acts = net.feedForward(features[0], false);
            for (Node n : nodes) {
                value[n.output] = n.kind == LayerKind.PREPROCESSOR ? null : acts.get(n.layerIndex + 1);
            }
        } else {
            Map<String, INDArray> acts = ((ComputationGraph) model).feedForward(features, false, false);
            for (Node n : nodes) {
                value[n.output] = n.kind == LayerKind.PREPROCESSOR ? null : acts.get(n.name);
            }
        }
        for (Node n : nodes) {
            if (n.kind == LayerKind.PREPROCESSOR && n.inputs.length == 1 && value[n.inputs[0]] != null) {
                value[n.output] = asReshape(n.config(InputPreProcessor.class), value[n.inputs[0]]);
            }
        }
        return value;
    }

    /**
     * {@code pre} applied to a probe input {@code in}, when it only reshapes ({@code in}'s values in C order, in the
     * output's shape); {@code null} when it does anything else.
     */
    private static INDArray asReshape(InputPreProcessor pre, INDArray in) {
        INDArray out = pre.preProcess(in.dup(), (int) in.size(0), LayerWorkspaceMgr.noWorkspaces());
        boolean reshape = out.length() == in.length() && in.dup('c').reshape('c', out.shape()).equals(out);
        return reshape ? out : null;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("NetworkGraph ").append(nodes.size()).append(" nodes, ").append(inputs)
                .append(" inputs, ").append(outputs).append(" outputs");
        for (Node n : nodes) {
            sb.append("\n  ").append(n.output).append(" = ").append(n.kind).append(Arrays.toString(n.inputs))
                    .append(' ').append(n.source);
        }
        return sb.toString();
    }
}

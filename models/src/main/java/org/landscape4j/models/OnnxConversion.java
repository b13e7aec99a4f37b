package org.landscape4j.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.landscape4j.models.OnnxTensors.Constant;

/**
 * What converting one ONNX node adds, returned by its converter and applied by {@link OnnxImporter}: at most one DL4J
 * layer or vertex (named {@link #vertex()}, reading {@link #inputs()}), the parameters to write into it once the
 * network exists, the activations and constants the node's outputs become, and what the conversion report counts
 * ({@code "ConvolutionLayer"} in {@code "Conv -> ConvolutionLayer"}; {@code null} for the ops evaluated on constants).
 *
 * <p>Built by the factories and {@code with...} methods, each returning a new value:
 * <pre>{@code
 * String v = context.vertexName(node);
 * return OnnxConversion.layer(v, new DenseLayer.Builder()...build(), "DenseLayer", x)
 *         .withParam("W", w, 1, 0)
 *         .withOutput(node.getOutput(0), new long[] {nOut});
 * }</pre>
 *
 * @param vertex      the name of the layer or vertex added, or {@code null} when the node adds none
 * @param layer       the layer added, or {@code null}
 * @param graphVertex the vertex added, or {@code null}
 * @param inputs      the DL4J vertices the layer or vertex reads
 * @param converted   what the report counts the node as, or {@code null} for nothing
 * @param params      the parameter tensors to write into the layer
 * @param activations the computed tensors this node's outputs are, by ONNX tensor name
 * @param constants   the constant tensors this node's outputs are, by ONNX tensor name
 */
record OnnxConversion(String vertex, Layer layer, GraphVertex graphVertex, List<String> inputs, String converted,
                      List<Param> params, Map<String, Act> activations, Map<String, Constant> constants) {

    /**
     * An activation (a computed tensor): the DL4J vertex computing it, its ONNX shape and its DL4J shape (both
     * without the batch; they differ after a global pooling, {@code [c, 1, 1]} against {@code [c]}, for channels read
     * as groups ({@link OnnxChannels}), and for {@code channelsLast}: PyTorch's {@code x.permute(0, 2, 3, 1)} of an
     * image, {@code [h, w, c]} in ONNX, the same NCHW tensor in DL4J).
     */
    record Act(String vertex, long[] shape, long[] dl4j, boolean channelsLast) {
        /** A tensor in DL4J's layout (images NCHW). */
        Act(String vertex, long[] shape, long[] dl4j) {
            this(vertex, shape, dl4j, false);
        }

        int rank() {
            return shape.length + 1;
        }

        @Override
        public String toString() {
            return vertex + " " + Arrays.toString(shape) + " (DL4J " + Arrays.toString(dl4j) + ")"
                    + (channelsLast ? " channels-last" : "");
        }
    }

    /** A parameter tensor to write into {@code key} of layer {@code vertex}, its axes permuted by {@code axes}. */
    record Param(String vertex, String key, Constant value, int[] axes) {
    }

    OnnxConversion {
        if (layer != null && graphVertex != null) {
            throw new IllegalArgumentException("a conversion adds one layer or one vertex, was both: " + vertex);
        }
        if ((layer != null || graphVertex != null) != (vertex != null)) {
            throw new IllegalArgumentException("vertex must name the layer or vertex added (null when none is), was "
                    + vertex);
        }
        if (!params.isEmpty() && layer == null) {
            throw new IllegalArgumentException("parameters " + params + " need a layer to be written into");
        }
        inputs = List.copyOf(inputs);
        params = List.copyOf(params);
        activations = Map.copyOf(activations);
        constants = Map.copyOf(constants);
    }

    /** Layer {@code layer}, named {@code vertex}, on {@code input}: counted as {@code converted}. */
    static OnnxConversion layer(String vertex, Layer layer, String converted, Act input) {
        return new OnnxConversion(vertex, layer, null, List.of(input.vertex()), converted, List.of(), Map.of(),
                Map.of());
    }

    /** Vertex {@code graphVertex}, named {@code vertex}, on {@code inputs}: counted as {@code converted}. */
    static OnnxConversion vertex(String vertex, GraphVertex graphVertex, String converted, List<Act> inputs) {
        return new OnnxConversion(vertex, null, graphVertex, inputs.stream().map(Act::vertex).toList(),
                converted, List.of(), Map.of(), Map.of());
    }

    /** No layer or vertex (an op DL4J does not need at inference): counted as {@code converted}. */
    static OnnxConversion nothing(String converted) {
        return new OnnxConversion(null, null, null, List.of(), converted, List.of(), Map.of(), Map.of());
    }

    /** Output {@code tensor} is a constant of {@code shape} and {@code values}; nothing is counted. */
    static OnnxConversion constant(String tensor, long[] shape, double[] values) {
        return new OnnxConversion(null, null, null, List.of(), null, List.of(), Map.of(),
                Map.of(tensor, new Constant(tensor, shape, values)));
    }

    /** With {@code value} written into parameter {@code key} of this conversion's layer, permuted by {@code axes}. */
    OnnxConversion withParam(String key, Constant value, int... axes) {
        List<Param> more = new ArrayList<>(params);
        more.add(new Param(vertex, key, value, axes));
        return new OnnxConversion(vertex, layer, graphVertex, inputs, converted, more, activations, constants);
    }

    /** With output {@code tensor} computed by this conversion's vertex, of one shape in ONNX and DL4J. */
    OnnxConversion withOutput(String tensor, long[] shape) {
        return withOutput(tensor, shape, shape);
    }

    /** With output {@code tensor} computed by this conversion's vertex: {@code shape} in ONNX, {@code dl4j} in DL4J. */
    OnnxConversion withOutput(String tensor, long[] shape, long[] dl4j) {
        return withOutput(tensor, new Act(vertex, shape, dl4j));
    }

    /** With output {@code tensor} computed by this conversion's vertex element by element from {@code x}: its shapes
     * and layout. */
    OnnxConversion withOutputLike(String tensor, Act x) {
        return withOutput(tensor, new Act(vertex, x.shape(), x.dl4j(), x.channelsLast()));
    }

    /** With output {@code tensor} being {@code activation} (computed here or earlier: an op DL4J skips). */
    OnnxConversion withOutput(String tensor, Act activation) {
        Map<String, Act> more = new LinkedHashMap<>(activations);
        more.put(tensor, activation);
        return new OnnxConversion(vertex, layer, graphVertex, inputs, converted, params, more, constants);
    }
}

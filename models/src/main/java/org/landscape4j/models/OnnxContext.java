package org.landscape4j.models;

import static org.landscape4j.models.OnnxNodes.refuse;

import java.util.Arrays;
import java.util.stream.Collectors;

import onnx.Onnx;
import org.landscape4j.models.OnnxConversion.Act;
import org.landscape4j.models.OnnxTensors.Constant;

/**
 * What a converter may read while converting one node: the graph's opset, the constants (initializers, and the
 * values of the nodes evaluated on constants so far), the activations of the nodes converted so far, and which
 * tensors the rest of the graph reads. Read-only: a converter returns what it adds ({@link OnnxConversion}) and
 * {@link OnnxImporter} applies it.
 *
 * <p>The default methods read a node's inputs and refuse the node, naming it, when an input is not what the op
 * needs.
 */
interface OnnxContext {

    /** The version of the default ONNX operator set the model imports (0 when it imports none). */
    int opset();

    /** The batch size written in the input's shape, or -2 when it is symbolic. */
    long fixedBatch();

    /** The activation {@code tensor} is, or {@code null} when it is a constant or not computed yet. */
    Act activationOf(String tensor);

    /** Whether {@code tensor} is a constant: an initializer or an evaluated value (not read by this call). */
    boolean isConstant(String tensor);

    /** The constant {@code tensor} is (an initializer, read once, or an evaluated value), or {@code null}. */
    Constant constantOf(String tensor);

    /** Whether {@code tensor} is an initializer that an earlier node already took as its parameter. */
    boolean isClaimed(String tensor);

    /** Whether a node the graph's output depends on reads {@code tensor}. */
    boolean isConsumed(String tensor);

    /** Whether every node the graph's output depends on that reads {@code tensor} is a {@code Flatten} or a
     * {@code Reshape}. */
    boolean onlyFlattened(String tensor);

    /** The name the layer or vertex of {@code node} gets if it adds one (unique in the graph). */
    String vertexName(Onnx.NodeProto node);

    /** Input {@code i} of {@code n} as a constant; refuses {@code n} when it is computed from the data. */
    default Constant constantInput(Onnx.NodeProto n, int i) {
        if (n.getInputCount() <= i || !isConstant(n.getInput(i))) {
            throw refuse(n, "input " + i + " is computed from the data; " + n.getOpType()
                    + " is supported only on constant shape values");
        }
        return constantOf(n.getInput(i));
    }

    /** Input {@code i} of {@code n} as a parameter tensor: an initializer (or constant) used by this node only. */
    default Constant weight(Onnx.NodeProto n, int i) {
        if (n.getInputCount() <= i || n.getInput(i).isEmpty()) {
            throw refuse(n, "has no input " + i);
        }
        String name = n.getInput(i);
        if (!isConstant(name)) {
            throw refuse(n, "input " + i + " '" + name + "' is computed, not stored; only stored weights");
        }
        if (isClaimed(name)) {
            throw sharedWeight(n, name);
        }
        return constantOf(name);
    }

    /**
     * Input {@code i} of {@code n} as an activation of {@code rank} (-1: any). A global pooling's output, {@code [c, 1,
     * 1]} in ONNX but {@code [c]} in DL4J, is refused: only the ops that flatten it or pass it on read it, through
     * {@link #anyActivation}.
     */
    default Act activation(Onnx.NodeProto n, int i, int rank) {
        Act a = elementwise(n, i, rank);
        if (a.channelsLast()) {
            throw refuse(n, "reads a channels-last tensor " + OnnxNodes.shapeText(a.shape()) + " (a Transpose"
                    + " [0, 2, 3, 1] of an image); only element-wise ops, LayerNormalization, MatMul and the Transpose"
                    + " back may read it");
        }
        return a;
    }

    /**
     * Input {@code i} of {@code n} as an activation of {@code rank} (-1: any) for an op that works on any layout
     * (element by element, or along the last axis of a channels-last tensor); otherwise as {@link #activation}.
     */
    default Act elementwise(Onnx.NodeProto n, int i, int rank) {
        Act a = anyActivation(n, i);
        if (OnnxChannels.isGrouped(a)) {
            throw refuse(n, "reads channels read as groups " + OnnxNodes.shapeText(a.shape()) + "; only the channel"
                    + " shuffle's Transpose and Reshape may follow");
        }
        if (a.shape().length != a.dl4j().length && !a.channelsLast()) {
            throw refuse(n, "reads the output of a global pooling " + OnnxNodes.shapeText(a.shape())
                    + " unflattened; only Flatten/Reshape may follow a global pooling");
        }
        if (rank > 0 && a.rank() != rank) {
            throw refuse(n, "input '" + n.getInput(i) + "' has rank " + a.rank() + " ([batch" + Arrays.stream(
                    a.shape()).mapToObj(s -> ", " + s).collect(Collectors.joining()) + "]); " + n.getOpType()
                    + " needs rank " + rank);
        }
        return a;
    }

    /** Input {@code i} of {@code n} as an activation of any shape, a global pooling's unflattened output included. */
    default Act anyActivation(Onnx.NodeProto n, int i) {
        String name = n.getInput(i);
        Act a = activationOf(name);
        if (a == null) {
            throw refuse(n, "input " + i + " '" + name + "' is a constant; only computed tensors");
        }
        return a;
    }

    /** The refusal of a node that takes as its parameter an initializer another node took. */
    static ModelImportException sharedWeight(Onnx.NodeProto n, String name) {
        return refuse(n, "shares the weight '" + name + "' with another node; shared weights are not supported");
    }
}

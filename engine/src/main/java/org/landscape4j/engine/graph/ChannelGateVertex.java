package org.landscape4j.engine.graph;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLambdaVertex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A feature map multiplied by a per-channel gate: {@code [n, c, h, w] * [n, c, 1, 1]}, broadcast over the image (the
 * last step of squeeze-and-excitation: EfficientNet's and MobileNetV3's blocks, PyTorch's {@code x * scale}). DL4J's
 * {@code ElementWiseVertex} multiplies inputs of one shape only; this vertex is DL4J's own SameDiff vertex, so DL4J's
 * forward and backward passes (the reference the inference plan is checked against, and the gradients curvature's
 * finite differences use) are SameDiff's broadcasting multiply. Inputs: the feature map first, the gate second.
 *
 * <p>It is {@link LayerKind#CHANNEL_GATE}: the inference plan runs it as one broadcasting multiply.
 */
public final class ChannelGateVertex extends SameDiffLambdaVertex {

    /** A gate of the network's data type (set by DL4J when the graph is built; float until then). */
    public ChannelGateVertex() {
        // DL4J defines the SameDiff graph to list the vertex's inputs (also when writing JSON) before any network sets
        // the type; an unknown type is refused there
        setDataType(DataType.FLOAT);
    }

    @Override
    public SDVariable defineVertex(SameDiff sameDiff, VertexInputs inputs) {
        return inputs.getInput(0).mul(inputs.getInput(1));
    }

    /** The feature map's type. */
    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        return vertexInputs[0];
    }

    @Override
    public int minVertexInputs() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return 2;
    }

    @Override
    public ChannelGateVertex clone() {
        ChannelGateVertex copy = new ChannelGateVertex();
        copy.setDataType(getDataType());
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelGateVertex;
    }

    @Override
    public int hashCode() {
        return ChannelGateVertex.class.hashCode();
    }

    @Override
    public String toString() {
        return "ChannelGateVertex()";
    }
}

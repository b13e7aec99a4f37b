package org.landscape4j.engine.graph;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A feature map multiplied by a per-channel gate: {@code [n, c, h, w] * [n, c, 1, 1]}, broadcast over the image (the
 * last step of squeeze-and-excitation: EfficientNet's and MobileNetV3's blocks, PyTorch's {@code x * scale}). Inputs:
 * the feature map first, the gate second. DL4J's {@code ElementWiseVertex} multiplies inputs of one shape only.
 *
 * <p>DL4J runs it through this vertex's own forward and backward passes: {@code y = x ⊙ s}, {@code dx = dy ⊙ s},
 * {@code ds = Σ_{h,w} dy ⊙ x}. (A {@code SameDiffLambdaVertex} computing {@code x.mul(s)} was tried first: its forward
 * pass is right, but DL4J's gradient through it was 28-37% off central differences of the loss on a
 * squeeze-and-excitation graph, which would have made curvature's finite-difference fallback and training wrong.) It
 * is {@link LayerKind#CHANNEL_GATE}: the inference plan runs it as one broadcasting multiply, the exact Hessian has a
 * rule for it.
 */
public final class ChannelGateVertex extends ParameterFreeVertex {

    @Override
    public ChannelGateVertex clone() {
        return new ChannelGateVertex();
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
    public int minVertexInputs() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int index,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new Gate(graph, name, index, networkDatatype);
    }

    /** The feature map's type; the gate must be {@code [c, 1, 1]} of the same channels. */
    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 2 || !(vertexInputs[0] instanceof InputType.InputTypeConvolutional x)
                || !(vertexInputs[1] instanceof InputType.InputTypeConvolutional s) || s.getHeight() != 1
                || s.getWidth() != 1 || s.getChannels() != x.getChannels()) {
            throw new InvalidInputTypeException("a channel gate multiplies an image [c, h, w] by a gate [c, 1, 1],"
                    + " was " + java.util.Arrays.toString(vertexInputs));
        }
        return vertexInputs[0];
    }

    @Override
    public String toString() {
        return "ChannelGateVertex()";
    }

    /** DL4J's runtime vertex: the product and its gradients. */
    private static final class Gate extends Runtime {

        Gate(ComputationGraph graph, String name, int index, DataType dataType) {
            super(graph, name, index, dataType);
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            INDArray x = inputs[0];
            INDArray y = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
            Nd4j.exec(new MulOp(x, inputs[1], y));
            return y;
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            INDArray x = inputs[0];
            INDArray s = inputs[1];
            INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape(), 'c');
            Nd4j.exec(new MulOp(epsilon, s, dx));
            INDArray ds = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, s.dataType(), s.shape(), 'c');
            ds.assign(epsilon.mul(x).sum(true, 2, 3));
            return new Pair<>(new DefaultGradient(), new INDArray[] {dx, ds});
        }
    }
}

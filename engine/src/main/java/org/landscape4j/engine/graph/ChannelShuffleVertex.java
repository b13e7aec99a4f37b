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
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * ShuffleNet's channel shuffle: the channels of {@code [n, c, h, w]} read as {@code groups} groups of
 * {@code c / groups}, transposed, so that output channel {@code j * groups + i} is input channel
 * {@code i * (c / groups) + j} (PyTorch's {@code x.view(n, g, c / g, h, w).transpose(1, 2).reshape(n, c, h, w)}). Its
 * gradient is the inverse shuffle, the one of {@code c / groups} groups. DL4J has no such vertex; it is
 * {@link LayerKind#CHANNEL_SHUFFLE}: the inference plan and the exact Hessian run {@link #shuffle} too.
 */
public final class ChannelShuffleVertex extends ParameterFreeVertex {

    @JsonProperty("groups")
    private int groups;

    /** For DL4J's JSON configuration reader only. */
    private ChannelShuffleVertex() {
    }

    /**
     * @param groups the group count, at least 1, dividing the input's channels
     * @throws IllegalArgumentException naming the value when it is below 1
     */
    public ChannelShuffleVertex(int groups) {
        if (groups < 1) {
            throw new IllegalArgumentException("a channel shuffle needs at least 1 group, was " + groups);
        }
        this.groups = groups;
    }

    public int getGroups() {
        return groups;
    }

    /**
     * {@code x} with its channels (along {@code axis}: 1 for NCHW images, 3 for NHWC) shuffled in {@code groups}
     * groups, a new array in row-major order; {@code x} is not changed.
     */
    public static INDArray shuffle(INDArray x, int groups, int axis) {
        long[] s = x.shape();
        long c = s[axis];
        if (c % groups != 0) {
            throw new IllegalArgumentException("a channel shuffle of " + groups + " groups of " + c + " channels");
        }
        long[] split = new long[s.length + 1];
        int[] perm = new int[s.length + 1];
        for (int d = 0, k = 0; d < s.length; d++) {
            if (d == axis) {
                split[k] = groups;
                split[k + 1] = c / groups;
                perm[k] = k + 1;
                perm[k + 1] = k;
                k += 2;
            } else {
                split[k] = s[d];
                perm[k] = k;
                k++;
            }
        }
        return x.dup('c').reshape('c', split).permute(perm).dup('c').reshape('c', s);
    }

    @Override
    public ChannelShuffleVertex clone() {
        return new ChannelShuffleVertex(groups);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelShuffleVertex v && v.groups == groups;
    }

    @Override
    public int hashCode() {
        return 31 * ChannelShuffleVertex.class.hashCode() + groups;
    }

    @Override
    public int minVertexInputs() {
        return 1;
    }

    @Override
    public int maxVertexInputs() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int index,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new Shuffle(graph, name, index, networkDatatype, groups);
    }

    /** The input's type; its channels must be a multiple of the groups. */
    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 1 || !(vertexInputs[0] instanceof InputType.InputTypeConvolutional x)
                || x.getChannels() % groups != 0) {
            throw new InvalidInputTypeException("a channel shuffle of " + groups + " groups takes one image whose"
                    + " channels are a multiple of them, was " + java.util.Arrays.toString(vertexInputs));
        }
        return vertexInputs[0];
    }

    @Override
    public String toString() {
        return "ChannelShuffleVertex(groups=" + groups + ")";
    }

    /** DL4J's runtime vertex: the shuffle, and the inverse shuffle of the gradient. */
    private static final class Shuffle extends Runtime {
        private final int groups;

        Shuffle(ComputationGraph graph, String name, int index, DataType dataType, int groups) {
            super(graph, name, index, dataType);
            this.groups = groups;
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            INDArray x = inputs[0];
            INDArray y = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
            return y.assign(shuffle(x, groups, 1));
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            long c = epsilon.size(1);
            INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(),
                    epsilon.shape(), 'c');
            dx.assign(shuffle(epsilon, (int) (c / groups), 1));
            return new Pair<>(new DefaultGradient(), new INDArray[] {dx});
        }
    }
}

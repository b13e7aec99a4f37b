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
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A range of channels of an image, {@code x[:, from:from + count]} of {@code [n, c, h, w]} (PyTorch's {@code chunk} and
 * slicing, ShuffleNet's channel split). Its gradient is the output's gradient put back into zeros. DL4J's own
 * {@code SubsetVertex} selects channels too, but in 1.0.0-M2.1 its output type leaves the next layer with
 * {@code nIn=0} on images. It is {@link LayerKind#CHANNEL_SLICE}.
 */
public final class ChannelSliceVertex extends ParameterFreeVertex {

    @JsonProperty("from")
    private long from;
    @JsonProperty("count")
    private long count;

    /** For DL4J's JSON configuration reader only. */
    private ChannelSliceVertex() {
    }

    /**
     * @param from  the first channel, at least 0
     * @param count the channel count, at least 1
     * @throws IllegalArgumentException naming the bad value
     */
    public ChannelSliceVertex(long from, long count) {
        if (from < 0 || count < 1) {
            throw new IllegalArgumentException("a channel slice needs from >= 0 and count >= 1, was from " + from
                    + ", count " + count);
        }
        this.from = from;
        this.count = count;
    }

    public long getFrom() {
        return from;
    }

    public long getCount() {
        return count;
    }

    /** The index of this slice's channels along {@code axis} of a rank-{@code rank} array. */
    public INDArrayIndex[] index(int rank, int axis) {
        INDArrayIndex[] index = new INDArrayIndex[rank];
        for (int d = 0; d < rank; d++) {
            index[d] = d == axis ? NDArrayIndex.interval(from, from + count) : NDArrayIndex.all();
        }
        return index;
    }

    @Override
    public ChannelSliceVertex clone() {
        return new ChannelSliceVertex(from, count);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelSliceVertex v && v.from == from && v.count == count;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(ChannelSliceVertex.class, from, count);
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
        return new Slice(graph, name, index, networkDatatype, this);
    }

    /** An image of {@code count} channels. */
    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 1 || !(vertexInputs[0] instanceof InputType.InputTypeConvolutional x)
                || from + count > x.getChannels()) {
            throw new InvalidInputTypeException("a slice of channels " + from + " to " + (from + count - 1)
                    + " takes one image with as many, was " + java.util.Arrays.toString(vertexInputs));
        }
        return InputType.convolutional(x.getHeight(), x.getWidth(), count, x.getFormat());
    }

    @Override
    public String toString() {
        return "ChannelSliceVertex(from=" + from + ", count=" + count + ")";
    }

    /** DL4J's runtime vertex: the slice, and its gradient in zeros. */
    private static final class Slice extends Runtime {
        private final ChannelSliceVertex conf;

        Slice(ComputationGraph graph, String name, int index, DataType dataType, ChannelSliceVertex conf) {
            super(graph, name, index, dataType);
            this.conf = conf;
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            INDArray part = inputs[0].get(conf.index(inputs[0].rank(), 1));
            INDArray y = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, part.dataType(), part.shape(), 'c');
            return y.assign(part);
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            INDArray x = inputs[0];
            INDArray dx = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), x.shape(), 'c');
            dx.get(conf.index(x.rank(), 1)).assign(epsilon);
            return new Pair<>(new DefaultGradient(), new INDArray[] {dx});
        }
    }
}

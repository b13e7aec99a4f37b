package org.landscape4j.engine.internal.plan;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.graph.ChannelShuffleVertex;
import org.landscape4j.engine.graph.ChannelSliceVertex;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The steps that move channels without arithmetic (ShuffleNet's): a channel slice, a range of channels copied out
 * ({@link ChannelSliceVertex}: {@code x[:, from:to]}, PyTorch's {@code chunk}); a channel shuffle
 * ({@link ChannelShuffleVertex#shuffle}, the same function DL4J's vertex runs). Both work along the channel axis of
 * either layout.
 */
final class ChannelStep extends Step {

    /** The first channel of a slice, or -1 for a shuffle. */
    private final long from;
    /** A slice's channel count, or a shuffle's group count. */
    private final long count;
    private final int axis;

    private ChannelStep(String source, int input, int output, long from, long count, int axis) {
        super(source, new int[] {input}, output);
        this.from = from;
        this.count = count;
        this.axis = axis;
    }

    /** The plan's rule for a channel slice. */
    static int sliceRule(PlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        ChannelSliceVertex v = node.config(ChannelSliceVertex.class);
        return b.add(new ChannelStep(node.source(), in, b.newSlot(act), v.getFrom(), v.getCount(), 1), act);
    }

    /** The plan's rule for a channel shuffle. */
    static int shuffleRule(PlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        return b.add(new ChannelStep(node.source(), in, b.newSlot(act), -1,
                node.config(ChannelShuffleVertex.class).getGroups(), 1), act);
    }

    @Override
    Kernel bind(Model copy) {
        if (from < 0) {
            return (in, out) -> out.assign(ChannelShuffleVertex.shuffle(in[0], (int) count, axis));
        }
        return (in, out) -> {
            INDArrayIndex[] index = new INDArrayIndex[in[0].rank()];
            for (int d = 0; d < index.length; d++) {
                index[d] = d == axis ? NDArrayIndex.interval(from, from + count) : NDArrayIndex.all();
            }
            out.assign(in[0].get(index));
        };
    }

    @Override
    Step channelsLast(boolean[] image) {
        return touches(image) ? new ChannelStep(source, inputs[0], output, from, count,
                InferencePlan.channelsLastAxis(axis)) : this;
    }

    @Override
    String kind() {
        return from < 0 ? "channel-shuffle" : "channel-slice";
    }
}

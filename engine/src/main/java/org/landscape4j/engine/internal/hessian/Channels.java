package org.landscape4j.engine.internal.hessian;

import org.landscape4j.engine.graph.ChannelShuffleVertex;
import org.landscape4j.engine.graph.ChannelSliceVertex;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The linear channel moves (NCHW): a channel slice ({@code x[:, from:from + count]}; its transpose puts the gradient
 * back into zeros) and a channel shuffle (its transpose is the inverse shuffle, of {@code c / groups}
 * groups). Values and directional derivatives move alike.
 */
final class Channels extends Node {
    /** The first channel of a slice, or -1 for a shuffle. */
    private final long from;
    /** A slice's channel count, or a shuffle's group count. */
    private final long count;

    private Channels(String source, int in, int out, long from, long count) {
        super(source, new int[] {in}, out);
        this.from = from;
        this.count = count;
    }

    /** The exact rule for a channel slice. */
    static int sliceRule(HessianBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        ChannelSliceVertex v = node.config(ChannelSliceVertex.class);
        return b.add(new Channels(node.source(), in, b.newSlot(act), v.getFrom(), v.getCount()), act);
    }

    /** The exact rule for a channel shuffle. */
    static int shuffleRule(HessianBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        return b.add(new Channels(node.source(), in, b.newSlot(act), -1,
                node.config(ChannelShuffleVertex.class).getGroups()), act);
    }

    private INDArrayIndex[] range(int rank) {
        INDArrayIndex[] index = new INDArrayIndex[rank];
        for (int d = 0; d < rank; d++) {
            index[d] = d == 1 ? NDArrayIndex.interval(from, from + count) : NDArrayIndex.all();
        }
        return index;
    }

    private INDArray move(INDArray x) {
        return from < 0 ? ChannelShuffleVertex.shuffle(x, (int) count, 1) : x.dup('c').get(range(x.rank())).dup('c');
    }

    /** The transpose of {@link #move} applied to {@code g}, for an input shaped like {@code x}. */
    private INDArray back(INDArray g, INDArray x) {
        if (from < 0) {
            return ChannelShuffleVertex.shuffle(g, (int) (x.size(1) / count), 1);
        }
        INDArray gx = Nd4j.zeros(g.dataType(), x.shape());
        gx.get(range(x.rank())).assign(g);
        return gx;
    }

    @Override
    void forward(Pass p) {
        p.a[out] = move(p.a[in[0]]);
        INDArray r = p.r[in[0]];
        if (r != null) {
            p.r[out] = move(r);
        }
    }

    @Override
    void backward(Pass p) {
        INDArray x = p.a[in[0]];
        p.addGrad(in[0], back(p.g[out], x), p.rg[out] == null ? null : back(p.rg[out], x));
    }

    @Override
    String kind() {
        return from < 0 ? "channel-shuffle" : "channel-slice";
    }
}

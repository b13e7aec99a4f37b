package org.landscape4j.engine.internal.hessian;

import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A channel gate: {@code y = x ⊙ s}, the feature map {@code x [n, c, h, w]} times its per-channel gate
 * {@code s [n, c, 1, 1]} broadcast over the image; the gate's gradient sums over the image.
 */
final class ChannelGate extends Node {

    ChannelGate(String source, int[] in, int out) {
        super(source, in, out);
    }

    /** The exact rule for a channel gate (the graph has checked the shapes: {@code NetworkGraph.Node.problem}). */
    static int rule(HessianBuilder b, NetworkGraph.Node node, int[] in, INDArray act) {
        return b.add(new ChannelGate(node.source(), in, b.newSlot(act)), act);
    }

    /** {@code x ⊙ s}, {@code s} broadcast over {@code x}'s image (null is zero). */
    private static INDArray gated(INDArray x, INDArray s) {
        if (x == null || s == null) {
            return null;
        }
        INDArray y = Nd4j.createUninitialized(x.dataType(), x.shape());
        Nd4j.exec(new MulOp(x, s, y));
        return y;
    }

    /** {@code Σ_{h,w} u ⊙ x}: the gate's share of {@code u}, {@code [n, c, 1, 1]} (null is zero). */
    private static INDArray summed(INDArray u, INDArray x) {
        return u == null || x == null ? null : u.mul(x).sum(true, 2, 3);
    }

    @Override
    void forward(Pass p) {
        INDArray x = p.a[in[0]];
        INDArray s = p.a[in[1]];
        p.a[out] = gated(x, s);
        p.r[out] = plus(gated(p.r[in[0]], s), gated(x, p.r[in[1]]));
    }

    @Override
    void backward(Pass p) {
        INDArray g = p.g[out];
        INDArray rg = p.rg[out];
        INDArray x = p.a[in[0]];
        INDArray s = p.a[in[1]];
        INDArray rx = p.r[in[0]];
        INDArray rs = p.r[in[1]];
        p.addGrad(in[0], gated(g, s), rg == null ? null : plus(gated(rg, s), gated(g, rs)));
        p.addGrad(in[1], summed(g, x), rg == null ? null : plus(summed(rg, x), summed(g, rx)));
    }

    @Override
    String kind() {
        return "channel-gate";
    }
}

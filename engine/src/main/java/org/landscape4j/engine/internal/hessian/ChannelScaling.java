package org.landscape4j.engine.internal.hessian;

import org.landscape4j.engine.graph.ChannelLayerNorm;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A channel scale ({@code ChannelScale}), {@code y = x · w[c]} along axis 1: bilinear in {@code x} and {@code w}, so
 * {@code R{y} = R{x} · w + x · v}, {@code gx = g · w}, {@code gw = Σ g · x} (over examples and pixels) and their
 * R-derivatives {@code R{g} · w + g · v} and {@code Σ (R{g} · x + g · R{x})}.
 */
final class ChannelScaling extends Node {
    private final Param w;

    private ChannelScaling(String source, int in, int out, Param w) {
        super(source, new int[] {in}, out);
        this.w = w;
    }

    /** The exact rule for a channel scale. */
    static int rule(HessianBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        return b.add(new ChannelScaling(node.source(), in, b.newSlot(act), b.param(node, "W")), act);
    }

    /** {@code x · s[c]} (null is zero). */
    private static INDArray scaled(INDArray x, INDArray s) {
        return x == null || s == null ? null : x.mul(ChannelLayerNorm.along(s.reshape(s.length()), x.rank(), 1));
    }

    /** {@code Σ u · x} over every axis but 1, {@code [c]} (null is zero). */
    private static INDArray summed(INDArray u, INDArray x) {
        if (u == null || x == null) {
            return null;
        }
        return u.mul(x).sum(u.rank() == 2 ? new int[] {0} : new int[] {0, 2, 3});
    }

    @Override
    void forward(Pass p) {
        INDArray x = p.a[in[0]];
        p.a[out] = scaled(x, p.value(w));
        if (p.hasDirection()) {
            p.r[out] = plus(scaled(p.r[in[0]], p.value(w)), scaled(x, p.direction(w)));
        }
    }

    @Override
    void backward(Pass p) {
        INDArray g = p.g[out];
        INDArray rg = p.rg[out];
        INDArray x = p.a[in[0]];
        INDArray v = p.direction(w);
        p.accumulate(w, summed(g, x), rg == null ? null : plus(summed(rg, x), summed(g, p.r[in[0]])));
        p.addGrad(in[0], scaled(g, p.value(w)), rg == null && v == null ? null
                : plus(scaled(rg, p.value(w)), scaled(g, v)));
    }

    @Override
    String kind() {
        return "channel-scale";
    }
}

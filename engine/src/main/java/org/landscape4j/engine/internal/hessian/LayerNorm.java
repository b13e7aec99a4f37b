package org.landscape4j.engine.internal.hessian;

import org.landscape4j.engine.graph.ChannelLayerNorm;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Layer normalization over axis 1 ({@link ChannelLayerNorm}): {@code y = γ x̂ + β}, {@code x̂ = (x − μ) / σ},
 * {@code σ = sqrt(var + eps)}, mean and variance over the channels. Its Jacobian {@code J u = (u − mean u −
 * x̂ mean(x̂ u)) / σ} is symmetric, so the forward R-derivative is {@code R{x̂} = J R{x}} and the input's gradient
 * {@code J (γ g)}; the R-derivative of that gradient follows from {@code R{1/σ} = −mean(x̂ R{x}) / σ²}.
 */
final class LayerNorm extends Node {
    private final Param gamma;
    private final Param beta;
    private final double eps;

    private LayerNorm(String source, int in, int out, Param gamma, Param beta, double eps) {
        super(source, new int[] {in}, out);
        this.gamma = gamma;
        this.beta = beta;
        this.eps = eps;
    }

    /** The exact rule for a layer normalization over the channels. */
    static int rule(HessianBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        return b.add(new LayerNorm(node.source(), in, b.newSlot(act), b.param(node, "gamma"), b.param(node, "beta"),
                node.config(ChannelLayerNorm.class).getEps()), act);
    }

    private static INDArray along(INDArray v, int rank) {
        return ChannelLayerNorm.along(v.reshape(v.length()), rank, 1);
    }

    private static int[] others(int rank) {
        return rank == 2 ? new int[] {0} : new int[] {0, 2, 3};
    }

    /** The normalized input and {@code 1 / σ} (kept dimensions). */
    private INDArray[] normalized(INDArray x) {
        INDArray centred = x.sub(x.mean(true, 1));
        INDArray inverse = Transforms.sqrt(centred.mul(centred).mean(true, 1).addi(eps), false).rdivi(1);
        return new INDArray[] {centred.muli(inverse), inverse};
    }

    /** {@code J u = (u − mean u − x̂ mean(x̂ u)) / σ}. */
    private static INDArray jacobian(INDArray u, INDArray xhat, INDArray inverse) {
        return u.sub(u.mean(true, 1)).subi(xhat.mul(xhat.mul(u).mean(true, 1))).muli(inverse);
    }

    @Override
    void forward(Pass p) {
        INDArray x = p.a[in[0]];
        int rank = x.rank();
        INDArray[] n = normalized(x);
        INDArray g = along(p.value(gamma), rank);
        p.a[out] = n[0].mul(g).addi(along(p.value(beta), rank));
        if (p.hasDirection()) {
            INDArray rx = p.r[in[0]];
            INDArray r = n[0].mul(along(p.direction(gamma), rank)).addi(along(p.direction(beta), rank));
            if (rx != null) {
                r.addi(jacobian(rx, n[0], n[1]).muli(g));
            }
            p.r[out] = r;
        }
    }

    @Override
    void backward(Pass p) {
        INDArray x = p.a[in[0]];
        int rank = x.rank();
        INDArray[] n = normalized(x);
        INDArray xhat = n[0];
        INDArray inverse = n[1];
        INDArray gy = p.g[out];
        INDArray g = along(p.value(gamma), rank);
        INDArray u = gy.mul(g);
        INDArray gx = jacobian(u, xhat, inverse);
        if (!p.hasDirection()) {
            p.accumulate(gamma, gy.mul(xhat).sum(others(rank)), null);
            p.accumulate(beta, gy.sum(others(rank)), null);
            p.addGrad(in[0], gx, null);
            return;
        }
        INDArray rgy = p.rg[out];
        INDArray rx = p.r[in[0]];
        INDArray rxhat = rx == null ? null : jacobian(rx, xhat, inverse);
        INDArray rgGamma = rgy == null ? null : rgy.mul(xhat);
        if (rxhat != null) {
            rgGamma = plus(rgGamma, gy.mul(rxhat));
        }
        p.accumulate(gamma, gy.mul(xhat).sum(others(rank)), rgGamma == null ? null : rgGamma.sum(others(rank)));
        p.accumulate(beta, gy.sum(others(rank)), rgy == null ? null : rgy.sum(others(rank)));
        // R{u} = R{g} γ + g v_γ;
        // R{gx} = R{1/σ} σ gx + (R{u} − mean R{u} − R{x̂} mean(u x̂) − x̂ mean(R{u} x̂ + u R{x̂})) / σ
        INDArray ru = gy.mul(along(p.direction(gamma), rank));
        if (rgy != null) {
            ru.addi(rgy.mul(g));
        }
        INDArray inner = ru.mul(xhat);
        if (rxhat != null) {
            inner.addi(u.mul(rxhat));
        }
        INDArray rgx = ru.sub(ru.mean(true, 1)).subi(xhat.mul(inner.mean(true, 1)));
        if (rxhat != null) {
            rgx.subi(rxhat.mul(u.mul(xhat).mean(true, 1)));
        }
        rgx.muli(inverse);
        if (rx != null) {
            // R{1/σ} σ gx = −mean(x̂ R{x}) / σ · gx
            rgx.subi(gx.mul(xhat.mul(rx).mean(true, 1)).muli(inverse));
        }
        p.addGrad(in[0], gx, rgx);
    }

    @Override
    String kind() {
        return "layernorm";
    }
}

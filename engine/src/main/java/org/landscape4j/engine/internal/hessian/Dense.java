package org.landscape4j.engine.internal.hessian;

import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A dense layer's pre-activation {@code z = x W + b}, W {@code [nIn, nOut]}. */
final class Dense extends Node {
    private final Param w;
    private final Param b;

    Dense(String source, int in, int out, Param w, Param b) {
        super(source, new int[] {in}, out);
        this.w = w;
        this.b = b;
    }

    /** The exact rule for a dense layer: its pre-activation, then its activation. */
    static int rule(HessianBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        DenseLayer d = node.config(DenseLayer.class);
        int z = preActivation(b, node, in, d.getNOut(), d.hasBias());
        return z < 0 ? z : Activation.after(b, d.getActivationFn(), node.source(), z, act);
    }

    /** The exact rule for a dense output layer's logits (its head applies the activation): their slot. */
    static int outputRule(HessianBuilder b, NetworkGraph.Node node, int in) {
        OutputLayer o = node.config(OutputLayer.class);
        return preActivation(b, node, in, o.getNOut(), o.hasBias());
    }

    private static int preActivation(HessianBuilder b, NetworkGraph.Node node, int in, long nOut, boolean bias) {
        if (b.rank(in) != 2) {
            return b.refuse(node.source() + " reads a rank-" + b.rank(in) + " input");
        }
        int z = b.newSlot(new long[] {nOut});
        b.addUnreported(new Dense(node.source(), in, z, b.param(node, "W"), bias ? b.param(node, "b") : null));
        return z;
    }

    @Override
    void forward(Pass p) {
        INDArray x = p.a[in[0]];
        INDArray rx = p.r[in[0]];
        INDArray z = x.mmul(p.value(w));
        if (b != null) {
            z.addiRowVector(p.value(b));
        }
        p.a[out] = z;
        if (p.hasDirection()) {
            INDArray rz = x.mmul(p.direction(w));
            if (b != null) {
                rz.addiRowVector(p.direction(b));
            }
            if (rx != null) {
                rz.addi(rx.mmul(p.value(w)));
            }
            p.r[out] = rz;
        }
    }

    @Override
    void backward(Pass p) {
        INDArray x = p.a[in[0]];
        INDArray rx = p.r[in[0]];
        INDArray gz = p.g[out];
        INDArray rgz = p.rg[out];
        INDArray xt = x.transpose();
        INDArray hw = null;
        if (p.hasDirection()) {
            hw = xt.mmul(rgz);
            if (rx != null) {
                hw.addi(rx.transpose().mmul(gz));
            }
        }
        p.accumulate(w, p.wantsGradient() ? xt.mmul(gz) : null, hw);
        if (b != null) {
            p.accumulate(b, p.wantsGradient() ? gz.sum(0) : null, rgz == null ? null : rgz.sum(0));
        }
        if (in[0] != 0) {
            INDArray wt = p.value(w).transpose();
            INDArray rgx = p.hasDirection() ? rgz.mmul(wt).addi(gz.mmul(p.direction(w).transpose())) : null;
            p.addGrad(in[0], gz.mmul(wt), rgx);
        }
    }

    @Override
    String kind() {
        return "dense";
    }
}

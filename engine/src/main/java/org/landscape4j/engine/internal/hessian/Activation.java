package org.landscape4j.engine.internal.hessian;

import java.util.Locale;

import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.landscape4j.engine.graph.NetworkGraph;
import org.landscape4j.engine.internal.hessian.Function.Kind;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/** An element-wise activation {@code a = σ(z)} with its first and second derivatives, or softmax over axis 1. */
final class Activation extends Node {
    private final Function f;

    Activation(String source, int in, int out, Function f) {
        super(source, new int[] {in}, out);
        this.f = f;
    }

    /** The exact rule for an activation layer. */
    static int rule(HessianBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        // DL4J's activation layer works in place on its input in inference: that activation is gone
        b.forget(in);
        return after(b, node.config(ActivationLayer.class).getActivationFn(), node.source(), in, act);
    }

    /**
     * The exact rule for {@code activation} applied to the pre-activation in {@code slot}, of a layer's or a loss
     * head's: the slot of the activation, whose value DL4J computed as {@code act} ({@code null} in a head).
     */
    static int after(HessianBuilder b, IActivation activation, String source, int slot, INDArray act) {
        Function f = Function.of(activation);
        if (f == null) {
            return b.refuse(source + ": activation " + activation + " has no exact rule");
        }
        if (f.kind() == Kind.IDENTITY) {
            if (act != null) {
                b.expect(slot, act);
            }
            return slot;
        }
        if (f.kind() == Kind.SOFTMAX && b.shape(slot).length != 1) {
            return b.refuse(source + ": softmax over a rank-" + (b.shape(slot).length + 1) + " activation");
        }
        int out = act != null ? b.newSlot(act) : b.newSlot(b.shape(slot));
        Activation node = new Activation(source, slot, out, f);
        if (act != null) {
            b.add(node, act);
        } else {
            b.addUnreported(node);
        }
        return out;
    }

    @Override
    void forward(Pass p) {
        INDArray z = p.a[in[0]];
        INDArray rz = p.r[in[0]];
        if (f.kind() == Kind.SOFTMAX) {
            INDArray s = Function.softmax(z);
            p.a[out] = s;
            if (rz != null) {
                p.r[out] = Function.softmaxJvp(s, rz);
            }
            return;
        }
        p.a[out] = f.value(z);
        if (rz != null) {
            p.r[out] = rz.mul(slope(p));
        }
    }

    /** {@code σ'(z)}, once per block (forward and backward both need it). */
    private INDArray slope(Pass p) {
        if (p.slope[out] == null) {
            p.slope[out] = f.first(p.a[in[0]]);
        }
        return p.slope[out];
    }

    @Override
    void backward(Pass p) {
        INDArray z = p.a[in[0]];
        INDArray rz = p.r[in[0]];
        INDArray ga = p.g[out];
        INDArray rga = p.rg[out];
        if (f.kind() == Kind.SOFTMAX) {
            INDArray s = p.a[out];
            INDArray gz = Function.softmaxJvp(s, ga);
            INDArray rgz = rga == null ? null : Function.softmaxJvp(s, rga);
            if (rz != null) {
                INDArray rs = p.r[out];
                // R{s ⊙ (ga − Σ s ga)} beyond s ⊙ (R{ga} − Σ s R{ga}): rs ⊙ (ga − Σ s ga) − s Σ rs ga
                INDArray extra = ga.subColumnVector(s.mul(ga).sum(true, 1)).muli(rs);
                extra.subi(s.mulColumnVector(rs.mul(ga).sum(true, 1)));
                rgz = plus(rgz, extra);
            }
            p.addGrad(in[0], gz, rgz);
            return;
        }
        INDArray d1 = slope(p);
        INDArray gz = ga.mul(d1);
        INDArray rgz = rga == null ? null : rga.mul(d1);
        if (rz != null && f.curved()) {
            rgz = plus(rgz, f.second(z).muli(rz).muli(ga));
        }
        p.addGrad(in[0], gz, rgz);
    }

    @Override
    String kind() {
        return f.kind().name().toLowerCase(Locale.ROOT);
    }
}

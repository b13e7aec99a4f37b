package org.landscape4j.engine.internal.hessian;

import java.util.Locale;

import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/** An element-wise vertex: add, subtract (two inputs), average, or product (two inputs). */
final class ElementWise extends Node {
    private final ElementWiseVertex.Op op;

    ElementWise(String source, int[] in, int out, ElementWiseVertex.Op op) {
        super(source, in, out);
        this.op = op;
    }

    /** The exact rule for an element-wise vertex over inputs of one shape: add, average; subtract, product of two. */
    static int rule(HessianBuilder b, NetworkGraph.Node node, int[] in, INDArray act) {
        ElementWiseVertex.Op op = node.config(ElementWiseVertex.class).getOp();
        boolean ok = op == ElementWiseVertex.Op.Add || op == ElementWiseVertex.Op.Average
                || (op == ElementWiseVertex.Op.Subtract || op == ElementWiseVertex.Op.Product) && in.length == 2;
        return ok ? b.add(new ElementWise(node.source(), in, b.newSlot(act), op), act)
                : b.refuse(node.source() + " (" + op + " of " + in.length + " inputs) has no exact rule");
    }

    @Override
    void forward(Pass p) {
        INDArray x0 = p.a[in[0]];
        switch (op) {
            case Add, Average -> {
                INDArray y = x0.dup();
                INDArray ry = null;
                for (int k = 0; k < in.length; k++) {
                    if (k > 0) {
                        y.addi(p.a[in[k]]);
                    }
                    ry = p.r[in[k]] == null ? ry : ry == null ? p.r[in[k]].dup() : ry.addi(p.r[in[k]]);
                }
                if (op == ElementWiseVertex.Op.Average) {
                    y.divi(in.length);
                    if (ry != null) {
                        ry.divi(in.length);
                    }
                }
                p.a[out] = y;
                p.r[out] = ry;
            }
            case Subtract -> {
                p.a[out] = x0.sub(p.a[in[1]]);
                INDArray r0 = p.r[in[0]];
                INDArray r1 = p.r[in[1]];
                p.r[out] = r1 == null ? r0 : r0 == null ? r1.neg() : r0.sub(r1);
            }
            case Product -> {
                INDArray x1 = p.a[in[1]];
                p.a[out] = x0.mul(x1);
                INDArray r0 = p.r[in[0]];
                INDArray r1 = p.r[in[1]];
                p.r[out] = plus(r0 == null ? null : r0.mul(x1), r1 == null ? null : r1.mul(x0));
            }
            default -> throw new IllegalStateException(op.toString());
        }
    }

    @Override
    void backward(Pass p) {
        INDArray g = p.g[out];
        INDArray rg = p.rg[out];
        switch (op) {
            case Add -> {
                for (int s : in) {
                    p.addGrad(s, g, rg);
                }
            }
            case Average -> {
                for (int s : in) {
                    p.addGrad(s, g.div(in.length), rg == null ? null : rg.div(in.length));
                }
            }
            case Subtract -> {
                p.addGrad(in[0], g, rg);
                p.addGrad(in[1], g.neg(), rg == null ? null : rg.neg());
            }
            case Product -> {
                INDArray x0 = p.a[in[0]];
                INDArray x1 = p.a[in[1]];
                INDArray r0 = p.r[in[0]];
                INDArray r1 = p.r[in[1]];
                INDArray rg0 = rg == null ? null : plus(rg.mul(x1), r1 == null ? null : g.mul(r1));
                INDArray rg1 = rg == null ? null : plus(rg.mul(x0), r0 == null ? null : g.mul(r0));
                p.addGrad(in[0], g.mul(x1), rg0);
                p.addGrad(in[1], g.mul(x0), rg1);
            }
            default -> throw new IllegalStateException(op.toString());
        }
    }

    @Override
    String kind() {
        return op.name().toLowerCase(Locale.ROOT);
    }
}

package org.landscape4j.engine.internal.hessian;

import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A reshape (preprocessor) or identity (dropout): no work, the output is a view of the input. */
final class Reshape extends Node {
    private final long[] outShape;

    Reshape(String source, int in, int out, long[] outShape) {
        super(source, new int[] {in}, out);
        this.outShape = outShape;
    }

    /** The exact rule for dropout: the identity in inference. */
    static int identityRule(HessianBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        int out = b.newSlot(act);
        return b.addView(new Reshape(node.source(), in, out, b.shape(out)), act);
    }

    /** The exact rule for an input preprocessor that only reshapes ({@code act}, its value on the probe). */
    static int preprocessorRule(HessianBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        int out = b.newSlot(act);
        return b.addView(new Reshape(node.source() + " preprocessor", in, out, b.shape(out)), act);
    }

    private long[] shape(long n, long[] s) {
        long[] full = new long[s.length + 1];
        full[0] = n;
        System.arraycopy(s, 0, full, 1, s.length);
        return full;
    }

    @Override
    void forward(Pass p) {
        INDArray x = p.a[in[0]];
        long[] shape = shape(x.size(0), outShape);
        p.a[out] = x.dup('c').reshape('c', shape);
        p.r[out] = p.r[in[0]] == null ? null : p.r[in[0]].dup('c').reshape('c', shape);
    }

    @Override
    void backward(Pass p) {
        long[] shape = p.a[in[0]].shape();
        p.addGrad(in[0], p.g[out].dup('c').reshape('c', shape),
                p.rg[out] == null ? null : p.rg[out].dup('c').reshape('c', shape));
    }

    @Override
    String kind() {
        return "reshape";
    }
}

package org.landscape4j.engine.internal.hessian;

import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Zero padding of NCHW images (top, bottom, left, right). */
final class ZeroPadding extends Node {
    private final int top;
    private final int bottom;
    private final int left;
    private final int right;

    ZeroPadding(String source, int in, int out, int[] padding) {
        super(source, new int[] {in}, out);
        this.top = padding[0];
        this.bottom = padding[1];
        this.left = padding[2];
        this.right = padding[3];
    }

    /** The exact rule for zero padding of NCHW images. */
    static int rule(HessianBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        return b.add(new ZeroPadding(node.source(), in, b.newSlot(act), node.config(ZeroPaddingLayer.class)
                .getPadding()), act);
    }

    private INDArray pad(INDArray x) {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, x.size(0), x.size(1), x.size(2) + top + bottom,
                x.size(3) + left + right);
        interior(y, x.size(2), x.size(3)).assign(x);
        return y;
    }

    private INDArray interior(INDArray y, long h, long w) {
        return y.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(top, top + h),
                NDArrayIndex.interval(left, left + w));
    }

    @Override
    void forward(Pass p) {
        p.a[out] = pad(p.a[in[0]]);
        p.r[out] = p.r[in[0]] == null ? null : pad(p.r[in[0]]);
    }

    @Override
    void backward(Pass p) {
        long h = p.a[in[0]].size(2);
        long w = p.a[in[0]].size(3);
        p.addGrad(in[0], interior(p.g[out], h, w).dup('c'),
                p.rg[out] == null ? null : interior(p.rg[out], h, w).dup('c'));
    }

    @Override
    String kind() {
        return "zero-padding";
    }
}

package org.landscape4j.engine.internal.hessian;

import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** A merge vertex: concatenation along {@code axis}. */
final class Merge extends Node {
    private final int axis;

    Merge(String source, int[] in, int out, int axis) {
        super(source, in, out);
        this.axis = axis;
    }

    /** The exact rule for a merge vertex. */
    static int rule(HessianBuilder b, NetworkGraph.Node node, int[] in, INDArray act) {
        return b.add(new Merge(node.source(), in, b.newSlot(act), node.config(MergeVertex.class).getMergeAxis()), act);
    }

    @Override
    void forward(Pass p) {
        INDArray[] xs = new INDArray[in.length];
        boolean anyR = false;
        for (int k = 0; k < in.length; k++) {
            xs[k] = p.a[in[k]];
            anyR |= p.r[in[k]] != null;
        }
        p.a[out] = Nd4j.concat(axis, xs);
        if (anyR) {
            INDArray[] rs = new INDArray[in.length];
            for (int k = 0; k < in.length; k++) {
                rs[k] = p.r[in[k]] != null ? p.r[in[k]] : Nd4j.zerosLike(xs[k]);
            }
            p.r[out] = Nd4j.concat(axis, rs);
        }
    }

    private INDArray part(INDArray y, long start, long size) {
        INDArrayIndex[] index = new INDArrayIndex[y.rank()];
        for (int d = 0; d < index.length; d++) {
            index[d] = d == axis ? NDArrayIndex.interval(start, start + size) : NDArrayIndex.all();
        }
        return y.get(index).dup('c');
    }

    @Override
    void backward(Pass p) {
        long start = 0;
        for (int s : in) {
            long size = p.a[s].size(axis);
            p.addGrad(s, part(p.g[out], start, size), p.rg[out] == null ? null : part(p.rg[out], start, size));
            start += size;
        }
    }

    @Override
    String kind() {
        return "merge";
    }
}

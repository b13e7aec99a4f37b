package org.landscape4j.engine.internal.hessian;

import java.util.Arrays;
import java.util.Locale;

import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Global max, average or sum pooling over every axis after the channel axis (no masks). */
final class GlobalPooling extends Node {
    private final PoolingType type;
    private final long[] outShape;
    private int[] argmax;

    GlobalPooling(String source, int in, int out, PoolingType type, long[] outShape) {
        super(source, new int[] {in}, out);
        this.type = type;
        this.outShape = outShape;
    }

    /** The exact rule for global max, average or sum pooling over all positions of a rank-3 or rank-4 input. */
    static int rule(HessianBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        GlobalPoolingLayer gp = node.config(GlobalPoolingLayer.class);
        int rank = b.rank(in);
        int[] dims = gp.getPoolingDimensions();
        boolean allSpatial = dims == null || rank == 4 && Arrays.equals(dims, new int[] {2, 3})
                || rank == 3 && Arrays.equals(dims, new int[] {2});
        if (gp.getPoolingType() == PoolingType.PNORM || !allSpatial || rank < 3) {
            return b.refuse(node.source() + " uses p-norm pooling, chosen dimensions or a rank-" + rank + " input");
        }
        int out = b.newSlot(act);
        return b.add(new GlobalPooling(node.source(), in, out, gp.getPoolingType(), b.shape(out)), act);
    }

    private long[] full(long n) {
        long[] s = new long[outShape.length + 1];
        s[0] = n;
        System.arraycopy(outShape, 0, s, 1, outShape.length);
        return s;
    }

    private static long area(INDArray x) {
        return x.length() / (x.size(0) * x.size(1));
    }

    @Override
    void forward(Pass p) {
        INDArray x = p.a[in[0]];
        long n = x.size(0);
        long c = x.size(1);
        int area = (int) area(x);
        if (type == PoolingType.MAX) {
            double[] xs = x.dup('c').data().asDouble();
            double[] ys = new double[(int) (n * c)];
            argmax = new int[ys.length];
            for (int o = 0; o < ys.length; o++) {
                int best = o * area;
                for (int i = o * area + 1; i < (o + 1) * area; i++) {
                    if (xs[i] > xs[best]) {
                        best = i;
                    }
                }
                argmax[o] = best;
                ys[o] = xs[best];
            }
            p.a[out] = Nd4j.create(ys, full(n), 'c');
            if (p.r[in[0]] != null) {
                double[] rs = p.r[in[0]].dup('c').data().asDouble();
                double[] ry = new double[ys.length];
                for (int o = 0; o < ys.length; o++) {
                    ry[o] = rs[argmax[o]];
                }
                p.r[out] = Nd4j.create(ry, full(n), 'c');
            }
            return;
        }
        p.a[out] = reduce(x).reshape(full(n));
        p.r[out] = p.r[in[0]] == null ? null : reduce(p.r[in[0]]).reshape(full(n));
    }

    private INDArray reduce(INDArray x) {
        INDArray flat = x.dup('c').reshape(x.size(0), x.size(1), area(x));
        return type == PoolingType.AVG ? flat.mean(2) : flat.sum(2);
    }

    private INDArray spread(INDArray gy, long[] inShape, long area) {
        if (type == PoolingType.MAX) {
            double[] gs = gy.dup('c').data().asDouble();
            long len = area * gs.length;
            double[] gx = new double[(int) len];
            for (int o = 0; o < gs.length; o++) {
                gx[argmax[o]] += gs[o];
            }
            return Nd4j.create(gx, inShape, 'c');
        }
        INDArray g = gy.reshape(inShape[0], inShape[1], 1);
        if (type == PoolingType.AVG) {
            g = g.div(area);
        }
        return g.broadcast(inShape[0], inShape[1], area).dup('c').reshape('c', inShape);
    }

    @Override
    void backward(Pass p) {
        INDArray x = p.a[in[0]];
        long area = area(x);
        p.addGrad(in[0], spread(p.g[out], x.shape(), area),
                p.rg[out] == null ? null : spread(p.rg[out], x.shape(), area));
    }

    @Override
    String kind() {
        return "global-" + type.name().toLowerCase(Locale.ROOT);
    }
}

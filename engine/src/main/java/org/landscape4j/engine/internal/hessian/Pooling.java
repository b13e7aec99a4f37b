package org.landscape4j.engine.internal.hessian;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max or average subsampling over NCHW windows, in Java over the flat arrays: the maximum's position (the first
 * one in window order) is found once per block and used for the value, its R-derivative ({@code R{y} = R{x}} at
 * that position) and both backward products, so they are one linear map and its transpose.
 */
final class Pooling extends Node {
    private final boolean max;
    private final int kH;
    private final int kW;
    private final int sH;
    private final int sW;
    private final int pH;
    private final int pW;
    private final int dH;
    private final int dW;
    private final boolean same;
    private final boolean includePad;
    private final long[] outShape;
    private int[] argmax;

    Pooling(String source, int in, int out, SubsamplingLayer conf, long[] outShape) {
        super(source, new int[] {in}, out);
        this.max = conf.getPoolingType() == PoolingType.MAX;
        int[] k = conf.getKernelSize();
        int[] s = conf.getStride();
        int[] pad = conf.getPadding();
        int[] d = conf.getDilation();
        this.kH = k[0];
        this.kW = k[1];
        this.sH = s[0];
        this.sW = s[1];
        this.pH = pad[0];
        this.pW = pad[1];
        this.dH = d[0];
        this.dW = d[1];
        this.same = conf.getConvolutionMode() == ConvolutionMode.Same;
        this.includePad = conf.isAvgPoolIncludePadInDivisor();
        this.outShape = outShape;
    }

    /** The exact rule for max or average subsampling of NCHW images. */
    static int rule(HessianBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        SubsamplingLayer s = node.config(SubsamplingLayer.class);
        if (b.rank(in) != 4 || s.getPoolingType() != PoolingType.MAX && s.getPoolingType() != PoolingType.AVG) {
            return b.refuse(node.source() + " uses " + s.getPoolingType() + " pooling or NHWC");
        }
        int out = b.newSlot(act);
        return b.add(new Pooling(node.source(), in, out, s, b.shape(out)), act);
    }

    /** For each output position of one plane (c-order): its window's positions in the input plane, -1 padded. */
    private int[][] windows(long h, long w) {
        long oh = outShape[1];
        long ow = outShape[2];
        long top = pH;
        long left = pW;
        if (same) {
            top = Math.max(0, (oh - 1) * sH + (long) (kH - 1) * dH + 1 - h) / 2;
            left = Math.max(0, (ow - 1) * sW + (long) (kW - 1) * dW + 1 - w) / 2;
        }
        int[][] win = new int[(int) (oh * ow)][kH * kW];
        int o = 0;
        for (long i = 0; i < oh; i++) {
            for (long j = 0; j < ow; j++, o++) {
                int q = 0;
                for (int ki = 0; ki < kH; ki++) {
                    long y = i * sH - top + (long) ki * dH;
                    for (int kj = 0; kj < kW; kj++, q++) {
                        long x = j * sW - left + (long) kj * dW;
                        win[o][q] = y < 0 || y >= h || x < 0 || x >= w ? -1 : (int) (y * w + x);
                    }
                }
            }
        }
        return win;
    }

    private int[][] windows;
    private int[] divisors;
    private long inPlane;

    @Override
    void forward(Pass p) {
        INDArray x = p.a[in[0]];
        long[] shape = x.shape();
        if (windows == null || inPlane != shape[2] * shape[3]) {
            windows = windows(shape[2], shape[3]);
            inPlane = shape[2] * shape[3];
            divisors = new int[windows.length];
            for (int o = 0; o < windows.length; o++) {
                int n = 0;
                for (int i : windows[o]) {
                    n += i >= 0 ? 1 : 0;
                }
                divisors[o] = includePad ? kH * kW : n;
            }
        }
        int planes = (int) (shape[0] * shape[1]);
        double[] xs = x.dup('c').data().asDouble();
        double[] ys = new double[planes * windows.length];
        if (max) {
            argmax = new int[ys.length];
        }
        for (int plane = 0, o = 0; plane < planes; plane++) {
            int base = (int) (plane * inPlane);
            for (int[] window : windows) {
                if (max) {
                    int best = -1;
                    double m = Double.NEGATIVE_INFINITY;
                    for (int i : window) {
                        if (i >= 0 && (best < 0 || xs[base + i] > m)) {
                            best = base + i;
                            m = xs[best];
                        }
                    }
                    argmax[o] = best;
                    ys[o++] = m;
                } else {
                    double sum = 0;
                    for (int i : window) {
                        if (i >= 0) {
                            sum += xs[base + i];
                        }
                    }
                    ys[o] = sum / divisors[o % windows.length];
                    o++;
                }
            }
        }
        long[] full = {shape[0], outShape[0], outShape[1], outShape[2]};
        p.a[out] = Nd4j.create(ys, full, 'c');
        if (p.r[in[0]] != null) {
            p.r[out] = Nd4j.create(apply(p.r[in[0]].dup('c').data().asDouble(), planes), full, 'c');
        }
    }

    /** The pooling's linear map (at the current maxima) applied to an input-shaped array. */
    private double[] apply(double[] xs, int planes) {
        double[] ys = new double[planes * windows.length];
        for (int plane = 0, o = 0; plane < planes; plane++) {
            int base = (int) (plane * inPlane);
            for (int k = 0; k < windows.length; k++, o++) {
                if (max) {
                    ys[o] = xs[argmax[o]];
                } else {
                    double sum = 0;
                    for (int i : windows[k]) {
                        if (i >= 0) {
                            sum += xs[base + i];
                        }
                    }
                    ys[o] = sum / divisors[k];
                }
            }
        }
        return ys;
    }

    /** Its transpose applied to an output-shaped array. */
    private INDArray transpose(INDArray gy, long[] inShape) {
        double[] gs = gy.dup('c').data().asDouble();
        int planes = (int) (inShape[0] * inShape[1]);
        double[] gx = new double[(int) (planes * inPlane)];
        for (int plane = 0, o = 0; plane < planes; plane++) {
            int base = (int) (plane * inPlane);
            for (int k = 0; k < windows.length; k++, o++) {
                if (max) {
                    gx[argmax[o]] += gs[o];
                } else {
                    double share = gs[o] / divisors[k];
                    for (int i : windows[k]) {
                        if (i >= 0) {
                            gx[base + i] += share;
                        }
                    }
                }
            }
        }
        return Nd4j.create(gx, inShape, 'c');
    }

    @Override
    void backward(Pass p) {
        long[] inShape = p.a[in[0]].shape();
        p.addGrad(in[0], transpose(p.g[out], inShape), p.rg[out] == null ? null : transpose(p.rg[out], inShape));
    }

    @Override
    String kind() {
        return max ? "maxpool" : "avgpool";
    }
}

package org.landscape4j.engine.internal.hessian;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.util.ConvolutionUtils;
import org.landscape4j.engine.graph.GroupedConvolution2D;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.DepthwiseConv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A 2D convolution's pre-activation (NCHW), ND4J's conv2d and conv2d_bp on weights {@code [out, in, kH, kW]}, or a
 * depthwise convolution's, depthwise_conv2d and depthwise_conv2d_bp on weights {@code [kH, kW, in, multiplier]}: both
 * are bilinear in the input and the weights, so one rule serves both; and a grouped convolution's
 * ({@link GroupedConvolution2D}), conv2d and conv2d_bp per group on the group's input channels, weights and output
 * channels.
 */
final class Convolution extends Node {
    private final Param w;
    private final Param b;
    private final boolean depthwise;
    private final Conv2DConfig config;
    private final long channelsOut;
    /** 1, or a grouped convolution's group count. */
    private final int groups;
    private long[] args;

    private Convolution(String source, int in, int out, Param w, Param b, Conv2DConfig config, boolean depthwise,
                        int groups) {
        super(source, new int[] {in}, out);
        this.w = w;
        this.b = b;
        this.depthwise = depthwise;
        this.config = config;
        this.groups = groups;
        long[] shape = w.shape();
        this.channelsOut = depthwise ? shape[2] * shape[3] : shape[0];
    }

    private static Convolution of(String source, int in, int out, Param w, Param b, ConvolutionLayer conf) {
        boolean depthwise = conf instanceof DepthwiseConvolution2D;
        int[] k = conf.getKernelSize();
        int[] s = conf.getStride();
        int[] pad = conf.getPadding();
        int[] d = conf.getDilation();
        Conv2DConfig config = Conv2DConfig.builder()
                .kH(k[0]).kW(k[1]).sH(s[0]).sW(s[1]).pH(pad[0]).pW(pad[1]).dH(d[0]).dW(d[1])
                .paddingMode(ConvolutionUtils.paddingModeForConvolutionMode(conf.getConvolutionMode()))
                .dataFormat(Conv2DConfig.NCHW).weightsFormat(depthwise ? WeightsFormat.YXIO : WeightsFormat.OIYX)
                .build();
        return new Convolution(source, in, out, w, b, config, depthwise, 1);
    }

    /**
     * The exact rule for a 2D convolution or a depthwise 2D convolution (NCHW): its pre-activation, then its
     * activation.
     */
    static int rule(HessianBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        ConvolutionLayer c = node.config(ConvolutionLayer.class);
        if (b.rank(in) != 4) {
            return b.refuse(node.source() + " reads a rank-" + b.rank(in) + " input");
        }
        int z = b.newSlot(act);
        b.addUnreported(of(node.source(), in, z, b.param(node, "W"), c.hasBias() ? b.param(node, "b") : null, c));
        return Activation.after(b, c.getActivationFn(), node.source(), z, act);
    }

    /** The exact rule for a grouped 2D convolution (NCHW, no activation). */
    static int groupedRule(HessianBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        GroupedConvolution2D c = node.config(GroupedConvolution2D.class);
        if (b.rank(in) != 4) {
            return b.refuse(node.source() + " reads a rank-" + b.rank(in) + " input");
        }
        return b.add(new Convolution(node.source(), in, b.newSlot(act), b.param(node, "W"),
                c.hasBias() ? b.param(node, "b") : null, c.config(Conv2DConfig.NCHW), false, c.getGroups()), act);
    }

    private INDArray bias(Pass p, boolean direction) {
        if (b == null) {
            return Nd4j.zeros(DataType.DOUBLE, channelsOut);
        }
        INDArray v = direction ? p.direction(b) : p.value(b);
        return v.reshape(v.length());
    }

    private INDArray conv(INDArray x, INDArray kernel, INDArray bias) {
        if (groups > 1) {
            // groups are cut from copies: ND4J M2.1 slices some views of a parameter vector wrongly (rank 0)
            INDArray xc = x.dup('c');
            INDArray kc = kernel.dup('c');
            INDArray bc = bias.dup();
            INDArray[] ys = new INDArray[groups];
            for (int g = 0; g < groups; g++) {
                ys[g] = conv1(slice(xc, 1, g, groups), slice(kc, 0, g, groups), slice(bc, 0, g, groups));
            }
            return Nd4j.concat(1, ys);
        }
        return conv1(x, kernel, bias);
    }

    /** Group {@code g} of {@code groups} along {@code axis}, a contiguous copy. */
    private static INDArray slice(INDArray a, int axis, int g, int groups) {
        long per = a.size(axis) / groups;
        INDArrayIndex[] index = new INDArrayIndex[a.rank()];
        java.util.Arrays.fill(index, NDArrayIndex.all());
        index[axis] = NDArrayIndex.interval(g * per, (g + 1) * per);
        return a.get(index).dup('c');
    }

    private INDArray conv1(INDArray x, INDArray kernel, INDArray bias) {
        DynamicCustomOp op = depthwise ? new DepthwiseConv2D(new INDArray[] {x, kernel, bias}, null, config)
                : new Conv2D(new INDArray[] {x, kernel, bias}, null, config);
        INDArray z = Nd4j.exec(op)[0];
        if (args == null) {
            args = op.iArgs();
        }
        return z;
    }

    /** {gradI, gradW, gradB} of {@code conv(x, kernel) + bias} for the output gradient {@code gz}. */
    private INDArray[] backprop(INDArray x, INDArray kernel, INDArray gz) {
        if (groups > 1) {
            INDArray[][] parts = new INDArray[3][groups];
            INDArray xc = x.dup('c');
            INDArray kc = kernel.dup('c');
            INDArray gc = gz.dup('c');
            for (int g = 0; g < groups; g++) {
                INDArray[] p = backprop1(slice(xc, 1, g, groups), slice(kc, 0, g, groups), slice(gc, 1, g, groups));
                for (int i = 0; i < 3; i++) {
                    parts[i][g] = p[i];
                }
            }
            return new INDArray[] {Nd4j.concat(1, parts[0]), Nd4j.concat(0, parts[1]), Nd4j.concat(0, parts[2])};
        }
        return backprop1(x, kernel, gz);
    }

    private INDArray[] backprop1(INDArray x, INDArray kernel, INDArray gz) {
        long channelsOut = depthwise || groups == 1 ? this.channelsOut : kernel.size(0);
        INDArray gi = Nd4j.createUninitialized(DataType.DOUBLE, x.shape());
        INDArray gw = Nd4j.createUninitialized(DataType.DOUBLE, kernel.shape());
        INDArray gb = Nd4j.createUninitialized(DataType.DOUBLE, channelsOut);
        Nd4j.exec(DynamicCustomOp.builder(depthwise ? "depthwise_conv2d_bp" : "conv2d_bp")
                .addInputs(x, kernel, Nd4j.zeros(DataType.DOUBLE, channelsOut), gz)
                .addOutputs(gi, gw, gb).addIntegerArguments(Arrays.stream(args).mapToInt(a -> (int) a).toArray())
                .callInplace(false).build());
        return new INDArray[] {gi, gw, gb};
    }

    @Override
    void forward(Pass p) {
        INDArray x = p.a[in[0]];
        INDArray rx = p.r[in[0]];
        p.a[out] = conv(x, p.value(w), bias(p, false));
        if (p.hasDirection()) {
            INDArray rz = conv(x, p.direction(w), bias(p, true));
            if (rx != null) {
                rz.addi(conv(rx, p.value(w), Nd4j.zeros(DataType.DOUBLE, channelsOut)));
            }
            p.r[out] = rz;
        }
    }

    @Override
    void backward(Pass p) {
        INDArray x = p.a[in[0]];
        INDArray rx = p.r[in[0]];
        // the plain product gives the input's gradient and the weights' gradient: skipped when neither is wanted
        INDArray[] plain = in[0] != 0 || p.wantsGradient() || !p.hasDirection()
                ? backprop(x, p.value(w), p.g[out]) : null;
        if (!p.hasDirection()) {
            p.accumulate(w, plain[1], null);
            if (b != null) {
                p.accumulate(b, plain[2], null);
            }
            p.addGrad(in[0], plain[0], null);
            return;
        }
        // gx = convᵀ(gz; W), gW = corr(x, gz): both bilinear, so R{gx} = convᵀ(R{gz}; W) + convᵀ(gz; V) and
        // R{gW} = corr(x, R{gz}) + corr(R{x}, gz); one conv2d_bp gives both halves of each
        INDArray[] second = backprop(x, p.value(w), p.rg[out]);
        INDArray rgx = second[0];
        INDArray hw = second[1];
        if (rx != null || in[0] != 0) {
            INDArray[] cross = backprop(rx != null ? rx : x, p.direction(w), p.g[out]);
            rgx.addi(cross[0]);
            if (rx != null) {
                hw.addi(cross[1]);
            }
        }
        p.accumulate(w, plain == null ? null : plain[1], hw);
        if (b != null) {
            p.accumulate(b, plain == null ? null : plain[2], second[2]);
        }
        if (plain != null) {
            p.addGrad(in[0], plain[0], rgx);
        }
    }

    @Override
    String kind() {
        return depthwise ? "depthwise-conv2d" : groups > 1 ? "grouped-conv2d" : "conv2d";
    }
}

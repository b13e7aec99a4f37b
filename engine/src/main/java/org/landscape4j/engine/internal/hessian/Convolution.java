package org.landscape4j.engine.internal.hessian;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.util.ConvolutionUtils;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.DepthwiseConv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A 2D convolution's pre-activation (NCHW), ND4J's conv2d and conv2d_bp on weights {@code [out, in, kH, kW]}, or a
 * depthwise convolution's, depthwise_conv2d and depthwise_conv2d_bp on weights {@code [kH, kW, in, multiplier]}: both
 * are bilinear in the input and the weights, so one rule serves both.
 */
final class Convolution extends Node {
    private final Param w;
    private final Param b;
    private final boolean depthwise;
    private final Conv2DConfig config;
    private final long channelsOut;
    private long[] args;

    Convolution(String source, int in, int out, Param w, Param b, ConvolutionLayer conf) {
        super(source, new int[] {in}, out);
        this.w = w;
        this.b = b;
        this.depthwise = conf instanceof DepthwiseConvolution2D;
        int[] k = conf.getKernelSize();
        int[] s = conf.getStride();
        int[] pad = conf.getPadding();
        int[] d = conf.getDilation();
        this.config = Conv2DConfig.builder()
                .kH(k[0]).kW(k[1]).sH(s[0]).sW(s[1]).pH(pad[0]).pW(pad[1]).dH(d[0]).dW(d[1])
                .paddingMode(ConvolutionUtils.paddingModeForConvolutionMode(conf.getConvolutionMode()))
                .dataFormat(Conv2DConfig.NCHW).weightsFormat(depthwise ? WeightsFormat.YXIO : WeightsFormat.OIYX)
                .build();
        long[] shape = w.shape();
        this.channelsOut = depthwise ? shape[2] * shape[3] : shape[0];
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
        b.addUnreported(new Convolution(node.source(), in, z, b.param(node, "W"),
                c.hasBias() ? b.param(node, "b") : null, c));
        return Activation.after(b, c.getActivationFn(), node.source(), z, act);
    }

    private INDArray bias(Pass p, boolean direction) {
        if (b == null) {
            return Nd4j.zeros(DataType.DOUBLE, channelsOut);
        }
        INDArray v = direction ? p.direction(b) : p.value(b);
        return v.reshape(v.length());
    }

    private INDArray conv(INDArray x, INDArray kernel, INDArray bias) {
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
        return depthwise ? "depthwise-conv2d" : "conv2d";
    }
}

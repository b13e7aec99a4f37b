package org.landscape4j.models;

import static org.landscape4j.models.OnnxNodes.attrInt;
import static org.landscape4j.models.OnnxNodes.attrInts;
import static org.landscape4j.models.OnnxNodes.attrString;
import static org.landscape4j.models.OnnxNodes.hasInput;
import static org.landscape4j.models.OnnxNodes.ints;
import static org.landscape4j.models.OnnxNodes.refuse;
import static org.landscape4j.models.OnnxNodes.shapeText;

import java.util.Arrays;

import onnx.Onnx;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.landscape4j.engine.graph.GroupedConvolution2D;
import org.landscape4j.models.OnnxConversion.Act;
import org.landscape4j.models.OnnxTensors.Constant;
import org.nd4j.linalg.activations.Activation;

/**
 * Convolution: {@code Conv}, PyTorch's {@code nn.Conv2d} with {@code groups=1}, as a DL4J {@link ConvolutionLayer}
 * (NCHW, {@code Truncate} mode, identity activation), the weight {@code [out, in, kH, kW]} DL4J's layout as it is;
 * with {@code groups} equal to its input channels (MobileNet's, MnasNet's depthwise convolutions) as a
 * {@link DepthwiseConvolution2D}; with other group counts (ResNeXt's, RegNet's) as the engine's
 * {@link GroupedConvolution2D}, the weight {@code [out, in / group, kH, kW]} its layout as it is.
 * Also the window geometry the pooling family shares: explicit symmetric padding and the output size.
 */
final class OnnxConvolution {

    private OnnxConvolution() {
    }

    /**
     * {@code Conv(x, W[, b])}: strides, dilations, symmetric pads; any {@code group} dividing the input and output
     * channels (1, depthwise, grouped); refuses 1D/3D and asymmetric pads.
     */
    static OnnxConversion conv(Onnx.NodeProto n, OnnxContext ctx) {
        Act x = ctx.activation(n, 0, 4);
        Constant w = ctx.weight(n, 1);
        if (w.shape().length != 4) {
            throw refuse(n, "has a rank-" + w.shape().length + " weight; only 2D convolutions are supported");
        }
        long group = attrInt(n, "group", 1);
        long channels = x.shape()[0];
        if (group < 1 || w.shape()[1] * group != channels || w.shape()[0] % group != 0) {
            throw refuse(n, "has a weight " + shapeText(w.shape()) + " for " + channels + " input channels in "
                    + group + " group(s)");
        }
        int[] k = {(int) w.shape()[2], (int) w.shape()[3]};
        int[] s = ints(n, "strides", 1, 1);
        int[] d = ints(n, "dilations", 1, 1);
        int[] p = symmetricPads(n);
        Constant b = hasInput(n, 2) ? ctx.weight(n, 2) : null;
        long out = w.shape()[0];
        long h = spatial(n, x.shape()[1], k[0], s[0], p[0], d[0]);
        long wd = spatial(n, x.shape()[2], k[1], s[1], p[1], d[1]);
        OnnxConversion c = group == 1 || channels == 1
                ? OnnxConversion.layer(ctx.vertexName(n), new ConvolutionLayer.Builder(k).nIn(channels).nOut(out)
                        .stride(s).padding(p).dilation(d).convolutionMode(ConvolutionMode.Truncate)
                        .activation(Activation.IDENTITY).hasBias(b != null).dataFormat(CNN2DFormat.NCHW).build(),
                        "ConvolutionLayer", x).withParam("W", w, 0, 1, 2, 3)
                : group == channels ? depthwise(n, ctx, x, w, b != null, k, s, p, d)
                : OnnxConversion.layer(ctx.vertexName(n), new GroupedConvolution2D(channels, out, (int) group, k, s, p,
                        d, b != null), "GroupedConvolution2D", x).withParam("W", w, 0, 1, 2, 3);
        if (b != null) {
            c = c.withParam("b", b, 0);
        }
        return c.withOutput(n.getOutput(0), new long[] {out, h, wd});
    }

    /**
     * A depthwise convolution, PyTorch's {@code Conv2d(c, c * m, k, groups=c)}, as DL4J's
     * {@link DepthwiseConvolution2D} of multiplier {@code m}: PyTorch's weight {@code [c * m, 1, kH, kW]}, permuted to
     * {@code [kH, kW, 1, c * m]}, is DL4J's {@code [kH, kW, c, m]} read in row-major order (output channel
     * {@code c * m + j} in both).
     */
    private static OnnxConversion depthwise(Onnx.NodeProto n, OnnxContext ctx, Act x, Constant w, boolean bias,
                                            int[] k, int[] s, int[] p, int[] d) {
        long channels = x.shape()[0];
        int multiplier = Math.toIntExact(w.shape()[0] / channels);
        return OnnxConversion.layer(ctx.vertexName(n), new DepthwiseConvolution2D.Builder(k).nIn(channels)
                .nOut(channels * multiplier).depthMultiplier(multiplier).stride(s).padding(p).dilation(d)
                .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).hasBias(bias)
                .dataFormat(CNN2DFormat.NCHW).build(), "DepthwiseConvolution2D", x).withParam("W", w, 2, 3, 1, 0);
    }

    /** The {@code [height, width]} padding of a window op: explicit symmetric pads, or VALID (none). */
    static int[] symmetricPads(Onnx.NodeProto n) {
        String autoPad = attrString(n, "auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
            throw refuse(n, "has auto_pad=" + autoPad + "; only explicit pads (NOTSET) or VALID");
        }
        long[] pads = attrInts(n, "pads");
        if (pads == null || autoPad.equals("VALID")) {
            return new int[] {0, 0};
        }
        if (pads.length != 4) {
            throw refuse(n, "has pads " + Arrays.toString(pads) + "; only 2D pads");
        }
        if (pads[0] != pads[2] || pads[1] != pads[3]) {
            throw refuse(n, "has asymmetric pads " + Arrays.toString(pads) + " ([top, left, bottom, right]);"
                    + " only symmetric padding is supported");
        }
        return new int[] {(int) pads[0], (int) pads[1]};
    }

    /** The output size along one axis (floor, as DL4J and PyTorch's default); refuses impossible sizes. */
    static long spatial(Onnx.NodeProto n, long size, int k, int s, int p, int d) {
        if (k <= 0 || s <= 0 || d <= 0 || p < 0) {
            throw refuse(n, "has kernel " + k + ", stride " + s + ", dilation " + d + " and padding " + p
                    + " along an axis; kernel, stride and dilation must be positive, padding not negative");
        }
        long span = size + 2L * p - (long) d * (k - 1) - 1;
        if (span < 0) {
            throw refuse(n, "has a kernel larger than its padded input (" + size + " + 2*" + p + ")");
        }
        return span / s + 1;
    }
}

package org.landscape4j.models;

import static org.landscape4j.models.OnnxConvolution.spatial;
import static org.landscape4j.models.OnnxConvolution.symmetricPads;
import static org.landscape4j.models.OnnxNodes.attrInt;
import static org.landscape4j.models.OnnxNodes.attrInts;
import static org.landscape4j.models.OnnxNodes.hasInput;
import static org.landscape4j.models.OnnxNodes.ints;
import static org.landscape4j.models.OnnxNodes.refuse;

import java.util.Arrays;

import onnx.Onnx;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.landscape4j.models.OnnxConversion.Act;

/**
 * Pooling over 2D windows of NCHW images: {@code MaxPool} and {@code AveragePool} (PyTorch's {@code nn.MaxPool2d},
 * {@code nn.AvgPool2d}) as a DL4J {@link SubsamplingLayer}, and {@code GlobalAveragePool}/{@code GlobalMaxPool}
 * (PyTorch's {@code nn.AdaptiveAvgPool2d(1)}, {@code nn.AdaptiveMaxPool2d(1)}) as a {@link GlobalPoolingLayer}, and
 * {@code ReduceMean} over the height and width ({@code x.mean([2, 3])}) as the same average pooling.
 *
 * <p>DL4J pools with floor. {@code ceil_mode=True} (GoogLeNet's) is accepted where it gives the same size, and for max
 * pooling without padding or dilation where it pads one cell at the end of an axis (a stride of 2, the common case):
 * DL4J's Same mode pads exactly that, and max pooling ignores padded cells. Average pooling divides by the whole
 * window, padding included ({@code count_include_pad=True}); PyTorch's default of not counting it is refused where
 * there is padding.
 */
final class OnnxPooling {

    private OnnxPooling() {
    }

    /** {@code MaxPool(x)}: kernel, strides, dilations, symmetric pads; the indices output refused. */
    static OnnxConversion maxPool(Onnx.NodeProto n, OnnxContext ctx) {
        return pool(n, ctx, true);
    }

    /** {@code AveragePool(x)}: kernel, strides, symmetric pads counted in the divisor. */
    static OnnxConversion averagePool(Onnx.NodeProto n, OnnxContext ctx) {
        return pool(n, ctx, false);
    }

    /** {@code GlobalAveragePool(x)}: the mean of each channel, {@code [c, 1, 1]}, which only a flatten may read. */
    static OnnxConversion globalAveragePool(Onnx.NodeProto n, OnnxContext ctx) {
        return globalPool(n, ctx, ctx.activation(n, 0, 4), PoolingType.AVG, true);
    }

    /** {@code GlobalMaxPool(x)}: the maximum of each channel, {@code [c, 1, 1]}, which only a flatten may read. */
    static OnnxConversion globalMaxPool(Onnx.NodeProto n, OnnxContext ctx) {
        return globalPool(n, ctx, ctx.activation(n, 0, 4), PoolingType.MAX, true);
    }

    /** {@code ReduceMean(x)} before opset 18: the axes are an attribute. */
    static OnnxConversion reduceMean(Onnx.NodeProto n, OnnxContext ctx) {
        return spatialMean(n, ctx, attrInts(n, "axes"));
    }

    /** {@code ReduceMean(x[, axes])} from opset 18: the axes are an optional constant input. */
    static OnnxConversion reduceMean18(Onnx.NodeProto n, OnnxContext ctx) {
        return spatialMean(n, ctx, hasInput(n, 1) ? ctx.constantInput(n, 1).longs() : null);
    }

    /**
     * The mean over the height and width of NCHW images ({@code x.mean([2, 3])}, MnasNet's pooling) as a global
     * average pooling: {@code [c]} with {@code keepdims=0}, {@code [c, 1, 1]} (which only a flatten may read) with 1.
     */
    private static OnnxConversion spatialMean(Onnx.NodeProto n, OnnxContext ctx, long[] axes) {
        Act x = ctx.activation(n, 0, 4);
        long[] sorted = axes == null ? null : Arrays.stream(axes).map(a -> a < 0 ? a + 4 : a).sorted().toArray();
        if (!Arrays.equals(sorted, new long[] {2, 3})) {
            throw refuse(n, "averages over axes " + (axes == null ? "all" : Arrays.toString(axes))
                    + "; only over the height and width of NCHW images ([2, 3])");
        }
        return globalPool(n, ctx, x, PoolingType.AVG, attrInt(n, "keepdims", 1) != 0);
    }

    private static OnnxConversion pool(Onnx.NodeProto n, OnnxContext ctx, boolean max) {
        Act x = ctx.activation(n, 0, 4);
        long[] kernel = attrInts(n, "kernel_shape");
        if (kernel == null || kernel.length != 2) {
            throw refuse(n, "has kernel_shape " + Arrays.toString(kernel) + "; only 2D pooling");
        }
        int[] k = {(int) kernel[0], (int) kernel[1]};
        int[] s = ints(n, "strides", 1, 1);
        int[] d = max ? ints(n, "dilations", 1, 1) : new int[] {1, 1};
        int[] p = symmetricPads(n);
        if (max && n.getOutputCount() > 1 && ctx.isConsumed(n.getOutput(1))) {
            throw refuse(n, "outputs indices; only the pooled values are supported");
        }
        if (!max && (p[0] != 0 || p[1] != 0) && attrInt(n, "count_include_pad", 0) == 0) {
            throw refuse(n, "pads " + Arrays.toString(p) + " without counting the padding (count_include_pad=0)"
                    + "; use AvgPool2d(count_include_pad=True) or no padding");
        }
        long h = spatial(n, x.shape()[1], k[0], s[0], p[0], d[0]);
        long w = spatial(n, x.shape()[2], k[1], s[1], p[1], d[1]);
        boolean ceil = attrInt(n, "ceil_mode", 0) != 0;
        long hUp = ceil ? ceilSize(x.shape()[1], k[0], s[0], p[0], d[0]) : h;
        long wUp = ceil ? ceilSize(x.shape()[2], k[1], s[1], p[1], d[1]) : w;
        ConvolutionMode mode = ConvolutionMode.Truncate;
        String converted = "SubsamplingLayer";
        if (hUp != h || wUp != w) {
            String sizes = "ceil_mode=1, which gives " + hUp + "x" + wUp + " outputs of " + x.shape()[1] + "x"
                    + x.shape()[2] + " where floor gives " + h + "x" + w;
            if (!max) {
                throw refuse(n, "has " + sizes + "; DL4J's average pooling cannot pad the end only: use"
                        + " ceil_mode=False or a size it divides");
            }
            if (p[0] != 0 || p[1] != 0 || d[0] != 1 || d[1] != 1 || !endPadded(x.shape()[1], k[0], s[0], hUp)
                    || !endPadded(x.shape()[2], k[1], s[1], wUp)) {
                throw refuse(n, "has " + sizes + " with padding " + Arrays.toString(p) + " and dilation "
                        + Arrays.toString(d) + ", which DL4J's Same padding does not give; use ceil_mode=False or a"
                        + " size it divides");
            }
            // PyTorch's ceil_mode pads one cell at the end, which max pooling ignores: DL4J's Same mode, exactly
            mode = ConvolutionMode.Same;
            converted = "SubsamplingLayer (ceil_mode=1 as Same padding at the end)";
            h = hUp;
            w = wUp;
        }
        SubsamplingLayer.Builder b = new SubsamplingLayer.Builder(max ? PoolingType.MAX : PoolingType.AVG, k, s, p)
                .dilation(d).convolutionMode(mode).dataFormat(CNN2DFormat.NCHW);
        if (!max) {
            b.avgPoolIncludePadInDivisor(true);
        }
        return OnnxConversion.layer(ctx.vertexName(n), b.build(), converted, x)
                .withOutput(n.getOutput(0), new long[] {x.shape()[0], h, w});
    }

    /** The output size of PyTorch's {@code ceil_mode=True} along an axis (a last window in the padding dropped). */
    static long ceilSize(long size, int k, int s, int p, int d) {
        long span = size + 2L * p - (long) d * (k - 1) - 1;
        long up = (span + s - 1) / s + 1;
        return (up - 1) * s >= size + p ? up - 1 : up;
    }

    /**
     * Whether DL4J's Same mode along an axis (out = ceil(size / s), padding {@code max((out - 1)·s + k - size, 0)},
     * half of it, rounded down, before) gives {@code out} outputs with no padding before: the windows of PyTorch's
     * ceil mode, whose extra cells at the end max pooling ignores.
     */
    static boolean endPadded(long size, int k, int s, long out) {
        long same = (size + s - 1) / s;
        long total = Math.max((same - 1) * s + k - size, 0);
        return same == out && total / 2 == 0;
    }

    /** The {@code type} pooling of each channel of {@code x}: {@code [c, 1, 1]} in ONNX if {@code keep}, else [c]. */
    private static OnnxConversion globalPool(Onnx.NodeProto n, OnnxContext ctx, Act x, PoolingType type,
                                             boolean keep) {
        long c = x.shape()[0];
        if (keep && !ctx.onlyFlattened(n.getOutput(0))) {
            // read as an image (squeeze-and-excitation's 1x1 convolutions): DL4J keeps [c, 1, 1] too
            return OnnxConversion.layer(ctx.vertexName(n), new GlobalPoolingLayer.Builder(type)
                    .collapseDimensions(false).build(), "GlobalPoolingLayer", x)
                    .withOutput(n.getOutput(0), new long[] {c, 1, 1}, new long[] {c, 1, 1});
        }
        // flattened next: DL4J collapses to [c] (OnnxContext.activation refuses any other reader of [c, 1, 1])
        return OnnxConversion.layer(ctx.vertexName(n), new GlobalPoolingLayer.Builder(type).collapseDimensions(true)
                .build(), "GlobalPoolingLayer", x).withOutput(n.getOutput(0), keep ? new long[] {c, 1, 1}
                : new long[] {c}, new long[] {c});
    }
}

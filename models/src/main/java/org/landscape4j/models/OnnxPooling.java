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
 * <p>DL4J pools with floor: {@code ceil_mode=True} is accepted where it gives the same size. Average pooling divides by
 * the whole window, padding included ({@code count_include_pad=True}); PyTorch's default of not counting it is
 * refused where there is padding.
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
        boolean ceil = attrInt(n, "ceil_mode", 0) != 0;
        long h = spatial(n, x.shape()[1], k[0], s[0], p[0], d[0], ceil);
        long w = spatial(n, x.shape()[2], k[1], s[1], p[1], d[1], ceil);
        SubsamplingLayer.Builder b = new SubsamplingLayer.Builder(max ? PoolingType.MAX : PoolingType.AVG, k, s, p)
                .dilation(d).convolutionMode(ConvolutionMode.Truncate).dataFormat(CNN2DFormat.NCHW);
        if (!max) {
            b.avgPoolIncludePadInDivisor(true);
        }
        return OnnxConversion.layer(ctx.vertexName(n), b.build(), "SubsamplingLayer", x)
                .withOutput(n.getOutput(0), new long[] {x.shape()[0], h, w});
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

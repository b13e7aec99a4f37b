package org.landscape4j.engine.internal.plan;

import java.util.HashMap;
import java.util.Map;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;

/**
 * A channels-last 2D convolution run by oneDNN directly ({@link OneDnn}): images {@code [n, h, w, c]} in and out,
 * DL4J's {@code [out, in, kH, kW]} weights, the bias and a ReLU applied by the primitive itself (a post-op) instead of
 * a second pass over the output.
 *
 * <p>A worker's kernel makes one primitive per row count it meets (the plan's row block and a batch's last, shorter
 * block), once; the weights are reordered into the primitive's layout once per point ({@link #prepare()}), not per
 * block. In float, with the source and weights in the layout oneDNN prefers and the destination channels-last, the
 * outputs are ND4J's {@code conv2d} (then ND4J's ReLU) bit for bit ({@code OneDnnConvolutionTest}, every geometry the
 * plan's layers produce); ReLU is exact either way. In {@link #bf16} the source and weights are rounded to bfloat16 (8 bits of mantissa) and
 * the products accumulate in float into a float output: about 2x the arithmetic rate on AVX512-BF16, and a relative
 * error near 2^-9 per convolution.
 *
 * <p>Every native object is the kernel's ({@link OneDnnKernel}), freed when the worker closes; the memories over
 * ND4J's arrays only borrow them: their address is set before every run.
 */
final class OneDnnConvolution extends OneDnnKernel {

    private final INDArray weights;
    private final INDArray bias;
    private final Conv2DConfig config;
    private final boolean relu;
    private final boolean bf16;
    /** The group count: 1, or a grouped convolution's weights {@code [out, in / groups, kH, kW]}. */
    private final int groups;
    private final Map<Long, Primitive> byRows = new HashMap<>();
    /** Incremented by every {@link #prepare()}: a primitive reorders its weights when its copy is older. */
    private long point;

    /**
     * @param weights [out, in, kH, kW] float, read at every point (a view of the worker's parameters, or an array the
     *                step rewrites in its own {@code prepare} before this kernel's)
     * @param bias    [out] float, or {@code null}
     * @param config  the convolution's geometry, channels-last ({@code NHWC})
     * @param relu    whether a ReLU follows (DL4J's {@code ActivationReLU} without parameters)
     * @param bf16    source and weights in bfloat16
     */
    OneDnnConvolution(INDArray weights, INDArray bias, Conv2DConfig config, boolean relu, boolean bf16) {
        this(weights, bias, config, relu, bf16, 1);
    }

    /**
     * A grouped convolution ({@code groups > 1}): weights {@code [out, in / groups, kH, kW]}, which is oneDNN's
     * {@code goihw} read in row-major order; the other arguments as above.
     */
    OneDnnConvolution(INDArray weights, INDArray bias, Conv2DConfig config, boolean relu, boolean bf16, int groups) {
        this.groups = groups;
        this.weights = weights;
        this.bias = bias;
        this.config = config;
        this.relu = relu;
        this.bf16 = bf16;
    }

    @Override
    public void prepare() {
        point++;
    }

    @Override
    public void run(INDArray[] in, INDArray out) {
        INDArray x = in[0];
        requireReadable("convolution", x, out);
        byRows.computeIfAbsent(x.size(0), n -> new Primitive(x, out)).run(x, out);
    }

    @Override
    void forget() {
        byRows.clear();
    }

    /** The padding before the first row (column) ND4J's op uses: DL4J's for Same mode, the configured one else. */
    static long padBefore(PaddingMode mode, long in, long out, long k, long s, long d, long configured) {
        if (mode != PaddingMode.SAME) {
            return configured;
        }
        long effective = (k - 1) * d + 1;
        return Math.max(0, ((out - 1) * s + effective - in) / 2);
    }

    /** The padding after the last row (column) that makes {@code out} outputs: what oneDNN's descriptor needs. */
    static long padAfter(long in, long out, long k, long s, long d, long before) {
        return (out - 1) * s + (k - 1) * d + 1 - in - before;
    }

    /** One primitive for one row count, with the memories it reads and writes. */
    private final class Primitive {
        private final convolution_forward convolution;
        private final memory userSource;
        private final memory source;
        private final reorder sourceReorder;
        private final memory userWeights;
        private final memory primitiveWeights;
        private final reorder weightsReorder;
        private final memory destination;
        private final IntMemoryMap args;
        private long weightsPoint = -1;

        Primitive(INDArray x, INDArray y) {
            long n = x.size(0);
            long h = x.size(1);
            long w = x.size(2);
            long c = x.size(3);
            long oh = y.size(1);
            long ow = y.size(2);
            long oc = y.size(3);
            long kh = config.getKH();
            long kw = config.getKW();
            long dh = config.getDH();
            long dw = config.getDW();
            long top = padBefore(config.getPaddingMode(), h, oh, kh, config.getSH(), dh, config.getPH());
            long left = padBefore(config.getPaddingMode(), w, ow, kw, config.getSW(), dw, config.getPW());
            long[] padL = {top, left};
            long[] padR = {padAfter(h, oh, kh, config.getSH(), dh, top), padAfter(w, ow, kw, config.getSW(), dw, left)};
            long[] strides = {config.getSH(), config.getSW()};
            long[] dilation = {dh - 1, dw - 1}; // oneDNN counts the gaps: 0 is a dense kernel
            long[] srcDims = {n, c, h, w};
            long[] weightDims = groups == 1 ? new long[] {oc, c, kh, kw}
                    : new long[] {groups, oc / groups, c / groups, kh, kw};
            long[] dstDims = {n, oc, oh, ow};
            memory.data_type arithmetic = bf16 ? memory.data_type.bf16 : memory.data_type.f32;
            memory.desc userSourceDesc = own(new memory.desc(srcDims, memory.data_type.f32, memory.format_tag.nhwc));
            memory.desc userWeightsDesc = own(new memory.desc(weightDims, memory.data_type.f32,
                    groups == 1 ? memory.format_tag.oihw : memory.format_tag.goihw));
            memory.desc dstDesc = own(new memory.desc(dstDims, memory.data_type.f32, memory.format_tag.nhwc));
            memory.desc biasDesc = bias == null ? null
                    : own(new memory.desc(new long[] {oc}, memory.data_type.f32, memory.format_tag.x));
            memory.desc anySource = own(new memory.desc(srcDims, arithmetic, memory.format_tag.any));
            memory.desc anyWeights = own(new memory.desc(weightDims, arithmetic, memory.format_tag.any));
            convolution_forward.desc desc = own(biasDesc == null
                    ? new convolution_forward.desc(dnnl.prop_kind.forward_inference, dnnl.algorithm.convolution_direct,
                            anySource, anyWeights, dstDesc, strides, dilation, padL, padR)
                    : new convolution_forward.desc(dnnl.prop_kind.forward_inference, dnnl.algorithm.convolution_direct,
                            anySource, anyWeights, biasDesc, dstDesc, strides, dilation, padL, padR));
            primitive_attr attr = own(new primitive_attr());
            attr.set_scratchpad_mode(dnnl.scratchpad_mode.user);
            if (relu) {
                post_ops ops = own(new post_ops());
                ops.append_eltwise(1f, dnnl.algorithm.eltwise_relu, 0f, 0f);
                attr.set_post_ops(ops);
            }
            convolution_forward.primitive_desc pd = own(new convolution_forward.primitive_desc(desc, attr,
                    OneDnn.engine()));
            convolution = own(new convolution_forward(pd));
            userSource = own(new memory(userSourceDesc, OneDnn.engine(), (Pointer) null));
            memory.desc sourceDesc = own(pd.src_desc());
            if (sourceDesc.equals(userSourceDesc)) {
                source = userSource;
                sourceReorder = null;
            } else {
                source = own(new memory(sourceDesc, OneDnn.engine()));
                sourceReorder = own(new reorder(userSource, source));
            }
            userWeights = own(new memory(userWeightsDesc, OneDnn.engine(), weights.data().addressPointer()));
            primitiveWeights = own(new memory(own(pd.weights_desc()), OneDnn.engine()));
            weightsReorder = own(new reorder(userWeights, primitiveWeights));
            destination = own(new memory(dstDesc, OneDnn.engine(), (Pointer) null));
            args = own(new IntMemoryMap());
            args.put(dnnl.DNNL_ARG_SRC, source);
            args.put(dnnl.DNNL_ARG_WEIGHTS, primitiveWeights);
            args.put(dnnl.DNNL_ARG_DST, destination);
            if (biasDesc != null) {
                args.put(dnnl.DNNL_ARG_BIAS, own(new memory(biasDesc, OneDnn.engine(), bias.data().addressPointer())));
            }
            args.put(dnnl.DNNL_ARG_SCRATCHPAD, own(new memory(own(pd.scratchpad_desc()), OneDnn.engine())));
        }

        void run(INDArray x, INDArray y) {
            if (weightsPoint != point) {
                weightsReorder.execute(stream(), userWeights, primitiveWeights);
                weightsPoint = point;
            }
            userSource.set_data_handle(x.data().addressPointer());
            destination.set_data_handle(y.data().addressPointer());
            if (sourceReorder != null) {
                sourceReorder.execute(stream(), userSource, source);
            }
            convolution.execute(stream(), args);
            stream()._wait();
        }
    }
}

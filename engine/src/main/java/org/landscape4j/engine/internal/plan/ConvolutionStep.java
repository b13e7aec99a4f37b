package org.landscape4j.engine.internal.plan;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.util.Convolution1DUtils;
import org.deeplearning4j.util.ConvolutionUtils;
import org.landscape4j.engine.graph.GroupedConvolution2D;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv1D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv1DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A 2D convolution ({@code ConvolutionLayer}, NCHW) or 1D convolution ({@code Convolution1DLayer}, NCW) through ND4J's
 * native {@code conv2d}/{@code conv1d} ops, which reach oneDNN with the default natives, writing into the step's
 * buffer; bias and the fused activation follow in place. DL4J's own 2D layer runs a Java-side im2col + GEMM instead.
 * Weights stay in DL4J's {@code [out, in, kH, kW]} layout ({@code OIYX}), read as views of the parameter vector. A
 * grouped convolution ({@link #ruleGrouped}) is the same step with its group count: oneDNN runs it as one grouped
 * primitive, ND4J per group.
 *
 * <p>Channels-last, with oneDNN's natives loaded ({@link OneDnn}), a 2D convolution calls oneDNN directly
 * ({@link OneDnnConvolution}: a primitive per shape made once, a ReLU fused into it) with ND4J's numbers; only there
 * can it run in bfloat16 ({@link #inBf16()}).
 */
final class ConvolutionStep extends Step {

    private final LayerRef layer;
    private final IActivation activation;
    private final boolean hasBias;
    private final Conv2DConfig config2d;
    private final Conv1DConfig config1d;
    private final boolean bf16;
    /** Whether {@link #activation} is a ReLU layer's, fused into this step ({@link #withRelu}). */
    private final boolean fusedRelu;
    /** 1, or a grouped convolution's group count (weights {@code [out, in / groups, kH, kW]}). */
    private final int groups;

    private ConvolutionStep(String source, int input, int output, LayerRef layer, IActivation activation,
                            boolean hasBias, Conv2DConfig config2d, Conv1DConfig config1d, boolean bf16) {
        this(source, input, output, layer, activation, hasBias, config2d, config1d, bf16, false, 1);
    }

    private ConvolutionStep(String source, int input, int output, LayerRef layer, IActivation activation,
                            boolean hasBias, Conv2DConfig config2d, Conv1DConfig config1d, boolean bf16,
                            boolean fusedRelu, int groups) {
        super(source, new int[] {input}, output);
        this.fusedRelu = fusedRelu;
        this.groups = groups;
        this.layer = layer;
        this.activation = activation;
        this.hasBias = hasBias;
        this.config2d = config2d;
        this.config1d = config1d;
        this.bf16 = bf16;
    }

    /** The plan's rule for a 2D convolution (NCHW). */
    static int rule2d(PlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        return b.add(of(node.source(), in, b.newSlot(act), b.ref(node), node.config(ConvolutionLayer.class)), act);
    }

    /**
     * The plan's rule for a grouped 2D convolution ({@link GroupedConvolution2D}, NCHW): the same step with its group
     * count, so batch norms fold into it and ReLUs fuse as into any convolution; never a factorized first layer.
     */
    static int ruleGrouped(PlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        GroupedConvolution2D conf = node.config(GroupedConvolution2D.class);
        return b.add(new ConvolutionStep(node.source(), in, b.newSlot(act), b.ref(node), new ActivationIdentity(),
                conf.hasBias(), conf.config(Conv2DConfig.NCHW), null, false, false, conf.getGroups()), act);
    }

    /** The plan's rule for a 1D convolution (NCW). */
    static int rule1d(PlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        return b.add(of(node.source(), in, b.newSlot(act), b.ref(node), node.config(Convolution1DLayer.class)), act);
    }

    static ConvolutionStep of(String source, int input, int output, LayerRef layer, ConvolutionLayer conf) {
        if (conf instanceof Convolution1DLayer c1) {
            Conv1DConfig c = Conv1DConfig.builder()
                    .k(c1.getKernelSize()[0]).s(c1.getStride()[0]).d(c1.getDilation()[0]).p(c1.getPadding()[0])
                    .dataFormat(Conv1DConfig.NCW).paddingMode(paddingMode(c1.getConvolutionMode()))
                    .build();
            return new ConvolutionStep(source, input, output, layer, conf.getActivationFn(), conf.hasBias(), null, c,
                    false);
        }
        int[] k = conf.getKernelSize();
        int[] s = conf.getStride();
        int[] p = conf.getPadding();
        int[] d = conf.getDilation();
        Conv2DConfig c = Conv2DConfig.builder()
                .kH(k[0]).kW(k[1]).sH(s[0]).sW(s[1]).pH(p[0]).pW(p[1]).dH(d[0]).dW(d[1])
                .paddingMode(paddingMode(conf.getConvolutionMode()))
                .dataFormat(Conv2DConfig.NCHW).weightsFormat(WeightsFormat.OIYX)
                .build();
        return new ConvolutionStep(source, input, output, layer, conf.getActivationFn(), conf.hasBias(), c, null,
                false);
    }

    /** DL4J's own mapping (Truncate and Strict pad explicitly; Strict only adds a check at configuration time). */
    static PaddingMode paddingMode(ConvolutionMode mode) {
        return ConvolutionUtils.paddingModeForConvolutionMode(mode);
    }

    @Override
    Kernel bind(Model copy) {
        INDArray w = layer.param(copy, "W");
        if (callsOneDnn(w.dataType()) && isPlainRelu(activation)) {
            return new OneDnnConvolution(w, bias(copy), config2d, true, bf16, groups);
        }
        return Activations.after(preActivation(copy), activation);
    }

    /**
     * Whether this step's kernels call oneDNN directly for parameters of {@code type}: a channels-last 2D convolution
     * in float, oneDNN's natives loaded (a double network runs ND4J's op, which computes in double).
     */
    boolean callsOneDnn(DataType type) {
        return config1d == null && Conv2DConfig.NHWC.equals(config2d.getDataFormat()) && OneDnn.available()
                && type == DataType.FLOAT;
    }

    /** DL4J's {@code ActivationReLU} without max, threshold or slope: {@code max(0, x)}, oneDNN's ReLU post-op. */
    static boolean isPlainRelu(IActivation a) {
        return a instanceof ActivationReLU r && r.getMax() == null && r.getThreshold() == null
                && r.getNegativeSlope() == null;
    }

    /**
     * This convolution computing in bfloat16 (source and weights rounded, float accumulation and output); only when
     * {@link #callsOneDnn} in float.
     */
    ConvolutionStep inBf16() {
        if (!callsOneDnn(DataType.FLOAT)) {
            throw new IllegalStateException(source + ": bfloat16 needs a channels-last convolution run by oneDNN");
        }
        return new ConvolutionStep(source, inputs[0], output, layer, activation, hasBias, config2d, null, true,
                fusedRelu, groups);
    }

    boolean isBf16() {
        return bf16;
    }

    /** Whether this is a grouped convolution ({@link #ruleGrouped}). */
    boolean isGrouped() {
        return groups > 1;
    }

    /**
     * This convolution (without activation) followed by {@code activation}, a plain ReLU that reads only this step's
     * output, as one step writing the activation's slot, the ReLU inside oneDNN's primitive. Only when
     * {@link #callsOneDnn} for the plan's type.
     */
    ConvolutionStep withRelu(ActivationStep activation) {
        return new ConvolutionStep(source + " + " + activation.source, inputs[0], activation.output, layer,
                new ActivationReLU(), hasBias, config2d, null, bf16, true, groups);
    }

    /** The kernel without the activation: the layer's pre-activation (used for first-layer products). */
    Kernel preActivation(Model copy) {
        INDArray w = layer.param(copy, "W");
        INDArray kernel = config1d != null
                ? Convolution1DUtils.reshapeWeightArrayOrGradientForFormat(w, RNNFormat.NCW) : w;
        return kernelWith(kernel, bias(copy));
    }

    /** The layer's bias as a flat view, or {@code null}. */
    INDArray bias(Model copy) {
        INDArray b = hasBias ? layer.param(copy, "b") : null;
        return b == null ? null : b.reshape(b.length());
    }

    /** This convolution with the given weights (in the op's layout) and bias ({@code null} for none). */
    Kernel kernelWith(INDArray kernel, INDArray bias) {
        return kernelWith(kernel, bias, false);
    }

    /**
     * {@link #kernelWith(INDArray, INDArray)}, then a plain ReLU when {@code relu}: inside oneDNN's primitive when
     * {@link #callsOneDnn} for the weights' type, else ND4J's after the op.
     */
    Kernel kernelWith(INDArray kernel, INDArray bias, boolean relu) {
        if (callsOneDnn(kernel.dataType())) {
            return new OneDnnConvolution(kernel, bias, config2d, relu, bf16, groups);
        }
        if (relu) {
            return Activations.after(kernelWith(kernel, bias, false), new ActivationReLU());
        }
        if (groups > 1) {
            return grouped(kernel, bias);
        }
        INDArray[] weights = bias == null ? new INDArray[] {kernel} : new INDArray[] {kernel, bias};
        return (in, out) -> {
            INDArray[] inputs = new INDArray[weights.length + 1];
            inputs[0] = in[0];
            System.arraycopy(weights, 0, inputs, 1, weights.length);
            Nd4j.exec(config1d != null ? new Conv1D(inputs, new INDArray[] {out}, config1d)
                    : new Conv2D(inputs, new INDArray[] {out}, config2d));
        };
    }

    @Override
    ConvolutionStep channelsLast(boolean[] image) {
        if (config1d != null || !touches(image)) {
            return config1d != null && touches(image) ? null : this;
        }
        if (activation instanceof org.nd4j.linalg.activations.impl.ActivationSoftmax) {
            return null; // DL4J's softmax over a convolution's channels: kept channels-first
        }
        // the weights stay DL4J's [out, in, kH, kW] (OIYX) as they are
        Conv2DConfig nhwc = inFormat(config2d, Conv2DConfig.NHWC);
        return new ConvolutionStep(source, inputs[0], output, layer, activation, hasBias, nhwc, null, bf16, false,
                groups);
    }

    /**
     * A grouped convolution through ND4J (no oneDNN, or double): {@code conv2d} per group on a copy of the group's
     * input channels, written into its output channels. The weights and bias are copied first: ND4J M2.1 slices some
     * views of a parameter vector wrongly (an interval came out rank 0).
     */
    private Kernel grouped(INDArray kernel, INDArray bias) {
        int axis = Conv2DConfig.NHWC.equals(config2d.getDataFormat()) ? 3 : 1;
        long inPer = kernel.size(1);
        long outPer = kernel.size(0) / groups;
        return (in, out) -> {
            INDArray w = kernel.dup('c');
            INDArray b = bias == null ? null : bias.dup();
            for (int g = 0; g < groups; g++) {
                INDArray x = in[0].get(channels(axis, g * inPer, inPer)).dup('c');
                INDArray wg = w.get(NDArrayIndex.interval(g * outPer, (g + 1) * outPer), NDArrayIndex.all(),
                        NDArrayIndex.all(), NDArrayIndex.all());
                INDArray[] inputs = b == null ? new INDArray[] {x, wg}
                        : new INDArray[] {x, wg, b.get(NDArrayIndex.interval(g * outPer, (g + 1) * outPer))};
                INDArray y = Nd4j.exec(new Conv2D(inputs, null, config2d))[0];
                out.get(channels(axis, g * outPer, outPer)).assign(y);
            }
        };
    }

    /** The index of channels {@code [from, from + count)} along {@code axis} of a rank-4 image array. */
    private static INDArrayIndex[] channels(int axis, long from, long count) {
        INDArrayIndex[] index = {NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()};
        index[axis] = NDArrayIndex.interval(from, from + count);
        return index;
    }

    /** {@code c} on images in {@code format} ({@code NCHW} or {@code NHWC}), its weights' format kept. */
    static Conv2DConfig inFormat(Conv2DConfig c, String format) {
        return Conv2DConfig.builder().kH(c.getKH()).kW(c.getKW()).sH(c.getSH()).sW(c.getSW())
                .pH(c.getPH()).pW(c.getPW()).dH(c.getDH()).dW(c.getDW()).paddingMode(c.getPaddingMode())
                .dataFormat(format).weightsFormat(c.getWeightsFormat()).build();
    }

    /** Whether this is a 2D convolution without activation, which a following batch norm can fold into. */
    boolean foldsBatchNorm() {
        return config1d == null && (activation == null
                || activation instanceof org.nd4j.linalg.activations.impl.ActivationIdentity);
    }

    LayerRef layer() {
        return layer;
    }

    IActivation activation() {
        return activation;
    }

    @Override
    String kind() {
        String relu = fusedRelu ? "+relu" : "";
        String conv = groups > 1 ? "grouped-conv2d" : "conv2d";
        return config1d != null ? "conv1d" : bf16 ? conv + relu + " (bf16)" : conv + relu;
    }
}

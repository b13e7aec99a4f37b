package org.landscape4j.engine.graph;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.weights.WeightInitRelu;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A grouped 2D convolution, PyTorch's {@code nn.Conv2d(in, out, k, groups=g)} (ResNeXt's, RegNet's): the input's
 * channels split into {@code g} equal groups, each convolved with its own {@code out / g} filters, the outputs
 * concatenated in group order. Images NCHW; weights {@code W [out, in / g, kH, kW]} (PyTorch's layout and order, a
 * filter is one index of axis 0), an optional bias {@code b [out]}; explicit symmetric padding (DL4J's
 * {@code Truncate} mode), no activation (a following activation layer applies one). DL4J has no grouped convolution
 * ({@code ConvolutionLayer} is one group, {@code DepthwiseConvolution2D} one input channel per group).
 *
 * <p>DL4J runs it through the layer's own forward and backward passes ({@link GroupedConvolutionLayer}: ND4J's
 * {@code conv2d} and {@code conv2d_bp} per group). (A {@code SameDiffLayer} computing the same forward pass was tried
 * first: DL4J M2.1 returned twice the gradient of its parameters, even with one group, measured against central
 * differences.) It is {@link LayerKind#GROUPED_CONVOLUTION_2D}: the inference plan runs it as one oneDNN grouped
 * convolution (channels-last), the exact Hessian has a rule for it.
 *
 * <pre>{@code
 * jshell> new GroupedConvolution2D(8, 16, 4, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, true)
 * $1 ==> GroupedConvolution2D(8 -> 16, groups 4, kernel [3, 3], stride [1, 1], padding [1, 1], dilation [1, 1], bias)
 * }</pre>
 */
public final class GroupedConvolution2D extends FeedForwardLayer {

    @JsonProperty("groups")
    private int groups;
    @JsonProperty("kernelSize")
    private int[] kernelSize;
    @JsonProperty("stride")
    private int[] stride;
    @JsonProperty("padding")
    private int[] padding;
    @JsonProperty("dilation")
    private int[] dilation;
    @JsonProperty("hasBias")
    private boolean hasBias;

    /** For DL4J's JSON configuration reader only. */
    private GroupedConvolution2D() {
    }

    /**
     * @param nIn        input channels, a multiple of {@code groups}
     * @param nOut       output channels, a multiple of {@code groups}
     * @param groups     the group count, at least 1
     * @param kernelSize {@code [kH, kW]}
     * @param stride     {@code [sH, sW]}
     * @param padding    {@code [pH, pW]}, zeros on both sides
     * @param dilation   {@code [dH, dW]}
     * @param hasBias    whether the layer adds a bias per output channel
     * @throws IllegalArgumentException naming the bad value
     */
    public GroupedConvolution2D(long nIn, long nOut, int groups, int[] kernelSize, int[] stride, int[] padding,
                                int[] dilation, boolean hasBias) {
        if (groups < 1 || nIn < 1 || nOut < 1 || nIn % groups != 0 || nOut % groups != 0) {
            throw new IllegalArgumentException("a grouped convolution needs input (" + nIn + ") and output (" + nOut
                    + ") channels that are positive multiples of its groups (" + groups + ")");
        }
        check("kernelSize", kernelSize, 1);
        check("stride", stride, 1);
        check("padding", padding, 0);
        check("dilation", dilation, 1);
        this.nIn = nIn;
        this.nOut = nOut;
        this.groups = groups;
        this.kernelSize = kernelSize.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.hasBias = hasBias;
        this.activationFn = new ActivationIdentity();
    }

    private static void check(String name, int[] values, int min) {
        if (values == null || values.length != 2 || values[0] < min || values[1] < min) {
            throw new IllegalArgumentException(name + " must be two values of at least " + min + ", was "
                    + Arrays.toString(values));
        }
    }

    public int getGroups() {
        return groups;
    }

    public int[] getKernelSize() {
        return kernelSize.clone();
    }

    public int[] getStride() {
        return stride.clone();
    }

    public int[] getPadding() {
        return padding.clone();
    }

    public int[] getDilation() {
        return dilation.clone();
    }

    public boolean hasBias() {
        return hasBias;
    }

    /** ND4J's {@code conv2d} configuration of one group (weights OIYX), on images in {@code format}. */
    public Conv2DConfig config(String format) {
        return Conv2DConfig.builder().kH(kernelSize[0]).kW(kernelSize[1]).sH(stride[0]).sW(stride[1])
                .pH(padding[0]).pW(padding[1]).dH(dilation[0]).dW(dilation[1]).paddingMode(PaddingMode.VALID)
                .dataFormat(format).weightsFormat(WeightsFormat.OIYX).build();
    }

    /** The output size along axis 0 (height) or 1 (width) of an input of {@code size}. */
    public long outputSize(int axis, long size) {
        long span = size + 2L * padding[axis] - (long) dilation[axis] * (kernelSize[axis] - 1) - 1;
        if (span < 0) {
            throw new IllegalArgumentException(getLayerName() + ": kernel " + Arrays.toString(kernelSize)
                    + " is larger than its padded input (" + size + " + 2*" + padding[axis] + ")");
        }
        return span / stride[axis] + 1;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray paramsView, boolean initializeParams,
                                                       DataType dataType) {
        return OwnLayers.instantiate(new GroupedConvolutionLayer(conf, dataType), conf, listeners, layerIndex,
                paramsView, initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return Parameters.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional c) || c.getFormat() != CNN2DFormat.NCHW) {
            throw new IllegalArgumentException(getLayerName() + ": a grouped convolution takes NCHW images, was "
                    + inputType);
        }
        return InputType.convolutional(outputSize(0, c.getHeight()), outputSize(1, c.getWidth()), nOut,
                CNN2DFormat.NCHW);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (inputType instanceof InputType.InputTypeConvolutional c && c.getChannels() != nIn) {
            throw new IllegalArgumentException(getLayerName() + ": a grouped convolution of " + nIn
                    + " input channels reads " + c.getChannels());
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, getLayerName());
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType out = getOutputType(-1, inputType);
        return new LayerMemoryReport.Builder(layerName, GroupedConvolution2D.class, inputType, out)
                .standardMemory(initializer().numParams(this), 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0)
                .build();
    }

    @Override
    public GroupedConvolution2D clone() {
        GroupedConvolution2D c = (GroupedConvolution2D) super.clone();
        c.kernelSize = kernelSize.clone();
        c.stride = stride.clone();
        c.padding = padding.clone();
        c.dilation = dilation.clone();
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GroupedConvolution2D g && super.equals(o) && groups == g.groups && hasBias == g.hasBias
                && Arrays.equals(kernelSize, g.kernelSize) && Arrays.equals(stride, g.stride)
                && Arrays.equals(padding, g.padding) && Arrays.equals(dilation, g.dilation);
    }

    @Override
    protected boolean canEqual(Object other) {
        return other instanceof GroupedConvolution2D;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Arrays.hashCode(new int[] {groups, hasBias ? 1 : 0, Arrays.hashCode(kernelSize),
            Arrays.hashCode(stride), Arrays.hashCode(padding), Arrays.hashCode(dilation)});
    }

    @Override
    public String toString() {
        return "GroupedConvolution2D(" + nIn + " -> " + nOut + ", groups " + groups + ", kernel "
                + Arrays.toString(kernelSize) + ", stride " + Arrays.toString(stride) + ", padding "
                + Arrays.toString(padding) + ", dilation " + Arrays.toString(dilation) + (hasBias ? ", bias" : "")
                + ")";
    }

    /** The parameters: {@code W [out, in / groups, kH, kW]}, then {@code b [out]} when the layer has a bias. */
    private static final class Parameters extends OwnLayers.Parameters {
        static final Parameters INSTANCE = new Parameters();

        private static GroupedConvolution2D of(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return (GroupedConvolution2D) layer;
        }

        private static long weights(GroupedConvolution2D g) {
            return g.nOut * (g.nIn / g.groups) * g.kernelSize[0] * g.kernelSize[1];
        }

        @Override
        public long numParams(org.deeplearning4j.nn.conf.layers.Layer layer) {
            GroupedConvolution2D g = of(layer);
            return weights(g) + (g.hasBias ? g.nOut : 0);
        }

        @Override
        public List<String> weightKeys(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return List.of("W");
        }

        @Override
        public List<String> biasKeys(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return of(layer).hasBias ? List.of("b") : List.of();
        }

        @Override
        Map<String, INDArray> views(org.deeplearning4j.nn.conf.layers.Layer layer, INDArray flat) {
            GroupedConvolution2D g = of(layer);
            long n = weights(g);
            Map<String, INDArray> m = new java.util.LinkedHashMap<>();
            m.put("W", flat.get(NDArrayIndex.interval(0, n)).reshape('c', g.nOut, g.nIn / g.groups, g.kernelSize[0],
                    g.kernelSize[1]));
            if (g.hasBias) {
                m.put("b", flat.get(NDArrayIndex.interval(n, n + g.nOut)));
            }
            return m;
        }

        /** The weights by the layer's weight initialisation (He's when none is set), fan-in of one group; bias 0. */
        @Override
        void initialize(org.deeplearning4j.nn.conf.layers.Layer layer, Map<String, INDArray> params) {
            GroupedConvolution2D g = of(layer);
            long[] shape = params.get("W").shape();
            double fanIn = shape[1] * shape[2] * shape[3];
            double fanOut = shape[0] / g.groups * shape[2] * shape[3];
            (g.weightInitFn == null ? new WeightInitRelu() : g.weightInitFn)
                    .init(fanIn, fanOut, shape, 'c', params.get("W"));
            if (g.hasBias) {
                params.get("b").assign(g.biasInit);
            }
        }
    }
}

package org.landscape4j.engine.graph;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Layer normalization over the channels, PyTorch's {@code nn.LayerNorm(c)} applied to channels-last images (ConvNeXt's
 * blocks and its {@code LayerNorm2d}) or to features {@code [n, c]}: at every pixel,
 * {@code y = (x − mean_c x) / sqrt(var_c x + eps) · γ + β} (the biased variance, as PyTorch). Images stay NCHW here,
 * normalized along axis 1. Parameters {@code gamma [c]} and {@code beta [c]} (PyTorch's weight and bias); no
 * activation. DL4J has no such layer (its layer norm is an option of dense layers, without β per channel).
 *
 * <p>DL4J runs it through {@link ChannelLayerNormLayer} (its forward and backward passes); the inference plan runs the
 * same arithmetic ({@link #normalize}). It is {@link LayerKind#CHANNEL_LAYER_NORM}.
 */
public final class ChannelLayerNorm extends FeedForwardLayer {

    @JsonProperty("eps")
    private double eps;

    /** For DL4J's JSON configuration reader only. */
    private ChannelLayerNorm() {
    }

    /**
     * @param channels the channels (features), at least 1
     * @param eps      added to the variance, not negative (PyTorch's default 1e-5; ConvNeXt's 1e-6)
     * @throws IllegalArgumentException naming the bad value
     */
    public ChannelLayerNorm(long channels, double eps) {
        if (channels < 1 || !(eps >= 0)) {
            throw new IllegalArgumentException("a layer normalization needs channels >= 1 and eps >= 0, was "
                    + channels + " and " + eps);
        }
        this.nIn = channels;
        this.nOut = channels;
        this.eps = eps;
        this.activationFn = new ActivationIdentity();
    }

    public double getEps() {
        return eps;
    }

    /**
     * {@code x} normalized along {@code axis} (its channels: 1 for NCHW images and features, 3 for NHWC), scaled by
     * {@code gamma} and shifted by {@code beta} (both {@code [c]}), written into {@code out} (same shape).
     *
     * @return {@code out}
     */
    public static INDArray normalize(INDArray x, INDArray gamma, INDArray beta, double eps, int axis, INDArray out) {
        INDArray centred = x.sub(x.mean(true, axis));
        INDArray std = centred.mul(centred).mean(true, axis).addi(eps);
        org.nd4j.linalg.ops.transforms.Transforms.sqrt(std, false);
        out.assign(centred.divi(std));
        return out.muli(along(gamma, x.rank(), axis)).addi(along(beta, x.rank(), axis));
    }

    /** {@code v [c]} shaped to broadcast along {@code axis} of a rank-{@code rank} array ({@code [1, c, 1, 1]}...). */
    public static INDArray along(INDArray v, int rank, int axis) {
        long[] shape = new long[rank];
        java.util.Arrays.fill(shape, 1);
        shape[axis] = v.length();
        return v.reshape('c', shape);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray paramsView, boolean initializeParams,
                                                       DataType dataType) {
        return OwnLayers.instantiate(new ChannelLayerNormLayer(conf, dataType), conf, listeners, layerIndex, paramsView,
                initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return Parameters.INSTANCE;
    }

    /** The input's type: images or features of {@code channels}. */
    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        long c = inputType instanceof InputType.InputTypeConvolutional i ? i.getChannels()
                : inputType instanceof InputType.InputTypeFeedForward f ? f.getSize() : -1;
        if (c != nIn) {
            throw new IllegalArgumentException(getLayerName() + ": a layer normalization of " + nIn
                    + " channels reads " + inputType);
        }
        return inputType;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        getOutputType(-1, inputType);
    }

    /** None: it normalizes images and features as they come. */
    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return new LayerMemoryReport.Builder(layerName, ChannelLayerNorm.class, inputType, inputType)
                .standardMemory(2 * nIn, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelLayerNorm n && super.equals(o) && n.eps == eps;
    }

    @Override
    protected boolean canEqual(Object other) {
        return other instanceof ChannelLayerNorm;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Double.hashCode(eps);
    }

    @Override
    public String toString() {
        return "ChannelLayerNorm(" + nIn + ", eps " + eps + ")";
    }

    /** The parameters: {@code gamma [c]} (1 when initialised), then {@code beta [c]} (0). */
    private static final class Parameters extends OwnLayers.Parameters {
        static final Parameters INSTANCE = new Parameters();

        @Override
        public long numParams(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return 2 * ((ChannelLayerNorm) layer).nIn;
        }

        @Override
        public List<String> weightKeys(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return List.of("gamma");
        }

        @Override
        public List<String> biasKeys(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return List.of("beta");
        }

        @Override
        Map<String, INDArray> views(org.deeplearning4j.nn.conf.layers.Layer layer, INDArray flat) {
            long c = ((ChannelLayerNorm) layer).nIn;
            Map<String, INDArray> m = new LinkedHashMap<>();
            m.put("gamma", flat.get(NDArrayIndex.interval(0, c)));
            m.put("beta", flat.get(NDArrayIndex.interval(c, 2 * c)));
            return m;
        }

        @Override
        void initialize(org.deeplearning4j.nn.conf.layers.Layer layer, Map<String, INDArray> params) {
            params.get("gamma").assign(1);
            params.get("beta").assign(0);
        }
    }
}

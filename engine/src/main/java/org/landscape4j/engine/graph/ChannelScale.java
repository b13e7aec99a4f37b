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

/**
 * A learned scale per channel, {@code y = x · W[c]}: ConvNeXt's layer scale ({@code layer_scale [c, 1, 1] * x}) on
 * NCHW images or features {@code [n, c]}. Parameter {@code W [c]} (PyTorch's {@code [c, 1, 1]} in row-major order; a filter
 * is one channel, as Li et al.'s filter normalization treats that tensor); no bias, no activation. DL4J has none.
 * DL4J runs it through {@link ChannelScaleLayer}. It is {@link LayerKind#CHANNEL_SCALE}.
 */
public final class ChannelScale extends FeedForwardLayer {

    /** For DL4J's JSON configuration reader only. */
    private ChannelScale() {
    }

    /**
     * @param channels the channels (features), at least 1
     * @throws IllegalArgumentException naming the bad value
     */
    public ChannelScale(long channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("a channel scale needs channels >= 1, was " + channels);
        }
        this.nIn = channels;
        this.nOut = channels;
        this.activationFn = new ActivationIdentity();
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray paramsView, boolean initializeParams,
                                                       DataType dataType) {
        return OwnLayers.instantiate(new ChannelScaleLayer(conf, dataType), conf, listeners, layerIndex, paramsView,
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
            throw new IllegalArgumentException(getLayerName() + ": a channel scale of " + nIn + " channels reads "
                    + inputType);
        }
        return inputType;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        getOutputType(-1, inputType);
    }

    /** None: it scales images and features as they come. */
    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return new LayerMemoryReport.Builder(layerName, ChannelScale.class, inputType, inputType)
                .standardMemory(nIn, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelScale && super.equals(o);
    }

    @Override
    protected boolean canEqual(Object other) {
        return other instanceof ChannelScale;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + 7;
    }

    @Override
    public String toString() {
        return "ChannelScale(" + nIn + ")";
    }

    /** The parameter: {@code W [c]}, 1 when initialised. */
    private static final class Parameters extends OwnLayers.Parameters {
        static final Parameters INSTANCE = new Parameters();

        @Override
        public long numParams(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return ((ChannelScale) layer).nIn;
        }

        @Override
        public List<String> weightKeys(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return List.of("W");
        }

        @Override
        public List<String> biasKeys(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return List.of();
        }

        @Override
        Map<String, INDArray> views(org.deeplearning4j.nn.conf.layers.Layer layer, INDArray flat) {
            return new LinkedHashMap<>(Map.of("W", flat));
        }

        @Override
        void initialize(org.deeplearning4j.nn.conf.layers.Layer layer, Map<String, INDArray> params) {
            params.get("W").assign(1);
        }
    }
}

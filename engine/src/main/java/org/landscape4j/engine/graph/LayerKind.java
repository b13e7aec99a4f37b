package org.landscape4j.engine.graph;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.Convolution1D;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Convolution2D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;

/**
 * What the engine knows of each kind of node in a network: the one list of the layer kinds it supports, mapped from
 * DL4J's configuration classes by exact class (a subclass may compute something else: a depthwise or separable
 * convolution is a {@code ConvolutionLayer} subclass and is not a {@link #CONVOLUTION_2D}; the depthwise one is
 * {@link #DEPTHWISE_CONVOLUTION_2D}).
 *
 * <p>Every back end (the inference plan, the exact Hessian) handles the kinds in one exhaustive {@code switch}, so a
 * new constant cannot be added without each back end saying what it does with it: a rule, or a named refusal that
 * sends the network to DL4J's own forward pass (or, for curvature, to finite differences of DL4J's gradients).
 *
 * <pre>{@code
 * jshell> LayerKind.of(new DenseLayer.Builder().nIn(4).nOut(8).build())
 * $1 ==> DENSE
 * }</pre>
 */
public enum LayerKind {
    /** A fully connected layer; weights {@code [nIn, nOut]}, a filter is a column. */
    DENSE(1, DenseLayer.class),
    /** A dense layer with a loss function (a network output). */
    OUTPUT(1, OutputLayer.class),
    /** A loss function on its input, without parameters (a network output). */
    LOSS(-1, LossLayer.class),
    /** A loss function on every pixel of an image (a network output). */
    CNN_LOSS(-1, CnnLossLayer.class),
    /** A 2D convolution; weights {@code [out, in, kH, kW]}, a filter is one index of axis 0. */
    CONVOLUTION_2D(0, ConvolutionLayer.class, Convolution2D.class),
    /**
     * A 1D convolution over {@code [n, c, w]}; weights {@code [out, in, k, 1]}. DL4J's {@code Convolution1D} is a
     * subclass of {@code Convolution1DLayer} with the same parameters and forward pass, so both are this kind.
     */
    CONVOLUTION_1D(0, Convolution1DLayer.class, Convolution1D.class),
    /**
     * A depthwise 2D convolution (PyTorch's {@code Conv2d} with {@code groups} equal to its input channels): each
     * input channel convolved with its own {@code depthMultiplier} kernels. Weights {@code [kH, kW, in, multiplier]},
     * output channel {@code c * multiplier + j}; a filter is one index of axis 2, which with multiplier 1 (MobileNet's,
     * MnasNet's) is one output channel, and otherwise the {@code multiplier} output channels of one input channel.
     */
    DEPTHWISE_CONVOLUTION_2D(2, DepthwiseConvolution2D.class),
    /**
     * A grouped 2D convolution (PyTorch's {@code Conv2d} with {@code groups} between 1 and its input channels:
     * ResNeXt's, RegNet's): the project's own {@link GroupedConvolution2D}, a DL4J SameDiff layer. Weights
     * {@code [out, in / groups, kH, kW]}, a filter is one index of axis 0.
     */
    GROUPED_CONVOLUTION_2D(0, GroupedConvolution2D.class),
    /**
     * Layer normalization over the channels of images (NCHW) or features (ConvNeXt's): the project's own
     * {@link ChannelLayerNorm}; parameters {@code gamma}, {@code beta}.
     */
    CHANNEL_LAYER_NORM(-1, ChannelLayerNorm.class),
    /** A learned scale per channel (ConvNeXt's layer scale): the project's {@link ChannelScale}, weights [c]. */
    CHANNEL_SCALE(0, ChannelScale.class),
    /** Max, average or p-norm pooling over images. */
    SUBSAMPLING_2D(-1, SubsamplingLayer.class),
    /** Max, average or p-norm pooling over {@code [n, c, w]}. */
    SUBSAMPLING_1D(-1, Subsampling1DLayer.class),
    /** Batch normalization (inference mode: its running mean and variance). */
    BATCH_NORMALIZATION(-1, BatchNormalization.class),
    /** Dropout: the identity in inference. */
    DROPOUT(-1, DropoutLayer.class),
    /** An activation function as its own layer. */
    ACTIVATION(-1, ActivationLayer.class),
    /** Max, average, sum or p-norm pooling over all spatial positions. */
    GLOBAL_POOLING(-1, GlobalPoolingLayer.class),
    /** Zeros around images. */
    ZERO_PADDING(-1, ZeroPaddingLayer.class),
    /** Nearest-neighbour upsampling of images. */
    UPSAMPLING_2D(-1, Upsampling2D.class),
    /** Local response normalization across channels. */
    LOCAL_RESPONSE_NORMALIZATION(-1, LocalResponseNormalization.class),
    /** A graph vertex combining inputs element by element (add, subtract, product, average, max). */
    ELEMENT_WISE(-1, ElementWiseVertex.class),
    /**
     * A feature map {@code [n, c, h, w]} multiplied by a per-channel gate {@code [n, c, 1, 1]} (squeeze-and-excitation):
     * the project's own {@link ChannelGateVertex}, a DL4J SameDiff vertex.
     */
    CHANNEL_GATE(-1, ChannelGateVertex.class),
    /** A graph vertex concatenating its inputs along an axis. */
    MERGE(-1, MergeVertex.class),
    /** A range of an image's channels (PyTorch's slice, {@code chunk}): the project's {@link ChannelSliceVertex}. */
    CHANNEL_SLICE(-1, ChannelSliceVertex.class),
    /** ShuffleNet's channel shuffle: the project's own {@link ChannelShuffleVertex}. */
    CHANNEL_SHUFFLE(-1, ChannelShuffleVertex.class),
    /** An input preprocessor: of a layer (its own node before the layer) or as a graph vertex. */
    PREPROCESSOR(-1, PreprocessorVertex.class),
    /**
     * Any other parameter-free graph vertex (scale, shift, stack...): no back end of the engine runs it, DL4J's own
     * forward pass does.
     */
    OTHER_VERTEX(-1);

    private static final Map<Class<?>, LayerKind> BY_CLASS = Stream.of(values())
            .flatMap(k -> k.classes.stream().map(c -> Map.entry(c, k)))
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));

    private final int filterAxis;
    private final List<Class<?>> classes;

    LayerKind(int filterAxis, Class<?>... classes) {
        this.filterAxis = filterAxis;
        this.classes = List.of(classes);
    }

    /**
     * The kind of a DL4J layer or vertex configuration, by exact class.
     *
     * @return the kind, or {@code null} for a layer the engine does not support; any other vertex is
     *         {@link #OTHER_VERTEX}
     */
    public static LayerKind of(Object configuration) {
        LayerKind k = BY_CLASS.get(configuration.getClass());
        if (k == null && configuration instanceof org.deeplearning4j.nn.conf.graph.GraphVertex) {
            return OTHER_VERTEX;
        }
        return k;
    }

    /** The axis of this kind's weight tensor along which one slice produces one output unit or channel, or -1. */
    public int filterAxis() {
        return filterAxis;
    }

    /** Whether this kind is a DL4J layer (with a configuration class and possibly parameters), not a vertex. */
    public boolean isLayer() {
        return ordinal() < ELEMENT_WISE.ordinal();
    }

    /** Whether this kind is a layer with a loss function, which a network output must be. */
    public boolean hasLoss() {
        return this == OUTPUT || this == LOSS || this == CNN_LOSS;
    }

    /** The supported layers' configuration class names, sorted, for messages. */
    public static String supportedLayers() {
        return Arrays.stream(values()).filter(LayerKind::isLayer).flatMap(k -> k.classes.stream())
                .map(Class::getSimpleName).sorted().collect(Collectors.joining(", "));
    }
}

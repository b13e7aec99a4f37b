package org.landscape4j.engine.internal.plan;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.engine.graph.LayerKind;
import org.landscape4j.engine.graph.NetworkGraph;
import org.landscape4j.engine.internal.BackEndBuilder;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The CPU plan's rules, one per {@link LayerKind}: walks a {@link NetworkGraph} and turns each node into {@link Step}s
 * (or an {@link OutputHead}), recording slot shapes and the probe's activations DL4J computed, which the plan is
 * checked against ({@link BackEndBuilder}). Each kind's rule lives in its step's file ({@code DenseStep.rule}, ...); a
 * kind the plan has no step for is refused by name, and the network runs through DL4J's forward pass.
 */
final class PlanBuilder extends BackEndBuilder<Step> {

    final List<OutputHead> heads = new ArrayList<>();
    private final boolean multiLayer;

    /** Reads {@code graph} on {@code features}, a probe of the data (one array per network input). */
    PlanBuilder(NetworkGraph graph, INDArray[] features) {
        multiLayer = graph.model() instanceof MultiLayerNetwork;
        INDArray[] acts = graph.probe(features);
        int[] slotOf = new int[graph.values()];
        for (int i = 0; i < graph.inputs(); i++) {
            slotOf[i] = newSlot(features[i]);
            setProbeValue(slotOf[i], features[i]);
        }
        walk(graph, acts, slotOf);
        if (unsupported() == null && heads.size() != graph.outputs()) {
            refuse("the graph's outputs are not all output layers");
        }
    }

    /** The rule of {@code node}'s kind: the slot of its output. */
    @Override
    protected int rule(NetworkGraph.Node node, int[] in, INDArray act) {
        return switch (node.kind()) {
            case DENSE -> DenseStep.rule(this, node, in[0], act);
            case CONVOLUTION_2D -> ConvolutionStep.rule2d(this, node, in[0], act);
            case CONVOLUTION_1D -> ConvolutionStep.rule1d(this, node, in[0], act);
            case DEPTHWISE_CONVOLUTION_2D -> DepthwiseConvolutionStep.rule(this, node, in[0], act);
            case GROUPED_CONVOLUTION_2D -> ConvolutionStep.ruleGrouped(this, node, in[0], act);
            case CHANNEL_LAYER_NORM -> ChannelNormStep.layerNormRule(this, node, in[0], act);
            case CHANNEL_SCALE -> ChannelNormStep.scaleRule(this, node, in[0], act);
            case SUBSAMPLING_2D, SUBSAMPLING_1D -> PoolingStep.rule(this, node, in[0], act);
            case BATCH_NORMALIZATION -> BatchNormStep.rule(this, node, in[0], act);
            case DROPOUT -> ViewStep.identityRule(this, node, in[0], act);
            case ACTIVATION -> ActivationStep.rule(this, node, in[0], act);
            case GLOBAL_POOLING -> GlobalPoolingStep.rule(this, node, in[0], act);
            case ZERO_PADDING -> ZeroPaddingStep.rule(this, node, in[0], act);
            case UPSAMPLING_2D -> UpsamplingStep.rule(this, node, in[0], act);
            case ELEMENT_WISE -> ElementWiseStep.rule(this, node, in, act);
            case MERGE -> MergeStep.rule(this, node, in, act);
            case CHANNEL_SLICE -> ChannelStep.sliceRule(this, node, in[0], act);
            case CHANNEL_SHUFFLE -> ChannelStep.shuffleRule(this, node, in[0], act);
            case CHANNEL_GATE -> ChannelGateStep.rule(this, node, in, act);
            case PREPROCESSOR -> in.length == 1 ? ViewStep.reshapeRule(this, node, in[0], act)
                    : refuse(node.source() + " has no inference-plan step");
            case OUTPUT, LOSS, CNN_LOSS, LOCAL_RESPONSE_NORMALIZATION, OTHER_VERTEX ->
                    refuse(node.source() + " has no inference-plan step");
        };
    }

    /** A network output: an output or loss layer whose loss the plan computes. */
    @Override
    protected int head(NetworkGraph.Node node, int in) {
        return switch (node.kind()) {
            case OUTPUT, LOSS -> OutputHead.rule(this, node, in);
            default -> refuse(node.source() + " is an output layer the inference plan does not evaluate");
        };
    }

    /** How a step finds its layer's parameters in a worker's copy: by index in a network, by name in a graph. */
    Step.LayerRef ref(NetworkGraph.Node node) {
        return multiLayer ? new Step.LayerRef(node.layerIndex(), node.config(Layer.class).getLayerName())
                : new Step.LayerRef(-1, node.name());
    }

    @Override
    protected int output(Step step) {
        return step.output;
    }

    void addHead(OutputHead head) {
        heads.add(head);
    }
}

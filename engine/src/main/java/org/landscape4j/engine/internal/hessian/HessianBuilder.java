package org.landscape4j.engine.internal.hessian;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.graph.LayerKind;
import org.landscape4j.engine.graph.NetworkGraph;
import org.landscape4j.engine.internal.BackEndBuilder;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The exact Hessian's rules, one per {@link LayerKind}: walks a {@link NetworkGraph} and turns each node into
 * {@link Node}s (the network output into a {@link Head}), recording slot shapes and the activations DL4J computed on
 * the probe, which {@link ExactHessian#compile} checks its own forward pass against ({@link BackEndBuilder}). Each
 * kind's rule is a static method in its node's file ({@code Dense.rule}, ...); a kind without one is refused by name,
 * and the curvature falls back to finite differences of DL4J's gradients.
 *
 * <p>Slot 0 is the network's input; every other slot is written by one node.
 */
final class HessianBuilder extends BackEndBuilder<Node> {

    private final Model net;
    private Head head;

    /** Reads {@code graph} on {@code probe}, a few examples of the data. */
    HessianBuilder(NetworkGraph graph, INDArray probe) {
        net = graph.model();
        setProbeValue(newSlot(probe), probe);
        if (graph.inputs() != 1) {
            refuse("the graph has " + graph.inputs() + " inputs; the exact Hessian takes one");
            return;
        }
        if (graph.outputs() != 1) {
            refuse("the graph has " + graph.outputs() + " outputs; the exact Hessian takes one");
            return;
        }
        walk(graph, graph.probe(probe), new int[graph.values()]);   // value 0, the input, is slot 0
        if (unsupported() == null && head == null) {
            refuse("the graph's output is not an output layer");
        }
    }

    /** The rule of {@code node}'s kind: the slot of its output ({@code act} on the probe). */
    @Override
    protected int rule(NetworkGraph.Node node, int[] in, INDArray act) {
        return switch (node.kind()) {
            case DENSE -> Dense.rule(this, node, in[0], act);
            case CONVOLUTION_2D, DEPTHWISE_CONVOLUTION_2D -> Convolution.rule(this, node, in[0], act);
            case GROUPED_CONVOLUTION_2D -> Convolution.groupedRule(this, node, in[0], act);
            case CHANNEL_SCALE -> ChannelScaling.rule(this, node, in[0], act);
            case CHANNEL_LAYER_NORM -> LayerNorm.rule(this, node, in[0], act);
            case SUBSAMPLING_2D -> Pooling.rule(this, node, in[0], act);
            case BATCH_NORMALIZATION -> BatchNorm.rule(this, node, in[0], act);
            case DROPOUT -> Reshape.identityRule(this, node, in[0], act);
            case ACTIVATION -> Activation.rule(this, node, in[0], act);
            case GLOBAL_POOLING -> GlobalPooling.rule(this, node, in[0], act);
            case ZERO_PADDING -> ZeroPadding.rule(this, node, in[0], act);
            case ELEMENT_WISE -> ElementWise.rule(this, node, in, act);
            case MERGE -> Merge.rule(this, node, in, act);
            case CHANNEL_SLICE -> Channels.sliceRule(this, node, in[0], act);
            case CHANNEL_SHUFFLE -> Channels.shuffleRule(this, node, in[0], act);
            case CHANNEL_GATE -> ChannelGate.rule(this, node, in, act);
            case PREPROCESSOR -> in.length == 1 ? Reshape.preprocessorRule(this, node, in[0], act)
                    : refuse(node.source() + " has no exact rule");
            case OUTPUT, LOSS, CNN_LOSS, CONVOLUTION_1D, SUBSAMPLING_1D, UPSAMPLING_2D, LOCAL_RESPONSE_NORMALIZATION,
                 OTHER_VERTEX -> refuse(node.source() + " has no exact rule");
        };
    }

    /** The network output: an output layer (dense logits) or a loss layer on rank-2 activations, and its loss. */
    @Override
    protected int head(NetworkGraph.Node node, int in) {
        int logits = switch (node.kind()) {
            case OUTPUT -> Dense.outputRule(this, node, in);
            case LOSS -> rank(in) == 2 ? in : refuse(node.source() + " is an output layer without an exact rule");
            default -> refuse(node.source() + " is an output layer without an exact rule");
        };
        if (unsupported() == null) {
            Head.rule(this, node, logits);
        }
        return -1;
    }

    @Override
    protected int output(Node node) {
        return node.out;
    }

    /** {@code key} of the node's layer, as a view of the flat parameters; {@code null} when it has none. */
    Param param(NetworkGraph.Node node, String key) {
        return Param.of(net, node.layer(), key);
    }

    void setHead(Head head) {
        this.head = head;
    }

    Head head() {
        return head;
    }
}

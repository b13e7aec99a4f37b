package org.landscape4j.engine.internal.hessian;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.graph.LayerKind;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The exact Hessian's rules, one per {@link LayerKind}: walks a {@link NetworkGraph} and turns each node into
 * {@link Node}s (the network output into a {@link Head}), recording slot shapes and the activations DL4J computed on
 * the probe, which {@link ExactHessian#compile} checks its own forward pass against. Each kind's rule is a static
 * method in its node's file ({@code Dense.rule}, ...); a kind without one is refused by name, and the curvature falls
 * back to finite differences of DL4J's gradients.
 *
 * <p>Slot 0 is the network's input; every other slot is written by one node.
 */
final class HessianBuilder {

    final List<Node> nodes = new ArrayList<>();
    /** Per slot, its shape without the examples' axis. */
    final List<long[]> shapes = new ArrayList<>();
    /** Per slot, DL4J's activation on the probe that the node writing it must reproduce. */
    final Map<Integer, INDArray> expected = new HashMap<>();
    /** Per slot, the probe's value (DL4J's activation, or the input). */
    private final Map<Integer, INDArray> values = new HashMap<>();
    private final Model net;
    private Head head;
    private String unsupported;

    /** Reads {@code graph} on {@code probe}, a few examples of the data. */
    HessianBuilder(NetworkGraph graph, INDArray probe) {
        net = graph.model();
        values.put(newSlot(probe), probe);
        if (graph.inputs() != 1) {
            refuse("the graph has " + graph.inputs() + " inputs; the exact Hessian takes one");
            return;
        }
        if (graph.outputs() != 1) {
            refuse("the graph has " + graph.outputs() + " outputs; the exact Hessian takes one");
            return;
        }
        INDArray[] acts = graph.probe(probe);
        int[] slotOf = new int[graph.values()];   // value 0, the input, is slot 0
        for (NetworkGraph.Node node : graph.nodes()) {
            String problem = node.problem(acts);
            if (problem != null) {
                refuse(problem);
            }
            if (unsupported != null) {
                return;
            }
            int[] in = Arrays.stream(node.inputs()).map(v -> slotOf[v]).toArray();
            if (node.isOutput()) {
                head(node, in[0]);
            } else {
                slotOf[node.output()] = rule(node, in, acts[node.output()]);
            }
        }
        if (unsupported == null && head == null) {
            refuse("the graph's output is not an output layer");
        }
    }

    /** The rule of {@code node}'s kind: the slot of its output ({@code act} on the probe). */
    private int rule(NetworkGraph.Node node, int[] in, INDArray act) {
        return switch (node.kind()) {
            case DENSE -> Dense.rule(this, node, in[0], act);
            case CONVOLUTION_2D -> Convolution.rule(this, node, in[0], act);
            case SUBSAMPLING_2D -> Pooling.rule(this, node, in[0], act);
            case BATCH_NORMALIZATION -> BatchNorm.rule(this, node, in[0], act);
            case DROPOUT -> Reshape.identityRule(this, node, in[0], act);
            case ACTIVATION -> Activation.rule(this, node, in[0], act);
            case GLOBAL_POOLING -> GlobalPooling.rule(this, node, in[0], act);
            case ZERO_PADDING -> ZeroPadding.rule(this, node, in[0], act);
            case ELEMENT_WISE -> ElementWise.rule(this, node, in, act);
            case MERGE -> Merge.rule(this, node, in, act);
            case PREPROCESSOR -> in.length == 1 ? Reshape.preprocessorRule(this, node, in[0], act)
                    : refuse(node.source() + " has no exact rule");
            case OUTPUT, LOSS, CNN_LOSS, CONVOLUTION_1D, SUBSAMPLING_1D, UPSAMPLING_2D, LOCAL_RESPONSE_NORMALIZATION,
                 OTHER_VERTEX -> refuse(node.source() + " has no exact rule");
        };
    }

    /** The network output: an output layer (dense logits) or a loss layer on rank-2 activations, and its loss. */
    private void head(NetworkGraph.Node node, int in) {
        int logits = switch (node.kind()) {
            case OUTPUT -> Dense.outputRule(this, node, in);
            case LOSS -> rank(in) == 2 ? in : refuse(node.source() + " is an output layer without an exact rule");
            default -> refuse(node.source() + " is an output layer without an exact rule");
        };
        if (unsupported == null) {
            Head.rule(this, node, logits);
        }
    }

    /** {@code key} of the node's layer, as a view of the flat parameters; {@code null} when it has none. */
    Param param(NetworkGraph.Node node, String key) {
        return Param.of(net, node.layer(), key);
    }

    /** A new slot shaped like {@code like} without its examples' axis. */
    int newSlot(INDArray like) {
        shapes.add(Arrays.copyOfRange(like.shape(), 1, like.rank()));
        return shapes.size() - 1;
    }

    int newSlot(long[] shapeWithoutBatch) {
        shapes.add(shapeWithoutBatch.clone());
        return shapes.size() - 1;
    }

    /** The rank (with the examples' axis) of a slot's probe value. */
    int rank(int slot) {
        return values.get(slot).rank();
    }

    /** Records {@code act}, DL4J's activation, as the probe value of {@code slot} that this class must reproduce. */
    void expect(int slot, INDArray act) {
        expected.put(slot, act);
        values.put(slot, act);
    }

    /** Adds a node whose output DL4J computed as {@code act}, checked on the probe. */
    int add(Node node, INDArray act) {
        nodes.add(node);
        expect(node.out, act);
        return node.out;
    }

    /** Adds a reshape or identity, whose output ({@code act} on the probe) is not checked on its own. */
    int addView(Node view, INDArray act) {
        nodes.add(view);
        values.put(view.out, act);
        return view.out;
    }

    void setHead(Head head) {
        this.head = head;
    }

    /** Records why the network has no exact products (the first reason met); returns an invalid slot. */
    int refuse(String reason) {
        if (unsupported == null) {
            unsupported = reason;
        }
        return -1;
    }

    /** Why the network has no exact products, or {@code null}. */
    String unsupported() {
        return unsupported;
    }

    Head head() {
        return head;
    }
}

package org.landscape4j.engine.internal.plan;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@code ChannelGateVertex}: the feature map times its per-channel gate, {@code [n, c, h, w] * [n, c, 1, 1]}, in one
 * broadcasting multiply into the step's buffer (DL4J's SameDiff vertex computes the same product through a SameDiff
 * graph per call).
 */
final class ChannelGateStep extends Step {

    private ChannelGateStep(String source, int[] inputs, int output) {
        super(source, inputs, output);
    }

    /** The plan's rule for a channel gate (the graph has checked the shapes: {@code NetworkGraph.Node.problem}). */
    static int rule(PlanBuilder b, NetworkGraph.Node node, int[] in, INDArray act) {
        return b.add(new ChannelGateStep(node.source(), in, b.newSlot(act)), act);
    }

    @Override
    Kernel bind(Model copy) {
        return (in, out) -> Nd4j.exec(new MulOp(in[0], in[1], out));
    }

    @Override
    Step channelsLast(boolean[] image) {
        // both inputs are images ([c, h, w] and [c, 1, 1]): channels-last, the gate [1, 1, c] broadcasts the same way
        return this;
    }

    @Override
    String kind() {
        return "channel-gate";
    }
}

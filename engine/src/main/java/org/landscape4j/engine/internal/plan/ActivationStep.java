package org.landscape4j.engine.internal.plan;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/** An {@code ActivationLayer}: the input copied into the step's buffer (unless the plan runs it in place), activated. */
final class ActivationStep extends Step {

    private final IActivation activation;

    ActivationStep(String source, int input, int output, IActivation activation) {
        super(source, new int[] {input}, output);
        this.activation = activation;
    }

    /** The plan's rule for an activation layer. */
    static int rule(PlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        // DL4J's activation layer works in place on its input in inference: that activation is gone
        b.forget(in);
        return b.add(new ActivationStep(node.source(), in, b.newSlot(act),
                node.config(ActivationLayer.class).getActivationFn()), act);
    }

    @Override
    Kernel bind(Model copy) {
        return (in, out) -> {
            if (in[0] != out) {
                out.assign(in[0]);
            }
            Activations.applyInPlace(activation, out);
        };
    }

    @Override
    Step channelsLast(boolean[] image) {
        // element-wise, so any layout; a softmax over the channels is not
        return touches(image) && activation instanceof org.nd4j.linalg.activations.impl.ActivationSoftmax ? null : this;
    }

    IActivation activation() {
        return activation;
    }

    @Override
    String kind() {
        return "activation";
    }
}

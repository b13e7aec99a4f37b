package org.landscape4j.engine.internal.plan;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.activations.IActivation;

/** An {@code ActivationLayer}: the input copied into the step's buffer (unless the plan runs it in place), activated. */
final class ActivationStep extends Step {

    private final IActivation activation;

    ActivationStep(String source, int input, int output, IActivation activation) {
        super(source, new int[] {input}, output);
        this.activation = activation;
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

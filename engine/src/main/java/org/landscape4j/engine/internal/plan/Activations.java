package org.landscape4j.engine.internal.plan;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;

/** DL4J's own activation functions applied in place, in inference mode, so the plan's numbers are DL4J's. */
final class Activations {

    private Activations() {
    }

    static void applyInPlace(IActivation activation, INDArray x) {
        if (activation == null || activation instanceof ActivationIdentity) {
            return;
        }
        INDArray result = activation.getActivation(x, false);
        if (result != x) {
            x.assign(result);
        }
    }

    /** {@code kernel}, then {@code activation} in place on its output. */
    static Step.Kernel after(Step.Kernel kernel, IActivation activation) {
        if (activation == null || activation instanceof ActivationIdentity) {
            return kernel;
        }
        return new Step.Kernel() {
            @Override
            public void run(INDArray[] in, INDArray out) {
                kernel.run(in, out);
                applyInPlace(activation, out);
            }

            @Override
            public void prepare() {
                kernel.prepare();
            }

            @Override
            public void close() {
                kernel.close();
            }
        };
    }
}

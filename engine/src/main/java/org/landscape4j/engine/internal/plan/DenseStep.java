package org.landscape4j.engine.internal.plan;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A dense layer: one GEMM of the input with the weight view ({@code [nIn, nOut]}, DL4J's layout) into the step's
 * buffer, the bias added in place, then the activation in place.
 */
final class DenseStep extends Step {

    private final LayerRef layer;
    private final IActivation activation;
    private final boolean hasBias;

    DenseStep(String source, int input, int output, LayerRef layer, IActivation activation, boolean hasBias) {
        super(source, new int[] {input}, output);
        this.layer = layer;
        this.activation = activation;
        this.hasBias = hasBias;
    }

    /** The plan's rule for a dense layer (without layer normalization: {@link NetworkGraph.Node#problem}). */
    static int rule(PlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        DenseLayer d = node.config(DenseLayer.class);
        return b.add(new DenseStep(node.source(), in, b.newSlot(act), b.ref(node), d.getActivationFn(), d.hasBias()),
                act);
    }

    @Override
    Kernel bind(Model copy) {
        return Activations.after(preActivation(copy), activation);
    }

    /** The kernel without the activation: {@code x·W + b}. */
    Kernel preActivation(Model copy) {
        INDArray w = layer.param(copy, "W");
        INDArray b = hasBias ? layer.param(copy, "b") : null;
        return (in, out) -> {
            Nd4j.gemm(in[0], w, out, false, false, 1.0, 0.0);
            if (b != null) {
                Broadcasts.addRowVector(out, b);
            }
        };
    }

    LayerRef layer() {
        return layer;
    }

    IActivation activation() {
        return activation;
    }

    @Override
    String kind() {
        return "dense";
    }
}

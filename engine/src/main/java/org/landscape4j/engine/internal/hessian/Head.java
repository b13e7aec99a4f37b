package org.landscape4j.engine.internal.hessian;

import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.landscape4j.engine.graph.LayerKind;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The loss on the output slot: seeds {@code g} and {@code R{g}} there. One subclass per loss with an exact rule, each
 * with its static {@code applies} and {@code rule}.
 */
abstract class Head {
    final String source;
    final int in;

    Head(String source, int in) {
        this.source = source;
        this.in = in;
    }

    /**
     * The exact rule for the loss of an output or loss layer whose pre-activation ({@code z = x W + b}, or the loss
     * layer's input) is in slot {@code logits}.
     */
    static void rule(HessianBuilder b, NetworkGraph.Node node, int logits) {
        IActivation activation = node.config(BaseLayer.class).getActivationFn();
        ILossFunction loss = node.kind() == LayerKind.OUTPUT ? node.config(OutputLayer.class).getLossFn()
                : node.config(LossLayer.class).getLossFn();
        if (SoftmaxCrossEntropy.applies(loss, activation)) {
            SoftmaxCrossEntropy.rule(b, node, logits);
        } else if (SquaredError.applies(loss)) {
            SquaredError.rule(b, node, logits, activation, loss);
        } else {
            b.refuse(node.source() + ": loss " + loss + " with activation " + activation + " has no exact rule");
        }
    }

    /** The block's summed loss; with {@code backward}, sets {@code g[in]} and {@code rg[in]} times {@code scale}. */
    abstract double lossAndSeed(Pass p, INDArray y, double scale, boolean backward);

    /** The loss, for {@link ExactHessian#summary()}: {@code "softmax-cross-entropy"}, {@code "mse"}, {@code "l2"}. */
    abstract String kind();
}

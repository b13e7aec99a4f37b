package org.landscape4j.engine.internal.hessian;

import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Softmax over the logits {@code z} and multi-class cross-entropy {@code −Σ y log softmax(z)}. */
final class SoftmaxCrossEntropy extends Head {
    SoftmaxCrossEntropy(String source, int in) {
        super(source, in);
    }

    /** Whether {@code loss} after {@code activation} is this head: softmax and unweighted MCXENT (or its NLL). */
    static boolean applies(ILossFunction loss, IActivation activation) {
        return loss instanceof LossMCXENT x && x.getWeights() == null && activation instanceof ActivationSoftmax;
    }

    /** The exact rule for softmax cross-entropy on the logits in {@code slot}. */
    static void rule(HessianBuilder b, NetworkGraph.Node node, int slot) {
        b.setHead(new SoftmaxCrossEntropy(node.source(), slot));
    }

    @Override
    double lossAndSeed(Pass p, INDArray y, double scale, boolean backward) {
        INDArray z = p.a[in];
        INDArray m = z.max(true, 1);
        INDArray e = Transforms.exp(z.subColumnVector(m), false);
        INDArray sum = e.sum(true, 1);
        INDArray lse = Transforms.log(sum, true).addi(m);
        INDArray ySum = y.sum(true, 1);
        double loss = ySum.mul(lse).sumNumber().doubleValue() - y.mul(z).sumNumber().doubleValue();
        if (backward) {
            INDArray s = e.diviColumnVector(sum);
            p.g[in] = s.mulColumnVector(ySum).subi(y).muli(scale);
            INDArray rz = p.r[in];
            p.rg[in] = rz == null ? null : Function.softmaxJvp(s, rz).muliColumnVector(ySum).muli(scale);
        }
        return loss;
    }

    @Override
    String kind() {
        return "softmax-cross-entropy";
    }
}

package org.landscape4j.engine.internal.hessian;

import org.landscape4j.engine.graph.NetworkGraph;
import org.landscape4j.engine.internal.hessian.Function.Kind;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossL2;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/** Squared error {@code Σ (ŷ − y)²}, divided by the output count for MSE (DL4J's {@code LossMSE}). */
final class SquaredError extends Head {
    private final boolean mean;

    SquaredError(String source, int in, boolean mean) {
        super(source, in);
        this.mean = mean;
    }

    /** Whether {@code loss} is this head: DL4J's unweighted {@code LossMSE} or {@code LossL2} (not a subclass). */
    static boolean applies(ILossFunction loss) {
        return loss instanceof LossL2 l2 && l2.getWeights() == null
                && (loss.getClass() == LossMSE.class || loss.getClass() == LossL2.class);
    }

    /** The exact rule for squared error after an element-wise {@code activation} of the pre-activation {@code z}. */
    static void rule(HessianBuilder b, NetworkGraph.Node node, int z, IActivation activation, ILossFunction loss) {
        Function f = Function.of(activation);
        if (f == null || f.kind() == Kind.SOFTMAX) {
            b.refuse(node.source() + ": activation " + activation + " with " + loss + " has no exact rule");
            return;
        }
        int out = Activation.after(b, activation, node.source(), z, null);
        if (b.unsupported() == null) {
            b.setHead(new SquaredError(node.source(), out, loss.getClass() == LossMSE.class));
        }
    }

    @Override
    double lossAndSeed(Pass p, INDArray y, double scale, boolean backward) {
        INDArray out = p.a[in];
        INDArray diff = out.sub(y);
        double per = mean ? 1.0 / out.size(1) : 1.0;
        double loss = diff.mul(diff).sumNumber().doubleValue() * per;
        if (backward) {
            p.g[in] = diff.muli(2 * per * scale);
            p.rg[in] = p.r[in] == null ? null : p.r[in].mul(2 * per * scale);
        }
        return loss;
    }

    @Override
    String kind() {
        return mean ? "mse" : "l2";
    }
}

package org.landscape4j.models;

import static org.landscape4j.models.OnnxNodes.refuse;

import java.util.Arrays;
import java.util.stream.Collectors;

import onnx.Onnx;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.landscape4j.models.OnnxConversion.Act;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The loss appended to an imported ONNX graph, which carries none, as PyTorch computes it: cross-entropy is PyTorch's
 * {@code CrossEntropyLoss} on the logits (softmax + DL4J's MCXENT, unclipped), or {@code NLLLoss} on a final
 * {@code LogSoftmax}, or the negative log-likelihood of a final {@code Softmax}'s probabilities; mse is
 * {@code MSELoss} (the mean over every entry), on the logits or on a final {@code Softmax}.
 */
final class OnnxLoss {

    /** The loss layer and what it computes, for the conversion report. */
    record Head(LossLayer layer, String description) {
    }

    private OnnxLoss() {
    }

    /**
     * The loss layer after {@code last}, the activation the graph's {@code output} is computed from ({@code ending}:
     * the graph's final Softmax or LogSoftmax, or {@code null}).
     */
    static Head head(Loss loss, Act last, Onnx.NodeProto ending, String output, int opset) {
        if (last.dl4j().length != 1) {
            throw new ModelImportException("the ONNX graph's output '" + output + "' is [batch, " + Arrays.stream(
                    last.shape()).mapToObj(Long::toString).collect(Collectors.joining(", "))
                    + "]; a loss needs [batch, outputs]");
        }
        String endOp = ending == null ? null : ending.getOpType();
        if (ending != null) {
            long axis = OnnxActivations.softmaxAxis(ending, opset);
            if (axis != 1 && axis != -1) {
                throw refuse(ending, "has axis " + axis + "; only the feature axis of [batch, features]");
            }
        }
        Activation activation;
        ILossFunction fn;
        String what;
        if (loss == Loss.CROSS_ENTROPY) {
            activation = Activation.SOFTMAX;
            fn = unclippedCrossEntropy();
            what = endOp == null ? "softmax + MCXENT (unclipped) on the logits '" + output + "' from '" + last.vertex()
                    + "' (PyTorch's CrossEntropyLoss)"
                    : endOp.equals("Softmax") ? "the graph's final Softmax '" + ending.getName() + "' as softmax +"
                    + " MCXENT, unclipped (negative log-likelihood of its probabilities)"
                    : "the graph's final LogSoftmax '" + ending.getName() + "' as softmax + MCXENT, unclipped (PyTorch's NLLLoss"
                    + " on it, i.e. CrossEntropyLoss on its input)";
        } else {
            if ("LogSoftmax".equals(endOp)) {
                throw refuse(ending, "ends the graph: mse on log-probabilities is not supported");
            }
            activation = endOp == null ? Activation.IDENTITY : Activation.SOFTMAX;
            fn = LossFunctions.LossFunction.MSE.getILossFunction();
            what = endOp == null ? "identity + MSE on '" + output + "' (PyTorch's MSELoss, mean over every entry)"
                    : "the graph's final Softmax '" + ending.getName() + "' + MSE on its probabilities";
        }
        LossLayer layer = new LossLayer.Builder(fn).activation(activation).build();
        // its size, which its builder does not take: without it DL4J warns "Assigning a size of zero" on every import
        layer.setNIn(last.dl4j()[0]);
        layer.setNOut(last.dl4j()[0]);
        return new Head(layer, what);
    }

    /**
     * DL4J's MCXENT clips probabilities below {@code 1e-10} by default, which caps each example's loss at 23.03;
     * PyTorch's {@code CrossEntropyLoss} (a log-softmax) does not. Measured on the residual CNN fixture: a plane
     * corner lost 62% of its loss (18.3 instead of 48.8) to the clipping. Without it the two agree to 1e-7 (float32
     * network) wherever the softmax's gaps stay below ~700 (float64 exp underflow on the engine's loss path).
     */
    static ILossFunction unclippedCrossEntropy() {
        return new LossMCXENT(0.0, null);
    }
}

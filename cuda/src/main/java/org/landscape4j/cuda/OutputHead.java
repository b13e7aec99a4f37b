package org.landscape4j.cuda;

import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.landscape4j.engine.device.DeviceRequest;
import org.landscape4j.engine.graph.LayerKind;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.lossfunctions.impl.LossNegativeLogLikelihood;

/**
 * The network's output, reduced on the device: an {@code OutputLayer} (its dense pre-activation by SGEMM, as a
 * {@link DenseOp}) or a {@code LossLayer} (its input is the pre-activation), then one kernel in one block that writes
 * the batch's loss sum and correct count, two doubles. The losses: softmax with multi-class cross-entropy or negative
 * log-likelihood, unweighted (a log-softmax in double with DL4J's clipping, as the CPU plan's
 * {@code SoftmaxCrossEntropy}), and the mean squared error ({@code LossMSE}, unweighted: {@code Σ (o − y)² / outputs}
 * per example) after any activation of {@link DeviceActivation}. The accuracy is the arg-max one (first maximum).
 *
 * @param input   the buffer of the pre-activation (or of the output layer's input when {@code weights} is set)
 * @param scratch the head's own buffer: the dense pre-activation, or the activated output of a squared error
 * @param weights the output layer's weights, or {@code null} for a loss layer
 * @param bias    offset of the output layer's bias in θ, or -1
 * @param clip    DL4J's softmax clipping ({@code softmaxClipEps}), for the cross-entropy
 * @param accuracy whether the accuracy is asked for ({@code NaN} otherwise)
 */
record OutputHead(String source, int input, int scratch, DenseOp.Weights weights, long bias, int outputs,
                  boolean crossEntropy, double clip, DeviceActivation.Use activation, boolean accuracy) {

    /** The CUDA plan's rule for the network's output: an output layer, or a loss layer on rank-2 activations. */
    static int rule(CudaPlanBuilder b, NetworkGraph.Node node, int in) {
        if (node.kind() != LayerKind.OUTPUT && node.kind() != LayerKind.LOSS) {
            throw b.refusal(node.source() + " is an output the CUDA plan does not evaluate (output and loss layers"
                    + " on [examples, outputs] are)");
        }
        if (b.rank(in) != 2) {
            throw b.refusal(node.source() + " reads rank-" + b.rank(in) + " activations (the CUDA plan's heads read"
                    + " [examples, outputs])");
        }
        boolean dense = node.kind() == LayerKind.OUTPUT;
        IActivation activation;
        ILossFunction loss;
        long outputs;
        DenseOp.Weights weights = null;
        long bias = -1;
        if (dense) {
            OutputLayer o = node.config(OutputLayer.class);
            activation = o.getActivationFn();
            loss = o.getLossFn();
            outputs = o.getNOut();
            weights = DenseOp.Weights.of(b, node, b.width(in), outputs);
            bias = o.hasBias() ? b.segment(node, "b").offset() : -1;
        } else {
            LossLayer o = node.config(LossLayer.class);
            activation = o.getActivationFn();
            loss = o.getLossFn();
            outputs = b.width(in);
        }
        boolean crossEntropy = (loss.getClass() == LossMCXENT.class || loss.getClass() == LossNegativeLogLikelihood.class)
                && ((LossMCXENT) loss).getWeights() == null && activation instanceof ActivationSoftmax;
        boolean squared = loss.getClass() == LossMSE.class && ((LossMSE) loss).getWeights() == null;
        if (!crossEntropy && !squared) {
            throw b.refusal(node.source() + " has the loss " + loss + " after " + activation + ", which the CUDA plan"
                    + " does not compute yet (softmax cross-entropy and unweighted MSE it does)");
        }
        DeviceRequest.Accuracy wanted = b.request.accuracy();
        if (wanted == DeviceRequest.Accuracy.PER_LABEL || wanted != DeviceRequest.Accuracy.NONE && outputs == 1) {
            throw b.refusal(node.source() + ": the per-label accuracy (one output column, or LossBinaryXENT) is not"
                    + " computed on the GPU yet");
        }
        b.requireLabels(node.outputIndex(), outputs, node.source());
        DeviceActivation.Use use = crossEntropy ? DeviceActivation.Use.NONE : DeviceActivation.of(activation,
                node.source());
        int scratch = b.buffer(b.newSlot(outputs));
        b.setHead(new OutputHead(node.source(), b.buffer(in), scratch, weights, bias, Math.toIntExact(outputs),
                crossEntropy, crossEntropy ? ((LossMCXENT) loss).getSoftmaxClipEps() : 0, use,
                wanted != DeviceRequest.Accuracy.NONE));
        return -1;
    }

    /** Queues the head on {@code rows} examples: results {@code [2·index]} loss sum, {@code [2·index + 1]} correct. */
    void run(Device d, Device.Buffer theta, Device.Buffer[] buffers, Device.Buffer labels, int rows,
             Device.Buffer results, int index) {
        Device.Buffer z = buffers[input];
        if (weights != null) {
            weights.multiply(d, theta, buffers[input], buffers[scratch], rows);
            z = buffers[scratch];
        }
        if (crossEntropy) {
            if (bias >= 0) {
                d.biasActivation(z, z, rows, outputs, theta, bias, DeviceActivation.IDENTITY, 0);
            }
            d.softmaxCrossEntropy(z, labels, rows, outputs, clip, results, index);
        } else {
            d.biasActivation(z, buffers[scratch], rows, outputs, bias < 0 ? null : theta, bias, activation.kind(),
                    activation.alpha());
            d.squaredError(buffers[scratch], labels, rows, outputs, results, index);
        }
    }

    String kind() {
        return (weights != null ? "output " : "loss ") + (crossEntropy ? "softmax-cross-entropy" : "mse");
    }
}

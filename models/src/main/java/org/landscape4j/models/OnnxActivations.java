package org.landscape4j.models;

import static org.landscape4j.models.OnnxNodes.attrFloat;
import static org.landscape4j.models.OnnxNodes.attrInt;
import static org.landscape4j.models.OnnxNodes.refuse;

import onnx.Onnx;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.landscape4j.models.OnnxConversion.Act;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationLReLU;

/**
 * Element-wise activations as a DL4J {@link ActivationLayer}: {@code Relu}, {@code LeakyRelu} (PyTorch's
 * {@code negative_slope}, ONNX's {@code alpha}, default 0.01), {@code Elu} ({@code alpha}, default 1), {@code Sigmoid},
 * {@code Tanh}, and {@code Softmax} over the features of a {@code [batch, features]} tensor. {@code LogSoftmax} only
 * ends a graph: there the importer's loss takes it (PyTorch's {@code NLLLoss} on it is {@code CrossEntropyLoss} on its
 * input), as it takes a final {@code Softmax}.
 */
final class OnnxActivations {

    private OnnxActivations() {
    }

    static OnnxConversion relu(Onnx.NodeProto n, OnnxContext ctx) {
        return activation(n, ctx, Activation.RELU.getActivationFunction());
    }

    static OnnxConversion leakyRelu(Onnx.NodeProto n, OnnxContext ctx) {
        return activation(n, ctx, new ActivationLReLU(attrFloat(n, "alpha", 0.01)));
    }

    static OnnxConversion elu(Onnx.NodeProto n, OnnxContext ctx) {
        return activation(n, ctx, new ActivationELU(attrFloat(n, "alpha", 1.0)));
    }

    static OnnxConversion sigmoid(Onnx.NodeProto n, OnnxContext ctx) {
        return activation(n, ctx, Activation.SIGMOID.getActivationFunction());
    }

    static OnnxConversion tanh(Onnx.NodeProto n, OnnxContext ctx) {
        return activation(n, ctx, Activation.TANH.getActivationFunction());
    }

    /** {@code Softmax(x)} inside the graph: over the features of a {@code [batch, features]} tensor only. */
    static OnnxConversion softmax(Onnx.NodeProto n, OnnxContext ctx) {
        ctx.activation(n, 0, 2);
        long axis = softmaxAxis(n, ctx.opset());
        if (axis != 1 && axis != -1) {
            throw refuse(n, "has axis " + axis + "; only the feature axis of a [batch, features] tensor");
        }
        return activation(n, ctx, Activation.SOFTMAX.getActivationFunction());
    }

    /** {@code LogSoftmax(x)} inside the graph is refused; as the graph's last node the loss takes it. */
    static OnnxConversion logSoftmax(Onnx.NodeProto n, OnnxContext ctx) {
        throw refuse(n, "is supported only as the graph's last node (then it and the loss are PyTorch's NLLLoss,"
                + " i.e. cross-entropy on its input)");
    }

    /**
     * The axis {@code Softmax} or {@code LogSoftmax} normalizes over. Its default changed in opset 13: before, 1 (the
     * input coerced to 2D from axis 1); from 13, -1 (the last axis). On {@code [batch, features]} both are the
     * features.
     */
    static long softmaxAxis(Onnx.NodeProto n, int opset) {
        if (opset < 13) {
            return attrInt(n, "axis", 1);
        }
        return attrInt(n, "axis", -1);
    }

    private static OnnxConversion activation(Onnx.NodeProto n, OnnxContext ctx, IActivation fn) {
        Act x = ctx.activation(n, 0, -1);
        return OnnxConversion.layer(ctx.vertexName(n), new ActivationLayer.Builder().activation(fn).build(),
                "ActivationLayer", x).withOutput(n.getOutput(0), x.shape(), x.dl4j());
    }
}

package org.landscape4j.models;

import static org.landscape4j.models.OnnxNodes.attrFloat;
import static org.landscape4j.models.OnnxNodes.attrInt;
import static org.landscape4j.models.OnnxNodes.hasInput;
import static org.landscape4j.models.OnnxNodes.refuse;

import onnx.Onnx;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.landscape4j.engine.graph.TorchGelu;
import org.landscape4j.engine.graph.TorchHardSigmoid;
import org.landscape4j.engine.graph.TorchHardSwish;
import org.landscape4j.models.OnnxConversion.Act;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;

/**
 * Element-wise activations as a DL4J {@link ActivationLayer}: {@code Relu}, {@code LeakyRelu} (PyTorch's
 * {@code negative_slope}, ONNX's {@code alpha}, default 0.01), {@code Elu} ({@code alpha}, default 1), {@code Sigmoid}
 * (and SiLU, {@link OnnxSwishFold}), {@code HardSigmoid} and {@code HardSwish} (PyTorch's, the engine's own
 * activations), {@code Tanh}, {@code Clip} (ReLU6 and the other bounds DL4J has an activation for: {@link #clip}), and
 * {@code Softmax} over the features of a {@code [batch, features]} tensor. {@code LogSoftmax} only
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

    /**
     * {@code Sigmoid(x)}; folded with the {@code Mul} of its input by it ({@link OnnxSwishFold}), PyTorch's SiLU as
     * DL4J's swish, which is {@code x * sigmoid(x)}.
     */
    static OnnxConversion sigmoid(Onnx.NodeProto n, OnnxContext ctx) {
        return activation(n, ctx, attrInt(n, OnnxSwishFold.TIMES_INPUT, 0) != 0
                ? Activation.SWISH.getActivationFunction() : Activation.SIGMOID.getActivationFunction());
    }

    /**
     * {@code HardSigmoid(x)}, {@code max(0, min(1, alpha * x + beta))} (ONNX's defaults 0.2 and 0.5; PyTorch writes
     * 1/6 and 1/2, its {@code relu6(x + 3) / 6}, which is taken exactly), as {@link TorchHardSigmoid}: DL4J's own
     * hard sigmoid has slope 0.2 only.
     */
    static OnnxConversion hardSigmoid(Onnx.NodeProto n, OnnxContext ctx) {
        double alpha = attrFloat(n, "alpha", 0.2);
        double beta = attrFloat(n, "beta", 0.5);
        if (!(alpha > 0)) {
            throw refuse(n, "has slope alpha=" + alpha + "; only a positive slope");
        }
        return activation(n, ctx, OnnxSwishFold.isTorchHardSigmoid(n) ? new TorchHardSigmoid()
                : new TorchHardSigmoid(alpha, beta));
    }

    /** {@code HardSwish(x)}, {@code x * relu6(x + 3) / 6} (PyTorch's {@code nn.Hardswish}), as {@link TorchHardSwish}. */
    static OnnxConversion hardSwish(Onnx.NodeProto n, OnnxContext ctx) {
        return activation(n, ctx, new TorchHardSwish());
    }

    static OnnxConversion tanh(Onnx.NodeProto n, OnnxContext ctx) {
        return activation(n, ctx, Activation.TANH.getActivationFunction());
    }

    /** {@code Clip(x)} before opset 11: its bounds are the attributes {@code min} and {@code max} (default none). */
    static OnnxConversion clip(Onnx.NodeProto n, OnnxContext ctx) {
        return clipTo(n, ctx, attrFloat(n, "min", Double.NEGATIVE_INFINITY),
                attrFloat(n, "max", Double.POSITIVE_INFINITY));
    }

    /** {@code Clip(x[, min, max])} from opset 11: its bounds are optional constant inputs. */
    static OnnxConversion clip11(Onnx.NodeProto n, OnnxContext ctx) {
        double min = hasInput(n, 1) ? ctx.constantInput(n, 1).values()[0] : Double.NEGATIVE_INFINITY;
        double max = hasInput(n, 2) ? ctx.constantInput(n, 2).values()[0] : Double.POSITIVE_INFINITY;
        return clipTo(n, ctx, min, max);
    }

    /**
     * {@code Clip} to {@code [min, max]} as the DL4J activation computing it: {@code [0, 6]} is ReLU6 (PyTorch's
     * {@code nn.ReLU6}, MobileNetV2's), {@code [0, ∞)} ReLU, {@code [0, max]} a ReLU bounded at {@code max},
     * {@code [-1, 1]} HardTanh. DL4J has no activation for other bounds: they are refused.
     */
    private static OnnxConversion clipTo(Onnx.NodeProto n, OnnxContext ctx, double min, double max) {
        // ONNX writes an absent bound as float's lowest or largest value
        double lo = min <= -Float.MAX_VALUE ? Double.NEGATIVE_INFINITY : min;
        double hi = max >= Float.MAX_VALUE ? Double.POSITIVE_INFINITY : max;
        IActivation fn;
        if (lo == 0 && hi == 6) {
            fn = Activation.RELU6.getActivationFunction();
        } else if (lo == 0 && hi == Double.POSITIVE_INFINITY) {
            fn = Activation.RELU.getActivationFunction();
        } else if (lo == 0 && hi > 0) {
            fn = new ActivationReLU(hi, 0.0, 0.0);
        } else if (lo == -1 && hi == 1) {
            fn = Activation.HARDTANH.getActivationFunction();
        } else {
            throw refuse(n, "clips to [" + bound(lo) + ", " + bound(hi) + "]; supported: [0, max] (ReLU6, ReLU, a"
                    + " bounded ReLU) and [-1, 1] (HardTanh)");
        }
        return activation(n, ctx, fn);
    }

    private static String bound(double v) {
        return Double.isInfinite(v) ? (v < 0 ? "-inf" : "inf") : Double.toString(v);
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

    /**
     * {@code Gelu(x)} (ONNX's op from opset 20, or PyTorch's erf decomposition folded by
     * {@link OnnxDecompositionFold}): PyTorch's exact GELU, the engine's {@link TorchGelu}; the tanh approximation is
     * refused.
     */
    static OnnxConversion gelu(Onnx.NodeProto n, OnnxContext ctx) {
        String approximate = OnnxNodes.attrString(n, "approximate", "none");
        if (!approximate.equals("none")) {
            throw refuse(n, "approximates GELU (" + approximate + "); only the exact (erf) GELU");
        }
        return activation(n, ctx, new TorchGelu());
    }

    private static OnnxConversion activation(Onnx.NodeProto n, OnnxContext ctx, IActivation fn) {
        Act x = ctx.elementwise(n, 0, -1);
        return OnnxConversion.layer(ctx.vertexName(n), new ActivationLayer.Builder().activation(fn).build(),
                "ActivationLayer", x).withOutputLike(n.getOutput(0), x);
    }
}

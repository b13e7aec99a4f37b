package org.landscape4j.models;

import static org.landscape4j.models.OnnxNodes.attrFloat;
import static org.landscape4j.models.OnnxNodes.attrInt;
import static org.landscape4j.models.OnnxNodes.hasInput;
import static org.landscape4j.models.OnnxNodes.refuse;
import static org.landscape4j.models.OnnxNodes.shapeText;

import onnx.Onnx;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.landscape4j.models.OnnxConversion.Act;
import org.landscape4j.models.OnnxTensors.Constant;
import org.nd4j.linalg.activations.Activation;

/**
 * Fully connected layers: {@code Gemm} and {@code MatMul} by a stored weight, PyTorch's {@code nn.Linear} on a
 * {@code [batch, features]} input, as a DL4J {@link DenseLayer} (identity activation). PyTorch's {@code [out, in]}
 * weight ({@code Gemm} with {@code transB=1}) is transposed to DL4J's {@code [nIn, nOut]}; {@code MatMul}'s
 * {@code [in, out]} is DL4J's as it is. A {@code MatMul} followed by the {@code Add} of its bias arrives here as one
 * node, folded by {@link OnnxMatMulAddFold}, which also folds PyTorch's {@code Transpose} of a Linear weight into
 * it; on a channels-last image (ConvNeXt's Linear layers on pixels) a 1x1 convolution.
 */
final class OnnxLinear {

    private OnnxLinear() {
    }

    /** {@code Gemm(x, W[, b])} = {@code x W + b} ({@code W} transposed with {@code transB=1}); alpha = beta = 1. */
    static OnnxConversion gemm(Onnx.NodeProto n, OnnxContext ctx) {
        Act x = ctx.activation(n, 0, 2);
        double alpha = attrFloat(n, "alpha", 1.0);
        double beta = attrFloat(n, "beta", 1.0);
        if (alpha != 1.0 || beta != 1.0) {
            throw refuse(n, "scales its product (alpha=" + alpha + ", beta=" + beta + "); only alpha=beta=1");
        }
        if (attrInt(n, "transA", 0) != 0) {
            throw refuse(n, "transposes its input (transA=1); only transA=0");
        }
        Constant w = ctx.weight(n, 1);
        if (w.shape().length != 2) {
            throw refuse(n, "has a rank-" + w.shape().length + " weight");
        }
        boolean transposed = attrInt(n, "transB", 0) != 0;
        long nIn = transposed ? w.shape()[1] : w.shape()[0];
        long nOut = transposed ? w.shape()[0] : w.shape()[1];
        Constant b = hasInput(n, 2) ? ctx.weight(n, 2) : null;
        return dense(n, ctx, x, w, transposed ? new int[] {1, 0} : new int[] {0, 1}, nIn, nOut, b);
    }

    /**
     * {@code MatMul(x, W)} = {@code x W} with {@code W [in, out]}; {@code MatMul(x, W, b)} is the MatMul and Add pair
     * {@link OnnxMatMulAddFold} made one node: its second output is the Add's.
     */
    static OnnxConversion matMul(Onnx.NodeProto n, OnnxContext ctx) {
        Act x = ctx.elementwise(n, 0, -1);
        Constant w = ctx.weight(n, 1);
        if (w.shape().length != 2) {
            throw refuse(n, "multiplies by a rank-" + w.shape().length + " tensor; only [in, out] weights");
        }
        Constant bias = n.getInputCount() > 2 ? ctx.weight(n, 2) : null;
        boolean transposed = attrInt(n, OnnxMatMulAddFold.TRANSPOSED_WEIGHT, 0) != 0;
        long nIn = transposed ? w.shape()[1] : w.shape()[0];
        long nOut = transposed ? w.shape()[0] : w.shape()[1];
        OnnxConversion c = x.channelsLast() ? pixels(n, ctx, x, w, transposed, nIn, nOut, bias)
                : dense(n, ctx, ctx.activation(n, 0, 2), w, transposed ? new int[] {1, 0} : new int[] {0, 1}, nIn,
                        nOut, bias);
        for (int i = 1; i < n.getOutputCount(); i++) {
            c = c.withOutput(n.getOutput(i), c.activations().get(n.getOutput(0)));
        }
        return c;
    }

    /**
     * A Linear layer on every pixel of a channels-last image (ConvNeXt's) as a 1x1 {@link ConvolutionLayer} on the NCHW
     * tensor, PyTorch's {@code [out, in]} weight its {@code [out, in, 1, 1]}; on a channels-last pooled image
     * ({@code [1, 1, c]}, DL4J's {@code [c]}) as a dense layer. The output stays channels-last.
     */
    private static OnnxConversion pixels(Onnx.NodeProto n, OnnxContext ctx, Act x, Constant w, boolean transposed,
                                         long nIn, long nOut, Constant b) {
        long[] s = x.shape();
        if (s[2] != nIn || b != null && b.length() != nOut) {
            throw refuse(n, "has a weight " + shapeText(w.shape()) + " for a channels-last input " + shapeText(s));
        }
        if (x.dl4j().length == 1) {
            OnnxConversion c = dense(n, ctx, new Act(x.vertex(), x.dl4j(), x.dl4j()), w,
                    transposed ? new int[] {1, 0} : new int[] {0, 1}, nIn, nOut, b);
            return c.withOutput(n.getOutput(0), new Act(c.vertex(), new long[] {1, 1, nOut}, new long[] {nOut}, true));
        }
        OnnxConversion c = OnnxConversion.layer(ctx.vertexName(n), new ConvolutionLayer.Builder(1, 1).nIn(nIn)
                .nOut(nOut).convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY)
                .hasBias(b != null).dataFormat(CNN2DFormat.NCHW).build(),
                "ConvolutionLayer (1x1, channels-last Linear)", new Act(x.vertex(), x.dl4j(), x.dl4j())).withParam("W", w, transposed ? new int[] {0, 1}
                : new int[] {1, 0});
        if (b != null) {
            c = c.withParam("b", new Constant(b.name(), new long[] {nOut}, b.values()), 0);
        }
        return c.withOutput(n.getOutput(0), new Act(c.vertex(), new long[] {s[0], s[1], nOut},
                new long[] {nOut, s[0], s[1]}, true));
    }

    private static OnnxConversion dense(Onnx.NodeProto n, OnnxContext ctx, Act x, Constant w, int[] axes, long nIn,
                                        long nOut, Constant b) {
        if (x.dl4j().length != 1 || x.shape()[0] != nIn) {
            throw refuse(n, "has a weight " + shapeText(w.shape()) + " for an input " + shapeText(x.shape()));
        }
        if (b != null && (b.length() != nOut || b.shape().length > 2)) {
            throw refuse(n, "has a bias " + shapeText(b.shape()) + " for " + nOut + " outputs");
        }
        OnnxConversion c = OnnxConversion.layer(ctx.vertexName(n), new DenseLayer.Builder().nIn(nIn).nOut(nOut)
                .activation(Activation.IDENTITY).hasBias(b != null).build(), "DenseLayer", x).withParam("W", w, axes);
        if (b != null) {
            c = c.withParam("b", new Constant(b.name(), new long[] {nOut}, b.values()), 0);
        }
        return c.withOutput(n.getOutput(0), new long[] {nOut});
    }
}

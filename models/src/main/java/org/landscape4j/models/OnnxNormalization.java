package org.landscape4j.models;

import static org.landscape4j.models.OnnxNodes.attrFloat;
import static org.landscape4j.models.OnnxNodes.attrInt;
import static org.landscape4j.models.OnnxNodes.refuse;

import onnx.Onnx;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.landscape4j.engine.graph.ChannelLayerNorm;
import org.landscape4j.models.OnnxConversion.Act;
import org.landscape4j.models.OnnxTensors.Constant;

/**
 * Normalization: {@code BatchNormalization} in inference mode, PyTorch's {@code nn.BatchNorm1d}/{@code nn.BatchNorm2d}
 * after {@code model.eval()}, as a DL4J {@link BatchNormalization} layer: scale, bias, running mean and running
 * variance as DL4J's {@code gamma}, {@code beta}, {@code mean}, {@code var} (the variance itself, not its log);
 * ONNX's {@code epsilon} and {@code momentum} (1 - PyTorch's {@code momentum}) as DL4J's {@code eps} and
 * {@code decay}; {@code LayerNormalization} over the channels as the engine's {@link ChannelLayerNorm}.
 */
final class OnnxNormalization {

    private static final String[] KEYS = {"gamma", "beta", "mean", "var"};

    private OnnxNormalization() {
    }

    /** {@code BatchNormalization(x, scale, B, mean, var)} on a rank-2 or rank-4 tensor; training mode refused. */
    static OnnxConversion batchNormalization(Onnx.NodeProto n, OnnxContext ctx) {
        Act x = ctx.activation(n, 0, -1);
        if (x.rank() != 2 && x.rank() != 4) {
            throw refuse(n, "normalizes a rank-" + x.rank() + " tensor; only rank 2 or 4");
        }
        if (attrInt(n, "training_mode", 0) != 0 || attrInt(n, "spatial", 1) != 1) {
            throw refuse(n, "is in training mode or not spatial; export the model in eval mode");
        }
        for (int i = 1; i < n.getOutputCount(); i++) {
            if (!n.getOutput(i).isEmpty() && ctx.isConsumed(n.getOutput(i))) {
                throw refuse(n, "outputs running statistics (training mode); export the model in eval mode");
            }
        }
        long c = x.shape()[0];
        Constant[] t = new Constant[KEYS.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = ctx.weight(n, i + 1);
            if (t[i].length() != c) {
                throw refuse(n, "input " + (i + 1) + " '" + t[i].name() + "' has " + t[i].length() + " values for "
                        + c + " channels");
            }
        }
        double eps = attrFloat(n, "epsilon", 1e-5);
        double momentum = attrFloat(n, "momentum", 0.9);
        OnnxConversion conversion = OnnxConversion.layer(ctx.vertexName(n), new BatchNormalization.Builder().nIn(c)
                .nOut(c).eps(eps).decay(momentum).useLogStd(false).build(), "BatchNormalization", x);
        for (int i = 0; i < t.length; i++) {
            conversion = conversion.withParam(KEYS[i], new Constant(t[i].name(), new long[] {c}, t[i].values()), 0);
        }
        return conversion.withOutput(n.getOutput(0), x.shape(), x.dl4j());
    }

    /**
     * {@code LayerNormalization(x, scale, B)} over the last axis (ONNX's op from opset 17, or PyTorch's decomposition
     * folded by {@link OnnxDecompositionFold}): of a channels-last image or pooled image (ConvNeXt's), or of features
     * {@code [batch, c]}, as the engine's {@link ChannelLayerNorm} (scale and bias as its {@code gamma} and
     * {@code beta}). Other axes refused.
     */
    static OnnxConversion layerNormalization(Onnx.NodeProto n, OnnxContext ctx) {
        Act x = ctx.elementwise(n, 0, -1);
        long axis = attrInt(n, "axis", -1);
        boolean last = axis == -1 || axis == x.rank() - 1;
        if (!last || !(x.channelsLast() || x.shape().length == 1)) {
            throw refuse(n, "normalizes axis " + axis + " of " + OnnxNodes.shapeText(x.shape()) + (x.channelsLast()
                    ? " (channels-last)" : "") + "; only the last axis of a channels-last image or of features");
        }
        long c = x.shape()[x.shape().length - 1];
        OnnxConversion conversion = OnnxConversion.layer(ctx.vertexName(n),
                new ChannelLayerNorm(c, attrFloat(n, "epsilon", 1e-5)), "ChannelLayerNorm", x);
        String[] keys = {"gamma", "beta"};
        for (int i = 0; i < keys.length; i++) {
            if (!OnnxNodes.hasInput(n, i + 1)) {
                throw refuse(n, "has no " + (i == 0 ? "scale" : "bias") + "; only an affine layer normalization");
            }
            Constant t = ctx.weight(n, i + 1);
            if (t.length() != c) {
                throw refuse(n, "input " + (i + 1) + " '" + t.name() + "' has " + t.length() + " values for " + c
                        + " channels");
            }
            conversion = conversion.withParam(keys[i], new Constant(t.name(), new long[] {c}, t.values()), 0);
        }
        return conversion.withOutputLike(n.getOutput(0), x);
    }
}

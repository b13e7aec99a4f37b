package org.landscape4j.models;

import static org.landscape4j.models.OnnxNodes.attrFloat;
import static org.landscape4j.models.OnnxNodes.attrInt;
import static org.landscape4j.models.OnnxNodes.attrInts;
import static org.landscape4j.models.OnnxNodes.attrString;
import static org.landscape4j.models.OnnxNodes.hasInput;
import static org.landscape4j.models.OnnxNodes.refuse;
import static org.landscape4j.models.OnnxNodes.shapeText;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import onnx.Onnx;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.landscape4j.engine.graph.ChannelGateVertex;
import org.landscape4j.engine.graph.ChannelScale;
import org.landscape4j.models.OnnxConversion.Act;
import org.landscape4j.models.OnnxTensors.Constant;

/**
 * Ops that move, join or pass on tensors without parameters:
 * <ul>
 *   <li>{@code Add} of two computed tensors of one shape (a residual connection, {@code x + f(x)}) as an
 *       {@link ElementWiseVertex}; a bias {@code Add} after a {@code MatMul} is folded before conversion
 *       ({@link OnnxMatMulAddFold});</li>
 *   <li>{@code Mul} of two computed tensors of one shape, of an image by a per-channel gate, or of an image by a
 *       stored per-channel scale ({@link #mul});</li>
 *   <li>{@code Flatten} from axis 1 ({@code torch.flatten(x, 1)}, {@code nn.Flatten()}) and a {@code Reshape} to
 *       {@code [batch, -1]} ({@code x.view(x.size(0), -1)}) as DL4J's {@link CnnToFeedForwardPreProcessor}: PyTorch
 *       flattens NCHW in (C, H, W) order, a row-major reshape, which is the preprocessor's order;</li>
 *   <li>{@code Concat} along the channels or features ({@code torch.cat(xs, 1)}) as a {@link MergeVertex}, or of
 *       constant shape vectors, evaluated;</li>
 *   <li>{@code Pad} with zeros around the height and width ({@code F.pad(x, (l, r, t, b))}, {@code nn.ZeroPad2d})
 *       as a {@link ZeroPaddingLayer}: its pads and value attributes before opset 11, inputs from 11;</li>
 *   <li>{@code Dropout} (inference: nothing) and {@code Identity} (nothing, or the same constant).</li>
 * </ul>
 */
final class OnnxTensorOps {

    private OnnxTensorOps() {
    }

    /**
     * {@code Add(a, b)} of two computed tensors of one shape; of two constants (shape arithmetic), evaluated; a
     * constant and a computed tensor, and broadcasting, refused.
     */
    static OnnxConversion add(Onnx.NodeProto n, OnnxContext ctx) {
        if (n.getInputCount() != 2) {
            throw refuse(n, "has " + n.getInputCount() + " inputs");
        }
        if (ctx.isConstant(n.getInput(0)) && ctx.isConstant(n.getInput(1))) {
            return OnnxConstants.arithmetic(n, ctx);
        }
        if (ctx.isConstant(n.getInput(0)) || ctx.isConstant(n.getInput(1))) {
            throw refuse(n, "adds a constant tensor; only two computed tensors of one shape, or a MatMul's bias");
        }
        Act a = ctx.elementwise(n, 0, -1);
        Act b = ctx.elementwise(n, 1, -1);
        if (!Arrays.equals(a.shape(), b.shape()) || !Arrays.equals(a.dl4j(), b.dl4j())
                || a.channelsLast() != b.channelsLast()) {
            throw refuse(n, "adds tensors of shapes " + shapeText(a.shape()) + " and " + shapeText(b.shape())
                    + "; broadcasting is not supported");
        }
        return OnnxConversion.vertex(ctx.vertexName(n), new ElementWiseVertex(ElementWiseVertex.Op.Add),
                "ElementWiseVertex", List.of(a, b)).withOutputLike(n.getOutput(0), a);
    }

    /**
     * {@code Mul(a, b)} of two computed tensors: of one shape as an {@link ElementWiseVertex} product; an image
     * {@code [c, h, w]} by a per-channel gate {@code [c, 1, 1]} (either order: squeeze-and-excitation's
     * {@code x * scale}) as the engine's {@link ChannelGateVertex}; an image by a stored {@code [c, 1, 1]} as the
     * engine's {@link ChannelScale} ({@link #scale}). Other constants and broadcasts are refused.
     */
    static OnnxConversion mul(Onnx.NodeProto n, OnnxContext ctx) {
        if (n.getInputCount() != 2) {
            throw refuse(n, "has " + n.getInputCount() + " inputs");
        }
        if (ctx.isConstant(n.getInput(0)) && ctx.isConstant(n.getInput(1))) {
            return OnnxConstants.arithmetic(n, ctx);
        }
        if (ctx.isConstant(n.getInput(0)) != ctx.isConstant(n.getInput(1))) {
            return scale(n, ctx, ctx.isConstant(n.getInput(0)) ? 0 : 1);
        }
        Act a = ctx.elementwise(n, 0, -1);
        Act b = ctx.elementwise(n, 1, -1);
        if (Arrays.equals(a.shape(), b.shape()) && Arrays.equals(a.dl4j(), b.dl4j())
                && a.channelsLast() == b.channelsLast()) {
            return OnnxConversion.vertex(ctx.vertexName(n), new ElementWiseVertex(ElementWiseVertex.Op.Product),
                    "ElementWiseVertex", List.of(a, b)).withOutputLike(n.getOutput(0), a);
        }
        a = ctx.activation(n, 0, -1);
        b = ctx.activation(n, 1, -1);
        Act x = isGateOf(b, a) ? a : isGateOf(a, b) ? b : null;
        if (x == null) {
            throw refuse(n, "multiplies tensors of shapes " + shapeText(a.shape()) + " and " + shapeText(b.shape())
                    + "; broadcasting only an image [c, h, w] by a per-channel gate [c, 1, 1]");
        }
        return OnnxConversion.vertex(ctx.vertexName(n), new ChannelGateVertex(), "ChannelGateVertex",
                List.of(x, x == a ? b : a)).withOutput(n.getOutput(0), x.shape(), x.dl4j());
    }

    /**
     * {@code Mul} of an image {@code [c, h, w]} by a stored {@code [c, 1, 1]} tensor (ConvNeXt's layer scale,
     * {@code layer_scale * x}) as the engine's {@link ChannelScale}, the tensor its weight {@code [c]}; other
     * constants refused.
     */
    private static OnnxConversion scale(Onnx.NodeProto n, OnnxContext ctx, int constant) {
        Act x = ctx.activation(n, 1 - constant, -1);
        Constant w = ctx.constantOf(n.getInput(constant));
        long c = x.shape()[0];
        if (x.rank() != 4 || !Arrays.equals(w.shape(), new long[] {c, 1, 1})) {
            throw refuse(n, "multiplies " + shapeText(x.shape()) + " by a constant " + shapeText(w.shape())
                    + "; only an image [c, h, w] by a per-channel scale [c, 1, 1] (or two computed tensors of one"
                    + " shape, or an image by a per-channel gate)");
        }
        w = ctx.weight(n, constant);
        return OnnxConversion.layer(ctx.vertexName(n), new ChannelScale(c), "ChannelScale", x)
                .withParam("W", w, 0, 1, 2).withOutput(n.getOutput(0), x.shape(), x.dl4j());
    }

    private static boolean isGateOf(Act gate, Act x) {
        return x.shape().length == 3 && Arrays.equals(gate.shape(), new long[] {x.shape()[0], 1, 1})
                && Arrays.equals(gate.dl4j(), gate.shape()) && Arrays.equals(x.dl4j(), x.shape());
    }

    /** {@code Flatten(x)} from axis 1 to {@code [batch, features]}. */
    static OnnxConversion flatten(Onnx.NodeProto n, OnnxContext ctx) {
        Act x = notChannelsLast(n, ctx.anyActivation(n, 0));
        long axis = attrInt(n, "axis", 1);
        if (axis < 0) {
            axis += x.rank();
        }
        if (axis != 1) {
            throw refuse(n, "flattens from axis " + axis + "; only axis 1 ([batch, features])");
        }
        return toFeatures(n, ctx, x);
    }

    /**
     * {@code Reshape(x, shape)} to a constant {@code [batch, -1]} (or {@code [batch, features]}): a flatten; or the
     * channel shuffle's reshapes ({@link OnnxChannels}).
     */
    static OnnxConversion reshape(Onnx.NodeProto n, OnnxContext ctx) {
        Act x = notChannelsLast(n, ctx.anyActivation(n, 0));
        if (attrInt(n, "allowzero", 0) != 0) {
            throw refuse(n, "has allowzero=1");
        }
        if (!ctx.isConstant(n.getInput(1))) {
            throw refuse(n, "has a target shape computed from the data; only constant [batch, -1] reshapes");
        }
        long[] target = ctx.constantOf(n.getInput(1)).longs();
        long features = features(x);
        long inBatch = ctx.fixedBatch();
        boolean batchLike = target.length > 0 && (target[0] == Long.MIN_VALUE || target[0] == 0
                || target[0] == inBatch);
        OnnxConversion channels = OnnxChannels.isGrouped(x) ? OnnxChannels.ungroup(n, x, target, batchLike)
                : OnnxChannels.groups(n, x, target, batchLike);
        if (channels != null) {
            return channels;
        }
        boolean batchFirst = target.length == 2 && (batchLike || target[0] == -1 && target[1] == features);
        boolean flat = batchFirst && (target[1] == -1 || target[1] == features);
        if (!flat) {
            throw refuse(n, "reshapes " + shapeText(x.shape()) + " to " + Arrays.toString(target).replace(
                    String.valueOf(Long.MIN_VALUE), "batch") + "; only a flatten to [batch, features] is supported");
        }
        return toFeatures(n, ctx, x);
    }

    /** {@code Concat(xs...)} along axis 1 of computed tensors, or of constant shape vectors (evaluated). */
    static OnnxConversion concat(Onnx.NodeProto n, OnnxContext ctx) {
        if (n.getInputList().stream().allMatch(ctx::isConstant)) {
            return OnnxConstants.concat(n, ctx);
        }
        List<Act> in = new ArrayList<>();
        for (int i = 0; i < n.getInputCount(); i++) {
            in.add(ctx.activation(n, i, -1));
        }
        int rank = in.get(0).rank();
        long axis = attrInt(n, "axis", 1);
        if (axis < 0) {
            axis += rank;
        }
        if (axis != 1) {
            throw refuse(n, "concatenates along axis " + axis + "; only axis 1 (features or channels)");
        }
        long total = 0;
        for (Act a : in) {
            if (a.rank() != rank || !Arrays.equals(Arrays.copyOfRange(a.shape(), 1, a.shape().length),
                    Arrays.copyOfRange(in.get(0).shape(), 1, rank - 1)) || a.dl4j().length != a.shape().length) {
                throw refuse(n, "concatenates tensors of shapes " + in.stream().map(t -> shapeText(t.shape()))
                        .toList());
            }
            total += a.shape()[0];
        }
        long[] shape = in.get(0).shape().clone();
        shape[0] = total;
        return OnnxConversion.vertex(ctx.vertexName(n), new MergeVertex(), "MergeVertex", in)
                .withOutput(n.getOutput(0), shape);
    }

    /** {@code Pad(x)} before opset 11: the pads and the value are attributes. */
    static OnnxConversion pad(Onnx.NodeProto n, OnnxContext ctx) {
        Act x = padded(n, ctx);
        long[] pads = checkPads(n, attrInts(n, "pads"));
        return zeroPadding(n, ctx, x, pads, attrFloat(n, "value", 0.0));
    }

    /** {@code Pad(x, pads[, value])} from opset 11: the pads and the value are (constant) inputs. */
    static OnnxConversion pad11(Onnx.NodeProto n, OnnxContext ctx) {
        Act x = padded(n, ctx);
        long[] pads = checkPads(n, n.getInputCount() > 1 && ctx.isConstant(n.getInput(1))
                ? ctx.constantOf(n.getInput(1)).longs() : null);
        double value = hasInput(n, 2) ? ctx.constantInput(n, 2).values()[0] : 0.0;
        return zeroPadding(n, ctx, x, pads, value);
    }

    /** {@code Dropout(x[, ratio, training_mode])} at inference: its input; the mask and training mode refused. */
    static OnnxConversion dropout(Onnx.NodeProto n, OnnxContext ctx) {
        if (n.getOutputCount() > 1 && ctx.isConsumed(n.getOutput(1))) {
            throw refuse(n, "outputs its mask; only inference dropout is supported");
        }
        if (hasInput(n, 2) && ctx.isConstant(n.getInput(2)) && ctx.constantOf(n.getInput(2)).values()[0] != 0) {
            throw refuse(n, "is in training mode; export the model in eval mode");
        }
        return OnnxConversion.nothing("nothing (inference)").withOutput(n.getOutput(0), ctx.anyActivation(n, 0));
    }

    /** {@code Identity(x)}: its input, computed or constant. */
    static OnnxConversion identity(Onnx.NodeProto n, OnnxContext ctx) {
        if (ctx.isConstant(n.getInput(0))) {
            Constant c = ctx.constantOf(n.getInput(0));
            return OnnxConversion.constant(n.getOutput(0), c.shape(), c.values());
        }
        return OnnxConversion.nothing("nothing").withOutput(n.getOutput(0), ctx.anyActivation(n, 0));
    }

    /** {@code x}, refusing {@code n} when {@code x} is channels-last (its flattened order would be PyTorch's HWC). */
    private static Act notChannelsLast(Onnx.NodeProto n, Act x) {
        if (x.channelsLast()) {
            throw refuse(n, "flattens or reshapes a channels-last tensor " + shapeText(x.shape()) + "; only after the"
                    + " Transpose back to [c, h, w]");
        }
        return x;
    }

    /** A flatten of {@code x} to {@code [batch, features]}: a reshape view (C, H, W order), or nothing to do. */
    private static OnnxConversion toFeatures(Onnx.NodeProto n, OnnxContext ctx, Act x) {
        long[] flat = {features(x)};
        if (x.dl4j().length == 1) {
            return OnnxConversion.nothing("nothing (already flat in DL4J)")
                    .withOutput(n.getOutput(0), new Act(x.vertex(), flat, flat));
        }
        long[] s = x.dl4j();
        return OnnxConversion.vertex(ctx.vertexName(n), new PreprocessorVertex(new CnnToFeedForwardPreProcessor(
                s[1], s[2], s[0])), "CnnToFeedForwardPreProcessor", List.of(x)).withOutput(n.getOutput(0), flat);
    }

    private static long features(Act x) {
        long features = 1;
        for (long s : x.shape()) {
            features *= s;
        }
        return features;
    }

    /** The input of a Pad: a rank-4 activation, padded in constant mode. */
    private static Act padded(Onnx.NodeProto n, OnnxContext ctx) {
        Act x = ctx.activation(n, 0, 4);
        String mode = attrString(n, "mode", "constant");
        if (!mode.equals("constant")) {
            throw refuse(n, "pads in mode '" + mode + "'; only constant (zero) padding");
        }
        return x;
    }

    private static long[] checkPads(Onnx.NodeProto n, long[] pads) {
        if (pads == null || pads.length != 8) {
            throw refuse(n, "has pads " + Arrays.toString(pads) + "; only constant pads of a rank-4 tensor");
        }
        return pads;
    }

    /** Pads {@code [n0, c0, h0, w0, n1, c1, h1, w1]} of {@code value}: zeros around the height and width only. */
    private static OnnxConversion zeroPadding(Onnx.NodeProto n, OnnxContext ctx, Act x, long[] pads, double value) {
        if (value != 0.0 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0) {
            throw refuse(n, "pads " + Arrays.toString(pads) + " with " + value
                    + "; only zeros around the height and width");
        }
        for (long p : pads) {
            if (p < 0) {
                throw refuse(n, "crops (negative pads " + Arrays.toString(pads) + ")");
            }
        }
        if (Arrays.stream(pads).allMatch(p -> p == 0)) {
            return OnnxConversion.nothing("nothing (no padding)").withOutput(n.getOutput(0), x);
        }
        long[] shape = {x.shape()[0], x.shape()[1] + pads[2] + pads[6], x.shape()[2] + pads[3] + pads[7]};
        return OnnxConversion.layer(ctx.vertexName(n), new ZeroPaddingLayer.Builder((int) pads[2], (int) pads[6],
                (int) pads[3], (int) pads[7]).dataFormat(CNN2DFormat.NCHW).build(), "ZeroPaddingLayer", x)
                .withOutput(n.getOutput(0), shape);
    }
}

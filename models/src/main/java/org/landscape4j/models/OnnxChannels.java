package org.landscape4j.models;

import static org.landscape4j.models.OnnxNodes.attrInts;
import static org.landscape4j.models.OnnxNodes.refuse;
import static org.landscape4j.models.OnnxNodes.shapeText;

import java.util.Arrays;
import java.util.List;

import onnx.Onnx;
import org.landscape4j.engine.graph.ChannelShuffleVertex;
import org.landscape4j.engine.graph.ChannelSliceVertex;
import org.landscape4j.models.OnnxConversion.Act;
import org.landscape4j.models.OnnxTensors.Constant;

/**
 * Channel moves, as ShuffleNet V2 and ConvNeXt export them:
 * <ul>
 *   <li>{@code Slice} of an image's channels ({@code x.chunk(2, dim=1)}, {@code x[:, a:b]}) as the engine's
 *       {@link ChannelSliceVertex}; a {@code Slice} of a constant shape vector is evaluated;</li>
 *   <li>the channel shuffle, {@code x.view(n, g, c / g, h, w).transpose(1, 2).reshape(n, c, h, w)}: a {@code Reshape}
 *       that reads the channels as groups (nothing to compute: the output is the same DL4J tensor, its ONNX shape
 *       {@code [g, c / g, h, w]}), the {@code Transpose} of the two group axes as the engine's
 *       {@link ChannelShuffleVertex}, and the {@code Reshape} back to {@code [c, h, w]} (nothing again);</li>
 *   <li>ConvNeXt's {@code permute(0, 2, 3, 1)} to channels-last and back ({@link #transpose}).</li>
 * </ul>
 * Any other transpose, and a tensor of grouped channels read by another op, is refused.
 */
final class OnnxChannels {

    private OnnxChannels() {
    }

    /** {@code Slice(data)} before opset 10: starts, ends and axes are attributes. */
    static OnnxConversion slice(Onnx.NodeProto n, OnnxContext ctx) {
        return slice(n, ctx, attrInts(n, "starts"), attrInts(n, "ends"), attrInts(n, "axes"), null);
    }

    /** {@code Slice(data, starts, ends[, axes, steps])} from opset 10: constant inputs. */
    static OnnxConversion slice10(Onnx.NodeProto n, OnnxContext ctx) {
        long[] axes = OnnxNodes.hasInput(n, 3) ? ctx.constantInput(n, 3).longs() : null;
        long[] steps = OnnxNodes.hasInput(n, 4) ? ctx.constantInput(n, 4).longs() : null;
        return slice(n, ctx, ctx.constantInput(n, 1).longs(), ctx.constantInput(n, 2).longs(), axes, steps);
    }

    private static OnnxConversion slice(Onnx.NodeProto n, OnnxContext ctx, long[] starts, long[] ends, long[] axes,
                                        long[] steps) {
        if (starts == null || ends == null || starts.length != ends.length || axes != null
                && axes.length != starts.length || steps != null && steps.length != starts.length) {
            throw refuse(n, "has starts " + Arrays.toString(starts) + ", ends " + Arrays.toString(ends) + " and axes "
                    + Arrays.toString(axes) + " of different lengths");
        }
        if (steps != null && Arrays.stream(steps).anyMatch(s -> s != 1)) {
            throw refuse(n, "has steps " + Arrays.toString(steps) + "; only step 1");
        }
        if (ctx.isConstant(n.getInput(0))) {
            return constantSlice(n, ctx.constantOf(n.getInput(0)), starts, ends, axes);
        }
        Act x = ctx.activation(n, 0, 4);
        long axis = axes == null ? 0 : axes[0] < 0 ? axes[0] + 4 : axes[0];
        if (starts.length != 1 || axis != 1) {
            throw refuse(n, "slices axes " + Arrays.toString(axes == null ? new long[] {0} : axes) + " of "
                    + shapeText(x.shape()) + "; only the channels (axis 1) of an image");
        }
        long channels = x.shape()[0];
        long from = clamp(starts[0], channels);
        long to = clamp(ends[0], channels);
        if (to <= from) {
            throw refuse(n, "slices channels " + starts[0] + " to " + ends[0] + " of " + channels + ": none");
        }
        if (from == 0 && to == channels) {
            return OnnxConversion.nothing("nothing (all channels)").withOutput(n.getOutput(0), x);
        }
        long[] shape = {to - from, x.shape()[1], x.shape()[2]};
        return OnnxConversion.vertex(ctx.vertexName(n), new ChannelSliceVertex(from, to - from), "ChannelSliceVertex",
                List.of(x)).withOutput(n.getOutput(0), shape);
    }

    /** A Slice index on an axis of {@code size}: negative counts from the end, then clamped to [0, size]. */
    private static long clamp(long index, long size) {
        long i = index < 0 ? index + size : index;
        return Math.max(0, Math.min(size, i));
    }

    /** A slice of a constant vector (a shape: {@code x.shape[2:]}). */
    private static OnnxConversion constantSlice(Onnx.NodeProto n, Constant c, long[] starts, long[] ends,
                                                long[] axes) {
        if (c.shape().length != 1 || starts.length != 1 || axes != null && axes[0] != 0 && axes[0] != -1) {
            throw refuse(n, "slices a constant of shape " + shapeText(c.shape()) + "; only vectors");
        }
        int from = (int) clamp(starts[0], c.values().length);
        int to = (int) Math.max(from, clamp(ends[0], c.values().length));
        double[] v = Arrays.copyOfRange(c.values(), from, to);
        return OnnxConversion.constant(n.getOutput(0), new long[] {v.length}, v);
    }

    /**
     * A {@code Reshape} of an image {@code [c, h, w]} to {@code [batch, g, c / g, h, w]}: the channels read as
     * groups, the same DL4J tensor; {@code null} when {@code target} is no such shape.
     */
    static OnnxConversion groups(Onnx.NodeProto n, Act x, long[] target, boolean batchFirst) {
        if (target.length != 5 || x.shape().length != 3 || !Arrays.equals(x.shape(), x.dl4j()) || !batchFirst
                || target[3] != x.shape()[1] || target[4] != x.shape()[2]) {
            return null;
        }
        long c = x.shape()[0];
        long g = target[1] == -1 && target[2] > 0 ? c / target[2] : target[1];
        long perGroup = target[2] == -1 && g > 0 ? c / g : target[2];
        if (g <= 0 || perGroup <= 0 || g * perGroup != c) {
            return null;
        }
        return OnnxConversion.nothing("nothing (channels read as " + g + " groups)")
                .withOutput(n.getOutput(0), new Act(x.vertex(), new long[] {g, perGroup, x.shape()[1],
                    x.shape()[2]}, x.dl4j()));
    }

    /**
     * A {@code Reshape} of grouped channels {@code [a, b, h, w]} back to {@code [batch, a * b, h, w]}; {@code null}
     * when {@code x} is not grouped.
     */
    static OnnxConversion ungroup(Onnx.NodeProto n, Act x, long[] target, boolean batchFirst) {
        if (!isGrouped(x)) {
            return null;
        }
        long[] s = x.shape();
        if (target.length != 4 || !batchFirst || target[1] != -1 && target[1] != s[0] * s[1] || target[2] != s[2]
                || target[3] != s[3]) {
            throw refuse(n, "reshapes channels read as groups " + shapeText(s) + " to " + Arrays.toString(target)
                    + "; only back to [batch, " + s[0] * s[1] + ", " + s[2] + ", " + s[3] + "]");
        }
        return OnnxConversion.nothing("nothing (channels regrouped)")
                .withOutput(n.getOutput(0), new Act(x.vertex(), x.dl4j(), x.dl4j()));
    }

    /** Whether {@code x} is an image's channels read as groups {@code [g, c / g, h, w]}. */
    static boolean isGrouped(Act x) {
        return x.shape().length == 4 && x.dl4j().length == 3 && !x.channelsLast();
    }

    /**
     * {@code Transpose(x)}: PyTorch's {@code permute(0, 2, 3, 1)} of an image (or of a global pooling's
     * {@code [c, 1, 1]}) to channels-last, and {@code permute(0, 3, 1, 2)} back, ConvNeXt's (nothing to compute: the DL4J tensor stays
     * NCHW, the output is marked channels-last); the transpose of the two group axes of grouped channels (perm
     * {@code [0, 2, 1, 3, 4]}), ShuffleNet's channel shuffle. Any other is refused.
     */
    static OnnxConversion transpose(Onnx.NodeProto n, OnnxContext ctx) {
        Act x = ctx.anyActivation(n, 0);
        long[] perm = attrInts(n, "perm");
        long[] s = x.shape();
        boolean image = s.length == 3 && !x.channelsLast() && !isGrouped(x);
        if (image && Arrays.equals(perm, new long[] {0, 2, 3, 1})) {
            return OnnxConversion.nothing("nothing (channels-last)").withOutput(n.getOutput(0),
                    new Act(x.vertex(), new long[] {s[1], s[2], s[0]}, x.dl4j(), true));
        }
        if (x.channelsLast() && Arrays.equals(perm, new long[] {0, 3, 1, 2})) {
            return OnnxConversion.nothing("nothing (channels-first)").withOutput(n.getOutput(0),
                    new Act(x.vertex(), new long[] {s[2], s[0], s[1]}, x.dl4j(), false));
        }
        if (!isGrouped(x) || !Arrays.equals(perm, new long[] {0, 2, 1, 3, 4})) {
            throw refuse(n, "transposes " + shapeText(s) + " by " + Arrays.toString(perm) + "; only an image to"
                    + " channels-last and back (perm [0, 2, 3, 1], [0, 3, 1, 2]) and ShuffleNet's channel shuffle"
                    + " (channels read as groups [g, c / g, h, w], perm [0, 2, 1, 3, 4])");
        }
        return OnnxConversion.vertex(ctx.vertexName(n), new ChannelShuffleVertex((int) s[0]), "ChannelShuffleVertex",
                List.of(new Act(x.vertex(), x.dl4j(), x.dl4j())))
                .withOutput(n.getOutput(0), new long[] {s[1], s[0], s[2], s[3]}, x.dl4j());
    }
}

package org.landscape4j.models;

import static org.landscape4j.models.OnnxNodes.attrInt;
import static org.landscape4j.models.OnnxNodes.attrInts;
import static org.landscape4j.models.OnnxNodes.refuse;
import static org.landscape4j.models.OnnxNodes.shapeText;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import onnx.Onnx;
import org.landscape4j.models.OnnxConversion.Act;
import org.landscape4j.models.OnnxTensors.Constant;

/**
 * Ops evaluated on constants, the shape computation {@code torch.onnx.export} writes for
 * {@code x.view(x.size(0), -1)}: {@code Shape} of an activation (the batch size kept symbolic, {@code NaN}),
 * {@code Gather} from a shape vector, {@code Unsqueeze}/{@code Squeeze} (their axes an attribute before opset 13, an
 * input from 13), {@code Cast} (values kept as doubles), {@code Constant}, the {@code Concat} of shape vectors, and
 * the arithmetic of ShuffleNet's channel split ({@code Add}, {@code Mul}, {@code Div} of constants).
 * Nothing here becomes a DL4J layer: the values feed a {@code Reshape} ({@link OnnxTensorOps#reshape}).
 */
final class OnnxConstants {

    private OnnxConstants() {
    }

    /** {@code Constant}: its numeric value ({@code value}, {@code value_float(s)}, {@code value_int(s)}). */
    static OnnxConversion constant(Onnx.NodeProto n, OnnxContext ctx) {
        Constant c = value(n);
        return OnnxConversion.constant(n.getOutput(0), c.shape(), c.values());
    }

    /** The value of {@code Constant} node {@code n}; refuses a string, sparse or missing one. */
    static Constant value(Onnx.NodeProto n) {
        for (Onnx.AttributeProto a : n.getAttributeList()) {
            return switch (a.getName()) {
                case "value" -> OnnxTensors.read(a.getT(), "constant");
                case "value_float" -> new Constant("", new long[0], new double[] {a.getF()});
                case "value_int" -> new Constant("", new long[0], new double[] {a.getI()});
                case "value_floats" -> new Constant("", new long[] {a.getFloatsCount()},
                        a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray());
                case "value_ints" -> new Constant("", new long[] {a.getIntsCount()},
                        a.getIntsList().stream().mapToDouble(Long::doubleValue).toArray());
                default -> throw refuse(n, "has a " + a.getName() + " value; only numeric tensors");
            };
        }
        throw refuse(n, "has no value");
    }

    /** {@code Shape(x)}: {@code [batch, ...]} of an activation, the batch {@code NaN}; {@code start}/{@code end}. */
    static OnnxConversion shape(Onnx.NodeProto n, OnnxContext ctx) {
        Act x = ctx.anyActivation(n, 0);
        double[] v = new double[x.rank()];
        v[0] = Double.NaN;
        for (int i = 0; i < x.shape().length; i++) {
            v[i + 1] = x.shape()[i];
        }
        int start = (int) attrInt(n, "start", 0);
        int end = (int) attrInt(n, "end", v.length);
        start = start < 0 ? start + v.length : start;
        end = Math.min(end < 0 ? end + v.length : end, v.length);
        double[] sliced = Arrays.copyOfRange(v, start, Math.max(start, end));
        return OnnxConversion.constant(n.getOutput(0), new long[] {sliced.length}, sliced);
    }

    /** {@code Gather(data, indices)} along axis 0 of a shape vector. */
    static OnnxConversion gather(Onnx.NodeProto n, OnnxContext ctx) {
        Constant data = ctx.constantInput(n, 0);
        Constant idx = ctx.constantInput(n, 1);
        if (data.shape().length != 1 || attrInt(n, "axis", 0) != 0 || idx.shape().length > 1) {
            throw refuse(n, "gathers from a constant of shape " + shapeText(data.shape())
                    + "; only from shape vectors");
        }
        double[] out = new double[idx.values().length];
        for (int i = 0; i < out.length; i++) {
            int j = (int) idx.values()[i];
            out[i] = data.values()[j < 0 ? j + data.values().length : j];
        }
        return OnnxConversion.constant(n.getOutput(0), idx.shape(), out);
    }

    /** {@code Unsqueeze(data)} before opset 13: the axes are an attribute. */
    static OnnxConversion unsqueeze(Onnx.NodeProto n, OnnxContext ctx) {
        return unsqueeze(n, ctx.constantInput(n, 0), attrInts(n, "axes"));
    }

    /** {@code Unsqueeze(data, axes)} from opset 13: the axes are an input. */
    static OnnxConversion unsqueeze13(Onnx.NodeProto n, OnnxContext ctx) {
        Constant data = ctx.constantInput(n, 0);
        return unsqueeze(n, data, n.getInputCount() > 1 ? ctx.constantInput(n, 1).longs() : null);
    }

    /** {@code Squeeze(data)} before opset 13: removes every axis of size 1 (the axes attribute is not read). */
    static OnnxConversion squeeze(Onnx.NodeProto n, OnnxContext ctx) {
        return squeezed(n, ctx.constantInput(n, 0));
    }

    /** {@code Squeeze(data[, axes])} from opset 13: removes every axis of size 1 (the axes input must be constant). */
    static OnnxConversion squeeze13(Onnx.NodeProto n, OnnxContext ctx) {
        Constant data = ctx.constantInput(n, 0);
        if (n.getInputCount() > 1) {
            ctx.constantInput(n, 1);
        }
        return squeezed(n, data);
    }

    /** {@code Cast(x)}: the same values (kept as doubles). */
    static OnnxConversion cast(Onnx.NodeProto n, OnnxContext ctx) {
        Constant c = ctx.constantInput(n, 0);
        return OnnxConversion.constant(n.getOutput(0), c.shape(), c.values());
    }

    /** {@code Div(a, b)} of constants (shape arithmetic). */
    static OnnxConversion div(Onnx.NodeProto n, OnnxContext ctx) {
        return arithmetic(n, ctx);
    }

    /**
     * {@code Add}, {@code Mul} or {@code Div} of two constants of one shape, or of a constant and a
     * scalar: element by element, the symbolic batch ({@code NaN}) staying symbolic. A {@code Div} of integers
     * truncates, as ONNX's integer division (PyTorch's {@code c // g} of shape values).
     */
    static OnnxConversion arithmetic(Onnx.NodeProto n, OnnxContext ctx) {
        Constant a = ctx.constantInput(n, 0);
        Constant b = ctx.constantInput(n, 1);
        if (a.values().length != b.values().length && a.values().length != 1 && b.values().length != 1) {
            throw refuse(n, "combines constants of shapes " + shapeText(a.shape()) + " and " + shapeText(b.shape())
                    + "; only one shape, or a scalar");
        }
        Constant shaped = a.values().length >= b.values().length ? a : b;
        double[] out = new double[shaped.values().length];
        for (int i = 0; i < out.length; i++) {
            double x = a.values()[a.values().length == 1 ? 0 : i];
            double y = b.values()[b.values().length == 1 ? 0 : i];
            out[i] = switch (n.getOpType()) {
                case "Add" -> x + y;
                case "Mul" -> x * y;
                case "Div" -> x == Math.rint(x) && y == Math.rint(y) && y != 0 ? (double) ((long) x / (long) y) : x / y;
                default -> throw refuse(n, "is no arithmetic op");
            };
        }
        return OnnxConversion.constant(n.getOutput(0), shaped.shape(), out);
    }

    /** {@code Concat} of constant vectors (or scalars): one vector. */
    static OnnxConversion concat(Onnx.NodeProto n, OnnxContext ctx) {
        List<Double> values = new ArrayList<>();
        for (String in : n.getInputList()) {
            Constant c = ctx.constantOf(in);
            if (c.shape().length > 1) {
                throw refuse(n, "concatenates constant tensors of rank " + c.shape().length);
            }
            for (double v : c.values()) {
                values.add(v);
            }
        }
        return OnnxConversion.constant(n.getOutput(0), new long[] {values.size()},
                values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static OnnxConversion unsqueeze(Onnx.NodeProto n, Constant data, long[] axes) {
        List<Long> shape = shapeList(data);
        long[] sorted = axes == null ? new long[0] : axes.clone();
        int rank = shape.size() + sorted.length;
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = sorted[i] < 0 ? sorted[i] + rank : sorted[i];
        }
        Arrays.sort(sorted);
        for (long a : sorted) {
            shape.add((int) a, 1L);
        }
        return OnnxConversion.constant(n.getOutput(0), shape.stream().mapToLong(Long::longValue).toArray(),
                data.values());
    }

    private static OnnxConversion squeezed(Onnx.NodeProto n, Constant data) {
        List<Long> shape = shapeList(data);
        shape.removeIf(s -> s == 1);
        return OnnxConversion.constant(n.getOutput(0), shape.stream().mapToLong(Long::longValue).toArray(),
                data.values());
    }

    private static List<Long> shapeList(Constant data) {
        List<Long> shape = new ArrayList<>();
        for (long s : data.shape()) {
            shape.add(s);
        }
        return shape;
    }
}

package org.landscape4j.models;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import onnx.Onnx;

/** Reads the values of ONNX tensors (initializers, {@code Constant} nodes) as doubles. */
final class OnnxTensors {

    private OnnxTensors() {
    }

    /** A constant tensor: its shape and values (row-major); {@code NaN} stands for the symbolic batch size. */
    record Constant(String name, long[] shape, double[] values) {
        long length() {
            return values.length;
        }

        long[] longs() {
            long[] out = new long[values.length];
            for (int i = 0; i < values.length; i++) {
                out[i] = Double.isNaN(values[i]) ? Long.MIN_VALUE : (long) values[i];
            }
            return out;
        }

        @Override
        public String toString() {
            return name + " " + Arrays.toString(shape);
        }
    }

    static Constant read(Onnx.TensorProto t, String what) {
        if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            throw new ModelImportException(what + " '" + t.getName() + "' is stored outside the .onnx file (external"
                    + " data); save the model as one file (onnx.save(model, path, save_as_external_data=False))");
        }
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        if (n > Integer.MAX_VALUE) {
            throw new ModelImportException(what + " '" + t.getName() + "' has " + n + " entries, too many");
        }
        double[] v = new double[(int) n];
        ByteBuffer raw = t.getRawData().isEmpty() ? null
                : t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int type = t.getDataType();
        int width = switch (type) {
            case Onnx.TensorProto.DataType.FLOAT_VALUE, Onnx.TensorProto.DataType.INT32_VALUE -> 4;
            case Onnx.TensorProto.DataType.DOUBLE_VALUE, Onnx.TensorProto.DataType.INT64_VALUE -> 8;
            default -> throw new ModelImportException(what + " '" + t.getName() + "' has ONNX data type "
                    + Onnx.TensorProto.DataType.forNumber(type) + "; supported: FLOAT, DOUBLE, INT32, INT64");
        };
        if (raw != null) {
            if (raw.remaining() != n * width) {
                throw new ModelImportException(what + " '" + t.getName() + "' holds " + raw.remaining()
                        + " bytes, its shape " + Arrays.toString(shape) + " needs " + n * width);
            }
            for (int i = 0; i < n; i++) {
                v[i] = switch (type) {
                    case Onnx.TensorProto.DataType.FLOAT_VALUE -> raw.getFloat();
                    case Onnx.TensorProto.DataType.INT32_VALUE -> raw.getInt();
                    case Onnx.TensorProto.DataType.DOUBLE_VALUE -> raw.getDouble();
                    default -> raw.getLong();
                };
            }
            return new Constant(t.getName(), shape, v);
        }
        int count = switch (type) {
            case Onnx.TensorProto.DataType.FLOAT_VALUE -> t.getFloatDataCount();
            case Onnx.TensorProto.DataType.INT32_VALUE -> t.getInt32DataCount();
            case Onnx.TensorProto.DataType.DOUBLE_VALUE -> t.getDoubleDataCount();
            default -> t.getInt64DataCount();
        };
        if (count != n) {
            throw new ModelImportException(what + " '" + t.getName() + "' holds " + count + " values, its shape "
                    + Arrays.toString(shape) + " needs " + n);
        }
        for (int i = 0; i < n; i++) {
            v[i] = switch (type) {
                case Onnx.TensorProto.DataType.FLOAT_VALUE -> t.getFloatData(i);
                case Onnx.TensorProto.DataType.INT32_VALUE -> t.getInt32Data(i);
                case Onnx.TensorProto.DataType.DOUBLE_VALUE -> t.getDoubleData(i);
                default -> t.getInt64Data(i);
            };
        }
        return new Constant(t.getName(), shape, v);
    }
}

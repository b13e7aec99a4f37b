package org.landscape4j.models;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

import onnx.Onnx;

/** Small ONNX graphs built in Java for the refusal tests: input [batch, 1, 6, 6], then one node under test. */
final class OnnxGraphs {

    private OnnxGraphs() {
    }

    static Onnx.AttributeProto ints(String name, long... v) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
                .setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    static Onnx.AttributeProto integer(String name, long v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT)
                .setI(v).build();
    }

    static Onnx.TensorProto weight(String name, long... dims) {
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE);
        long n = 1;
        for (long d : dims) {
            t.addDims(d);
            n *= d;
        }
        for (int i = 0; i < n; i++) {
            t.addFloatData(0.01f * (i % 7));
        }
        return t.build();
    }

    /** An INT64 vector initializer (shape values, axes, pads). */
    static Onnx.TensorProto longs(String name, long... v) {
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).addDims(v.length)
                .setDataType(Onnx.TensorProto.DataType.INT64_VALUE);
        for (long x : v) {
            t.addInt64Data(x);
        }
        return t.build();
    }

    static Onnx.NodeProto node(String op, String name, String[] inputs, String output, Onnx.AttributeProto... attrs) {
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String i : inputs) {
            n.addInput(i);
        }
        for (Onnx.AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        return n.build();
    }

    /** A model: input 'x' [batch, 1, 6, 6] through {@code nodes} to output 'y'. */
    static byte[] model(java.util.List<Onnx.TensorProto> weights, Onnx.NodeProto... nodes) {
        return model(13, weights, nodes);
    }

    /** A model of ONNX opset {@code opset}: input 'x' [batch, 1, 6, 6] through {@code nodes} to output 'y'. */
    static byte[] model(int opset, java.util.List<Onnx.TensorProto> weights, Onnx.NodeProto... nodes) {
        Onnx.TypeProto.Tensor.Builder type = Onnx.TypeProto.Tensor.newBuilder()
                .setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE);
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder()
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (long d : new long[] {1, 6, 6}) {
            shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        type.setShape(shape);
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("test")
                .addInput(Onnx.ValueInfoProto.newBuilder().setName("x")
                        .setType(Onnx.TypeProto.newBuilder().setTensorType(type)))
                .addOutput(Onnx.ValueInfoProto.newBuilder().setName("y"));
        g.addAllInitializer(weights);
        for (Onnx.NodeProto n : nodes) {
            g.addNode(n);
        }
        return Onnx.ModelProto.newBuilder().setIrVersion(7).setProducerName("test")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setVersion(opset)).setGraph(g).build()
                .toByteArray();
    }

    static InputStream stream(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }
}

package org.landscape4j.models;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import onnx.Onnx;
import org.landscape4j.models.OnnxTensors.Constant;

/**
 * A rewrite of the ONNX graph before conversion: a {@code MatMul} by a stored {@code [in, out]} weight whose output
 * only an {@code Add} of a stored bias of {@code out} values reads (how exporters write a linear layer without
 * {@code Gemm}) becomes one node, {@code MatMul(x, W, b)} with the Add's output as its second output, which
 * {@link OnnxLinear#matMul} converts to one dense layer with a bias. This is onnxoptimizer's
 * {@code fuse_matmul_add_bias_into_gemm}, kept a MatMul so that the report and the layer's name stay the MatMul's.
 * A MatMul by PyTorch's {@code Transpose} of a stored {@code [out, in]} Linear weight (read by it only: PyTorch's
 * Linear on more than two axes, ConvNeXt's) takes the weight itself, marked {@link #TRANSPOSED_WEIGHT}, and the
 * Transpose goes.
 *
 * <p>Stored means an initializer or the value of a {@code Constant} node before the MatMul. Anything else is left as
 * it is: the MatMul then converts without a bias, and the Add is refused as an Add of a constant. The fused node keeps
 * the MatMul's place in the graph's order, so the layers, and with them the parameters' order, stay where they were.
 */
final class OnnxMatMulAddFold {

    /** A MatMul and the Add of its bias, folded into one node. */
    record Fold(Onnx.NodeProto matMul, Onnx.NodeProto add) {
    }

    /** The graph's nodes after the rewrite, in order, and the pairs it folded. */
    record Result(List<Onnx.NodeProto> nodes, List<Fold> folds) {
    }

    /**
     * The attribute of a MatMul whose weight is PyTorch's {@code [out, in]} Linear weight, which the graph transposed
     * ({@code Transpose(W, perm=[1, 0])}, read by this MatMul only) before the rewrite took the Transpose out.
     */
    static final String TRANSPOSED_WEIGHT = "landscape4j_transposed_weight";

    private OnnxMatMulAddFold() {
    }

    /**
     * Folds every MatMul and bias Add pair of {@code nodes} (the nodes the output depends on, in the graph's order),
     * reading stored values from {@code initializers} and the {@code Constant} nodes.
     */
    static Result apply(List<Onnx.NodeProto> nodes, Map<String, Onnx.TensorProto> initializers) {
        Map<String, List<Onnx.NodeProto>> consumers = OnnxNodes.consumers(nodes);
        Map<String, Onnx.NodeProto> constantNodes = new HashMap<>();
        Map<Onnx.NodeProto, Onnx.NodeProto> fused = new HashMap<>();
        Set<Onnx.NodeProto> removed = new HashSet<>();
        List<Fold> folds = new ArrayList<>();
        Map<String, Onnx.NodeProto> producers = new HashMap<>();
        for (Onnx.NodeProto n : nodes) {
            for (String o : n.getOutputList()) {
                producers.put(o, n);
            }
        }
        for (Onnx.NodeProto n : nodes) {
            if (n.getOpType().equals("Constant") && n.getOutputCount() == 1) {
                constantNodes.put(n.getOutput(0), n);
            }
            if (!n.getOpType().equals("MatMul") || n.getInputCount() != 2 || n.getOutputCount() != 1) {
                continue;
            }
            Onnx.NodeProto transpose = producers.get(n.getInput(1));
            boolean transposed = transpose != null && transpose.getOpType().equals("Transpose")
                    && java.util.Arrays.equals(OnnxNodes.attrInts(transpose, "perm"), new long[] {1, 0})
                    && consumers.getOrDefault(transpose.getOutput(0), List.of()).size() == 1
                    && storedShape(transpose.getInput(0), initializers, constantNodes, producers) != null;
            Onnx.NodeProto matMul = n;
            if (transposed) {
                matMul = n.toBuilder().setInput(1, transpose.getInput(0)).addAttribute(Onnx.AttributeProto
                        .newBuilder().setName(TRANSPOSED_WEIGHT).setI(1).setType(Onnx.AttributeProto.AttributeType.INT))
                        .build();
                fused.put(n, matMul);
                removed.add(transpose);
            }
            List<Onnx.NodeProto> next = consumers.getOrDefault(n.getOutput(0), List.of());
            if (next.size() != 1 || !next.get(0).getOpType().equals("Add") || next.get(0).getInputCount() != 2) {
                continue;
            }
            Onnx.NodeProto add = next.get(0);
            String bias = add.getInput(0).equals(n.getOutput(0)) ? add.getInput(1) : add.getInput(0);
            long[] w = storedShape(matMul.getInput(1), initializers, constantNodes, producers);
            long[] b = storedShape(bias, initializers, constantNodes, producers);
            if (w != null && w.length == 2 && b != null && b.length <= 2 && length(b) == w[transposed ? 0 : 1]) {
                fused.put(n, matMul.toBuilder().addInput(bias).addOutput(add.getOutput(0)).build());
                removed.add(add);
                folds.add(new Fold(n, add));
            }
        }
        List<Onnx.NodeProto> out = new ArrayList<>();
        for (Onnx.NodeProto n : nodes) {
            if (!removed.contains(n)) {
                out.add(fused.getOrDefault(n, n));
            }
        }
        return new Result(out, folds);
    }

    /**
     * The shape of a stored tensor (an initializer, an {@code Identity} of one, or a {@code Constant} node's value), or
     * {@code null} when {@code tensor} is computed or its value is unreadable.
     */
    private static long[] storedShape(String tensor, Map<String, Onnx.TensorProto> initializers,
                                      Map<String, Onnx.NodeProto> constantNodes,
                                      Map<String, Onnx.NodeProto> producers) {
        Onnx.NodeProto copy = producers.get(tensor);
        if (copy != null && copy.getOpType().equals("Identity") && copy.getInputCount() == 1
                && initializers.containsKey(copy.getInput(0))) {
            tensor = copy.getInput(0);
        }
        Onnx.TensorProto t = initializers.get(tensor);
        if (t != null) {
            return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        }
        Onnx.NodeProto c = constantNodes.get(tensor);
        if (c == null) {
            return null;
        }
        try {
            Constant value = OnnxConstants.value(c);
            return value.shape();
        } catch (ModelImportException e) {
            return null; // refused when the Constant node itself is converted
        }
    }

    private static long length(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }
}

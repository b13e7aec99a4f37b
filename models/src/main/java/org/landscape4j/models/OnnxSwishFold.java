package org.landscape4j.models;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import onnx.Onnx;

/**
 * A rewrite of the ONNX graph before conversion: {@code Mul(x, Sigmoid(x))} (PyTorch's SiLU, {@code nn.SiLU}, which
 * it exports so before opset 18) and {@code Mul(x, HardSigmoid(x))} with PyTorch's slope 1/6 and offset 1/2 (its hard
 * swish, {@code nn.Hardswish}, so exported before opset 14), where the gate's output is read by that Mul only, become
 * one node: a {@code Sigmoid} with the attribute {@link #TIMES_INPUT} (which {@link OnnxActivations#sigmoid} converts to
 * DL4J's swish, {@code x * sigmoid(x)}), or ONNX's own {@code HardSwish}. The node takes the Mul's name and output and
 * the gate's place in the graph's order. Any other {@code Mul} of a sigmoid (a squeeze-and-excitation gate multiplying
 * another tensor) is left as it is.
 */
final class OnnxSwishFold {

    /** The attribute of a folded {@code Sigmoid}: the output is the input times its sigmoid. */
    static final String TIMES_INPUT = "landscape4j_times_input";

    /** A gate and the Mul of its input by it, folded into one node of op {@code into}. */
    record Fold(Onnx.NodeProto gate, Onnx.NodeProto mul, String into) {
    }

    /** The graph's nodes after the rewrite, in order, and the pairs it folded. */
    record Result(List<Onnx.NodeProto> nodes, List<Fold> folds) {
    }

    private OnnxSwishFold() {
    }

    /** Folds every such pair of {@code nodes} (the nodes the output depends on, in the graph's order). */
    static Result apply(List<Onnx.NodeProto> nodes) {
        Map<String, List<Onnx.NodeProto>> consumers = OnnxNodes.consumers(nodes);
        Map<Onnx.NodeProto, Onnx.NodeProto> fused = new HashMap<>();
        Set<Onnx.NodeProto> removed = new HashSet<>();
        List<Fold> folds = new ArrayList<>();
        for (Onnx.NodeProto gate : nodes) {
            String into = gate.getOpType().equals("Sigmoid") ? "Sigmoid"
                    : gate.getOpType().equals("HardSigmoid") && isTorchHardSigmoid(gate) ? "HardSwish" : null;
            if (into == null || gate.getInputCount() != 1 || gate.getOutputCount() != 1) {
                continue;
            }
            List<Onnx.NodeProto> next = consumers.getOrDefault(gate.getOutput(0), List.of());
            if (next.size() != 1 || !next.get(0).getOpType().equals("Mul") || next.get(0).getInputCount() != 2) {
                continue;
            }
            Onnx.NodeProto mul = next.get(0);
            String x = gate.getInput(0);
            boolean timesInput = mul.getInput(0).equals(x) && mul.getInput(1).equals(gate.getOutput(0))
                    || mul.getInput(1).equals(x) && mul.getInput(0).equals(gate.getOutput(0));
            if (!timesInput) {
                continue;
            }
            Onnx.NodeProto.Builder b = Onnx.NodeProto.newBuilder().setName(mul.getName()).setOpType(into)
                    .addInput(x).addOutput(mul.getOutput(0));
            if (into.equals("Sigmoid")) {
                b.addAttribute(Onnx.AttributeProto.newBuilder().setName(TIMES_INPUT).setI(1)
                        .setType(Onnx.AttributeProto.AttributeType.INT));
            }
            fused.put(gate, b.build());
            removed.add(mul);
            folds.add(new Fold(gate, mul, into.equals("Sigmoid") ? "SiLU" : "HardSwish"));
        }
        List<Onnx.NodeProto> out = new ArrayList<>();
        for (Onnx.NodeProto n : nodes) {
            if (!removed.contains(n)) {
                out.add(fused.getOrDefault(n, n));
            }
        }
        return new Result(out, folds);
    }

    /** Whether a {@code HardSigmoid} has PyTorch's slope 1/6 and offset 1/2 (as float32 writes them). */
    static boolean isTorchHardSigmoid(Onnx.NodeProto n) {
        return Math.abs(OnnxNodes.attrFloat(n, "alpha", 0.2) - 1.0 / 6) < 1e-7
                && Math.abs(OnnxNodes.attrFloat(n, "beta", 0.5) - 0.5) < 1e-7;
    }
}

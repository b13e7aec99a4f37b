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
 * A rewrite of the ONNX graph before conversion: the decompositions {@code torch.onnx.export} writes for ops ONNX
 * gained later, folded back into the op, which then converts as one layer:
 * <ul>
 *   <li>{@code nn.LayerNorm} over the last axis (ONNX's {@code LayerNormalization} from opset 17):
 *       {@code ReduceMean(x, [-1]), Sub, Pow(·, 2), ReduceMean([-1]), Add(eps), Sqrt, Div}, then {@code Mul} by the
 *       weight and {@code Add} of the bias, into {@code LayerNormalization(x, weight, bias)} with that epsilon;</li>
 *   <li>PyTorch's exact GELU (ONNX's {@code Gelu} from opset 20): {@code Div(x, √2), Erf, Add(1)}, {@code Mul} by
 *       {@code x}, {@code Mul} by 0.5, into {@code Gelu(x)}.</li>
 * </ul>
 * A pattern folds only where each intermediate tensor is read by the pattern alone and its constants (2, √2, 1, 0.5,
 * epsilon) are stored; anything else is left as it is, and its first unsupported op ({@code Sub}, {@code Erf}, ...) is
 * refused by name. The folded node takes the first node's name and place in the graph's order.
 */
final class OnnxDecompositionFold {

    /** The graph's nodes after the rewrite, in order, and how many of each op it folded. */
    record Result(List<Onnx.NodeProto> nodes, int layerNorms, int gelus) {
    }

    private final Map<String, List<Onnx.NodeProto>> consumers;
    private final Map<String, Onnx.NodeProto> constants = new HashMap<>();
    private final Map<String, Onnx.TensorProto> initializers;
    private final Map<Onnx.NodeProto, Onnx.NodeProto> fused = new HashMap<>();
    private final Set<Onnx.NodeProto> removed = new HashSet<>();

    private OnnxDecompositionFold(List<Onnx.NodeProto> nodes, Map<String, Onnx.TensorProto> initializers) {
        this.consumers = OnnxNodes.consumers(nodes);
        this.initializers = initializers;
        for (Onnx.NodeProto n : nodes) {
            if (n.getOpType().equals("Constant") && n.getOutputCount() == 1) {
                constants.put(n.getOutput(0), n);
            }
        }
    }

    /** Folds every such pattern of {@code nodes} (the nodes the output depends on, in the graph's order). */
    static Result apply(List<Onnx.NodeProto> nodes, Map<String, Onnx.TensorProto> initializers) {
        OnnxDecompositionFold f = new OnnxDecompositionFold(nodes, initializers);
        int layerNorms = 0;
        int gelus = 0;
        for (Onnx.NodeProto n : nodes) {
            if (n.getOpType().equals("ReduceMean") && f.layerNorm(n)) {
                layerNorms++;
            } else if (n.getOpType().equals("Div") && f.gelu(n)) {
                gelus++;
            }
        }
        List<Onnx.NodeProto> out = new ArrayList<>();
        for (Onnx.NodeProto n : nodes) {
            if (!f.removed.contains(n)) {
                out.add(f.fused.getOrDefault(n, n));
            }
        }
        return new Result(out, layerNorms, gelus);
    }

    /** Folds the layer normalization starting at {@code mean} ({@code ReduceMean(x, [-1])}); whether it did. */
    private boolean layerNorm(Onnx.NodeProto mean) {
        String x = mean.getInput(0);
        Onnx.NodeProto sub = only(mean, "Sub");
        if (!lastAxis(mean) || sub == null || sub.getInputCount() != 2 || !sub.getInput(0).equals(x)
                || !sub.getInput(1).equals(mean.getOutput(0))) {
            return false;
        }
        List<Onnx.NodeProto> next = consumers.getOrDefault(sub.getOutput(0), List.of());
        Onnx.NodeProto pow = next.stream().filter(c -> c.getOpType().equals("Pow")).findFirst().orElse(null);
        Onnx.NodeProto div = next.stream().filter(c -> c.getOpType().equals("Div")).findFirst().orElse(null);
        if (next.size() != 2 || pow == null || div == null || pow.getInputCount() != 2 || div.getInputCount() != 2
                || !pow.getInput(0).equals(sub.getOutput(0))
                || !isScalar(pow.getInput(1), 2.0) || !div.getInput(0).equals(sub.getOutput(0))) {
            return false;
        }
        Onnx.NodeProto variance = only(pow, "ReduceMean");
        Onnx.NodeProto add = variance == null ? null : only(variance, "Add");
        Double eps = add == null ? null : scalar(other(add, variance.getOutput(0)));
        Onnx.NodeProto sqrt = add == null ? null : only(add, "Sqrt");
        if (variance == null || !lastAxis(variance) || eps == null || sqrt == null || only(sqrt, "Div") != div
                || !div.getInput(1).equals(sqrt.getOutput(0))) {
            return false;
        }
        Onnx.NodeProto scale = only(div, "Mul");
        Onnx.NodeProto shift = scale == null ? null : only(scale, "Add");
        if (shift == null) {
            return false;
        }
        Onnx.NodeProto folded = Onnx.NodeProto.newBuilder().setName(mean.getName()).setOpType("LayerNormalization")
                .addInput(x).addInput(other(scale, div.getOutput(0))).addInput(other(shift, scale.getOutput(0)))
                .addOutput(shift.getOutput(0))
                .addAttribute(Onnx.AttributeProto.newBuilder().setName("axis").setI(-1)
                        .setType(Onnx.AttributeProto.AttributeType.INT))
                .addAttribute(Onnx.AttributeProto.newBuilder().setName("epsilon").setF(eps.floatValue())
                        .setType(Onnx.AttributeProto.AttributeType.FLOAT)).build();
        fused.put(mean, folded);
        removed.addAll(List.of(sub, pow, variance, add, sqrt, div, scale, shift));
        return true;
    }

    /** Folds the GELU starting at {@code div} ({@code Div(x, √2)}); whether it did. */
    private boolean gelu(Onnx.NodeProto div) {
        if (div.getInputCount() != 2) {
            return false;
        }
        String x = div.getInput(0);
        Double root = scalar(div.getInput(1));
        Onnx.NodeProto erf = only(div, "Erf");
        Onnx.NodeProto one = erf == null ? null : only(erf, "Add");
        Onnx.NodeProto times = one == null ? null : only(one, "Mul");
        Onnx.NodeProto half = times == null ? null : only(times, "Mul");
        if (root == null || Math.abs(root - Math.sqrt(2)) > 1e-6 || half == null
                || !isScalar(other(one, erf.getOutput(0)), 1.0) || !x.equals(other(times, one.getOutput(0)))
                || !isScalar(other(half, times.getOutput(0)), 0.5)) {
            return false;
        }
        fused.put(div, Onnx.NodeProto.newBuilder().setName(div.getName()).setOpType("Gelu").addInput(x)
                .addOutput(half.getOutput(0)).build());
        removed.addAll(List.of(erf, one, times, half));
        return true;
    }

    /** The one node reading {@code n}'s output, when it is of {@code op}; else {@code null}. */
    private Onnx.NodeProto only(Onnx.NodeProto n, String op) {
        List<Onnx.NodeProto> next = consumers.getOrDefault(n.getOutput(0), List.of());
        return n.getOutputCount() == 1 && next.size() == 1 && next.get(0).getOpType().equals(op) ? next.get(0) : null;
    }

    /** The input of a two-input node that is not {@code tensor} ({@code ""} for another node). */
    private static String other(Onnx.NodeProto n, String tensor) {
        return n.getInputCount() != 2 ? "" : n.getInput(0).equals(tensor) ? n.getInput(1) : n.getInput(0);
    }

    /** Whether a ReduceMean averages over the last axis only (axes an attribute, or a stored input from opset 18). */
    private boolean lastAxis(Onnx.NodeProto mean) {
        long[] axes = OnnxNodes.attrInts(mean, "axes");
        if (axes == null && mean.getInputCount() > 1) {
            Double axis = scalar(mean.getInput(1));
            axes = axis == null ? null : new long[] {axis.longValue()};
        }
        return axes != null && axes.length == 1 && axes[0] == -1 && mean.getInputCount() >= 1;
    }

    private boolean isScalar(String tensor, double value) {
        Double v = scalar(tensor);
        return v != null && Math.abs(v - value) <= 1e-6 * Math.abs(value);
    }

    /** The value of a stored one-element tensor, or {@code null}. */
    private Double scalar(String tensor) {
        try {
            Constant c = initializers.containsKey(tensor) ? OnnxTensors.read(initializers.get(tensor), "constant")
                    : constants.containsKey(tensor) ? OnnxConstants.value(constants.get(tensor)) : null;
            return c == null || c.values().length != 1 ? null : c.values()[0];
        } catch (ModelImportException e) {
            return null; // refused when the node itself is converted
        }
    }
}

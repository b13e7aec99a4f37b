package org.landscape4j.models;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import onnx.Onnx;

/**
 * The ONNX ops the importer converts: one line per op, naming the method of its family that converts it, and one more
 * for each opset from which the op reads its inputs differently ({@code Squeeze} from 13, its axes an input instead
 * of an attribute). As onnx2torch's {@code add_converter} and onnx-tensorflow's handlers do, a converter is picked by
 * op and by the highest version not above the model's opset.
 *
 * <p>This is the one list of supported ops: the refusal of an unsupported op, {@link Models#supportedOnnxOps()} and
 * the list in docs/models.md (compared by {@code OnnxOpsTest}) are read from it, in the order registered here.
 *
 * <p>The families: {@link OnnxLinear}, {@link OnnxConvolution}, {@link OnnxPooling}, {@link OnnxActivations},
 * {@link OnnxNormalization}, {@link OnnxTensorOps}, {@link OnnxChannels}, {@link OnnxConstants}.
 */
final class OnnxOps {

    /** Converts one node of its op; reads the graph through {@code context}, refuses with {@link OnnxNodes#refuse}. */
    @FunctionalInterface
    interface Converter {
        OnnxConversion convert(Onnx.NodeProto node, OnnxContext context);
    }

    /** What the importer makes of an op. */
    enum Kind {
        /** A DL4J layer or vertex (or nothing, when DL4J needs none at inference); some also on constants. */
        LAYER,
        /** Evaluated on constant shape values (PyTorch's {@code x.view(x.size(0), -1)} chain) only. */
        SHAPE
    }

    private record Op(String name, Kind kind, NavigableMap<Integer, Converter> bySince) {
    }

    private static final Map<String, Op> OPS = new LinkedHashMap<>();

    // the order users read in the refusal, Models.supportedOnnxOps() and docs/models.md
    static {
        layer("Conv", OnnxConvolution::conv);
        layer("Gemm", OnnxLinear::gemm);
        layer("MatMul", OnnxLinear::matMul);
        layer("Add", OnnxTensorOps::add);
        layer("Mul", OnnxTensorOps::mul);
        layer("BatchNormalization", OnnxNormalization::batchNormalization);
        layer("LayerNormalization", OnnxNormalization::layerNormalization);
        layer("Relu", OnnxActivations::relu);
        layer("LeakyRelu", OnnxActivations::leakyRelu);
        layer("Elu", OnnxActivations::elu);
        layer("Sigmoid", OnnxActivations::sigmoid);
        layer("HardSigmoid", OnnxActivations::hardSigmoid);
        layer("HardSwish", OnnxActivations::hardSwish);
        layer("Gelu", OnnxActivations::gelu);
        layer("Tanh", OnnxActivations::tanh);
        layer("Clip", OnnxActivations::clip);
        layer("Clip", 11, OnnxActivations::clip11);
        layer("MaxPool", OnnxPooling::maxPool);
        layer("AveragePool", OnnxPooling::averagePool);
        layer("GlobalAveragePool", OnnxPooling::globalAveragePool);
        layer("GlobalMaxPool", OnnxPooling::globalMaxPool);
        layer("ReduceMean", OnnxPooling::reduceMean);
        layer("ReduceMean", 18, OnnxPooling::reduceMean18);
        layer("Flatten", OnnxTensorOps::flatten);
        layer("Reshape", OnnxTensorOps::reshape);
        layer("Concat", OnnxTensorOps::concat);
        layer("Slice", OnnxChannels::slice);
        layer("Slice", 10, OnnxChannels::slice10);
        layer("Transpose", OnnxChannels::transpose);
        layer("Pad", OnnxTensorOps::pad);
        layer("Pad", 11, OnnxTensorOps::pad11);
        layer("Dropout", OnnxTensorOps::dropout);
        layer("Softmax", OnnxActivations::softmax);
        layer("LogSoftmax", OnnxActivations::logSoftmax);
        layer("Identity", OnnxTensorOps::identity);
        shape("Constant", OnnxConstants::constant);
        shape("Shape", OnnxConstants::shape);
        shape("Gather", OnnxConstants::gather);
        shape("Unsqueeze", OnnxConstants::unsqueeze);
        shape("Unsqueeze", 13, OnnxConstants::unsqueeze13);
        shape("Squeeze", OnnxConstants::squeeze);
        shape("Squeeze", 13, OnnxConstants::squeeze13);
        shape("Cast", OnnxConstants::cast);
        shape("Div", OnnxConstants::div);
    }

    private OnnxOps() {
    }

    private static void layer(String op, Converter converter) {
        register(op, Kind.LAYER, 1, converter);
    }

    private static void layer(String op, int since, Converter converter) {
        register(op, Kind.LAYER, since, converter);
    }

    private static void shape(String op, Converter converter) {
        register(op, Kind.SHAPE, 1, converter);
    }

    private static void shape(String op, int since, Converter converter) {
        register(op, Kind.SHAPE, since, converter);
    }

    private static void register(String op, Kind kind, int since, Converter converter) {
        Op o = OPS.computeIfAbsent(op, k -> new Op(op, kind, new TreeMap<>()));
        if (o.kind() != kind || o.bySince().putIfAbsent(since, converter) != null) {
            throw new IllegalStateException("ONNX op " + op + " registered twice (as " + o.kind() + " and " + kind
                    + ", or twice from opset " + since + ")");
        }
    }

    /** Whether {@code op} (of the default ONNX domain) is supported. */
    static boolean isSupported(String op) {
        return OPS.containsKey(op);
    }

    /**
     * The converter of {@code op} for a model of {@code opset}: the one registered for the highest version not above
     * it (the first one for a model that imports no opset).
     */
    static Converter converter(String op, int opset) {
        Op o = OPS.get(op);
        if (o == null) {
            throw new IllegalArgumentException("ONNX op " + op + " is not registered");
        }
        Map.Entry<Integer, Converter> e = o.bySince().floorEntry(opset);
        return (e == null ? o.bySince().firstEntry() : e).getValue();
    }

    /** Every supported op, in the order registered. */
    static List<String> names() {
        return List.copyOf(OPS.keySet());
    }

    /** The supported ops of {@code kind}, in the order registered. */
    static List<String> names(Kind kind) {
        return OPS.values().stream().filter(o -> o.kind() == kind).map(Op::name).toList();
    }

    /** The supported ops as the refusal of an unsupported one lists them. */
    static String supportedList() {
        return String.join(", ", names(Kind.LAYER)) + " (and " + String.join(", ", names(Kind.SHAPE))
                + " on constant shapes)";
    }
}

package org.landscape4j.models;

import static org.landscape4j.models.OnnxNodes.shapeText;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import onnx.Onnx;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.models.OnnxConversion.Act;
import org.landscape4j.models.OnnxConversion.Param;
import org.landscape4j.models.OnnxTensors.Constant;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Converts an ONNX graph (what {@code torch.onnx.export} writes) into a DL4J {@link ComputationGraph}: one DL4J
 * layer or vertex per ONNX node of the supported op set, the initializers as the layers' parameters (dense weights
 * transposed: PyTorch's {@code [out, in]} is DL4J's {@code [nIn, nOut]}), and a loss layer appended.
 *
 * <p>The shape computations PyTorch writes for {@code x.view(x.size(0), -1)} ({@code Shape}, {@code Gather},
 * {@code Unsqueeze}, {@code Concat} of shape vectors, {@code Constant}) are evaluated ({@link OnnxConstants}), with
 * the batch size kept symbolic; a {@code Reshape} is accepted when it is a flatten to {@code [batch, features]}.
 * PyTorch flattens NCHW tensors in (C, H, W) order, which is DL4J's {@code CnnToFeedForwardPreProcessor} order (a
 * row-major reshape).
 *
 * <p>The importer orchestrates; the ops are converted by the converters {@link OnnxOps} registers, one family per
 * file. It parses the graph, refuses an op outside the registry, rewrites the MatMul and Add pairs of linear layers
 * ({@link OnnxMatMulAddFold}), walks the nodes in order, hands each to its op's converter with this importer as the
 * read-only {@link OnnxContext}, applies the {@link OnnxConversion} it returns (a layer or vertex, parameters, output
 * activations or constants), then appends the loss ({@link OnnxLoss}), builds the network and writes the
 * parameters.
 *
 * <p>Everything is checked while converting, before the network exists: an unsupported op (named with its node and
 * the supported list), asymmetric padding, grouped convolutions other than depthwise, pooling whose {@code ceil_mode}
 * changes the output size in a way DL4J's Same mode does not give, one initializer two nodes take as their parameter
 * (tied weights; the exporter's Identity copies of equal-valued tensors are parameters of their own, see
 * {@link #origin}).
 */
final class OnnxImporter implements OnnxContext {

    private static final String INPUT = "input";
    private static final String LOSS = "loss";

    private final Onnx.ModelProto model;
    private final ImportOptions options;
    private final int opset;
    private final Map<String, Onnx.TensorProto> initializers = new LinkedHashMap<>();
    private final Set<String> consumed = new HashSet<>();
    private final Map<String, Set<String>> consumerOps = new HashMap<>();
    // what the nodes converted so far added: written by apply(..), read by the converters through OnnxContext
    private final Map<String, Constant> constants = new HashMap<>();
    private final Map<String, Act> acts = new HashMap<>();
    private final Set<String> claimed = new HashSet<>();
    private final Set<String> vertexNames = new HashSet<>();
    private final List<Param> params = new ArrayList<>();
    /** The parameters stored as another initializer's copy ({@link #origin}), by name, in the order found. */
    private final List<String> copies = new ArrayList<>();
    /** The parameters that are constants computed in the graph, not initializers or their copies. */
    private final List<String> graphConstants = new ArrayList<>();
    private final Map<String, Integer> converted = new TreeMap<>();
    private ComputationGraphConfiguration.GraphBuilder graph;

    private OnnxImporter(Onnx.ModelProto model, ImportOptions options) {
        this.model = model;
        this.options = options;
        int version = 0;
        for (Onnx.OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                version = (int) o.getVersion();
            }
        }
        this.opset = version;
    }

    /** Whether {@code model} looks like an ONNX model (parsed from bytes that were not one, it would not). */
    static boolean isModel(Onnx.ModelProto model) {
        return model.getIrVersion() > 0 && model.hasGraph() && model.getGraph().getNodeCount() > 0;
    }

    static ImportedModel convert(Onnx.ModelProto model, String source, ImportOptions options) {
        return new OnnxImporter(model, options).convert(source);
    }

    private ImportedModel convert(String source) {
        Onnx.GraphProto g = model.getGraph();
        for (Onnx.TensorProto t : g.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        List<Onnx.ValueInfoProto> inputs = g.getInputList().stream()
                .filter(i -> !initializers.containsKey(i.getName())).toList();
        if (inputs.size() != 1) {
            throw new ModelImportException("the ONNX graph has " + inputs.size() + " inputs "
                    + inputs.stream().map(Onnx.ValueInfoProto::getName).toList() + "; only one input is supported");
        }
        if (g.getOutputCount() != 1) {
            throw new ModelImportException("the ONNX graph has " + g.getOutputCount() + " outputs "
                    + g.getOutputList().stream().map(Onnx.ValueInfoProto::getName).toList()
                    + "; only one output is supported");
        }
        Loss loss = options.loss();
        if (loss == null) {
            throw new ModelImportException("an ONNX model carries no loss: give one (cross-entropy or mse), e.g. "
                    + "Models.load(path, Loss.CROSS_ENTROPY) or --loss cross-entropy");
        }
        Map<String, Onnx.NodeProto> producers = new HashMap<>();
        for (Onnx.NodeProto n : g.getNodeList()) {
            for (String o : n.getOutputList()) {
                producers.put(o, n);
            }
        }
        String output = g.getOutput(0).getName();
        Onnx.NodeProto ending = producers.get(output);
        if (ending != null && !ending.getOpType().equals("Softmax") && !ending.getOpType().equals("LogSoftmax")) {
            ending = null;
        }
        String head = ending == null ? output : ending.getInput(0);
        Set<Onnx.NodeProto> needed = needed(head, producers);
        List<Onnx.NodeProto> used = g.getNodeList().stream().filter(needed::contains).toList();
        OnnxDecompositionFold.Result decompositions = OnnxDecompositionFold.apply(used, initializers);
        OnnxMatMulAddFold.Result rewritten = OnnxMatMulAddFold.apply(decompositions.nodes(), initializers);
        OnnxSwishFold.Result swishes = OnnxSwishFold.apply(rewritten.nodes());
        checkOps(swishes.nodes());
        for (Onnx.NodeProto n : swishes.nodes()) {
            consumed.addAll(n.getInputList());
            for (String input : n.getInputList()) {
                consumerOps.computeIfAbsent(input, k -> new HashSet<>()).add(n.getOpType());
            }
        }

        Onnx.ValueInfoProto in = inputs.get(0);
        long[] inShape = inputShape(in);
        InputType inputType = inShape.length == 1 ? InputType.feedForward(inShape[0])
                : InputType.convolutional(inShape[1], inShape[2], inShape[0], CNN2DFormat.NCHW);
        graph = new NeuralNetConfiguration.Builder().dataType(options.dataType()).seed(0).graphBuilder()
                .addInputs(INPUT).setInputTypes(inputType);
        vertexNames.add(INPUT);
        acts.put(in.getName(), new Act(INPUT, inShape, inShape));

        for (Onnx.NodeProto n : swishes.nodes()) {
            OnnxConversion conversion;
            try {
                conversion = OnnxOps.converter(n.getOpType(), opset).convert(n, this);
            } catch (ModelImportException e) {
                throw e;
            } catch (RuntimeException e) {
                // a corrupt file's attributes or shapes that no converter anticipated: still one line, before work
                throw new ModelImportException("the ONNX node '" + n.getName() + "' (" + n.getOpType() + ") cannot"
                        + " be read: " + e, e);
            }
            apply(n, conversion);
        }
        Act last = acts.get(head);
        if (last == null) {
            throw new ModelImportException("the ONNX graph's output '" + head + "' is a constant, not computed from"
                    + " the input");
        }
        OnnxLoss.Head lossHead = OnnxLoss.head(loss, last, ending, output, opset);
        graph.addLayer(LOSS, lossHead.layer(), last.vertex());
        graph.setOutputs(LOSS);
        ComputationGraph net = buildAndWriteParameters();
        ParameterLayout layout = ParameterLayout.of(net);
        List<OriginParameter> origin = origin(layout);

        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "ONNX ir %d, opset %d%s: %d of %d nodes used", model.getIrVersion(),
                opset, model.getProducerName().isEmpty() ? ""
                        : ", " + model.getProducerName() + " " + model.getProducerVersion(),
                used.size() + (ending == null ? 0 : 1), g.getNodeCount()));
        lines.add("input '" + in.getName() + "' " + shapeText(inShape) + (inShape.length == 3 ? " (NCHW)" : ""));
        lines.add("converted: " + converted.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", ")));
        lines.add("parameters: " + (origin.size() - copies.size() - graphConstants.size()) + " initializers"
                + (copies.isEmpty() ? "" : ", " + copies.size() + " copies of them")
                + (graphConstants.isEmpty() ? "" : ", " + graphConstants.size() + " graph constants " + graphConstants)
                + " as " + layout.segments().size()
                + " DL4J parameter tensors (" + layout.numParams() + " values); Gemm weights with transB=1 transposed"
                + " ([out, in] -> DL4J [nIn, nOut])");
        if (!copies.isEmpty()) {
            lines.add("copies: " + copies.size() + " parameters the exporter stored as another of equal values"
                    + " (Identity nodes) are parameters of their own, as in PyTorch: " + (copies.size() <= 6 ? copies
                    : copies.subList(0, 6) + " and " + (copies.size() - 6) + " more"));
        }
        for (OnnxMatMulAddFold.Fold f : rewritten.folds()) {
            lines.add("MatMul '" + f.matMul().getName() + "' and Add '" + f.add().getName()
                    + "' became one layer '" + acts.get(f.add().getOutput(0)).vertex() + "'");
        }
        if (decompositions.layerNorms() + decompositions.gelus() > 0) {
            lines.add("decompositions: " + decompositions.layerNorms() + " LayerNorm (ReduceMean, Sub, Pow, ReduceMean,"
                    + " Add, Sqrt, Div, Mul, Add) and " + decompositions.gelus() + " GELU (Div, Erf, Add, Mul, Mul)"
                    + " patterns became one layer each");
        }
        for (OnnxSwishFold.Fold f : swishes.folds()) {
            lines.add(f.gate().getOpType() + " '" + f.gate().getName() + "' and Mul '" + f.mul().getName()
                    + "' became one " + f.into() + " activation '" + acts.get(f.mul().getOutput(0)).vertex() + "'");
        }
        lines.add("appended: loss layer '" + LOSS + "': " + lossHead.description());
        return new ImportedModel(net, ModelFormat.ONNX, source, lines, loss, new OriginLayout(origin, layout));
    }

    private ComputationGraph buildAndWriteParameters() {
        ComputationGraph net;
        try {
            net = new ComputationGraph(graph.build());
            net.init();
        } catch (RuntimeException e) {
            throw new ModelImportException("DL4J refused the converted graph: " + e.getMessage(), e);
        }
        for (Param p : params) {
            INDArray target = net.getLayer(p.vertex()).getParam(p.key());
            INDArray value = Nd4j.create(p.value().values(), p.value().shape(), DataType.DOUBLE).permute(p.axes());
            target.assign(value.castTo(target.dataType()).reshape(target.shape()));
        }
        return net;
    }

    /**
     * The initializers written as parameters, in the file's order, with their DL4J segments; and the parameters whose
     * values are another initializer's: {@code torch.onnx.export} stores tensors of equal values once (the zero
     * biases, the unit batch-norm weights of a fresh model) and each other as an {@code Identity} of it, named as
     * PyTorch names it. Each such copy is a parameter of its own, as in PyTorch's {@code parameters()}, placed after
     * the parameter converted before it (PyTorch's order: the file's order is {@code state_dict()}'s).
     */
    private List<OriginParameter> origin(ParameterLayout layout) {
        Set<String> copied = model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Identity")
                && n.getInputCount() == 1 && initializers.containsKey(n.getInput(0)))
                .map(n -> n.getOutput(0)).collect(Collectors.toSet());
        Map<String, Integer> rank = new HashMap<>();
        for (int i = 0; i < params.size(); i++) {
            rank.putIfAbsent(params.get(i).value().name(), i);
        }
        List<OriginParameter> origin = new ArrayList<>();
        List<Integer> ranks = new ArrayList<>();
        for (String name : initializers.keySet()) {
            Integer r = rank.get(name);
            if (r != null) {
                origin.add(originOf(params.get(r), layout));
                ranks.add(r);
            }
        }
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            if (initializers.containsKey(p.value().name())) {
                continue;
            }
            int at = 0;
            for (int j = 0; j < ranks.size(); j++) {
                if (ranks.get(j) < i) {
                    at = j + 1;
                }
            }
            origin.add(at, originOf(p, layout));
            ranks.add(at, i);
            (copied.contains(p.value().name()) ? copies : graphConstants).add(p.value().name());
        }
        return origin;
    }

    private static OriginParameter originOf(Param p, ParameterLayout layout) {
        return new OriginParameter(p.value().name(), p.value().shape(), p.axes(), layout.segment(p.vertex(),
                p.key()));
    }

    /** The nodes the tensor {@code head} depends on. */
    private static Set<Onnx.NodeProto> needed(String head, Map<String, Onnx.NodeProto> producers) {
        Set<Onnx.NodeProto> needed = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(head));
        while (!todo.isEmpty()) {
            Onnx.NodeProto n = producers.get(todo.pop());
            if (n != null && needed.add(n)) {
                for (String in : n.getInputList()) {
                    if (!in.isEmpty()) {
                        todo.push(in);
                    }
                }
            }
        }
        return needed;
    }

    /** Refuses the first node whose op is not registered in {@link OnnxOps}, before any conversion. */
    private static void checkOps(List<Onnx.NodeProto> used) {
        for (Onnx.NodeProto n : used) {
            boolean standard = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
            String op = n.getOpType();
            if (!standard || !OnnxOps.isSupported(op)) {
                throw new ModelImportException("ONNX op " + (standard ? "" : n.getDomain() + ".") + op + " (node '"
                        + n.getName() + "') is not supported; supported ops: " + OnnxOps.supportedList());
            }
        }
    }

    private long[] inputShape(Onnx.ValueInfoProto in) {
        Onnx.TypeProto.Tensor t = in.getType().getTensorType();
        if (t.getElemType() != Onnx.TensorProto.DataType.FLOAT_VALUE
                && t.getElemType() != Onnx.TensorProto.DataType.DOUBLE_VALUE) {
            throw new ModelImportException("the ONNX input '" + in.getName() + "' has element type "
                    + Onnx.TensorProto.DataType.forNumber(t.getElemType()) + "; only FLOAT or DOUBLE inputs");
        }
        List<Onnx.TensorShapeProto.Dimension> dims = t.getShape().getDimList();
        if (dims.size() != 2 && dims.size() != 4) {
            throw new ModelImportException("the ONNX input '" + in.getName() + "' has rank " + dims.size()
                    + "; supported: [batch, features] or [batch, channels, height, width]");
        }
        long[] shape = new long[dims.size() - 1];
        for (int i = 1; i < dims.size(); i++) {
            Onnx.TensorShapeProto.Dimension d = dims.get(i);
            if (!d.hasDimValue() || d.getDimValue() <= 0) {
                throw new ModelImportException("the ONNX input '" + in.getName() + "' has a symbolic dimension "
                        + i + " ('" + d.getDimParam() + "'); export with a fixed size except the batch");
            }
            shape[i - 1] = d.getDimValue();
        }
        return shape;
    }

    /** Adds what converting {@code n} gave to the graph and to what later nodes read. */
    private void apply(Onnx.NodeProto n, OnnxConversion c) {
        if (c.layer() != null || c.graphVertex() != null) {
            if (!vertexNames.add(c.vertex())) {
                throw new IllegalStateException("the converter of " + n.getOpType() + " named its vertex '"
                        + c.vertex() + "', which is taken; name it with OnnxContext.vertexName");
            }
            String[] in = c.inputs().toArray(String[]::new);
            if (c.layer() != null) {
                graph.addLayer(c.vertex(), c.layer(), in);
            } else {
                graph.addVertex(c.vertex(), c.graphVertex(), in);
            }
        }
        if (c.converted() != null) {
            converted.merge(n.getOpType() + " -> " + c.converted(), 1, Integer::sum);
        }
        for (Param p : c.params()) {
            String name = p.value().name();
            if (initializers.containsKey(name) && !claimed.add(name)) {
                throw OnnxContext.sharedWeight(n, name);
            }
            params.add(p);
        }
        acts.putAll(c.activations());
        constants.putAll(c.constants());
    }

    // ------------------------------------------------------------------------------------------------ the context

    @Override
    public int opset() {
        return opset;
    }

    @Override
    public long fixedBatch() {
        Onnx.TensorShapeProto.Dimension d = model.getGraph().getInputList().stream()
                .filter(i -> !initializers.containsKey(i.getName())).findFirst().orElseThrow()
                .getType().getTensorType().getShape().getDim(0);
        return d.hasDimValue() ? d.getDimValue() : -2;
    }

    @Override
    public Act activationOf(String tensor) {
        return acts.get(tensor);
    }

    @Override
    public boolean isConstant(String tensor) {
        return constants.containsKey(tensor) || initializers.containsKey(tensor);
    }

    @Override
    public Constant constantOf(String tensor) {
        Constant c = constants.get(tensor);
        if (c == null) {
            Onnx.TensorProto t = initializers.get(tensor);
            if (t == null) {
                return null;
            }
            c = OnnxTensors.read(t, "initializer");
            constants.put(tensor, c); // read once
        }
        return c;
    }

    @Override
    public boolean isClaimed(String tensor) {
        return claimed.contains(tensor);
    }

    @Override
    public boolean isConsumed(String tensor) {
        return consumed.contains(tensor);
    }

    @Override
    public boolean onlyFlattened(String tensor) {
        Set<String> ops = consumerOps.getOrDefault(tensor, Set.of());
        return Set.of("Flatten", "Reshape").containsAll(ops);
    }

    @Override
    public String vertexName(Onnx.NodeProto n) {
        String base = n.getName().replaceFirst("^/+", "").replace('/', '.');
        if (base.isEmpty()) {
            base = n.getOpType() + "_" + n.getOutput(0);
        }
        String name = base;
        for (int i = 2; vertexNames.contains(name) || name.equals(LOSS); i++) {
            name = base + "_" + i;
        }
        return name;
    }
}

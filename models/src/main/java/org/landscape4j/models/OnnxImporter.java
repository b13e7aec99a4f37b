package org.landscape4j.models;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.models.OnnxTensors.Constant;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Converts an ONNX graph (what {@code torch.onnx.export} writes) into a DL4J {@link ComputationGraph}: one DL4J
 * layer or vertex per ONNX node of the supported op set, the initializers as the layers' parameters (dense weights
 * transposed: PyTorch's {@code [out, in]} is DL4J's {@code [nIn, nOut]}), and a loss layer appended.
 *
 * <p>The shape computations PyTorch writes for {@code x.view(x.size(0), -1)} ({@code Shape}, {@code Gather},
 * {@code Unsqueeze}, {@code Concat} of shape vectors, {@code Constant}) are evaluated here, with the batch size kept
 * symbolic; a {@code Reshape} is accepted when it is a flatten to {@code [batch, features]}. PyTorch flattens NCHW
 * tensors in (C, H, W) order, which is DL4J's {@code CnnToFeedForwardPreProcessor} order (a row-major reshape).
 *
 * <p>Everything is checked while converting, before the network exists: an unsupported op (named with its node and
 * the supported list), asymmetric padding, grouped convolutions, pooling whose {@code ceil_mode} changes the output
 * size, a weight shared by two nodes.
 */
final class OnnxImporter {

    /** The ops converted to layers or vertices. */
    static final List<String> LAYER_OPS = List.of("Conv", "Gemm", "MatMul", "Add", "BatchNormalization", "Relu",
            "LeakyRelu", "Elu", "Sigmoid", "Tanh", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
            "Flatten", "Reshape", "Concat", "Pad", "Dropout", "Softmax", "LogSoftmax", "Identity");

    /** The ops evaluated on constants (shape computations). */
    static final List<String> CONSTANT_OPS = List.of("Constant", "Shape", "Gather", "Unsqueeze", "Squeeze", "Cast");

    private static final String INPUT = "input";
    private static final String LOSS = "loss";

    /** An activation: the DL4J vertex computing it, its ONNX shape and its DL4J shape (both without the batch). */
    private record Act(String vertex, long[] shape, long[] dl4j) {
        int rank() {
            return shape.length + 1;
        }
    }

    /** A parameter tensor to write into the network once it exists. */
    private record Param(String vertex, String key, Constant value, int[] axes) {
    }

    private final Onnx.ModelProto model;
    private final ImportOptions options;
    private final Map<String, Onnx.TensorProto> initializers = new LinkedHashMap<>();
    private final Map<String, Constant> constants = new HashMap<>();
    private final Map<String, Act> acts = new HashMap<>();
    private final Map<String, List<Onnx.NodeProto>> consumers = new HashMap<>();
    private final Set<String> usedInitializers = new HashSet<>();
    private final Set<String> vertexNames = new HashSet<>();
    private final Set<String> foldedAdds = new HashSet<>();
    private final List<Param> params = new ArrayList<>();
    private final Map<String, Integer> converted = new TreeMap<>();
    private final List<String> notes = new ArrayList<>();
    private ComputationGraphConfiguration.GraphBuilder graph;
    private int opset;

    private OnnxImporter(Onnx.ModelProto model, ImportOptions options) {
        this.model = model;
        this.options = options;
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
        opset = 0;
        for (Onnx.OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                opset = (int) o.getVersion();
            }
        }
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
        checkOps(g, needed);
        for (Onnx.NodeProto n : g.getNodeList()) {
            if (needed.contains(n)) {
                for (String in : n.getInputList()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
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

        int nodes = 0;
        for (Onnx.NodeProto n : g.getNodeList()) {
            if (needed.contains(n)) {
                node(n);
                nodes++;
            }
        }
        Act last = acts.get(head);
        if (last == null) {
            throw new ModelImportException("the ONNX graph's output '" + head + "' is a constant, not computed from"
                    + " the input");
        }
        String appended = appendLoss(loss, last, ending, output);
        graph.setOutputs(LOSS);
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
        ParameterLayout layout = ParameterLayout.of(net);
        List<OriginParameter> origin = new ArrayList<>();
        Map<String, Param> byName = new HashMap<>();
        for (Param p : params) {
            byName.put(p.value().name(), p);
        }
        for (String name : initializers.keySet()) {
            Param p = byName.get(name);
            if (p != null) {
                origin.add(new OriginParameter(name, p.value().shape(), p.axes(), layout.segment(p.vertex(),
                        p.key())));
            }
        }

        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "ONNX ir %d, opset %d%s: %d of %d nodes used", model.getIrVersion(),
                opset, model.getProducerName().isEmpty() ? ""
                        : ", " + model.getProducerName() + " " + model.getProducerVersion(),
                nodes + (ending == null ? 0 : 1), g.getNodeCount()));
        lines.add("input '" + in.getName() + "' " + shapeText(inShape) + (inShape.length == 3 ? " (NCHW)" : ""));
        lines.add("converted: " + converted.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", ")));
        lines.add("parameters: " + origin.size() + " initializers as " + layout.segments().size()
                + " DL4J parameter tensors (" + layout.numParams() + " values); Gemm weights with transB=1 transposed"
                + " ([out, in] -> DL4J [nIn, nOut])");
        lines.addAll(notes);
        lines.add("appended: " + appended);
        return new ImportedModel(net, ModelFormat.ONNX, source, lines, loss, new OriginLayout(origin, layout));
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

    /** Refuses the first needed node whose op is not supported, before any conversion. */
    private void checkOps(Onnx.GraphProto g, Set<Onnx.NodeProto> needed) {
        for (Onnx.NodeProto n : g.getNodeList()) {
            if (!needed.contains(n)) {
                continue;
            }
            boolean standard = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
            String op = n.getOpType();
            if (!standard || !LAYER_OPS.contains(op) && !CONSTANT_OPS.contains(op) && !op.equals("Concat")) {
                throw new ModelImportException("ONNX op " + (standard ? "" : n.getDomain() + ".") + op + " (node '"
                        + n.getName() + "') is not supported; supported ops: " + String.join(", ", LAYER_OPS)
                        + " (and " + String.join(", ", CONSTANT_OPS) + " on constant shapes)");
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

    // ------------------------------------------------------------------------------------------------ the ops

    private void node(Onnx.NodeProto n) {
        switch (n.getOpType()) {
            case "Conv" -> conv(n);
            case "Gemm" -> gemm(n);
            case "MatMul" -> matMul(n);
            case "Add" -> add(n);
            case "BatchNormalization" -> batchNorm(n);
            case "Relu" -> activation(n, Activation.RELU.getActivationFunction());
            case "LeakyRelu" -> activation(n, new ActivationLReLU(attrFloat(n, "alpha", 0.01)));
            case "Elu" -> activation(n, new ActivationELU(attrFloat(n, "alpha", 1.0)));
            case "Sigmoid" -> activation(n, Activation.SIGMOID.getActivationFunction());
            case "Tanh" -> activation(n, Activation.TANH.getActivationFunction());
            case "Softmax" -> softmax(n);
            case "LogSoftmax" -> throw refuse(n, "is supported only as the graph's last node (then it and the loss"
                    + " are PyTorch's NLLLoss, i.e. cross-entropy on its input)");
            case "MaxPool", "AveragePool" -> pool(n);
            case "GlobalAveragePool", "GlobalMaxPool" -> globalPool(n);
            case "Flatten" -> flatten(n);
            case "Reshape" -> reshape(n);
            case "Concat" -> concat(n);
            case "Pad" -> pad(n);
            case "Dropout" -> dropout(n);
            case "Identity" -> alias(n);
            case "Constant" -> constantNode(n);
            case "Shape" -> shape(n);
            case "Gather" -> gather(n);
            case "Unsqueeze", "Squeeze" -> squeeze(n);
            case "Cast" -> cast(n);
            default -> throw refuse(n, "is not supported");
        }
    }

    private void conv(Onnx.NodeProto n) {
        Act x = act(n, 0, 4);
        Constant w = weight(n, 1);
        if (w.shape().length != 4) {
            throw refuse(n, "has a rank-" + w.shape().length + " weight; only 2D convolutions are supported");
        }
        long group = attrInt(n, "group", 1);
        if (group != 1) {
            throw refuse(n, "is a grouped convolution (group=" + group + "); only group=1 is supported");
        }
        long channels = x.shape()[0];
        if (w.shape()[1] != channels) {
            throw refuse(n, "has a weight " + shapeText(w.shape()) + " for " + channels + " input channels");
        }
        int[] k = {(int) w.shape()[2], (int) w.shape()[3]};
        int[] s = ints(n, "strides", 1, 1);
        int[] d = ints(n, "dilations", 1, 1);
        int[] p = symmetricPads(n);
        Constant b = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? weight(n, 2) : null;
        long out = w.shape()[0];
        long h = spatial(n, x.shape()[1], k[0], s[0], p[0], d[0], false);
        long wd = spatial(n, x.shape()[2], k[1], s[1], p[1], d[1], false);
        String v = addLayer(n, new ConvolutionLayer.Builder(k).nIn(channels).nOut(out).stride(s).padding(p)
                .dilation(d).convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY)
                .hasBias(b != null).dataFormat(CNN2DFormat.NCHW).build(), "ConvolutionLayer", x);
        params.add(new Param(v, "W", w, new int[] {0, 1, 2, 3}));
        if (b != null) {
            params.add(new Param(v, "b", b, new int[] {0}));
        }
        put(n.getOutput(0), new Act(v, new long[] {out, h, wd}, new long[] {out, h, wd}));
    }

    private void gemm(Onnx.NodeProto n) {
        Act x = act(n, 0, 2);
        double alpha = attrFloat(n, "alpha", 1.0);
        double beta = attrFloat(n, "beta", 1.0);
        if (alpha != 1.0 || beta != 1.0) {
            throw refuse(n, "scales its product (alpha=" + alpha + ", beta=" + beta + "); only alpha=beta=1");
        }
        if (attrInt(n, "transA", 0) != 0) {
            throw refuse(n, "transposes its input (transA=1); only transA=0");
        }
        Constant w = weight(n, 1);
        if (w.shape().length != 2) {
            throw refuse(n, "has a rank-" + w.shape().length + " weight");
        }
        boolean transposed = attrInt(n, "transB", 0) != 0;
        long nIn = transposed ? w.shape()[1] : w.shape()[0];
        long nOut = transposed ? w.shape()[0] : w.shape()[1];
        Constant b = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? weight(n, 2) : null;
        dense(n, x, w, transposed ? new int[] {1, 0} : new int[] {0, 1}, nIn, nOut, b);
    }

    private void matMul(Onnx.NodeProto n) {
        Act x = act(n, 0, 2);
        Constant w = weight(n, 1);
        if (w.shape().length != 2) {
            throw refuse(n, "multiplies by a rank-" + w.shape().length + " tensor; only [in, out] weights");
        }
        // the Add that PyTorch writes after a MatMul for the bias becomes the dense layer's bias
        Constant bias = null;
        List<Onnx.NodeProto> next = consumers.getOrDefault(n.getOutput(0), List.of());
        if (next.size() == 1 && next.get(0).getOpType().equals("Add")) {
            Onnx.NodeProto add = next.get(0);
            String other = add.getInput(0).equals(n.getOutput(0)) ? add.getInput(1) : add.getInput(0);
            Constant c = isConstant(other) ? constant(other) : null;
            if (c != null && c.length() == w.shape()[1] && c.shape().length <= 2 && !acts.containsKey(other)) {
                bias = c;
                foldedAdds.add(add.getOutput(0));
                claim(add, other);
            }
        }
        String v = dense(n, x, w, new int[] {0, 1}, w.shape()[0], w.shape()[1], bias);
        if (bias != null) {
            Onnx.NodeProto add = next.get(0);
            put(add.getOutput(0), acts.get(n.getOutput(0)));
            notes.add("MatMul '" + n.getName() + "' and Add '" + add.getName() + "' became one dense layer '" + v
                    + "'");
        }
    }

    private String dense(Onnx.NodeProto n, Act x, Constant w, int[] axes, long nIn, long nOut, Constant b) {
        if (x.dl4j().length != 1 || x.shape()[0] != nIn) {
            throw refuse(n, "has a weight " + shapeText(w.shape()) + " for an input " + shapeText(x.shape()));
        }
        if (b != null && (b.length() != nOut || b.shape().length > 2)) {
            throw refuse(n, "has a bias " + shapeText(b.shape()) + " for " + nOut + " outputs");
        }
        String v = addLayer(n, new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(Activation.IDENTITY)
                .hasBias(b != null).build(), "DenseLayer", x);
        params.add(new Param(v, "W", w, axes));
        if (b != null) {
            params.add(new Param(v, "b", new Constant(b.name(), new long[] {nOut}, b.values()), new int[] {0}));
        }
        put(n.getOutput(0), new Act(v, new long[] {nOut}, new long[] {nOut}));
        return v;
    }

    private void add(Onnx.NodeProto n) {
        if (foldedAdds.contains(n.getOutput(0))) {
            return;
        }
        if (n.getInputCount() != 2) {
            throw refuse(n, "has " + n.getInputCount() + " inputs");
        }
        if (isConstant(n.getInput(0)) || isConstant(n.getInput(1))) {
            throw refuse(n, "adds a constant tensor; only two computed tensors of one shape, or a MatMul's bias");
        }
        Act a = act(n, 0, -1);
        Act b = act(n, 1, -1);
        if (!Arrays.equals(a.shape(), b.shape()) || !Arrays.equals(a.dl4j(), b.dl4j())) {
            throw refuse(n, "adds tensors of shapes " + shapeText(a.shape()) + " and " + shapeText(b.shape())
                    + "; broadcasting is not supported");
        }
        String v = vertexName(n);
        graph.addVertex(v, new ElementWiseVertex(ElementWiseVertex.Op.Add), a.vertex(), b.vertex());
        count("Add -> ElementWiseVertex");
        put(n.getOutput(0), new Act(v, a.shape(), a.dl4j()));
    }

    private void batchNorm(Onnx.NodeProto n) {
        Act x = act(n, 0, -1);
        if (x.rank() != 2 && x.rank() != 4) {
            throw refuse(n, "normalizes a rank-" + x.rank() + " tensor; only rank 2 or 4");
        }
        if (attrInt(n, "training_mode", 0) != 0 || attrInt(n, "spatial", 1) != 1) {
            throw refuse(n, "is in training mode or not spatial; export the model in eval mode");
        }
        for (int i = 1; i < n.getOutputCount(); i++) {
            if (!n.getOutput(i).isEmpty() && consumers.containsKey(n.getOutput(i))) {
                throw refuse(n, "outputs running statistics (training mode); export the model in eval mode");
            }
        }
        long c = x.shape()[0];
        Constant[] t = new Constant[4];
        for (int i = 0; i < 4; i++) {
            t[i] = weight(n, i + 1);
            if (t[i].length() != c) {
                throw refuse(n, "input " + (i + 1) + " '" + t[i].name() + "' has " + t[i].length() + " values for "
                        + c + " channels");
            }
        }
        double eps = attrFloat(n, "epsilon", 1e-5);
        double momentum = attrFloat(n, "momentum", 0.9);
        String v = addLayer(n, new BatchNormalization.Builder().nIn(c).nOut(c).eps(eps).decay(momentum)
                .useLogStd(false).build(), "BatchNormalization", x);
        String[] keys = {"gamma", "beta", "mean", "var"};
        for (int i = 0; i < 4; i++) {
            params.add(new Param(v, keys[i], new Constant(t[i].name(), new long[] {c}, t[i].values()),
                    new int[] {0}));
        }
        put(n.getOutput(0), new Act(v, x.shape(), x.dl4j()));
    }

    private void activation(Onnx.NodeProto n, IActivation fn) {
        Act x = act(n, 0, -1);
        String v = addLayer(n, new ActivationLayer.Builder().activation(fn).build(), "ActivationLayer", x);
        put(n.getOutput(0), new Act(v, x.shape(), x.dl4j()));
    }

    private void softmax(Onnx.NodeProto n) {
        Act x = act(n, 0, 2);
        long axis = attrInt(n, "axis", opset >= 13 ? -1 : 1);
        if (axis != 1 && axis != -1) {
            throw refuse(n, "has axis " + axis + "; only the feature axis of a [batch, features] tensor");
        }
        activation(n, Activation.SOFTMAX.getActivationFunction());
    }

    private void pool(Onnx.NodeProto n) {
        Act x = act(n, 0, 4);
        boolean max = n.getOpType().equals("MaxPool");
        long[] kernel = attrInts(n, "kernel_shape");
        if (kernel == null || kernel.length != 2) {
            throw refuse(n, "has kernel_shape " + Arrays.toString(kernel) + "; only 2D pooling");
        }
        int[] k = {(int) kernel[0], (int) kernel[1]};
        int[] s = ints(n, "strides", 1, 1);
        int[] d = max ? ints(n, "dilations", 1, 1) : new int[] {1, 1};
        int[] p = symmetricPads(n);
        if (max && n.getOutputCount() > 1 && consumers.containsKey(n.getOutput(1))) {
            throw refuse(n, "outputs indices; only the pooled values are supported");
        }
        if (!max && (p[0] != 0 || p[1] != 0) && attrInt(n, "count_include_pad", 0) == 0) {
            throw refuse(n, "pads " + Arrays.toString(p) + " without counting the padding (count_include_pad=0)"
                    + "; use AvgPool2d(count_include_pad=True) or no padding");
        }
        boolean ceil = attrInt(n, "ceil_mode", 0) != 0;
        long h = spatial(n, x.shape()[1], k[0], s[0], p[0], d[0], ceil);
        long w = spatial(n, x.shape()[2], k[1], s[1], p[1], d[1], ceil);
        SubsamplingLayer.Builder b = new SubsamplingLayer.Builder(max ? PoolingType.MAX : PoolingType.AVG, k, s, p)
                .dilation(d).convolutionMode(ConvolutionMode.Truncate).dataFormat(CNN2DFormat.NCHW);
        if (!max) {
            b.avgPoolIncludePadInDivisor(true);
        }
        String v = addLayer(n, b.build(), "SubsamplingLayer", x);
        put(n.getOutput(0), new Act(v, new long[] {x.shape()[0], h, w}, new long[] {x.shape()[0], h, w}));
    }

    private void globalPool(Onnx.NodeProto n) {
        Act x = act(n, 0, 4);
        boolean avg = n.getOpType().equals("GlobalAveragePool");
        String v = addLayer(n, new GlobalPoolingLayer.Builder(avg ? PoolingType.AVG : PoolingType.MAX)
                .collapseDimensions(true).build(), "GlobalPoolingLayer", x);
        long c = x.shape()[0];
        // ONNX keeps [c, 1, 1]; DL4J collapses to [c]: only a flatten may follow (checked by act(..))
        put(n.getOutput(0), new Act(v, new long[] {c, 1, 1}, new long[] {c}));
    }

    private void flatten(Onnx.NodeProto n) {
        Act x = act(n, 0, -1);
        long axis = attrInt(n, "axis", 1);
        if (axis < 0) {
            axis += x.rank();
        }
        if (axis != 1) {
            throw refuse(n, "flattens from axis " + axis + "; only axis 1 ([batch, features])");
        }
        toFeatures(n, x);
    }

    private void reshape(Onnx.NodeProto n) {
        Act x = act(n, 0, -1);
        if (attrInt(n, "allowzero", 0) != 0) {
            throw refuse(n, "has allowzero=1");
        }
        if (!isConstant(n.getInput(1))) {
            throw refuse(n, "has a target shape computed from the data; only constant [batch, -1] reshapes");
        }
        long[] target = constant(n.getInput(1)).longs();
        long features = 1;
        for (long s : x.shape()) {
            features *= s;
        }
        long inBatch = fixedBatch();
        boolean batchFirst = target.length == 2 && (target[0] == Long.MIN_VALUE || target[0] == 0
                || target[0] == inBatch || target[0] == -1 && target[1] == features);
        boolean flat = batchFirst && (target[1] == -1 || target[1] == features);
        if (!flat) {
            throw refuse(n, "reshapes " + shapeText(x.shape()) + " to " + Arrays.toString(target).replace(
                    String.valueOf(Long.MIN_VALUE), "batch") + "; only a flatten to [batch, features] is supported");
        }
        toFeatures(n, x);
    }

    /** The batch size written in the input's shape, or -2 when symbolic. */
    private long fixedBatch() {
        Onnx.TensorShapeProto.Dimension d = model.getGraph().getInputList().stream()
                .filter(i -> !initializers.containsKey(i.getName())).findFirst().orElseThrow()
                .getType().getTensorType().getShape().getDim(0);
        return d.hasDimValue() ? d.getDimValue() : -2;
    }

    /** A flatten of {@code x} to {@code [batch, features]}: a reshape view (C, H, W order), or nothing to do. */
    private void toFeatures(Onnx.NodeProto n, Act x) {
        long features = 1;
        for (long s : x.shape()) {
            features *= s;
        }
        long[] flat = {features};
        if (x.dl4j().length == 1) {
            put(n.getOutput(0), new Act(x.vertex(), flat, flat));
            count(n.getOpType() + " -> nothing (already flat in DL4J)");
            return;
        }
        String v = vertexName(n);
        long[] s = x.dl4j();
        graph.addVertex(v, new PreprocessorVertex(new CnnToFeedForwardPreProcessor(s[1], s[2], s[0])), x.vertex());
        count(n.getOpType() + " -> CnnToFeedForwardPreProcessor");
        put(n.getOutput(0), new Act(v, flat, flat));
    }

    private void concat(Onnx.NodeProto n) {
        boolean allConstant = n.getInputList().stream().allMatch(this::isConstant);
        if (allConstant) {
            List<Double> values = new ArrayList<>();
            for (String in : n.getInputList()) {
                Constant c = constant(in);
                if (c.shape().length > 1) {
                    throw refuse(n, "concatenates constant tensors of rank " + c.shape().length);
                }
                for (double v : c.values()) {
                    values.add(v);
                }
            }
            constants.put(n.getOutput(0), new Constant(n.getOutput(0), new long[] {values.size()},
                    values.stream().mapToDouble(Double::doubleValue).toArray()));
            return;
        }
        List<Act> in = new ArrayList<>();
        for (int i = 0; i < n.getInputCount(); i++) {
            in.add(act(n, i, -1));
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
        String v = vertexName(n);
        graph.addVertex(v, new MergeVertex(), in.stream().map(Act::vertex).toArray(String[]::new));
        count("Concat -> MergeVertex");
        long[] shape = in.get(0).shape().clone();
        shape[0] = total;
        put(n.getOutput(0), new Act(v, shape, shape));
    }

    private void pad(Onnx.NodeProto n) {
        Act x = act(n, 0, 4);
        String mode = attrString(n, "mode", "constant");
        if (!mode.equals("constant")) {
            throw refuse(n, "pads in mode '" + mode + "'; only constant (zero) padding");
        }
        long[] pads = opset >= 11 ? (n.getInputCount() > 1 && isConstant(n.getInput(1))
                ? constant(n.getInput(1)).longs() : null) : attrInts(n, "pads");
        if (pads == null || pads.length != 8) {
            throw refuse(n, "has pads " + Arrays.toString(pads) + "; only constant pads of a rank-4 tensor");
        }
        double value = opset >= 11 ? (n.getInputCount() > 2 && !n.getInput(2).isEmpty()
                ? constant(n.getInput(2)).values()[0] : 0.0) : attrFloat(n, "value", 0.0);
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
            put(n.getOutput(0), x);
            count("Pad -> nothing (no padding)");
            return;
        }
        String v = addLayer(n, new ZeroPaddingLayer.Builder((int) pads[2], (int) pads[6], (int) pads[3],
                (int) pads[7]).dataFormat(CNN2DFormat.NCHW).build(), "ZeroPaddingLayer", x);
        long[] shape = {x.shape()[0], x.shape()[1] + pads[2] + pads[6], x.shape()[2] + pads[3] + pads[7]};
        put(n.getOutput(0), new Act(v, shape, shape));
    }

    private void dropout(Onnx.NodeProto n) {
        if (n.getOutputCount() > 1 && consumers.containsKey(n.getOutput(1))) {
            throw refuse(n, "outputs its mask; only inference dropout is supported");
        }
        if (n.getInputCount() > 2 && !n.getInput(2).isEmpty() && isConstant(n.getInput(2))
                && constant(n.getInput(2)).values()[0] != 0) {
            throw refuse(n, "is in training mode; export the model in eval mode");
        }
        count("Dropout -> nothing (inference)");
        put(n.getOutput(0), act(n, 0, -1));
    }

    private void alias(Onnx.NodeProto n) {
        if (isConstant(n.getInput(0))) {
            Constant c = constant(n.getInput(0));
            constants.put(n.getOutput(0), new Constant(n.getOutput(0), c.shape(), c.values()));
        } else {
            count(n.getOpType() + " -> nothing");
            put(n.getOutput(0), act(n, 0, -1));
        }
    }

    private void constantNode(Onnx.NodeProto n) {
        for (Onnx.AttributeProto a : n.getAttributeList()) {
            Constant c = switch (a.getName()) {
                case "value" -> OnnxTensors.read(a.getT(), "constant");
                case "value_float" -> new Constant("", new long[0], new double[] {a.getF()});
                case "value_int" -> new Constant("", new long[0], new double[] {a.getI()});
                case "value_floats" -> new Constant("", new long[] {a.getFloatsCount()},
                        a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray());
                case "value_ints" -> new Constant("", new long[] {a.getIntsCount()},
                        a.getIntsList().stream().mapToDouble(Long::doubleValue).toArray());
                default -> throw refuse(n, "has a " + a.getName() + " value; only numeric tensors");
            };
            constants.put(n.getOutput(0), new Constant(n.getOutput(0), c.shape(), c.values()));
            return;
        }
        throw refuse(n, "has no value");
    }

    private void shape(Onnx.NodeProto n) {
        Act x = act(n, 0, -1);
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
        constants.put(n.getOutput(0), new Constant(n.getOutput(0), new long[] {sliced.length}, sliced));
    }

    private void gather(Onnx.NodeProto n) {
        Constant data = constantInput(n, 0);
        Constant idx = constantInput(n, 1);
        if (data.shape().length != 1 || attrInt(n, "axis", 0) != 0 || idx.shape().length > 1) {
            throw refuse(n, "gathers from a constant of shape " + shapeText(data.shape())
                    + "; only from shape vectors");
        }
        double[] out = new double[idx.values().length];
        for (int i = 0; i < out.length; i++) {
            int j = (int) idx.values()[i];
            out[i] = data.values()[j < 0 ? j + data.values().length : j];
        }
        constants.put(n.getOutput(0), new Constant(n.getOutput(0), idx.shape(), out));
    }

    private void squeeze(Onnx.NodeProto n) {
        Constant data = constantInput(n, 0);
        long[] axes = opset >= 13 ? (n.getInputCount() > 1 ? constantInput(n, 1).longs() : null)
                : attrInts(n, "axes");
        boolean unsqueeze = n.getOpType().equals("Unsqueeze");
        List<Long> shape = new ArrayList<>();
        for (long s : data.shape()) {
            shape.add(s);
        }
        if (unsqueeze) {
            long[] sorted = axes == null ? new long[0] : axes.clone();
            int rank = shape.size() + sorted.length;
            for (int i = 0; i < sorted.length; i++) {
                sorted[i] = sorted[i] < 0 ? sorted[i] + rank : sorted[i];
            }
            Arrays.sort(sorted);
            for (long a : sorted) {
                shape.add((int) a, 1L);
            }
        } else {
            shape.removeIf(s -> s == 1);
        }
        constants.put(n.getOutput(0), new Constant(n.getOutput(0), shape.stream().mapToLong(Long::longValue)
                .toArray(), data.values()));
    }

    private void cast(Onnx.NodeProto n) {
        Constant c = constantInput(n, 0);
        constants.put(n.getOutput(0), new Constant(n.getOutput(0), c.shape(), c.values()));
    }

    private String appendLoss(Loss loss, Act last, Onnx.NodeProto ending, String output) {
        if (last.dl4j().length != 1) {
            throw new ModelImportException("the ONNX graph's output '" + output + "' is [batch, " + Arrays.stream(
                    last.shape()).mapToObj(Long::toString).collect(Collectors.joining(", "))
                    + "]; a loss needs [batch, outputs]");
        }
        String endOp = ending == null ? null : ending.getOpType();
        if (ending != null) {
            long axis = attrInt(ending, "axis", opset >= 13 ? -1 : 1);
            if (axis != 1 && axis != -1) {
                throw refuse(ending, "has axis " + axis + "; only the feature axis of [batch, features]");
            }
        }
        Activation activation;
        ILossFunction fn;
        String what;
        if (loss == Loss.CROSS_ENTROPY) {
            activation = Activation.SOFTMAX;
            fn = unclippedCrossEntropy();
            what = endOp == null ? "softmax + MCXENT (unclipped) on the logits '" + output + "' from '" + last.vertex()
                    + "' (PyTorch's CrossEntropyLoss)"
                    : endOp.equals("Softmax") ? "the graph's final Softmax '" + ending.getName() + "' as softmax +"
                    + " MCXENT, unclipped (negative log-likelihood of its probabilities)"
                    : "the graph's final LogSoftmax '" + ending.getName() + "' as softmax + MCXENT, unclipped (PyTorch's NLLLoss"
                    + " on it, i.e. CrossEntropyLoss on its input)";
        } else {
            if ("LogSoftmax".equals(endOp)) {
                throw refuse(ending, "ends the graph: mse on log-probabilities is not supported");
            }
            activation = endOp == null ? Activation.IDENTITY : Activation.SOFTMAX;
            fn = LossFunctions.LossFunction.MSE.getILossFunction();
            what = endOp == null ? "identity + MSE on '" + output + "' (PyTorch's MSELoss, mean over every entry)"
                    : "the graph's final Softmax '" + ending.getName() + "' + MSE on its probabilities";
        }
        graph.addLayer(LOSS, new LossLayer.Builder(fn).activation(activation).build(), last.vertex());
        return "loss layer '" + LOSS + "': " + what;
    }

    /**
     * DL4J's MCXENT clips probabilities below {@code 1e-10} by default, which caps each example's loss at 23.03;
     * PyTorch's {@code CrossEntropyLoss} (a log-softmax) does not. Measured on the residual CNN fixture: a plane
     * corner lost 62% of its loss (18.3 instead of 48.8) to the clipping. Without it the two agree to 1e-7 (float32
     * network) wherever the softmax's gaps stay below ~700 (float64 exp underflow on the engine's loss path).
     */
    static ILossFunction unclippedCrossEntropy() {
        return new LossMCXENT(0.0, null);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private String addLayer(Onnx.NodeProto n, Layer layer, String kind, Act input) {
        String v = vertexName(n);
        graph.addLayer(v, layer, input.vertex());
        count(n.getOpType() + " -> " + kind);
        return v;
    }

    private void count(String what) {
        converted.merge(what, 1, Integer::sum);
    }

    private String vertexName(Onnx.NodeProto n) {
        String base = n.getName().replaceFirst("^/+", "").replace('/', '.');
        if (base.isEmpty()) {
            base = n.getOpType() + "_" + n.getOutput(0);
        }
        String name = base;
        for (int i = 2; vertexNames.contains(name) || name.equals(LOSS); i++) {
            name = base + "_" + i;
        }
        vertexNames.add(name);
        return name;
    }

    private void put(String tensor, Act act) {
        acts.put(tensor, act);
    }

    private boolean isConstant(String tensor) {
        return constants.containsKey(tensor) || initializers.containsKey(tensor);
    }

    private Constant constant(String tensor) {
        Constant c = constants.get(tensor);
        if (c == null) {
            Onnx.TensorProto t = initializers.get(tensor);
            if (t == null) {
                return null;
            }
            c = OnnxTensors.read(t, "initializer");
            constants.put(tensor, c);
        }
        return c;
    }

    private Constant constantInput(Onnx.NodeProto n, int i) {
        if (n.getInputCount() <= i || !isConstant(n.getInput(i))) {
            throw refuse(n, "input " + i + " is computed from the data; " + n.getOpType()
                    + " is supported only on constant shape values");
        }
        return constant(n.getInput(i));
    }

    /** A parameter tensor: an initializer (or constant) used by this node only. */
    private Constant weight(Onnx.NodeProto n, int i) {
        if (n.getInputCount() <= i || n.getInput(i).isEmpty()) {
            throw refuse(n, "has no input " + i);
        }
        String name = n.getInput(i);
        if (!isConstant(name)) {
            throw refuse(n, "input " + i + " '" + name + "' is computed, not stored; only stored weights");
        }
        claim(n, name);
        return constant(name);
    }

    private void claim(Onnx.NodeProto n, String name) {
        if (initializers.containsKey(name) && !usedInitializers.add(name)) {
            throw refuse(n, "shares the weight '" + name + "' with another node; shared weights are not supported");
        }
    }

    /** Input {@code i} as an activation of {@code rank} (-1: any), never a GlobalPool output other than flattened. */
    private Act act(Onnx.NodeProto n, int i, int rank) {
        String name = n.getInput(i);
        Act a = acts.get(name);
        if (a == null) {
            throw refuse(n, "input " + i + " '" + name + "' is a constant; only computed tensors");
        }
        boolean flattening = n.getOpType().equals("Flatten") || n.getOpType().equals("Reshape")
                || n.getOpType().equals("Shape") || n.getOpType().equals("Dropout")
                || n.getOpType().equals("Identity");
        if (a.shape().length != a.dl4j().length && !flattening) {
            throw refuse(n, "reads the output of a global pooling " + shapeText(a.shape())
                    + " unflattened; only Flatten/Reshape may follow a global pooling");
        }
        if (rank > 0 && a.rank() != rank) {
            throw refuse(n, "input '" + name + "' has rank " + a.rank() + " ([batch" + Arrays.stream(a.shape())
                    .mapToObj(s -> ", " + s).collect(Collectors.joining()) + "]); " + n.getOpType() + " needs rank "
                    + rank);
        }
        return a;
    }

    private int[] symmetricPads(Onnx.NodeProto n) {
        String autoPad = attrString(n, "auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
            throw refuse(n, "has auto_pad=" + autoPad + "; only explicit pads (NOTSET) or VALID");
        }
        long[] pads = attrInts(n, "pads");
        if (pads == null || autoPad.equals("VALID")) {
            return new int[] {0, 0};
        }
        if (pads.length != 4) {
            throw refuse(n, "has pads " + Arrays.toString(pads) + "; only 2D pads");
        }
        if (pads[0] != pads[2] || pads[1] != pads[3]) {
            throw refuse(n, "has asymmetric pads " + Arrays.toString(pads) + " ([top, left, bottom, right]);"
                    + " only symmetric padding is supported");
        }
        return new int[] {(int) pads[0], (int) pads[1]};
    }

    /** The output size along one axis; refuses a ceil_mode that changes it (DL4J pools with floor). */
    private long spatial(Onnx.NodeProto n, long size, int k, int s, int p, int d, boolean ceil) {
        long span = size + 2L * p - (long) d * (k - 1) - 1;
        if (span < 0) {
            throw refuse(n, "has a kernel larger than its padded input (" + size + " + 2*" + p + ")");
        }
        long floor = span / s + 1;
        if (ceil) {
            long up = (span + s - 1) / s + 1;
            // PyTorch and ONNX drop a last window that starts in the right padding
            if ((up - 1) * s >= size + p) {
                up--;
            }
            if (up != floor) {
                throw refuse(n, "has ceil_mode=1, which gives " + up + " outputs along an axis of " + size
                        + " where DL4J's pooling gives " + floor + "; use ceil_mode=False or a size it divides");
            }
        }
        return floor;
    }

    private static long attrInt(Onnx.NodeProto n, String name, long otherwise) {
        for (Onnx.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return otherwise;
    }

    /** A float attribute as the decimal it was written as (1e-5, not 9.99999974e-6). */
    private static double attrFloat(Onnx.NodeProto n, String name, double otherwise) {
        for (Onnx.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return Double.parseDouble(Float.toString(a.getF()));
            }
        }
        return otherwise;
    }

    private static long[] attrInts(Onnx.NodeProto n, String name) {
        for (Onnx.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        return null;
    }

    private static String attrString(Onnx.NodeProto n, String name, String otherwise) {
        for (Onnx.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getS().toStringUtf8();
            }
        }
        return otherwise;
    }

    private static int[] ints(Onnx.NodeProto n, String name, int... otherwise) {
        long[] v = attrInts(n, name);
        if (v == null) {
            return otherwise;
        }
        if (v.length != otherwise.length) {
            throw refuse(n, "has " + name + " " + Arrays.toString(v) + "; only 2D");
        }
        return Arrays.stream(v).mapToInt(Math::toIntExact).toArray();
    }

    private static ModelImportException refuse(Onnx.NodeProto n, String what) {
        return new ModelImportException("ONNX node '" + n.getName() + "' (" + n.getOpType() + ") " + what);
    }

    private static String shapeText(long[] shape) {
        return Arrays.toString(shape);
    }
}

package org.landscape4j.engine.internal.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution1D;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Convolution2D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.internal.NetworkEvaluator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * A network compiled once per landscape into an ordered list of {@link Step}s on ND4J's native ops, ending in one
 * {@link OutputHead} per network output. Every activation lives in a numbered slot; a {@link PlanWorker} allocates the
 * slots' buffers once (sized for the largest batch) and binds the steps to its own network copy, whose parameter
 * vector the steps read through views.
 *
 * <p>Compiling reads the layer configurations and the activation shapes of DL4J's own forward pass on a probe of the
 * evaluation data, then runs the plan on that probe and compares every step's output and the loss with DL4J's. A
 * network with a layer or vertex the plan has no step for, or whose plan disagrees with DL4J on the probe, is not
 * planned: {@link #unsupportedReason()} names the layer, and the engine uses DL4J's own forward pass.
 *
 * <p><b>Layout.</b> A plan with a 2D convolution keeps its images channels-last, {@code [n, h, w, c]} (the features
 * are permuted once per worker, and a flattening copies through a permuted view): oneDNN, which runs ND4J's
 * convolutions, computes in a channels-last or blocked layout and reorders DL4J's channels-first arrays in and out of
 * every call. Measured on 2 cores, 500 images, one call each, the same bits out: a 3x3 convolution 16→32 on 28x28
 * took 55 ms channels-first and 33 ms channels-last, 3→16 on 32x32 12 and 6 ms, 64→64 on 8x8 15 and 11 ms. A plan
 * keeps DL4J's layout when a step cannot work channels-last (a softmax over channels, a reshape between images).
 */
public final class InferencePlan {

    /** Relative agreement with DL4J's forward pass required on the probe (float rounding is far below it). */
    private static final double PROBE_TOLERANCE = 1e-3;

    private final List<Step> steps;
    private final List<OutputHead> heads;
    private final long[][] slotShapes;
    private final int inputs;
    private final DataType dataType;
    private final String unsupported;
    /** Whether image slots (rank 4 with the examples) hold {@code [n, h, w, c]}; see the class's "Layout". */
    private final boolean channelsLast;

    private InferencePlan(List<Step> steps, List<OutputHead> heads, long[][] slotShapes, int inputs,
                          DataType dataType, String unsupported, boolean channelsLast) {
        this.steps = steps;
        this.heads = heads;
        this.slotShapes = slotShapes;
        this.inputs = inputs;
        this.dataType = dataType;
        this.unsupported = unsupported;
        this.channelsLast = channelsLast;
    }

    private static InferencePlan unsupported(String reason) {
        return new InferencePlan(List.of(), List.of(), new long[0][], 0, null, reason, false);
    }

    /**
     * Compiles {@code prototype} (only read) for data shaped like {@code probe}, whose first examples are used to
     * check the plan against DL4J's forward pass.
     */
    public static InferencePlan compile(Model prototype, Batch probe) {
        return compile(prototype, probe, true);
    }

    /**
     * {@link #compile(Model, Batch)}, with images channels-last when {@code channelsLast} and the plan can (tests
     * compare both layouts).
     */
    static InferencePlan compile(Model prototype, Batch probe, boolean channelsLast) {
        Batch small = probe.size() <= 2 ? probe : probe.head(2);
        Model copy = NetworkEvaluator.copyOf(prototype);
        InferencePlan plan;
        Map<Integer, INDArray> expected = new HashMap<>();
        try {
            Builder b = new Builder(small, expected);
            if (copy instanceof MultiLayerNetwork net) {
                b.network(net);
            } else {
                b.graph((ComputationGraph) copy);
            }
            if (b.unsupported != null) {
                return unsupported(b.unsupported);
            }
            plan = new InferencePlan(List.copyOf(b.steps), List.copyOf(b.heads), b.shapes.toArray(long[][]::new),
                    small.features().length, copy.params().dataType(), null, false).foldBatchNorm();
            if (channelsLast) {
                plan = plan.channelsLast();
            }
            plan = plan.fuseRelu();
        } catch (RuntimeException e) {
            return unsupported("the network could not be planned (" + e + ")");
        }
        String disagreement = plan.check(prototype, small, expected);
        return disagreement == null ? plan : unsupported(disagreement);
    }

    /**
     * This plan with every batch norm that only a convolution without activation feeds folded into that convolution
     * ({@link FusedConvolutionStep}). A first layer folded this way is no longer factorized: measured on the VGG-like
     * bench network, the folded first convolution costs less per point than combining its products and then running
     * the batch norm on them.
     */
    private InferencePlan foldBatchNorm() {
        List<Step> folded = new ArrayList<>(steps);
        for (int i = 0; i < folded.size(); i++) {
            if (!(folded.get(i) instanceof BatchNormStep bn)) {
                continue;
            }
            for (int j = 0; j < i; j++) {
                if (folded.get(j) instanceof ConvolutionStep conv && conv.output == bn.inputs[0]
                        && conv.foldsBatchNorm() && consumers(conv.output) == 1) {
                    folded.set(j, new FusedConvolutionStep(conv, bn));
                    folded.remove(i);
                    i--;
                    break;
                }
            }
        }
        return new InferencePlan(List.copyOf(folded), heads, slotShapes, inputs, dataType, null, false);
    }

    /**
     * This plan with its images channels-last (see the class's "Layout"), or this plan when it has no 2D convolution
     * on images or a step that cannot work channels-last.
     */
    private InferencePlan channelsLast() {
        boolean[] image = new boolean[slotShapes.length];
        for (int i = 0; i < image.length; i++) {
            image[i] = slotShapes[i].length == 3;
        }
        boolean convolves = steps.stream().anyMatch(s -> s.touches(image) && (s instanceof FusedConvolutionStep
                || s instanceof ConvolutionStep c && c.kind().equals("conv2d")));
        if (!convolves || heads.stream().anyMatch(h -> image[h.input])) {
            return this;
        }
        List<Step> converted = new ArrayList<>();
        for (Step s : steps) {
            Step c = s instanceof ViewStep v ? v.channelsLast(image, slotShapes) : s.channelsLast(image);
            if (c == null) {
                return this;
            }
            converted.add(c);
        }
        long[][] shapes = new long[slotShapes.length][];
        for (int i = 0; i < shapes.length; i++) {
            long[] s = slotShapes[i];
            shapes[i] = image[i] ? new long[] {s[1], s[2], s[0]} : s;
        }
        return new InferencePlan(List.copyOf(converted), heads, shapes, inputs, dataType, null, true);
    }

    /**
     * This plan with every ReLU layer that reads only the output of a convolution oneDNN runs (without its own
     * activation, batch norm folded or not) or of a two-input add fused into it: one step, the ReLU applied by oneDNN
     * as it writes the output (a post-op), the same bits. On the VGG-like network the separate ReLU passes were 5% of
     * a point; on ResNet-20, the add and the ReLU after it 9%.
     */
    private InferencePlan fuseRelu() {
        List<Step> fused = new ArrayList<>(steps);
        for (int i = 0; i < fused.size(); i++) {
            Step s = fused.get(i);
            boolean plain = s instanceof ConvolutionStep c && c.callsOneDnn(dataType) && c.foldsBatchNorm()
                    || s instanceof FusedConvolutionStep f && f.convolution().callsOneDnn(dataType) && !f.hasRelu()
                    || s instanceof ElementWiseStep e && e.fusesRelu();
            if (!plain || consumers(s.output) != 1) {
                continue;
            }
            for (int j = i + 1; j < fused.size(); j++) {
                if (fused.get(j) instanceof ActivationStep a && a.inputs[0] == s.output
                        && ConvolutionStep.isPlainRelu(a.activation())) {
                    fused.set(i, s instanceof ConvolutionStep c ? c.withRelu(a)
                            : s instanceof ElementWiseStep e ? e.withRelu(a) : ((FusedConvolutionStep) s).withRelu(a));
                    fused.remove(j);
                    break;
                }
            }
        }
        return new InferencePlan(List.copyOf(fused), heads, slotShapes, inputs, dataType, null, channelsLast);
    }

    /** The channels-last axis of a channels-first image axis ({@code n, c, h, w} → {@code n, h, w, c}). */
    static int channelsLastAxis(int channelsFirstAxis) {
        return switch (channelsFirstAxis) {
            case 0 -> 0;
            case 1 -> 3;
            case 2 -> 1;
            case 3 -> 2;
            default -> throw new IllegalArgumentException("axis " + channelsFirstAxis + " of an image");
        };
    }

    /** Whether the plan's images are channels-last ({@code [n, h, w, c]}). */
    boolean isChannelsLast() {
        return channelsLast;
    }

    /**
     * Why this plan's convolutions cannot run in bfloat16, or {@code null} when {@link #inBf16()} can make them: it
     * needs a supported plan with a 2D convolution that oneDNN runs directly (channels-last, {@link OneDnn} loaded)
     * and a CPU with AVX512-BF16 or AMX.
     */
    public String bf16UnavailableReason() {
        if (!isSupported()) {
            return "the network is not planned (" + unsupported + ")";
        }
        if (dataType != DataType.FLOAT) {
            return "the network computes in " + dataType + " (bfloat16 convolutions round a float network's)";
        }
        if (steps.stream().noneMatch(this::callsOneDnn)) {
            return OneDnn.available() ? "the network has no 2D convolution on channels-last images (bfloat16 applies"
                    + " to the convolutions only)" : OneDnn.unavailableReason();
        }
        return OneDnn.bf16UnavailableReason();
    }

    private boolean callsOneDnn(Step s) {
        return s instanceof ConvolutionStep c && c.callsOneDnn(dataType)
                || s instanceof FusedConvolutionStep f && f.convolution().callsOneDnn(dataType);
    }

    /**
     * This plan with its 2D convolutions in bfloat16: source and weights rounded to bfloat16, products accumulated in
     * float into float outputs; every other step as it is. Not checked against DL4J (the float plan was).
     *
     * @throws IllegalStateException with {@link #bf16UnavailableReason()} when it cannot
     */
    public InferencePlan inBf16() {
        String reason = bf16UnavailableReason();
        if (reason != null) {
            throw new IllegalStateException("bfloat16 convolutions cannot run: " + reason);
        }
        List<Step> converted = new ArrayList<>();
        for (Step s : steps) {
            converted.add(!callsOneDnn(s) ? s : s instanceof ConvolutionStep c ? c.inBf16()
                    : ((FusedConvolutionStep) s).inBf16());
        }
        return new InferencePlan(List.copyOf(converted), heads, slotShapes, inputs, dataType, null, channelsLast);
    }

    /**
     * The loss of each plan on {@code batch} at {@code model}'s parameters (the model is only read), e.g. a plan in
     * float and the same plan in bfloat16.
     */
    public static double[] losses(Model model, Batch batch, InferencePlan... plans) {
        double[] loss = new double[plans.length];
        Model copy = NetworkEvaluator.copyOf(model);
        try {
            for (int i = 0; i < plans.length; i++) {
                PlanWorker worker = plans[i].newWorker(copy, List.of(List.of(batch)), false, -1, null);
                try {
                    worker.pointChanged();
                    loss[i] = worker.run(0, 0, null).loss();
                } finally {
                    worker.close();
                }
            }
        } finally {
            if (copy.params().closeable()) {
                copy.params().close();
            }
        }
        return loss;
    }

    /** Whether the plan's convolutions compute in bfloat16 ({@link #inBf16()}). */
    public boolean isBf16() {
        return steps.stream().anyMatch(s -> s instanceof ConvolutionStep c && c.isBf16()
                || s instanceof FusedConvolutionStep f && f.convolution().isBf16());
    }

    /**
     * A network input in the plan's type and layout.
     *
     * @param array the input as the steps read it
     * @param copy  the array the conversion made, which the caller owns and closes, or {@code null} when
     *              {@code array} is (a view of) the caller's features
     */
    record Input(INDArray array, INDArray copy) {
    }

    /** {@code features} in the plan's type and layout (an image with one channel is re-viewed, not copied). */
    Input input(INDArray features) {
        INDArray f = features.dataType() == dataType ? features : features.castTo(dataType);
        INDArray copy = f == features ? null : f;
        if (!channelsLast || f.rank() != 4) {
            return new Input(f, copy);
        }
        INDArray same = f.size(1) == 1 ? Shape.newShapeNoCopy(f, new long[] {f.size(0), f.size(2), f.size(3), 1},
                false) : null;
        if (same != null) {
            return new Input(same, copy);
        }
        INDArray permuted = f.permute(0, 2, 3, 1).dup('c');
        if (copy != null) {
            copy.close();
        }
        return new Input(permuted, permuted);
    }

    /** Whether the plan can evaluate the network; otherwise DL4J's forward pass must. */
    public boolean isSupported() {
        return unsupported == null;
    }

    /** Why the network is not planned (naming the layer), or {@code null}. */
    public String unsupportedReason() {
        return unsupported;
    }

    List<Step> steps() {
        return steps;
    }

    List<OutputHead> heads() {
        return heads;
    }

    long[] slotShape(int slot) {
        return slotShapes[slot];
    }

    int slotCount() {
        return slotShapes.length;
    }

    int inputCount() {
        return inputs;
    }

    DataType dataType() {
        return dataType;
    }

    /**
     * The step whose pre-activation can be factorized ({@code X·W(θ) = Σ w_k X·W_k}): the first dense or 2D
     * convolution layer when it reads the network's only input (through views only) and nothing else reads that
     * input; {@code -1} otherwise.
     */
    public int factorizableStep() {
        if (inputs != 1) {
            return -1;
        }
        int slot = 0;
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            if (s.inputs.length != 1 || s.inputs[0] != slot) {
                return -1;
            }
            if (s.isView()) {
                slot = s.output;
                continue;
            }
            boolean linear = s instanceof DenseStep || s instanceof ConvolutionStep c && c.kind().startsWith("conv2d");
            return linear && consumers(slot) == 1 && consumers(0) == 1 ? i : -1;
        }
        return -1;
    }

    /** The name of the layer of a factorizable step. */
    public String stepLayerName(int step) {
        Step s = steps.get(step);
        return s instanceof DenseStep d ? d.layer().name() : ((ConvolutionStep) s).layer().name();
    }

    /**
     * A worker of this plan on {@code copy} (a network copy the worker owns) for a run over {@code batches}.
     *
     * @param needsOutput    whether metrics need the first output's activations
     * @param factorizedStep the step to replace by {@code products}, or -1
     */
    public PlanWorker newWorker(Model copy, List<List<Batch>> batches, boolean needsOutput, int factorizedStep,
                                FirstLayerProducts products) {
        return new PlanWorker(this, copy, batches, needsOutput, factorizedStep, products);
    }

    /** The layer a factorizable step comes from, for {@code evaluationPlan()}. */
    public String stepSource(int step) {
        return steps.get(step).source;
    }

    /** Bytes of one first-layer product for one example (the factorized step's output). */
    public long productBytesPerExample(int step) {
        long n = dataType.width();
        for (long d : slotShapes[steps.get(step).output]) {
            n *= d;
        }
        return n;
    }

    /**
     * The bytes of one worker's activation buffers for batches of up to {@code maxBatch} examples, run in row blocks
     * (an upper bound: an activation layer may share its input's buffer; kept output activations not counted).
     */
    public long activationBytes(long maxBatch) {
        maxBatch = Math.min(maxBatch, blockRows(PlanWorker.BLOCK_BYTES));
        long total = 0;
        for (Step s : steps) {
            if (!s.isView()) {
                long n = maxBatch * dataType.width();
                for (long d : slotShapes[s.output]) {
                    n *= d;
                }
                total += n;
            }
        }
        return total;
    }

    /** Examples per row block: the largest step's input plus output within {@code bytes}, at least 16. */
    long blockRows(long bytes) {
        long largest = 1;
        for (Step s : steps) {
            if (s.isView()) {
                continue;
            }
            long n = exampleBytes(s.output);
            for (int in : s.inputs) {
                n += exampleBytes(in);
            }
            largest = Math.max(largest, n);
        }
        return Math.max(16, bytes / largest);
    }

    private long exampleBytes(int slot) {
        long n = dataType.width();
        for (long d : slotShapes[slot]) {
            n *= d;
        }
        return n;
    }

    int consumers(int slot) {
        int n = 0;
        for (Step s : steps) {
            for (int in : s.inputs) {
                if (in == slot) {
                    n++;
                }
            }
        }
        for (OutputHead h : heads) {
            if (h.input == slot) {
                n++;
            }
        }
        return n;
    }

    /** Runs the plan on the probe and compares every recorded activation and the loss with DL4J's. */
    private String check(Model prototype, Batch probe, Map<Integer, INDArray> expected) {
        Model copy = NetworkEvaluator.copyOf(prototype);
        PlanWorker worker;
        NetworkEvaluator.Outputs got;
        try {
            worker = new PlanWorker(this, copy, List.of(List.of(probe)), true, -1, null);
            worker.pointChanged();
            got = worker.run(0, 0, null);
        } catch (RuntimeException e) {
            return "the inference plan failed on a probe of the data (" + e.getMessage() + ")";
        }
        for (Step s : steps) {
            INDArray want = expected.get(s.output);
            if (want == null || s.isView() || worker.isOverwritten(s.output)) {
                continue;
            }
            INDArray have = worker.slot(0, 0, s.output);
            if (channelsLast && slotShapes[s.output].length == 3) {
                have = have.permute(0, 3, 1, 2);
            }
            double diff = relativeDifference(want, have);
            if (!(diff <= PROBE_TOLERANCE)) {
                return s.source + " disagrees with DL4J's forward pass on a probe of the data (relative difference "
                        + String.format(Locale.ROOT, "%.2g", diff) + ")";
            }
        }
        double want = NetworkEvaluator.over(NetworkEvaluator.copyOf(prototype)).forwardLoss(probe);
        double diff = Math.abs(want - got.loss()) / Math.max(1e-6, Math.abs(want));
        // An unclipped softmax cross-entropy (PyTorch's CrossEntropyLoss) is log(0) in DL4J once a logit gap passes
        // exp's range; the plan's log-softmax stays exact there, and every activation up to the logits was checked.
        boolean dl4jUnderflows = !Double.isFinite(want) && Double.isFinite(got.loss())
                && heads.stream().allMatch(OutputHead::isSoftmaxCrossEntropy);
        if (!(diff <= PROBE_TOLERANCE) && !dl4jUnderflows) {
            return "the loss of the inference plan disagrees with DL4J's score on a probe of the data (" + got.loss()
                    + " vs " + want + ")";
        }
        return null;
    }

    private static double relativeDifference(INDArray want, INDArray have) {
        if (!Arrays.equals(want.shape(), have.shape())) {
            return Double.POSITIVE_INFINITY;
        }
        INDArray w = want.castTo(DataType.DOUBLE);
        INDArray h = have.castTo(DataType.DOUBLE);
        double scale = Math.max(1e-6, w.amaxNumber().doubleValue());
        return w.sub(h).amaxNumber().doubleValue() / scale;
    }

    @Override
    public String toString() {
        List<String> kinds = new ArrayList<>();
        for (Step s : steps) {
            if (!s.isView()) {
                kinds.add(s.kind());
            }
        }
        for (OutputHead h : heads) {
            kinds.add(h.kind());
        }
        String convolutions = steps.stream().noneMatch(this::callsOneDnn) ? ""
                : isBf16() ? ", convolutions by oneDNN in bfloat16" : ", convolutions by oneDNN";
        return kinds.size() + " steps (" + String.join(", ", kinds) + ")" + (channelsLast ? ", channels-last" : "")
                + convolutions;
    }

    /** Reads a network's structure into steps, slot shapes and the probe's expected activations. */
    private static final class Builder {
        final List<Step> steps = new ArrayList<>();
        final List<OutputHead> heads = new ArrayList<>();
        final List<long[]> shapes = new ArrayList<>();
        final Batch probe;
        final Map<Integer, INDArray> expected;
        final Map<Integer, INDArray> probeValues = new HashMap<>();
        String unsupported;

        Builder(Batch probe, Map<Integer, INDArray> expected) {
            this.probe = probe;
            this.expected = expected;
            for (INDArray f : probe.features()) {
                probeValues.put(newSlot(f), f);
            }
        }

        int newSlot(INDArray like) {
            shapes.add(Arrays.copyOfRange(like.shape(), 1, like.rank()));
            return shapes.size() - 1;
        }

        void network(MultiLayerNetwork net) {
            List<INDArray> acts = net.feedForward(probe.features()[0], false);
            int slot = 0;
            int n = net.getnLayers();
            for (int l = 0; l < n && unsupported == null; l++) {
                Layer conf = net.getLayer(l).conf().getLayer();
                String source = "layer " + l + " '" + conf.getLayerName() + "' (" + conf.getClass().getSimpleName()
                        + ")";
                slot = preprocess(net.getLayerWiseConfigurations().getInputPreProcess(l), slot, source);
                if (unsupported != null) {
                    return;
                }
                Step.LayerRef ref = new Step.LayerRef(l, conf.getLayerName());
                if (l == n - 1) {
                    head(conf, source, slot, 0, ref);
                } else {
                    slot = layer(conf, source, slot, ref, acts.get(l + 1));
                }
            }
        }

        void graph(ComputationGraph graph) {
            ComputationGraphConfiguration conf = graph.getConfiguration();
            Map<String, INDArray> acts = graph.feedForward(probe.features(), false, false);
            Map<String, Integer> slots = new HashMap<>();
            List<String> inputNames = conf.getNetworkInputs();
            for (int i = 0; i < inputNames.size(); i++) {
                slots.put(inputNames.get(i), i);
            }
            List<String> outputs = conf.getNetworkOutputs();
            for (int index : graph.topologicalSortOrder()) {
                if (unsupported != null) {
                    return;
                }
                String name = graph.getVertices()[index].getVertexName();
                if (slots.containsKey(name)) {
                    continue;
                }
                GraphVertex vertex = conf.getVertices().get(name);
                List<String> in = conf.getVertexInputs().get(name);
                int[] inSlots = in.stream().mapToInt(slots::get).toArray();
                if (vertex instanceof LayerVertex lv) {
                    Layer layer = lv.getLayerConf().getLayer();
                    String source = "vertex '" + name + "' (" + layer.getClass().getSimpleName() + ")";
                    if (inSlots.length != 1) {
                        unsupported = source + " has " + inSlots.length + " inputs";
                        return;
                    }
                    int slot = preprocess(lv.getPreProcessor(), inSlots[0], source);
                    if (unsupported != null) {
                        return;
                    }
                    Step.LayerRef ref = new Step.LayerRef(-1, name);
                    if (outputs.contains(name)) {
                        head(layer, source, slot, outputs.indexOf(name), ref);
                    } else {
                        slots.put(name, layer(layer, source, slot, ref, acts.get(name)));
                    }
                } else {
                    String source = "vertex '" + name + "' (" + vertex.getClass().getSimpleName() + ")";
                    if (outputs.contains(name)) {
                        unsupported = source + " is a network output without a loss layer";
                        return;
                    }
                    slots.put(name, vertex(vertex, source, inSlots, acts.get(name)));
                }
            }
            if (unsupported == null && heads.size() != outputs.size()) {
                unsupported = "the graph's outputs " + outputs + " are not all output layers";
            }
        }

        int vertex(GraphVertex vertex, String source, int[] in, INDArray act) {
            if (vertex instanceof ElementWiseVertex ew) {
                for (int s : in) {
                    if (!Arrays.equals(shapes.get(s), shapes.get(in[0]))) {
                        return refuse(source + " broadcasts inputs of different shapes");
                    }
                }
                return add(new ElementWiseStep(source, in, slotFor(act), ew.getOp()), act);
            }
            if (vertex instanceof MergeVertex merge) {
                return add(new MergeStep(source, in, slotFor(act), merge.getMergeAxis()), act);
            }
            if (vertex instanceof PreprocessorVertex pv && in.length == 1) {
                return preprocess(pv.getPreProcessor(), in[0], source);
            }
            return refuse(source + " has no inference-plan step");
        }

        /** A preprocessor as a reshape view, when it is one (checked on the probe); the slot after it. */
        int preprocess(InputPreProcessor pre, int slot, String source) {
            if (pre == null) {
                return slot;
            }
            INDArray out = org.landscape4j.engine.internal.Preprocessors.asReshape(pre, probeValues.get(slot));
            if (out == null) {
                return refuse(source + ": input preprocessor " + pre.getClass().getSimpleName()
                        + " is not a plain reshape");
            }
            int next = newSlot(out);
            probeValues.put(next, out);
            steps.add(ViewStep.reshape(source + " preprocessor", slot, next,
                    Arrays.copyOfRange(out.shape(), 1, out.rank())));
            return next;
        }

        int layer(Layer conf, String source, int in, Step.LayerRef ref, INDArray act) {
            Class<?> type = conf.getClass();
            int rank = probeValues.get(in).rank();
            if (type == DenseLayer.class) {
                DenseLayer d = (DenseLayer) conf;
                if (d.hasLayerNorm()) {
                    return refuse(source + " uses layer normalization");
                }
                return add(new DenseStep(source, in, slotFor(act), ref, d.getActivationFn(), d.hasBias()), act);
            }
            if (type == ConvolutionLayer.class || type == Convolution2D.class) {
                ConvolutionLayer c = (ConvolutionLayer) conf;
                if (c.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
                    return refuse(source + " uses the NHWC format");
                }
                return add(ConvolutionStep.of(source, in, slotFor(act), ref, c), act);
            }
            if (type == Convolution1DLayer.class || type == Convolution1D.class) {
                Convolution1DLayer c = (Convolution1DLayer) conf;
                if (c.getRnnDataFormat() != RNNFormat.NCW) {
                    return refuse(source + " uses the NWC format");
                }
                return add(ConvolutionStep.of(source, in, slotFor(act), ref, c), act);
            }
            if (type == SubsamplingLayer.class || type == Subsampling1DLayer.class) {
                SubsamplingLayer s = (SubsamplingLayer) conf;
                PoolingStep step = s.getCnn2dDataFormat() == CNN2DFormat.NCHW
                        ? PoolingStep.of(source, in, slotFor(act), s) : null;
                return step == null ? refuse(source + " uses " + s.getPoolingType() + " pooling or NHWC")
                        : add(step, act);
            }
            if (type == BatchNormalization.class) {
                BatchNormalization bn = (BatchNormalization) conf;
                if (!(rank == 2 || rank == 4 && bn.getCnn2DFormat() == CNN2DFormat.NCHW)) {
                    return refuse(source + " normalizes rank-" + rank + " or NHWC activations");
                }
                return add(new BatchNormStep(source, in, slotFor(act), ref, bn, bn.isUseLogStd()), act);
            }
            if (type == DropoutLayer.class) {
                return identity(source, in, act);
            }
            if (type == ActivationLayer.class) {
                // DL4J's activation layer works in place on its input in inference: that activation is gone
                expected.remove(in);
                return add(new ActivationStep(source, in, slotFor(act), ((ActivationLayer) conf).getActivationFn()),
                        act);
            }
            if (type == GlobalPoolingLayer.class) {
                GlobalPoolingStep step = rank == 3 || rank == 4
                        ? GlobalPoolingStep.of(source, in, slotFor(act), (GlobalPoolingLayer) conf, rank) : null;
                return step == null ? refuse(source + " uses p-norm pooling or a rank-" + rank + " input")
                        : add(step, act);
            }
            if (type == ZeroPaddingLayer.class) {
                ZeroPaddingLayer z = (ZeroPaddingLayer) conf;
                return z.getDataFormat() == CNN2DFormat.NCHW
                        ? add(new ZeroPaddingStep(source, in, slotFor(act), z.getPadding()), act)
                        : refuse(source + " uses the NHWC format");
            }
            if (type == Upsampling2D.class) {
                Upsampling2D u = (Upsampling2D) conf;
                return u.getFormat() == CNN2DFormat.NCHW
                        ? add(new UpsamplingStep(source, in, slotFor(act), u.getSize()), act)
                        : refuse(source + " uses the NHWC format");
            }
            return refuse(source + " has no inference-plan step");
        }

        void head(Layer conf, String source, int in, int labels, Step.LayerRef ref) {
            if (conf.getClass() == OutputLayer.class) {
                OutputLayer o = (OutputLayer) conf;
                heads.add(new OutputHead(source, in, labels, ref, true, o.hasBias(), o.getActivationFn(),
                        o.getLossFn(), o.getNOut()));
            } else if (conf.getClass() == LossLayer.class && probeValues.get(in).rank() == 2) {
                LossLayer o = (LossLayer) conf;
                heads.add(new OutputHead(source, in, labels, ref, false, false, o.getActivationFn(), o.getLossFn(),
                        probeValues.get(in).size(1)));
            } else {
                refuse(source + " is an output layer the inference plan does not evaluate");
            }
        }

        int identity(String source, int in, INDArray act) {
            int out = slotFor(act);
            steps.add(ViewStep.identity(source, in, out));
            probeValues.put(out, act);
            return out;
        }

        int slotFor(INDArray act) {
            return newSlot(act);
        }

        int add(Step step, INDArray act) {
            steps.add(step);
            expected.put(step.output, act);
            probeValues.put(step.output, act);
            return step.output;
        }

        int refuse(String reason) {
            if (unsupported == null) {
                unsupported = reason;
            }
            return -1;
        }
    }
}

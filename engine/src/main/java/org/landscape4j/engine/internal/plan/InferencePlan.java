package org.landscape4j.engine.internal.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.graph.NetworkGraph;
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

    InferencePlan(List<Step> steps, List<OutputHead> heads, long[][] slotShapes, int inputs,
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
        Map<Integer, INDArray> expected;
        try {
            PlanBuilder b = new PlanBuilder(NetworkGraph.of(copy), small.features());
            if (b.unsupported() != null) {
                return unsupported(b.unsupported());
            }
            expected = b.expected();
            plan = new InferencePlan(List.copyOf(b.steps()), List.copyOf(b.heads), b.shapes().toArray(long[][]::new),
                    small.features().length, copy.params().dataType(), null, false);
            plan = PlanRewrites.foldBatchNorm(plan);
            if (channelsLast) {
                plan = PlanRewrites.channelsLast(plan);
            }
            plan = PlanRewrites.fuseRelu(plan);
        } catch (RuntimeException e) {
            return unsupported("the network could not be planned (" + e + ")");
        }
        String disagreement = plan.check(prototype, small, expected);
        return disagreement == null ? plan : unsupported(disagreement);
    }

    /** This plan with other steps (a rewrite's), in the same layout. */
    InferencePlan withSteps(List<Step> rewritten) {
        return new InferencePlan(List.copyOf(rewritten), heads, slotShapes, inputs, dataType, null, channelsLast);
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
        return withSteps(converted);
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

    long[][] slotShapes() {
        return slotShapes;
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
            boolean linear = s instanceof DenseStep
                    || s instanceof ConvolutionStep c && c.kind().startsWith("conv2d") && !c.isGrouped();
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
}

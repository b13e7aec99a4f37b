package org.landscape4j.engine.internal.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.internal.NetworkEvaluator;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One worker's instance of an {@link InferencePlan}: the steps bound to the worker's network copy (parameters are
 * views of its flat vector), and one buffer per slot allocated once.
 *
 * <p>Each batch runs through the whole plan in <em>row blocks</em>: as many examples as keep the largest step's input
 * and output within about {@value #BLOCK_BYTES} bytes, so every step works on data in cache instead of streaming
 * whole-batch tensors through memory. Measured on 2 cores with the oneDNN natives: a 3x3 convolution of 16 channels
 * on 2,000 28x28 images took 806 ms in one call and 67-85 ms in blocks of 64-500 images. The buffers are sized for one
 * block, and the arrays every step reads and writes for every block of every batch (views of the buffers, of the
 * batch's features, or reshapes of either) are made once, so running a batch allocates no activation memory. The
 * loss and accuracy of a batch are the blocks' values weighted by their rows.
 *
 * <p>With first-layer products ({@link FirstLayerProducts}) the factorized step does not run: its output is the
 * products' combination with the point's anchor weights, then its activation.
 */
public final class PlanWorker {

    /** Target bytes of the largest step's input plus output in one block. */
    static final long BLOCK_BYTES = 8L << 20;

    private final InferencePlan plan;
    private final List<Step> steps;
    private final Step.Kernel[] kernels;
    private final OutputHead.Bound[] heads;
    private final List<List<Batch>> batches;
    private final int factorized;
    private final IActivation factorizedActivation;
    private final boolean[] overwritten;
    private final List<INDArray> allocated = new ArrayList<>();
    private final long blockRows;
    /** [set][batch][block][slot]. */
    private final INDArray[][][][] slots;
    /** [set][batch][block][step][input]. */
    private final INDArray[][][][][] stepInputs;
    /** [set][batch][block][anchor]: the first-layer products' rows of each block. */
    private final INDArray[][][][] productBlocks;
    /** [set][batch][block][head]: the labels' rows of each block. */
    private final INDArray[][][][] labelBlocks;

    /**
     * @param copy        the worker's own network copy; the plan's kernels read its parameters
     * @param batches     per evaluation set, its batches
     * @param needsOutput whether the metrics need the output activations (custom metrics)
     * @param factorized  the index of the factorized step, or -1
     * @param products    the first-layer products when {@code factorized >= 0}
     */
    PlanWorker(InferencePlan plan, Model copy, List<List<Batch>> batches, boolean needsOutput, int factorized,
               FirstLayerProducts products) {
        this.plan = plan;
        this.steps = plan.steps();
        this.batches = batches;
        this.factorized = factorized;
        long maxBatch = batches.stream().flatMap(List::stream).mapToLong(Batch::size).max().orElse(1);
        this.blockRows = Math.min(maxBatch, plan.blockRows(BLOCK_BYTES));
        kernels = new Step.Kernel[steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            kernels[i] = i == factorized ? null : steps.get(i).bind(copy);
        }
        factorizedActivation = factorized < 0 ? null : activationOf(steps.get(factorized));
        heads = new OutputHead.Bound[plan.heads().size()];
        for (int h = 0; h < heads.length; h++) {
            heads[h] = plan.heads().get(h).bind(copy, batches, blockRows, maxBatch, needsOutput && h == 0,
                    plan.dataType());
        }
        overwritten = new boolean[plan.slotCount()];
        INDArray[] buffers = allocate(blockRows);
        int sets = batches.size();
        slots = new INDArray[sets][][][];
        stepInputs = new INDArray[sets][][][][];
        productBlocks = new INDArray[sets][][][];
        labelBlocks = new INDArray[sets][][][];
        for (int s = 0; s < sets; s++) {
            int count = batches.get(s).size();
            slots[s] = new INDArray[count][][];
            stepInputs[s] = new INDArray[count][][][];
            productBlocks[s] = new INDArray[count][][];
            labelBlocks[s] = new INDArray[count][][];
            for (int b = 0; b < count; b++) {
                Batch batch = batches.get(s).get(b);
                INDArray[] features = new INDArray[plan.inputCount()];
                for (int i = 0; i < features.length; i++) {
                    InferencePlan.Input input = plan.input(batch.features()[i]);
                    features[i] = input.array();
                    if (input.copy() != null) {
                        allocated.add(input.copy());
                    }
                }
                int blocks = (int) ((batch.size() + blockRows - 1) / blockRows);
                slots[s][b] = new INDArray[blocks][];
                stepInputs[s][b] = new INDArray[blocks][][];
                productBlocks[s][b] = new INDArray[blocks][];
                labelBlocks[s][b] = new INDArray[blocks][];
                for (int k = 0; k < blocks; k++) {
                    long from = k * blockRows;
                    long to = Math.min(batch.size(), from + blockRows);
                    slots[s][b][k] = arrays(features, from, to, buffers);
                    stepInputs[s][b][k] = inputsOf(slots[s][b][k]);
                    if (products != null) {
                        INDArray[] p = products.get(s, b);
                        productBlocks[s][b][k] = new INDArray[p.length];
                        for (int a = 0; a < p.length; a++) {
                            productBlocks[s][b][k][a] = rows(p[a], from, to);
                        }
                    }
                    labelBlocks[s][b][k] = new INDArray[heads.length];
                    for (int h = 0; h < heads.length; h++) {
                        labelBlocks[s][b][k][h] = rows(batch.labels()[plan.heads().get(h).labels], from, to);
                    }
                }
            }
        }
    }

    private static IActivation activationOf(Step step) {
        return step instanceof DenseStep d ? d.activation() : ((ConvolutionStep) step).activation();
    }

    /**
     * One buffer per computed slot, for {@code rows} examples; an activation step whose input is read by nothing
     * else and fully rewritten by its producer runs in place on that input's buffer.
     */
    private INDArray[] allocate(long rows) {
        INDArray[] buffers = new INDArray[plan.slotCount()];
        for (Step s : steps) {
            if (s.isView()) {
                continue;
            }
            int in = s.inputs[0];
            if (s instanceof ActivationStep && buffers[in] != null && plan.consumers(in) == 1
                    && producer(in) != null && producer(in).overwritesOutput()) {
                buffers[s.output] = buffers[in];
                overwritten[in] = true;
                continue;
            }
            long[] shape = plan.slotShape(s.output);
            long[] full = new long[shape.length + 1];
            full[0] = rows;
            System.arraycopy(shape, 0, full, 1, shape.length);
            buffers[s.output] = Nd4j.create(plan.dataType(), full);
            allocated.add(buffers[s.output]);
        }
        return buffers;
    }

    private Step producer(int slot) {
        for (Step s : steps) {
            if (s.output == slot && !s.isView()) {
                return s;
            }
        }
        return null;
    }

    /** The arrays of every slot for rows {@code [from, to)} of one batch, whose inputs are {@code features}. */
    private INDArray[] arrays(INDArray[] features, long from, long to, INDArray[] buffers) {
        INDArray[] a = new INDArray[plan.slotCount()];
        for (int i = 0; i < features.length; i++) {
            a[i] = rows(features[i], from, to);
        }
        for (Step s : steps) {
            a[s.output] = s.isView() ? s.view(a[s.inputs[0]], to - from) : rows(buffers[s.output], 0, to - from);
        }
        return a;
    }

    private INDArray[][] inputsOf(INDArray[] a) {
        INDArray[][] in = new INDArray[steps.size()][];
        for (int i = 0; i < steps.size(); i++) {
            int[] slotsIn = steps.get(i).inputs;
            in[i] = new INDArray[slotsIn.length];
            for (int k = 0; k < slotsIn.length; k++) {
                in[i][k] = a[slotsIn[k]];
            }
        }
        return in;
    }

    /** Rows {@code [from, to)} of {@code a} as a view ({@code a} itself when that is all of it). */
    static INDArray rows(INDArray a, long from, long to) {
        if (from == 0 && to == a.size(0)) {
            return a;
        }
        INDArrayIndex[] index = new INDArrayIndex[a.rank()];
        index[0] = NDArrayIndex.interval(from, to);
        for (int d = 1; d < index.length; d++) {
            index[d] = NDArrayIndex.all();
        }
        return a.get(index);
    }

    /**
     * Runs the plan on batch {@code batch} of set {@code set}; {@code w} are the point's anchor weights (used by the
     * factorized first step only).
     */
    public NetworkEvaluator.Outputs run(int set, int batch, double[] w) {
        return run(set, batch, w, null, null);
    }

    /** {@link #run}, timing the steps into {@code stepNanos} and calling {@code afterStep} when they are non-null. */
    private NetworkEvaluator.Outputs run(int set, int batch, double[] w, long[] stepNanos, IntConsumer afterStep) {
        Batch data = batches.get(set).get(batch);
        INDArray[][] blocks = slots[set][batch];
        double loss = 0;
        double accuracy = 0;
        for (int k = 0; k < blocks.length; k++) {
            INDArray[] a = blocks[k];
            INDArray[][] in = stepInputs[set][batch][k];
            for (int i = 0; i < kernels.length; i++) {
                Step step = steps.get(i);
                if (step.isView()) {
                    continue;
                }
                long t0 = stepNanos == null ? 0 : System.nanoTime();
                if (i == factorized) {
                    INDArray z = a[step.output];
                    FirstLayerProducts.combine(z, productBlocks[set][batch][k], w);
                    Activations.applyInPlace(factorizedActivation, z);
                } else {
                    try {
                        kernels[i].run(in[i], a[step.output]);
                    } catch (RuntimeException e) {
                        throw new IllegalStateException(step.source + ": " + e.getMessage(), e);
                    }
                }
                if (stepNanos != null) {
                    stepNanos[i] += System.nanoTime() - t0;
                }
                if (afterStep != null) {
                    afterStep.accept(i);
                }
            }
            long t0 = stepNanos == null ? 0 : System.nanoTime();
            long from = k * blockRows;
            double weight = (double) a[0].size(0) / data.size();
            for (int h = 0; h < heads.length; h++) {
                double[] la = heads[h].run(a[plan.heads().get(h).input], set, batch, from,
                        labelBlocks[set][batch][k][h]);
                loss += la[0] * weight;
                if (h == 0) {
                    accuracy += la[1] * weight;
                }
            }
            if (stepNanos != null) {
                stepNanos[kernels.length] += System.nanoTime() - t0;
            }
            if (afterStep != null) {
                afterStep.accept(kernels.length);
            }
        }
        return new NetworkEvaluator.Outputs(loss, accuracy, heads[0].output(data.size()));
    }

    /**
     * The time one step of the plan took in {@link #profile}.
     *
     * @param step   the step's index in the plan; the number of steps for the output heads
     * @param kind   the step's kind, as {@link InferencePlan#toString()} names it ({@code "conv2d+batchnorm"},
     *               {@code "activation"}, ...); {@code "output + loss"} for the output heads; a factorized first
     *               step's kind ends in {@code " (factorized)"}
     * @param source the layers the step comes from ({@code "layer 2 'c2' (ConvolutionLayer)"})
     * @param nanos  wall time over all the batch's row blocks, ND4J's op dispatch included
     */
    public record StepTime(int step, String kind, String source, long nanos) {
    }

    /**
     * Runs batch {@code batch} of set {@code set} like {@link #run}, timing every step that does work over all its
     * row blocks, and the output heads; for the benchmark's per-step profile. Timing is off in {@link #run}: the
     * clock is read only here.
     */
    public List<StepTime> profile(int set, int batch, double[] w) {
        return profile(set, batch, w, null);
    }

    /**
     * {@link #profile(int, int, double[])}, calling {@code afterStep} with the step's index ({@link StepTime#step()})
     * each time a step has run on a row block, e.g. to mark a native library's own trace between steps.
     */
    public List<StepTime> profile(int set, int batch, double[] w, IntConsumer afterStep) {
        long[] nanos = new long[kernels.length + 1];
        run(set, batch, w, nanos, afterStep);
        List<StepTime> times = new ArrayList<>();
        for (int i = 0; i < kernels.length; i++) {
            Step step = steps.get(i);
            if (!step.isView()) {
                times.add(new StepTime(i, i == factorized ? step.kind() + " (factorized)" : step.kind(),
                        step.source, nanos[i]));
            }
        }
        times.add(new StepTime(kernels.length, "output + loss", plan.heads().get(0).source, nanos[kernels.length]));
        return times;
    }

    /**
     * Frees the buffers this worker and its output heads allocated, its features' copies in the plan's type or layout
     * included, and the kernels' native objects (oneDNN's primitives); not the shared first-layer products, not the
     * kernels' per-point derived arrays, which the kernels hold until the worker is collected. The worker is unusable
     * after. Call it only when no thread runs this worker any more.
     */
    public void close() {
        for (Step.Kernel k : kernels) {
            if (k != null) {
                k.close();
            }
        }
        allocated.forEach(PlanWorker::close);
        allocated.clear();
        for (OutputHead.Bound h : heads) {
            h.close();
        }
    }

    static void close(INDArray a) {
        if (a != null && a.closeable()) {
            a.close();
        }
    }

    /** Tells the steps that the parameters moved (a new point): call before the point's first batch. */
    public void pointChanged() {
        for (Step.Kernel k : kernels) {
            if (k != null) {
                k.prepare();
            }
        }
    }

    /** Examples per row block of this worker. */
    public long blockRows() {
        return blockRows;
    }

    /** Whether a later step runs in place on {@code slot}'s buffer, so it no longer holds that slot's values. */
    boolean isOverwritten(int slot) {
        return overwritten[slot];
    }

    /** The array of {@code slot} for the first block of a batch, after {@link #run}. */
    INDArray slot(int set, int batch, int slot) {
        return slots[set][batch][0][slot];
    }
}

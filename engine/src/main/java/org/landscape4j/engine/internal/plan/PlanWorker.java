package org.landscape4j.engine.internal.plan;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.internal.NetworkEvaluator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One worker's instance of an {@link InferencePlan}: the steps bound to the worker's network copy (parameters are
 * views of its flat vector), one buffer per slot allocated once for the largest batch, and for every batch of the run
 * the arrays each step reads and writes (views of those buffers, of the batch's features, or reshapes of either),
 * so running a batch allocates no activation memory.
 *
 * <p>With first-layer products ({@link FirstLayerProducts}) the factorized step does not run: its output is the
 * products' combination with the point's anchor weights, then its activation.
 */
public final class PlanWorker {

    private final InferencePlan plan;
    private final List<Step> steps;
    private final Step.Kernel[] kernels;
    private final OutputHead.Bound[] heads;
    private final INDArray[][][] slots;
    private final INDArray[][][][] stepInputs;
    private final List<List<Batch>> batches;
    private final int factorized;
    private final FirstLayerProducts products;
    private final org.nd4j.linalg.activations.IActivation factorizedActivation;
    private final boolean[] overwritten;

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
        this.products = products;
        long maxBatch = batches.stream().flatMap(List::stream).mapToLong(Batch::size).max().orElse(1);
        kernels = new Step.Kernel[steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            kernels[i] = i == factorized ? null : steps.get(i).bind(copy);
        }
        factorizedActivation = factorized < 0 ? null : activationOf(steps.get(factorized));
        heads = new OutputHead.Bound[plan.heads().size()];
        for (int h = 0; h < heads.length; h++) {
            heads[h] = plan.heads().get(h).bind(copy, batches, maxBatch, needsOutput && h == 0, plan.dataType());
        }
        overwritten = new boolean[plan.slotCount()];
        INDArray[] buffers = allocate(maxBatch);
        slots = new INDArray[batches.size()][][];
        stepInputs = new INDArray[batches.size()][][][];
        for (int s = 0; s < batches.size(); s++) {
            int count = batches.get(s).size();
            slots[s] = new INDArray[count][];
            stepInputs[s] = new INDArray[count][][];
            for (int b = 0; b < count; b++) {
                slots[s][b] = arrays(batches.get(s).get(b), buffers);
                stepInputs[s][b] = new INDArray[steps.size()][];
                for (int i = 0; i < steps.size(); i++) {
                    int[] in = steps.get(i).inputs;
                    stepInputs[s][b][i] = new INDArray[in.length];
                    for (int k = 0; k < in.length; k++) {
                        stepInputs[s][b][i][k] = slots[s][b][in[k]];
                    }
                }
            }
        }
    }

    private static org.nd4j.linalg.activations.IActivation activationOf(Step step) {
        return step instanceof DenseStep d ? d.activation() : ((ConvolutionStep) step).activation();
    }

    /**
     * One buffer per computed slot, for {@code maxBatch} examples; an activation step whose input is read by nothing
     * else and fully rewritten by its producer runs in place on that input's buffer.
     */
    private INDArray[] allocate(long maxBatch) {
        int count = plan.slotCount();
        INDArray[] buffers = new INDArray[count];
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
            full[0] = maxBatch;
            System.arraycopy(shape, 0, full, 1, shape.length);
            buffers[s.output] = Nd4j.create(plan.dataType(), full);
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

    /** The arrays of every slot for one batch. */
    private INDArray[] arrays(Batch batch, INDArray[] buffers) {
        INDArray[] a = new INDArray[plan.slotCount()];
        long n = batch.size();
        for (int i = 0; i < plan.inputCount(); i++) {
            INDArray f = batch.features()[i];
            a[i] = f.dataType() == plan.dataType() ? f : f.castTo(plan.dataType());
        }
        for (Step s : steps) {
            a[s.output] = s.isView() ? s.view(a[s.inputs[0]], n) : rows(buffers[s.output], n);
        }
        return a;
    }

    private static INDArray rows(INDArray buffer, long n) {
        if (buffer.size(0) == n) {
            return buffer;
        }
        INDArrayIndex[] index = new INDArrayIndex[buffer.rank()];
        index[0] = NDArrayIndex.interval(0, n);
        for (int d = 1; d < index.length; d++) {
            index[d] = NDArrayIndex.all();
        }
        return buffer.get(index);
    }

    /**
     * Runs the plan on batch {@code batch} of set {@code set}; {@code w} are the point's anchor weights (used by the
     * factorized first step only).
     */
    public NetworkEvaluator.Outputs run(int set, int batch, double[] w) {
        INDArray[] a = slots[set][batch];
        INDArray[][] in = stepInputs[set][batch];
        for (int i = 0; i < kernels.length; i++) {
            if (i == factorized) {
                INDArray z = a[steps.get(i).output];
                products.combine(z, set, batch, w);
                Activations.applyInPlace(factorizedActivation, z);
            } else if (kernels[i] != null && !steps.get(i).isView()) {
                try {
                    kernels[i].run(in[i], a[steps.get(i).output]);
                } catch (RuntimeException e) {
                    throw new IllegalStateException(steps.get(i).source + ": " + e.getMessage(), e);
                }
            }
        }
        Batch data = batches.get(set).get(batch);
        NetworkEvaluator.Outputs first = null;
        double loss = 0;
        for (int h = 0; h < heads.length; h++) {
            NetworkEvaluator.Outputs o = heads[h].run(a[plan.heads().get(h).input], set, batch, data);
            loss += o.loss();
            if (h == 0) {
                first = o;
            }
        }
        return heads.length == 1 ? first : new NetworkEvaluator.Outputs(loss, first.accuracy(), first.output());
    }

    /**
     * Runs batch {@code batch} of set {@code set} like {@link #run}, timing every step; returns one line per step
     * that does work ({@code "conv2d  layer 2 'c2' (ConvolutionLayer)  12.3 ms"}) and one for the output heads. For the
     * benchmark's per-step table; timings include ND4J's op dispatch.
     */
    public List<String> profile(int set, int batch, double[] w) {
        List<String> lines = new ArrayList<>();
        INDArray[] a = slots[set][batch];
        INDArray[][] in = stepInputs[set][batch];
        for (int i = 0; i < kernels.length; i++) {
            Step step = steps.get(i);
            if (step.isView()) {
                continue;
            }
            long t0 = System.nanoTime();
            if (i == factorized) {
                products.combine(a[step.output], set, batch, w);
                Activations.applyInPlace(factorizedActivation, a[step.output]);
            } else {
                kernels[i].run(in[i], a[step.output]);
            }
            lines.add(String.format(java.util.Locale.ROOT, "%-14s %s  %.2f ms", i == factorized ? "factorized"
                    : step.kind(), step.source, (System.nanoTime() - t0) / 1e6));
        }
        long t0 = System.nanoTime();
        for (int h = 0; h < heads.length; h++) {
            heads[h].run(a[plan.heads().get(h).input], set, batch, batches.get(set).get(batch));
        }
        lines.add(String.format(java.util.Locale.ROOT, "%-14s %s  %.2f ms", "output + loss",
                plan.heads().get(0).source, (System.nanoTime() - t0) / 1e6));
        return lines;
    }

    /** Whether a later step runs in place on {@code slot}'s buffer, so it no longer holds that slot's values. */
    boolean isOverwritten(int slot) {
        return overwritten[slot];
    }

    /** The array of {@code slot} for a batch, after {@link #run}. */
    INDArray slot(int set, int batch, int slot) {
        return slots[set][batch][slot];
    }

}

package org.landscape4j.engine.internal.plan;

import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.internal.NetworkEvaluator;
import org.nd4j.linalg.api.blas.Level1;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * First-layer factorization: the first dense or convolution layer is linear in its parameters, so at a point
 * {@code θ = Σ w_k v_k} its pre-activation is {@code Σ w_k (X·W_k + b_k)}. The products {@code X·W_k + b_k} are
 * computed once per run for every anchor {@code v_k}, evaluation set and batch, with the plan's own step, and shared
 * read-only by all workers; per point only their combination runs. They cost
 * {@code anchors × examples × (first layer's output per example) × 4 bytes} (float networks).
 */
public final class FirstLayerProducts {

    private final INDArray[][][] products;

    private FirstLayerProducts(INDArray[][][] products) {
        this.products = products;
    }

    /** The products of the plan's factorizable step {@code step} for every anchor, set and batch. */
    public static FirstLayerProducts compute(InferencePlan plan, int step, Model prototype, INDArray[] anchors,
                                             List<List<Batch>> batches) {
        Step s = plan.steps().get(step);
        Model scratch = NetworkEvaluator.copyOf(prototype);
        Step.Kernel kernel = s instanceof DenseStep d ? d.preActivation(scratch)
                : ((ConvolutionStep) s).preActivation(scratch);
        try {
            return new FirstLayerProducts(products(plan, step, kernel, scratch, anchors, batches));
        } finally {
            kernel.close();
        }
    }

    private static INDArray[][][] products(InferencePlan plan, int step, Step.Kernel kernel, Model scratch,
                                           INDArray[] anchors, List<List<Batch>> batches) {
        long[] shape = plan.slotShape(plan.steps().get(step).output);
        INDArray[][][] out = new INDArray[batches.size()][][];
        for (int set = 0; set < batches.size(); set++) {
            out[set] = new INDArray[batches.get(set).size()][anchors.length];
        }
        for (int k = 0; k < anchors.length; k++) {
            scratch.params().assign(anchors[k]);
            kernel.prepare();
            for (int set = 0; set < batches.size(); set++) {
                for (int b = 0; b < batches.get(set).size(); b++) {
                    Batch batch = batches.get(set).get(b);
                    InferencePlan.Input converted = plan.input(batch.features()[0]);
                    INDArray x = input(plan, step, converted.array(), batch.size());
                    long[] full = new long[shape.length + 1];
                    full[0] = batch.size();
                    System.arraycopy(shape, 0, full, 1, shape.length);
                    INDArray p = Nd4j.create(plan.dataType(), full);
                    kernel.run(new INDArray[] {x}, p);
                    out[set][b][k] = p;
                    if (converted.copy() != null) {
                        converted.copy().close();
                    }
                }
            }
        }
        return out;
    }

    /** The factorized step's input: the features {@code x} (the plan's type and layout) through the views before it. */
    private static INDArray input(InferencePlan plan, int step, INDArray x, long examples) {
        for (int i = 0; i < step; i++) {
            x = plan.steps().get(i).view(x, examples);
        }
        return x;
    }

    /** The products of every anchor for one batch. */
    INDArray[] get(int set, int batch) {
        return products[set][batch];
    }

    /** {@code target = Σ w_k sources[k]}, in place, no allocation. */
    public static void combine(INDArray target, INDArray[] sources, double[] w) {
        Level1 blas = Nd4j.getBlasWrapper().level1();
        target.assign(sources[0]);
        if (w[0] != 1.0) {
            target.muli(w[0]);
        }
        for (int k = 1; k < sources.length; k++) {
            if (w[k] != 0.0) {
                blas.axpy(target.length(), w[k], sources[k], target);
            }
        }
    }
}

package org.landscape4j.engine.internal.plan;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One operation of an {@link InferencePlan}: reads one or more slots, writes one slot. Steps are compiled once per
 * landscape and immutable; {@link #bind} makes the per-worker {@link Kernel}, whose parameters are views of that
 * worker's network copy, so a point only rewrites the copy's parameter vector and runs the kernels.
 */
abstract class Step {

    /** What a step comes from, for messages: {@code layer 2 'conv2' (ConvolutionLayer)}. */
    final String source;
    final int[] inputs;
    final int output;

    Step(String source, int[] inputs, int output) {
        this.source = source;
        this.inputs = inputs;
        this.output = output;
    }

    /** The kernel of this step for one worker, reading parameters from {@code copy} (the worker's network copy). */
    abstract Kernel bind(Model copy);

    /** Whether the output is a view of the first input (a reshape or an identity): no buffer and no work. */
    boolean isView() {
        return false;
    }

    /** The view this step's output is of {@code input}, with {@code examples} rows; only when {@link #isView()}. */
    INDArray view(INDArray input, long examples) {
        throw new UnsupportedOperationException(source + " is not a view");
    }

    /**
     * Whether every run writes the whole output buffer. A step that writes only part of it (zero padding writes the
     * interior and leaves the zero border) must not have its output modified in place by a consumer.
     */
    boolean overwritesOutput() {
        return true;
    }

    /**
     * This step computing on channels-last images: every slot {@code image} marks holds {@code [n, h, w, c]} instead
     * of DL4J's {@code [n, c, h, w]}. A step that touches no image slot is returned as it is; one that cannot work on
     * channels-last images returns {@code null}, and the plan stays channels-first ({@link InferencePlan}).
     */
    Step channelsLast(boolean[] image) {
        return touches(image) ? null : this;
    }

    /** Whether this step reads or writes an image slot. */
    final boolean touches(boolean[] image) {
        if (image[output]) {
            return true;
        }
        for (int in : inputs) {
            if (image[in]) {
                return true;
            }
        }
        return false;
    }

    /** A short name for {@link InferencePlan#toString()}. */
    abstract String kind();

    /** Runs a step for one worker: {@code out} is the output slot's array for the current block. */
    @FunctionalInterface
    interface Kernel {
        void run(INDArray[] in, INDArray out);

        /** Called once per point after the parameters moved, before the point's batches run. */
        default void prepare() {
        }

        /**
         * Frees what the kernel holds outside ND4J's arrays (oneDNN's primitives and memories); called once, when no
         * thread runs the kernel any more. The kernel is unusable after.
         */
        default void close() {
        }
    }

    /** A layer of a {@code MultiLayerNetwork} (by index) or of a {@code ComputationGraph} (by name). */
    record LayerRef(int index, String name) {
        Layer in(Model model) {
            return model instanceof MultiLayerNetwork net ? net.getLayer(index) : ((ComputationGraph) model).getLayer(name);
        }

        INDArray param(Model model, String key) {
            return in(model).paramTable().get(key);
        }
    }
}

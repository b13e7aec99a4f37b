package org.landscape4j.engine.device;

import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.graph.NetworkGraph;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.parameters.ParameterLayout;

/**
 * What a device back end compiles: the landscape's own model snapshot (only read), read once as a graph, its
 * parameter layout, the evaluation data in resident batches, and which values the points need.
 *
 * @param prototype the landscape's model snapshot; never written
 * @param graph     {@code prototype} read once (nodes in topological order)
 * @param layout    where each parameter tensor lies in the flat vector the anchors are shaped like
 * @param batches   per evaluation set, its batches (the engine's copies)
 * @param accuracy  the accuracy the metrics need
 * @param tf32      GEMMs and convolutions on the tensor cores in TF32 (the API's {@code Precision.TF32}) instead of
 *                  float; the back end states its error at the centre in its plan's description. (A flag, not the
 *                  API's enum: this package sits below the API and never reads it; the engine refuses the CPU's
 *                  {@code Precision.BF16} on a device before it asks.)
 * @param anchors   how many anchor vectors the workers get (the centre and the directions, or a curve's bends)
 * @param firstLayerMemory the most bytes the first layer's products may take on the device per worker (the API's
 *                  {@code Execution.firstLayerMemory}); 0 when first-layer factorization is off
 */
public record DeviceRequest(Model prototype, NetworkGraph graph, ParameterLayout layout, List<List<Batch>> batches,
                            Accuracy accuracy, boolean tf32, int anchors,
                            long firstLayerMemory) {

    /** The accuracy a point must report besides the loss. */
    public enum Accuracy {
        /** No accuracy metric: the loss only. */
        NONE,
        /** The fraction of examples whose arg-max output agrees with the arg-max label. */
        ARG_MAX,
        /** Per label at the 0.5 threshold (one output column, or {@code LossBinaryXENT}). */
        PER_LABEL
    }

    public DeviceRequest {
        if (prototype == null || graph == null || layout == null || batches == null || accuracy == null) {
            throw new IllegalArgumentException("a device request needs the model, its graph and layout, the batches"
                    + " and the accuracy kind");
        }
        if (anchors < 1 || firstLayerMemory < 0) {
            throw new IllegalArgumentException("a device request needs at least one anchor and a first-layer budget"
                    + " >= 0, was " + anchors + " and " + firstLayerMemory);
        }
        batches = List.copyOf(batches);
    }
}

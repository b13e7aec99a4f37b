package org.landscape4j.engine;

import java.util.List;

/**
 * Where a result came from: enough to recompute it or to notice it was computed on another model.
 *
 * @param directions       how the directions were made
 * @param seed             the directions' random seed
 * @param axes             the grid's axes
 * @param modelKind        {@code MultiLayerNetwork} or {@code ComputationGraph}
 * @param numParams        the model's parameter count
 * @param modelFingerprint SHA-256 of the model's parameter bits, first 16 hex digits
 * @param evaluationSets   the evaluation sets, with their sizes
 * @param backend          what computed the points: the ND4J backend and its device, e.g.
 *                         {@code "CPU (ND4J CpuBackend, oneDNN + OpenBLAS, 2 cores, AMD EPYC)"} or
 *                         {@code "CUDA (landscape4j-cuda, GPU 0 NVIDIA H200, compute capability 9.0, ...)"};
 *                         {@code "not recorded"} for results read back without it
 */
public record Provenance(String directions, long seed, List<Axis> axes, String modelKind, long numParams,
                         String modelFingerprint, List<String> evaluationSets, String backend) {

    /** What {@link #backend()} says when the result does not record it. */
    public static final String BACKEND_NOT_RECORDED = "not recorded";

    public Provenance {
        axes = List.copyOf(axes);
        evaluationSets = List.copyOf(evaluationSets);
        backend = backend == null || backend.isBlank() ? BACKEND_NOT_RECORDED : backend;
    }

    /** A provenance that does not record the backend (a result read back from a file, made by hand). */
    public Provenance(String directions, long seed, List<Axis> axes, String modelKind, long numParams,
                      String modelFingerprint, List<String> evaluationSets) {
        this(directions, seed, axes, modelKind, numParams, modelFingerprint, evaluationSets, BACKEND_NOT_RECORDED);
    }

    /** This provenance for another grid (a zoomed region, a line through the plane). */
    public Provenance withAxes(List<Axis> other) {
        return new Provenance(directions, seed, other, modelKind, numParams, modelFingerprint, evaluationSets);
    }

    /** This provenance for the profile along a line through the plane: its axis, and the line named. */
    public Provenance along(PlaneLine line) {
        return new Provenance(directions + ", " + line, seed, List.of(line.t()), modelKind, numParams,
                modelFingerprint, evaluationSets);
    }

    @Override
    public String toString() {
        return directions + ", seed " + seed + "; model " + modelKind + " (" + numParams + " parameters, fingerprint "
                + modelFingerprint + "); evaluated on " + String.join(", ", evaluationSets) + "; backend " + backend;
    }
}

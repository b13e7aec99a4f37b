package org.landscape4j.engine;

import java.util.List;
import java.util.Locale;

import org.landscape4j.engine.device.DevicePlan;
import org.landscape4j.engine.internal.plan.InferencePlan;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.engine.parameters.ParameterSegment;

/**
 * How a landscape's points are evaluated, chosen once per landscape: the compiled {@link InferencePlan} (with the first
 * layer factorized when it applies and its products fit the memory budget), DL4J's own forward pass when the plan
 * does not support the network or batch-norm statistics are recomputed at every point, or a device's plan
 * ({@link Backend#CUDA}: {@link DeviceCheck#compile}).
 *
 * @param plan             the plan, or {@code null} for DL4J's forward pass
 * @param factorizedStep   the plan step whose products are precomputed, or -1
 * @param factorizedStart  first flat-parameter index of the factorized layer (its parameters are not rewritten)
 * @param factorizedEnd    end (exclusive) of the factorized layer's parameters
 * @param description      what {@code Landscape.evaluationPlan()} says about it
 * @param device           the device's plan, or {@code null} on the CPU (then {@code plan} is {@code null})
 */
record EvaluationStrategy(InferencePlan plan, int factorizedStep, long factorizedStart, long factorizedEnd,
                                 String description, DevicePlan device) {

    /** A strategy on the CPU. */
    EvaluationStrategy(InferencePlan plan, int factorizedStep, long factorizedStart, long factorizedEnd,
                       String description) {
        this(plan, factorizedStep, factorizedStart, factorizedEnd, description, null);
    }

    /**
     * @param anchors   number of anchor vectors of a run (centre + directions, or a curve's bends)
     * @param examples  examples over all evaluation sets
     * @param maxBatch  the largest batch, for the activation buffers of each worker
     */
    public static EvaluationStrategy choose(InferencePlan plan, ParameterLayout layout, Execution execution,
                                            int anchors, long examples, long maxBatch, boolean batchNormRecompute) {
        if (batchNormRecompute) {
            return new EvaluationStrategy(null, -1, 0, 0,
                    "DL4J forward pass, batch-norm statistics recomputed per point");
        }
        if (!plan.isSupported()) {
            return new EvaluationStrategy(null, -1, 0, 0, "DL4J forward pass: " + plan.unsupportedReason());
        }
        String how = "inference plan, " + plan + ", activations " + megabytes(plan.activationBytes(maxBatch))
                + " per worker";
        int step = execution.factorizeFirstLayer() ? plan.factorizableStep() : -1;
        if (step < 0) {
            return new EvaluationStrategy(plan, -1, 0, 0, how);
        }
        long bytes = plan.productBytesPerExample(step) * examples * anchors;
        if (bytes > execution.firstLayerMemory()) {
            return new EvaluationStrategy(plan, -1, 0, 0, how + ", first layer computed per point: its products would"
                    + " take " + megabytes(bytes) + ", over the budget of " + megabytes(execution.firstLayerMemory())
                    + " (Execution.firstLayerMemory)");
        }
        List<ParameterSegment> segments = layout.segments().stream()
                .filter(s -> s.layerName().equals(plan.stepLayerName(step))).toList();
        long start = segments.stream().mapToLong(ParameterSegment::offset).min().orElse(0);
        long end = segments.stream().mapToLong(s -> s.offset() + s.length()).max().orElse(0);
        return new EvaluationStrategy(plan, step, start, end, how + ", first layer factorized ("
                + plan.stepSource(step) + ", products " + megabytes(bytes) + ")");
    }

    private static String megabytes(long bytes) {
        return bytes < 1_000_000 ? String.format(Locale.ROOT, "%d kB", (bytes + 999) / 1000)
                : String.format(Locale.ROOT, "%.0f MB", bytes / 1e6);
    }
}

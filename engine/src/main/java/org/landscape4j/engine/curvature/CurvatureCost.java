package org.landscape4j.engine.curvature;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.geometry.HessianProducts;
import org.landscape4j.engine.parameters.ParameterRole;
import org.nd4j.linalg.dataset.DataSet;

/**
 * What the per-point curvature metrics cost, for {@code Landscape.evaluationPlan()}: the Hessian-vector products per
 * point and evaluation set, how they are computed, and the time of one product against one forward pass, measured on
 * the evaluation data when asked.
 */
public final class CurvatureCost {

    /** Examples the measurement uses at most: one block of the exact products. */
    private static final int MEASURED_EXAMPLES = 256;

    private CurvatureCost() {
    }

    /**
     * For example {@code "curvature: up to 28 Hessian-vector products per point and set (up to 8 Lanczos steps for
     * lambda_min and lambda_max, fewer once both are converged to 1e-06; 20 Rademacher probes for hessian_trace),
     * each exact (R-operator over dense, tanh, dense, softmax-cross-entropy), one product measured 3.2x one inference
     * forward pass of the same 24 examples"}. The measurement compiles the products for the first examples of
     * {@code batch} (at most 256) on a double-precision copy of {@code model} and times one product and one DL4J
     * inference forward pass with the loss, the fastest of three each after one warm-up: a few products' time.
     *
     * @param model       the architecture; only read
     * @param batch       one batch of the evaluation data, not empty
     * @param extremes    the options of {@code lambda_min}/{@code lambda_max}, or {@code null} without them
     * @param traceProbes the probes of {@code hessian_trace}, or 0 without it
     * @throws IllegalArgumentException if there is neither
     */
    public static String describe(Model model, DataSet batch, Hessian.Options extremes, int traceProbes) {
        if (extremes == null && traceProbes == 0) {
            throw new IllegalArgumentException("no curvature metric: no extremes' options and no trace probes");
        }
        List<String> parts = new ArrayList<>();
        int products = 0;
        if (extremes != null) {
            products += extremes.maxLanczosSteps();
            parts.add(String.format(Locale.ROOT, "up to %d Lanczos steps for lambda_min and lambda_max, fewer once"
                    + " both are converged to %.1g", extremes.maxLanczosSteps(), extremes.tolerance()));
        }
        if (traceProbes > 0) {
            products += traceProbes;
            parts.add(traceProbes + " Rademacher probes for hessian_trace");
        }
        DataSet head = batch.numExamples() <= MEASURED_EXAMPLES ? batch
                : (DataSet) batch.getRange(0, MEASURED_EXAMPLES);
        try (HessianProducts hessian = HessianProducts.of(model, List.of(head),
                EnumSet.of(ParameterRole.BATCHNORM_RUNNING_STATISTIC))) {
            String how = hessian.isExact()
                    ? "each exact " + hessian.method().replaceFirst("^exact Hessian-vector products ", "")
                    : "each two DL4J gradients, " + hessian.method();
            return String.format(Locale.ROOT, "curvature: %s%d Hessian-vector products per point and set (%s), %s, one"
                    + " product measured %.1fx one inference forward pass of the same %d examples",
                    extremes != null ? "up to " : "", products, String.join("; ", parts), how, ratio(hessian),
                    head.numExamples());
        }
    }

    /** Time of one product over time of one inference forward pass with the loss, the fastest of three each. */
    private static double ratio(HessianProducts hessian) {
        double[] theta = hessian.point();
        double[] v = new double[theta.length];
        Random random = new Random(1);
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextGaussian();
        }
        double eps = hessian.fallbackStep(Hessian.Options.DEFAULT.relativeStep());
        long forward = Long.MAX_VALUE;
        long product = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            long t0 = System.nanoTime();
            hessian.loss(theta);
            long t1 = System.nanoTime();
            hessian.times(v, eps);
            long t2 = System.nanoTime();
            if (i > 0) {
                forward = Math.min(forward, t1 - t0);
                product = Math.min(product, t2 - t1);
            }
        }
        return (double) product / Math.max(1, forward);
    }
}

package org.landscape4j.engine.geometry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.deeplearning4j.nn.api.Model;
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
     * For example {@code "curvature: 28 Hessian-vector products per point and set (8 Lanczos steps for lambda_min and
     * lambda_max, 20 Rademacher probes for hessian_trace), each exact (R-operator over dense, tanh, dense,
     * softmax-cross-entropy), one product measured 3.2x one inference forward pass of the same 24 examples"}. The
     * measurement compiles the products for the first examples of {@code batch} (at most 256) on a double-precision
     * copy of {@code model} and times one product and one DL4J inference forward pass with the loss, the fastest of
     * three each after one warm-up: a few products' time.
     *
     * @param model       the architecture; only read
     * @param batch       one batch of the evaluation data, not empty
     * @param eigenvalues the options of {@code lambda_min}/{@code lambda_max}, or {@code null} without them
     * @param trace       the options of {@code hessian_trace}, or {@code null} without it
     * @throws IllegalArgumentException if both options are {@code null}
     */
    public static String describe(Model model, DataSet batch, HessianExtremes.Options eigenvalues,
                                  HessianSpectrum.TraceOptions trace) {
        if (eigenvalues == null && trace == null) {
            throw new IllegalArgumentException("no curvature metric: eigenvalue and trace options are both null");
        }
        List<String> parts = new ArrayList<>();
        int products = 0;
        if (eigenvalues != null) {
            products += eigenvalues.lanczosSteps();
            parts.add(eigenvalues.lanczosSteps() + " Lanczos steps for lambda_min and lambda_max");
        }
        if (trace != null) {
            products += trace.probes();
            parts.add(trace.probes() + " Rademacher probes for hessian_trace");
        }
        DataSet head = batch.numExamples() <= MEASURED_EXAMPLES ? batch
                : (DataSet) batch.getRange(0, MEASURED_EXAMPLES);
        LossGradients gradients = new LossGradients(model, List.of(head), new ParameterRole[] {
                ParameterRole.BATCHNORM_RUNNING_STATISTIC}, true);
        try {
            String how = gradients.isExact()
                    ? "each exact " + gradients.curvatureMethod().replaceFirst("^exact Hessian-vector products ", "")
                    : "each two DL4J gradients, " + gradients.curvatureMethod();
            return String.format(Locale.ROOT, "curvature: %d Hessian-vector products per point and set (%s), %s, one"
                    + " product measured %.1fx one inference forward pass of the same %d examples", products,
                    String.join(", ", parts), how, ratio(gradients), head.numExamples());
        } finally {
            gradients.close();
        }
    }

    /** Time of one product over time of one inference forward pass with the loss, the fastest of three each. */
    private static double ratio(LossGradients gradients) {
        double[] theta = gradients.theta().clone();
        double[] v = new double[theta.length];
        Random random = new Random(1);
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextGaussian();
        }
        double eps = gradients.fallbackStep();
        long forward = Long.MAX_VALUE;
        long product = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            long t0 = System.nanoTime();
            gradients.loss(theta);
            long t1 = System.nanoTime();
            gradients.hessianTimes(v, eps);
            long t2 = System.nanoTime();
            if (i > 0) {
                forward = Math.min(forward, t1 - t0);
                product = Math.min(product, t2 - t1);
            }
        }
        return (double) product / Math.max(1, forward);
    }
}

package org.landscape4j.engine.curvature;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.landscape4j.engine.internal.FlatVectors;

/**
 * Hutchinson's estimate of the trace of a {@link Hessian} ({@link Hessian#trace(int)}): the mean of {@code zᵀ H z}
 * over Rademacher vectors {@code z} (entries ±1 with equal probability on the Hessian's variables, drawn from the
 * options' seed), one Hessian-vector product each. For a layer's diagonal block {@code B} the probes are the whole
 * Hessian's and the estimate is of {@code z_Bᵀ (H z)_B}, unbiased for {@code tr H_BB}: the layers' estimates add up to
 * the whole one, probe by probe.
 *
 * @param trace         the estimate
 * @param standardError the sample standard deviation of {@code zᵀ H z} over {@code sqrt(probes)}
 * @param probes        the number of probe vectors (= Hessian-vector products)
 * @param variables     the parameters the Hessian (or the block) is taken over
 * @param method        how the products were computed
 */
public record Trace(double trace, double standardError, int probes, Variables variables, String method) {

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Hessian trace %.6g ± %.2g (%d Rademacher probes), over %s, %s", trace,
                standardError, probes, variables, method);
    }

    /**
     * Hutchinson over {@code probes} Rademacher vectors {@code z} on {@code whole}'s variables from {@code seed}, one
     * product {@code H z} each: the whole trace ({@code zᵀ H z}) first, then each block's ({@code z_Bᵀ (H z)_B}), with
     * standard errors; {@code eps} is the fallback's step.
     */
    static List<Trace> hutchinson(Block whole, List<Block> blocks, int probes, long seed, double eps) {
        Random random = new Random(seed);
        int n = whole.length();
        double[] sum = new double[blocks.size() + 1];
        double[] sumSq = new double[blocks.size() + 1];
        for (int i = 0; i < probes; i++) {
            double[] z = new double[n];
            for (int j = 0; j < n; j++) {
                double sign = random.nextBoolean() ? 1 : -1;
                z[j] = whole.contains(j) ? sign : 0;
            }
            double[] hz = whole.times(z, eps);
            for (int b = 0; b <= blocks.size(); b++) {
                double q;
                if (b == 0) {
                    q = FlatVectors.dot(z, hz);
                } else {
                    q = 0;
                    Block block = blocks.get(b - 1);
                    for (int j = 0; j < n; j++) {
                        if (block.contains(j)) {
                            q += z[j] * hz[j];
                        }
                    }
                }
                sum[b] += q;
                sumSq[b] += q * q;
            }
        }
        List<Trace> out = new ArrayList<>();
        String method = whole.products().method();
        for (int b = 0; b <= blocks.size(); b++) {
            double mean = sum[b] / probes;
            double variance = Math.max(0, (sumSq[b] - probes * mean * mean) / (probes - 1));
            Variables variables = (b == 0 ? whole : blocks.get(b - 1)).description();
            out.add(new Trace(mean, Math.sqrt(variance / probes), probes, variables, method));
        }
        return out;
    }
}

package org.landscape4j.engine.geometry;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.parameters.ParameterRole;
import org.nd4j.linalg.dataset.DataSet;

/**
 * PyHessian's stochastic quantities of the Hessian of a network's loss at its parameters (Yao et al. 2020): the trace
 * by Hutchinson's estimator and the eigenvalue spectral density by stochastic Lanczos quadrature, over the same
 * Hessian-vector products as {@link HessianEigen} (exact where every layer has a rule, the named finite-difference
 * fallback otherwise) of the landscape's own inference-mode loss averaged over the data's examples. The Hessian is
 * over all trainable parameters (batch-norm running statistics excluded), as PyHessian's.
 *
 * <pre>{@code
 * HessianSpectrum.Trace t = HessianSpectrum.trace(net, data, 100, 1);
 * t.trace(); t.standardError();
 * HessianSpectrum.Density d = HessianSpectrum.density(net, data, 30, 5, 1);
 * d.at(grid, 0.01);   // the broadened density on a grid, integrating to about 1
 * }</pre>
 */
public final class HessianSpectrum {

    private HessianSpectrum() {
    }

    /**
     * Hutchinson's estimate of {@code tr H}: the mean of {@code zᵀ H z} over {@code probes} Rademacher vectors
     * {@code z} (entries ±1 with equal probability on the trainable parameters).
     *
     * @param trace         the estimate
     * @param standardError the sample standard deviation of {@code zᵀ H z} over {@code sqrt(probes)}
     * @param probes        the number of probe vectors (= Hessian-vector products)
     * @param method        how the products were computed
     */
    public record Trace(double trace, double standardError, int probes, String method) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "Hessian trace %.6g ± %.2g (%d Rademacher probes), %s", trace,
                    standardError, probes, method);
        }
    }

    /**
     * A spectral density by stochastic Lanczos quadrature: for each of {@link #probes()} random unit vectors, the
     * Ritz values {@code θ_k} of {@code m} Lanczos steps and their weights {@code τ_k²} (squared first components of
     * the Lanczos matrix's eigenvectors, summing to 1 per probe); the density is their average, as PyHessian's
     * {@code density()}.
     *
     * @param nodes   Ritz values, {@code [probe][k]}
     * @param weights their weights, {@code [probe][k]}, each row summing to 1
     * @param method  how the products were computed
     */
    public record Density(double[][] nodes, double[][] weights, String method) {
        public Density {
            nodes = Arrays.stream(nodes).map(double[]::clone).toArray(double[][]::new);
            weights = Arrays.stream(weights).map(double[]::clone).toArray(double[][]::new);
        }

        /** Number of probe vectors. */
        public int probes() {
            return nodes.length;
        }

        @Override
        public double[][] nodes() {
            return Arrays.stream(nodes).map(double[]::clone).toArray(double[][]::new);
        }

        @Override
        public double[][] weights() {
            return Arrays.stream(weights).map(double[]::clone).toArray(double[][]::new);
        }

        /**
         * The density broadened by a Gaussian of standard deviation {@code sigma} at each point of {@code grid}:
         * {@code (1/probes) Σ_probes Σ_k τ_k² N(x; θ_k, σ²)} — a probability density over eigenvalues (integrates to
         * 1 when the grid covers the spectrum).
         *
         * @throws IllegalArgumentException if {@code sigma} is not positive
         */
        public double[] at(double[] grid, double sigma) {
            if (!(sigma > 0)) {
                throw new IllegalArgumentException("sigma must be > 0, was " + sigma);
            }
            double[] out = new double[grid.length];
            double norm = 1 / (Math.sqrt(2 * Math.PI) * sigma * nodes.length);
            for (int p = 0; p < nodes.length; p++) {
                for (int k = 0; k < nodes[p].length; k++) {
                    for (int i = 0; i < grid.length; i++) {
                        double z = (grid[i] - nodes[p][k]) / sigma;
                        out[i] += norm * weights[p][k] * Math.exp(-0.5 * z * z);
                    }
                }
            }
            return out;
        }

        /** The smallest and largest Ritz value over all probes: bounds of the spectrum's support seen. */
        public double[] range() {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double[] row : nodes) {
                for (double v : row) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            return new double[] {lo, hi};
        }

        @Override
        public String toString() {
            double[] r = range();
            return String.format(Locale.ROOT, "Hessian spectral density, %d probes x %d Lanczos steps, Ritz values in"
                    + " [%.4g, %.4g], %s", nodes.length, nodes.length == 0 ? 0 : nodes[0].length, r[0], r[1], method);
        }
    }

    /**
     * Hutchinson's trace estimate at the model's parameters.
     *
     * @param model  a {@code MultiLayerNetwork} or single-input, single-output {@code ComputationGraph}; only read
     * @param data   features and labels without masks, not empty
     * @param probes number of Rademacher probe vectors, at least 2 (for the standard error)
     * @param seed   seed of the probes
     * @throws IllegalArgumentException before any work for bad arguments
     */
    public static Trace trace(Model model, DataSet data, int probes, long seed) {
        if (probes < 2) {
            throw new IllegalArgumentException("probes must be >= 2, was " + probes);
        }
        LossGradients.requireSupported(model, data == null ? null : List.of(data));
        LossGradients g = gradients(model, data);
        try {
            Random random = new Random(seed);
            double[] mask = g.project(filled(g.numParams()));
            double sum = 0;
            double sumSq = 0;
            for (int i = 0; i < probes; i++) {
                double[] z = new double[g.numParams()];
                for (int j = 0; j < z.length; j++) {
                    z[j] = mask[j] * (random.nextBoolean() ? 1 : -1);
                }
                double q = FlatVectors.dot(z, g.hessianTimes(z, step(g)));
                sum += q;
                sumSq += q * q;
            }
            double mean = sum / probes;
            double variance = Math.max(0, (sumSq - probes * mean * mean) / (probes - 1));
            return new Trace(mean, Math.sqrt(variance / probes), probes, g.curvatureMethod());
        } finally {
            g.close();
        }
    }

    /**
     * The spectral density by stochastic Lanczos quadrature at the model's parameters.
     *
     * @param model        as {@link #trace}
     * @param data         as {@link #trace}
     * @param lanczosSteps Lanczos steps per probe (with full re-orthogonalisation), at least 2; capped at the number
     *                     of trainable parameters
     * @param probes       number of random start vectors (Rademacher, normalized), at least 1
     * @param seed         seed of the start vectors
     */
    public static Density density(Model model, DataSet data, int lanczosSteps, int probes, long seed) {
        if (lanczosSteps < 2) {
            throw new IllegalArgumentException("lanczosSteps must be >= 2, was " + lanczosSteps);
        }
        if (probes < 1) {
            throw new IllegalArgumentException("probes must be >= 1, was " + probes);
        }
        LossGradients.requireSupported(model, data == null ? null : List.of(data));
        LossGradients g = gradients(model, data);
        try {
            Random random = new Random(seed);
            double[] mask = g.project(filled(g.numParams()));
            int variables = 0;
            for (double m : mask) {
                variables += m != 0 ? 1 : 0;
            }
            double[][] nodes = new double[probes][];
            double[][] weights = new double[probes][];
            for (int p = 0; p < probes; p++) {
                double[] q = new double[g.numParams()];
                for (int j = 0; j < q.length; j++) {
                    q[j] = mask[j] * (random.nextBoolean() ? 1 : -1);
                }
                FlatVectors.scale(1 / FlatVectors.norm(q), q);
                SymmetricEigen t = tridiagonal(g, q, Math.min(lanczosSteps, variables));
                int m = t.values().length;
                nodes[p] = t.values().clone();
                weights[p] = new double[m];
                for (int k = 0; k < m; k++) {
                    double first = t.vectors()[k][0];
                    weights[p][k] = first * first;
                }
            }
            return new Density(nodes, weights, g.curvatureMethod());
        } finally {
            g.close();
        }
    }

    private static LossGradients gradients(Model model, DataSet data) {
        return new LossGradients(model, List.of(data), new ParameterRole[] {ParameterRole.BATCHNORM_RUNNING_STATISTIC},
                true);
    }

    private static double step(LossGradients g) {
        return g.isExact() ? 0 : 1e-5 * Math.max(1, FlatVectors.norm(g.theta()));
    }

    private static double[] filled(int n) {
        double[] ones = new double[n];
        Arrays.fill(ones, 1);
        return ones;
    }

    /** The Lanczos matrix of {@code steps} steps from the unit vector {@code q}. */
    private static SymmetricEigen tridiagonal(LossGradients g, double[] q, int steps) {
        return HessianExtremes.lanczos(g, q, steps, step(g));
    }
}

package org.landscape4j.engine.curvature;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.landscape4j.engine.internal.FlatVectors;
import org.landscape4j.engine.internal.SymmetricEigen;

/**
 * A spectral density of a {@link Hessian} by stochastic Lanczos quadrature ({@link Hessian#density(int, int)}): for
 * each of {@link #probes()} random unit vectors (Rademacher on the Hessian's variables, normalized, from the options'
 * seed), the Ritz values {@code θ_k} of {@code m} Lanczos steps (every step: no early stop, except at an invariant
 * Krylov space) and their weights {@code τ_k²} (squared first components of the Lanczos matrix's eigenvectors, summing
 * to 1 per probe); the density is their average, as PyHessian's {@code density()}.
 *
 * @param nodes     Ritz values, {@code [probe][k]}
 * @param weights   their weights, {@code [probe][k]}, each row summing to 1
 * @param variables the parameters the Hessian is taken over
 * @param method    how the products were computed
 */
public record Density(double[][] nodes, double[][] weights, Variables variables, String method) {

    /** Keeps copies of the arrays. */
    public Density {
        if (nodes == null || weights == null || variables == null || method == null) {
            throw new IllegalArgumentException("nodes, weights, variables and method must not be null");
        }
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
     * {@code (1/probes) Σ_probes Σ_k τ_k² N(x; θ_k, σ²)} — a probability density over eigenvalues (integrates to 1 when
     * the grid covers the spectrum).
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
                + " [%.4g, %.4g], over %s, %s", nodes.length, nodes.length == 0 ? 0 : nodes[0].length, r[0], r[1],
                variables, method);
    }

    /** Stochastic Lanczos quadrature on {@code block}: {@code probes} runs of at most {@code lanczosSteps} steps. */
    static Density of(Block block, int lanczosSteps, int probes, long seed, double eps) {
        Random random = new Random(seed);
        double[][] nodes = new double[probes][];
        double[][] weights = new double[probes][];
        for (int p = 0; p < probes; p++) {
            double[] q = new double[block.length()];
            for (int j = 0; j < q.length; j++) {
                double sign = random.nextBoolean() ? 1 : -1;
                q[j] = block.contains(j) ? sign : 0;
            }
            FlatVectors.scale(1 / FlatVectors.norm(q), q);
            Lanczos.Run run = Lanczos.run(block, q, Math.min(lanczosSteps, block.variables()), eps, List.of(), null);
            SymmetricEigen t = run.ritz();
            int m = t.values().length;
            nodes[p] = t.values().clone();
            weights[p] = new double[m];
            for (int k = 0; k < m; k++) {
                double first = t.vectors()[k][0];
                weights[p][k] = first * first;
            }
        }
        return new Density(nodes, weights, block.description(), block.products().method());
    }
}

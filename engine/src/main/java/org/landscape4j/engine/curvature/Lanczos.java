package org.landscape4j.engine.curvature;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import org.landscape4j.engine.internal.FlatVectors;
import org.landscape4j.engine.internal.SymmetricEigen;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The package's one Lanczos process, with full re-orthogonalisation (twice, against its own basis and any locked
 * vectors), on the Hessian of a {@link Block}; and its two drivers: the top {@code k} eigenpairs (locking and restarts)
 * and the two extremes (one run).
 *
 * <p><b>Stops.</b> A run stops at its step limit, when the Krylov space is invariant ({@code β <= 1e-10} times the
 * largest entry of the Lanczos matrix so far: the space holds every eigenvector the start vector reaches), or when its
 * {@link Stop} says the pairs it wants are converged. A Ritz pair {@code (θ_i, y_i)} of {@code m} steps has the
 * residual {@code |H y_i − θ_i y_i| = |β_{m+1} s_{m,i}|} (with full re-orthogonalisation, up to rounding), which bounds
 * the distance of {@code θ_i} to an eigenvalue; it is converged when that is at most the tolerance times the spectral
 * radius of the Lanczos matrix. The stochastic-quadrature density runs without a stop (its probes use every step).
 */
final class Lanczos {

    /** Relative size of {@code β} below which the Krylov space is taken as invariant. */
    private static final double INVARIANT = 1e-10;

    private Lanczos() {
    }

    /** Whether a run has what it wants after a step, from the Lanczos matrix's eigenpairs and the step's {@code β}. */
    @FunctionalInterface
    interface Stop {
        boolean done(SymmetricEigen ritz, double beta);
    }

    /** Stops when the {@code need} largest Ritz pairs are converged to {@code tolerance}. */
    static Stop top(int need, double tolerance) {
        return (ritz, beta) -> {
            int converged = 0;
            for (int i = 0; i < Math.min(need, ritz.values().length); i++) {
                if (residual(ritz, beta, i) <= tolerance * scale(ritz)) {
                    converged++;
                } else {
                    break;
                }
            }
            return converged >= need;
        };
    }

    /** Stops when the largest and the smallest Ritz pair are both converged to {@code tolerance}. */
    static Stop extremes(double tolerance) {
        return (ritz, beta) -> residual(ritz, beta, 0) <= tolerance * scale(ritz)
                && residual(ritz, beta, ritz.values().length - 1) <= tolerance * scale(ritz);
    }

    /** {@code |β s_{m,i}|}: the residual norm of Ritz pair {@code i}. */
    private static double residual(SymmetricEigen ritz, double beta, int i) {
        double[] s = ritz.vectors()[i];
        return Math.abs(beta * s[s.length - 1]);
    }

    /** The spectral radius of the Lanczos matrix: its largest eigenvalue in magnitude. */
    private static double scale(SymmetricEigen ritz) {
        double[] values = ritz.values();
        return Math.max(Math.abs(values[0]), Math.abs(values[values.length - 1]));
    }

    /**
     * One run's result: its orthonormal basis, the eigenpairs of its Lanczos matrix (values descending) and the last
     * step's {@code β}.
     */
    record Run(List<double[]> basis, SymmetricEigen ritz, double beta) {
        int steps() {
            return basis.size();
        }

        double value(int i) {
            return ritz.values()[i];
        }

        /** Ritz vector {@code i}: {@code Σ_j s_{j,i} q_j}. */
        double[] vector(int i) {
            double[] s = ritz.vectors()[i];
            double[] y = new double[basis.get(0).length];
            for (int j = 0; j < basis.size(); j++) {
                FlatVectors.axpy(s[j], basis.get(j), y);
            }
            return y;
        }

        double residual(int i) {
            return Lanczos.residual(ritz, beta, i);
        }

        boolean converged(int i, double tolerance) {
            return residual(i) <= tolerance * scale(ritz);
        }
    }

    /**
     * At most {@code steps} steps from the unit vector {@code q} (orthogonal to {@code locked}), stopping early at an
     * invariant space or when {@code stop} (may be {@code null}: never) is done; {@code eps} is the finite-difference
     * step of the fallback (0 for exact products).
     */
    static Run run(Block block, double[] q, int steps, double eps, List<double[]> locked, Stop stop) {
        List<double[]> basis = new ArrayList<>();
        List<Double> alpha = new ArrayList<>();
        List<Double> beta = new ArrayList<>();
        SymmetricEigen ritz = null;
        double b = 0;
        for (int j = 0; j < steps; j++) {
            double[] w = block.times(q, eps);
            double a = FlatVectors.dot(q, w);
            basis.add(q);
            alpha.add(a);
            orthogonalize(w, locked, basis);
            b = FlatVectors.norm(w);
            boolean invariant = b <= INVARIANT * Math.max(largest(alpha, beta), Double.MIN_NORMAL);
            ritz = stop == null ? null : SymmetricEigen.ofTridiagonal(alpha, beta);
            if (invariant || j == steps - 1 || stop != null && stop.done(ritz, b)) {
                break;
            }
            beta.add(b);
            q = w;
            FlatVectors.scale(1 / b, q);
        }
        return new Run(basis, ritz != null ? ritz : SymmetricEigen.ofTridiagonal(alpha, beta), b);
    }

    private static double largest(List<Double> alpha, List<Double> beta) {
        double scale = 0;
        for (double x : alpha) {
            scale = Math.max(scale, Math.abs(x));
        }
        for (double x : beta) {
            scale = Math.max(scale, Math.abs(x));
        }
        return scale;
    }

    /** Removes the components along {@code locked} and {@code basis} from {@code w}, twice. */
    private static void orthogonalize(double[] w, List<double[]> locked, List<double[]> basis) {
        for (int pass = 0; pass < 2; pass++) {
            for (double[] q : locked) {
                FlatVectors.axpy(-FlatVectors.dot(q, w), q, w);
            }
            for (double[] q : basis) {
                FlatVectors.axpy(-FlatVectors.dot(q, w), q, w);
            }
        }
    }

    /**
     * A start vector: Gaussian entries from {@code random} on the block's variables, orthogonal to {@code locked},
     * unit length; {@code null} when nothing is left (the locked vectors span the block).
     */
    private static double[] start(Block block, Random random, List<double[]> locked) {
        double[] q = new double[block.length()];
        for (int i = 0; i < q.length; i++) {
            q[i] = random.nextGaussian();
        }
        block.project(q);
        orthogonalize(q, locked, List.of());
        double norm = FlatVectors.norm(q);
        if (!(norm > 0)) {
            return null;
        }
        FlatVectors.scale(1 / norm, q);
        return q;
    }

    /**
     * The smallest and the largest eigenvalue from one run of at most {@link Hessian.Options#maxLanczosSteps()} steps
     * from a Gaussian start of the options' seed, stopped as soon as both are converged.
     */
    static Extremes extremes(Block block, Hessian.Options options) {
        ProductCount count = new ProductCount(block);
        double eps = block.products().fallbackStep(options.relativeStep());
        double[] q = start(block, new Random(options.seed()), List.of());
        int steps = Math.min(options.maxLanczosSteps(), block.variables());
        Run run = run(block, q, steps, eps, List.of(), extremes(options.tolerance()));
        int last = run.steps() - 1;
        return new Extremes(run.value(last), run.value(0), run.residual(last), run.residual(0), run.steps(),
                count.since(), options.tolerance(), block.description(), block.products().method());
    }

    /**
     * The {@code k} largest eigenpairs: runs of at most {@link Hessian.Options#maxLanczosSteps()} steps, each stopped
     * when the pairs still wanted are converged; after each run its largest Ritz pair (and every other converged one) is
     * locked and the next run starts orthogonally to the locked vectors, which also finds repeated eigenvalues; done
     * when a run finds nothing above the {@code k}-th locked value. Each pair's eigenvalue is then its Rayleigh quotient
     * and its residual measured with one more product (two with the fallback, for the finite-difference error).
     */
    static Eigenvalues top(Block block, int k, Hessian.Options options) {
        ProductCount count = new ProductCount(block);
        double eps = block.products().fallbackStep(options.relativeStep());
        Random random = new Random(options.seed());
        List<double[]> lockedVectors = new ArrayList<>();
        List<Double> lockedValues = new ArrayList<>();
        int maxRestarts = 2 * k + 10;
        for (int restart = 0; restart < maxRestarts && lockedVectors.size() < block.variables(); restart++) {
            int need = Math.max(1, k - lockedVectors.size());
            double[] q = start(block, random, lockedVectors);
            if (q == null) {
                break;
            }
            int steps = Math.min(options.maxLanczosSteps(), block.variables() - lockedVectors.size());
            Run run = run(block, q, steps, eps, lockedVectors, top(need, options.tolerance()));
            if (lockedVectors.size() >= k
                    && run.value(0) <= kth(lockedValues, k) + slack(run, lockedValues, options.tolerance())) {
                break;
            }
            lock(run.value(0), run.vector(0), lockedVectors, lockedValues);
            for (int i = 1; i < run.steps(); i++) {
                if (run.converged(i, options.tolerance()) && lockedVectors.size() < block.variables()) {
                    lock(run.value(i), run.vector(i), lockedVectors, lockedValues);
                }
            }
        }
        Integer[] order = new Integer[lockedValues.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> lockedValues.get(i)).reversed());
        int n = Math.min(k, order.length);
        double[] values = new double[n];
        List<INDArray> vectors = new ArrayList<>();
        double[] residuals = new double[n];
        double[] fdErrors = new double[n];
        for (int c = 0; c < n; c++) {
            double[] v = lockedVectors.get(order[c]);
            double[] hv = block.times(v, eps);
            double rayleigh = FlatVectors.dot(v, hv);
            double[] r = hv.clone();
            FlatVectors.axpy(-rayleigh, v, r);
            values[c] = rayleigh;
            residuals[c] = FlatVectors.norm(r);
            if (eps > 0) {
                // central differences err ∝ ε²: R(2ε) − R(ε) ≈ 3·err(ε)
                double coarse = FlatVectors.dot(v, block.times(v, 2 * eps));
                fdErrors[c] = Math.abs(coarse - rayleigh) / 3;
            }
            vectors.add(FlatVectors.toRow(v));
        }
        return new Eigenvalues(values, vectors, residuals, fdErrors, eps, count.since(), options.tolerance(),
                block.description(), block.products().method());
    }

    private static double kth(List<Double> lockedValues, int k) {
        return lockedValues.stream().sorted(Comparator.reverseOrder()).skip(k - 1).findFirst().orElseThrow();
    }

    private static double slack(Run run, List<Double> lockedValues, double tolerance) {
        double scale = 0;
        for (int i = 0; i < run.steps(); i++) {
            scale = Math.max(scale, Math.abs(run.value(i)));
        }
        for (double v : lockedValues) {
            scale = Math.max(scale, Math.abs(v));
        }
        return tolerance * scale;
    }

    private static void lock(double value, double[] vector, List<double[]> lockedVectors, List<Double> lockedValues) {
        double[] v = vector.clone();
        orthogonalize(v, lockedVectors, List.of());
        double n = FlatVectors.norm(v);
        if (n > 0.5) {
            FlatVectors.scale(1 / n, v);
            lockedVectors.add(v);
            lockedValues.add(value);
        }
    }

    /** The products a computation used: the count when it started, subtracted at the end (products may be shared). */
    record ProductCount(Block block, int before) {
        ProductCount(Block block) {
            this(block, block.products().products());
        }

        int since() {
            return block.products().products() - before;
        }
    }
}

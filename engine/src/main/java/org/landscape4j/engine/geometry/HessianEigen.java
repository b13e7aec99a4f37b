package org.landscape4j.engine.geometry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.engine.parameters.ParameterRole;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The top {@code k} eigenvalues and eigenvectors of the Hessian of a network's loss at its parameters, on one
 * {@link DataSet} (one batch): the sharpness measure {@code λ_max} and the directions of steepest curvature, which
 * make meaningful landscape axes (Yao et al. 2020, PyHessian).
 *
 * <p>Hessian-vector products are exact: Pearlmutter's R-operator through the network's inference-mode forward pass
 * and back-propagation (see {@code ExactHessian} in this package for the layer kinds), in double precision on a
 * private copy of the network, so the Hessian is of the very loss the landscape draws: the network's loss averaged
 * over the data set's examples (DL4J's score), batch normalization with its running statistics, no dropout, without
 * L1/L2 or weight-decay terms. The eigenpairs come from Lanczos with full re-orthogonalisation; converged pairs are
 * locked and Lanczos restarts orthogonally to them, which also finds repeated eigenvalues, until a restart finds
 * nothing above the {@code k}-th locked value.
 *
 * <p><b>Fallback.</b> A network with a layer kind that has no exact rule gets central finite differences of DL4J
 * gradients instead, {@code H v ≈ (g(θ + εv) − g(θ − εv)) / 2ε} on a double-precision copy with
 * {@code ε = } {@link Options#relativeStep()} {@code × max(1, |θ|)}: DL4J computes gradients in training mode, so
 * batch normalization uses the batch's statistics; dropout is removed from the private copy, so the products are
 * deterministic, not noise.
 * {@link #method()} says which was used and, for the fallback, names the layer.
 *
 * <p>The Hessian is taken over the trainable parameters only: batch-norm running statistics are not parameters of
 * the loss, so products and eigenvectors are zero at those entries and the operator is symmetric, as Lanczos needs.
 * The caller's network is never written.
 *
 * <p>Each eigenpair carries the residual norm {@code |Hv − λv|}, which bounds the distance of {@code λ} to the nearest
 * true eigenvalue of the operator, and, with the finite-difference fallback only, a Richardson estimate of the
 * finite-difference error of {@code vᵀHv} (from a second product with step {@code 2ε}; 0 for exact products).
 * {@link HessianSpectrum#eigenvalues} reports the same run with each residual relative to {@code |λ|} and the
 * tolerance, also for one layer's diagonal block.
 *
 * <pre>{@code
 * HessianEigen h = HessianEigen.top(net, trainData, 2);
 * h.eigenvalues();     // [λ1, λ2], largest first
 * h.eigenvector(0);    // a unit double row vector [1, P]
 * }</pre>
 *
 * @param eigenvalues            the {@code k} largest eigenvalues, descending
 * @param eigenvectors           their unit eigenvectors, double row vectors {@code [1, P]}
 * @param residualNorms          {@code |H v_i − λ_i v_i|} for each pair, from one more product
 * @param finiteDifferenceErrors estimated finite-difference error of each {@code λ_i}; 0 for exact products
 * @param step                   the finite-difference step {@code ε} used; 0 for exact products
 * @param products               how many Hessian-vector products were computed in all
 * @param method                 how the products were computed: exact (and over which layer kinds) or the
 *                               finite-difference fallback (and the layer that forced it)
 */
public record HessianEigen(double[] eigenvalues, List<INDArray> eigenvectors, double[] residualNorms,
                           double[] finiteDifferenceErrors, double step, int products, String method) {

    /**
     * Settings of the computation.
     *
     * @param k               how many eigenpairs, at least 1 and at most the parameter count
     * @param maxLanczosSteps Lanczos steps per restart, at least 2 (memory: this many vectors of P doubles)
     * @param tolerance       a Ritz pair is converged when its residual estimate is below {@code tolerance} times
     *                        the largest Ritz value in magnitude; in (0, 1)
     * @param relativeStep    the finite-difference step relative to {@code max(1, |θ|)}, in (0, 1); used only by the
     *                        finite-difference fallback
     * @param seed            seed of the random start vectors
     */
    public record Options(int k, int maxLanczosSteps, double tolerance, double relativeStep, long seed) {
        public Options {
            if (k < 1) {
                throw new IllegalArgumentException("k must be >= 1, was " + k);
            }
            if (maxLanczosSteps < 2) {
                throw new IllegalArgumentException("maxLanczosSteps must be >= 2, was " + maxLanczosSteps);
            }
            if (!(tolerance > 0 && tolerance < 1)) {
                throw new IllegalArgumentException("tolerance must be in (0, 1), was " + tolerance);
            }
            if (!(relativeStep > 0 && relativeStep < 1)) {
                throw new IllegalArgumentException("relativeStep must be in (0, 1), was " + relativeStep);
            }
        }

        /** {@code k} pairs; 60 Lanczos steps per restart, tolerance 1e-6, relative step 1e-5, seed 1. */
        public static Options top(int k) {
            return new Options(k, 60, 1e-6, 1e-5, 1);
        }
    }

    /** Validates sizes and keeps copies of the arrays. */
    public HessianEigen {
        if (eigenvalues == null || eigenvectors == null || residualNorms == null || finiteDifferenceErrors == null
                || method == null) {
            throw new IllegalArgumentException("eigenvalues, eigenvectors, residualNorms, finiteDifferenceErrors and"
                    + " method must not be null");
        }
        int k = eigenvalues.length;
        if (eigenvectors.size() != k || residualNorms.length != k || finiteDifferenceErrors.length != k) {
            throw new IllegalArgumentException("one eigenvector, residual and error per eigenvalue (" + k
                    + "), had " + eigenvectors.size() + ", " + residualNorms.length + " and "
                    + finiteDifferenceErrors.length);
        }
        eigenvalues = eigenvalues.clone();
        eigenvectors = eigenvectors.stream().map(INDArray::dup).toList();
        residualNorms = residualNorms.clone();
        finiteDifferenceErrors = finiteDifferenceErrors.clone();
    }

    /**
     * The {@code k} largest Hessian eigenpairs with default {@link Options#top(int) options}.
     *
     * @see #top(Model, DataSet, Options)
     */
    public static HessianEigen top(Model model, DataSet data, int k) {
        return top(model, data, Options.top(k));
    }

    /**
     * The largest Hessian eigenpairs of {@code model}'s loss on {@code data}.
     *
     * @param model   an initialised {@link MultiLayerNetwork} or single-input, single-output
     *                {@link ComputationGraph}; only read
     * @param data    features and labels, without masks, not empty
     * @param options settings, not {@code null}
     * @throws IllegalArgumentException before any work if {@code k} exceeds the parameter count, the model kind is
     *                                  unsupported, or the data is missing, empty or masked
     */
    public static HessianEigen top(Model model, DataSet data, Options options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        LossGradients.requireSupported(model, data == null ? null : java.util.List.of(data));
        long p = model.params().length();
        if (options.k() > p) {
            throw new IllegalArgumentException("k must be at most the number of parameters " + p + ", was "
                    + options.k());
        }
        LossGradients gradients = new LossGradients(model, List.of(data),
                new ParameterRole[] {ParameterRole.BATCHNORM_RUNNING_STATISTIC}, true);
        try {
            return new Lanczos(HessianBlock.whole(gradients), options).run();
        } finally {
            gradients.close();
        }
    }

    /** Number of eigenpairs k. */
    public int size() {
        return eigenvalues.length;
    }

    /** The eigenvalues, largest first (a copy). */
    @Override
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    /** Eigenvector {@code i}, a unit double row vector {@code [1, P]} (a copy). */
    public INDArray eigenvector(int i) {
        return eigenvectors.get(i).dup();
    }

    /** The eigenvectors (copies). */
    @Override
    public List<INDArray> eigenvectors() {
        return eigenvectors.stream().map(INDArray::dup).toList();
    }

    /** Residual norms {@code |Hv − λv|} (a copy). */
    @Override
    public double[] residualNorms() {
        return residualNorms.clone();
    }

    /** Estimated finite-difference errors of the eigenvalues (a copy). */
    @Override
    public double[] finiteDifferenceErrors() {
        return finiteDifferenceErrors.clone();
    }

    /** Whether the products were exact (not the finite-difference fallback). */
    public boolean isExact() {
        return step == 0;
    }

    @Override
    public String toString() {
        return "HessianEigen " + Arrays.toString(eigenvalues) + ", residuals " + Arrays.toString(residualNorms)
                + (isExact() ? "" : ", finite-difference errors " + Arrays.toString(finiteDifferenceErrors)
                + ", step " + step) + ", " + products + " Hessian-vector products, " + method;
    }

    /**
     * Lanczos with full re-orthogonalisation, locking and restarts, on the Hessian of a block of variables (the whole
     * Hessian, or a layer's diagonal block for {@link HessianSpectrum}).
     */
    static final class Lanczos {
        private final HessianBlock block;
        private final LossGradients gradients;
        private final Options options;
        private final int p;
        private final double eps;
        private final Random random;
        /** The gradients' product count when this run started (they may be shared by several runs). */
        private final int productsBefore;
        private final List<double[]> lockedVectors = new ArrayList<>();
        private final List<Double> lockedValues = new ArrayList<>();

        Lanczos(HessianBlock block, Options options) {
            this.block = block;
            this.gradients = block.gradients();
            this.options = options;
            this.p = block.length();
            this.eps = gradients.isExact() ? 0
                    : options.relativeStep() * Math.max(1, FlatVectors.norm(gradients.theta()));
            this.random = new Random(options.seed());
            this.productsBefore = gradients.products();
        }

        record Ritz(double value, double[] vector, boolean converged) {
        }

        HessianEigen run() {
            int k = options.k();
            int maxRestarts = 2 * k + 10;
            for (int restart = 0; restart < maxRestarts && lockedVectors.size() < block.variables(); restart++) {
                int need = Math.max(1, k - lockedVectors.size());
                List<Ritz> ritz = restart(need);
                if (ritz.isEmpty()) {
                    break;
                }
                if (lockedVectors.size() >= k && ritz.get(0).value() <= kthLocked(k) + slack(ritz)) {
                    break;
                }
                lock(ritz.get(0));
                for (int i = 1; i < ritz.size(); i++) {
                    if (ritz.get(i).converged() && lockedVectors.size() < block.variables()) {
                        lock(ritz.get(i));
                    }
                }
            }
            Integer[] order = new Integer[lockedValues.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble((Integer i) -> lockedValues.get(i)).reversed());
            int count = Math.min(k, order.length);
            double[] values = new double[count];
            List<INDArray> vectors = new ArrayList<>();
            double[] residuals = new double[count];
            double[] fdErrors = new double[count];
            for (int c = 0; c < count; c++) {
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
            return new HessianEigen(values, vectors, residuals, fdErrors, eps, gradients.products() - productsBefore,
                    block.method());
        }

        private double kthLocked(int k) {
            return lockedValues.stream().sorted(Comparator.reverseOrder()).skip(k - 1).findFirst().orElseThrow();
        }

        private double slack(List<Ritz> ritz) {
            double scale = 0;
            for (Ritz r : ritz) {
                scale = Math.max(scale, Math.abs(r.value()));
            }
            for (double v : lockedValues) {
                scale = Math.max(scale, Math.abs(v));
            }
            return options.tolerance() * scale;
        }

        private void lock(Ritz r) {
            double[] v = r.vector().clone();
            orthogonalize(v, List.of());
            double n = FlatVectors.norm(v);
            if (n > 0.5) {
                FlatVectors.scale(1 / n, v);
                lockedVectors.add(v);
                lockedValues.add(r.value());
            }
        }

        /** Removes the components along the locked vectors and {@code basis}, twice. */
        private void orthogonalize(double[] w, List<double[]> basis) {
            for (int pass = 0; pass < 2; pass++) {
                for (double[] q : lockedVectors) {
                    FlatVectors.axpy(-FlatVectors.dot(q, w), q, w);
                }
                for (double[] q : basis) {
                    FlatVectors.axpy(-FlatVectors.dot(q, w), q, w);
                }
            }
        }

        /** One Lanczos run orthogonal to the locked vectors; Ritz pairs sorted by value, descending. */
        private List<Ritz> restart(int need) {
            int dimension = block.variables() - lockedVectors.size();
            int steps = Math.min(options.maxLanczosSteps(), dimension);
            double[] q = new double[p];
            for (int i = 0; i < p; i++) {
                q[i] = random.nextGaussian();
            }
            block.project(q);
            orthogonalize(q, List.of());
            double qn = FlatVectors.norm(q);
            if (!(qn > 0)) {
                return List.of();
            }
            FlatVectors.scale(1 / qn, q);
            List<double[]> basis = new ArrayList<>();
            List<Double> alpha = new ArrayList<>();
            List<Double> beta = new ArrayList<>();
            SymmetricEigen eigen = null;
            double lastBeta = 0;
            for (int j = 0; j < steps; j++) {
                double[] w = block.times(q, eps);
                double a = FlatVectors.dot(q, w);
                basis.add(q);
                alpha.add(a);
                orthogonalize(w, basis);
                double b = FlatVectors.norm(w);
                eigen = SymmetricEigen.ofTridiagonal(alpha, beta);
                lastBeta = b;
                double scale = Math.max(Math.abs(eigen.values()[0]), Math.abs(eigen.values()[j]));
                boolean invariant = b <= 1e-12 * Math.max(scale, Double.MIN_NORMAL);
                int converged = 0;
                for (int i = 0; i < Math.min(need, j + 1); i++) {
                    if (Math.abs(b * eigen.vectors()[i][j]) <= options.tolerance() * scale) {
                        converged++;
                    } else {
                        break;
                    }
                }
                if (invariant || converged >= need || j == steps - 1) {
                    break;
                }
                beta.add(b);
                q = w;
                FlatVectors.scale(1 / b, q);
            }
            int m = basis.size();
            double scale = Math.max(Math.abs(eigen.values()[0]), Math.abs(eigen.values()[m - 1]));
            List<Ritz> out = new ArrayList<>();
            for (int i = 0; i < m; i++) {
                double[] s = eigen.vectors()[i];
                double[] y = new double[p];
                for (int j = 0; j < m; j++) {
                    FlatVectors.axpy(s[j], basis.get(j), y);
                }
                boolean converged = Math.abs(lastBeta * s[m - 1]) <= options.tolerance() * scale;
                out.add(new Ritz(eigen.values()[i], y, converged));
            }
            return out;
        }
    }
}

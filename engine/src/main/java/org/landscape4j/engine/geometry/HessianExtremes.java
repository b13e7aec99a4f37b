package org.landscape4j.engine.geometry;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.engine.parameters.ParameterRole;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The smallest and the largest eigenvalue of the Hessian of a network's loss at one parameter vector, from one Lanczos
 * run: the two numbers of the reference implementation's {@code plot_hessian_eigen.py} (Li et al. 2018, whose map of
 * {@code |λmin / λmax|} shows where a landscape is convex).
 *
 * <p><b>How.</b> {@link Options#lanczosSteps()} steps of Lanczos with full re-orthogonalisation, from a seeded random
 * start vector (the same at every point, so a map does not depend on the order or the worker that computed a point),
 * over exact Hessian-vector products (Pearlmutter's R-operator through the inference-mode forward pass and
 * back-propagation, in double precision on a private copy of the network; see {@code ExactHessian} in this package
 * for the layer kinds). The extreme Ritz values of the Lanczos matrix are returned: they approach the extreme
 * eigenvalues from inside the spectrum, the outermost ones first, so a few tens of steps give both ends well even
 * when the parameter count is large; more steps never move them inwards. Stops early when the Krylov space is
 * invariant (exact for small Hessians).
 *
 * <p><b>Which Hessian.</b> The loss is the landscape's own: the network's loss averaged over all examples of the data
 * (DL4J's score, without regularization), in inference mode — batch normalization with its running statistics (the
 * statistics are constants, not variables), no dropout — as the reference computes in PyTorch's eval mode. By
 * default the Hessian is over the weight tensors only (dense and convolution weights): the reference takes the
 * parameters with more than one dimension, which excludes biases and batch-norm gamma/beta;
 * {@link Options#withBiasAndBatchNorm()} includes those. The reference differs in two details: it sums the per-batch
 * mean losses of its data loader (we average over all examples: the same for one batch, a factor of the batch count
 * otherwise, which cancels in {@code λmin/λmax}), and its ARPACK call asks for the largest-<em>magnitude</em>
 * eigenvalue first and then the most negative one by a shift; we report the algebraic extremes, the same numbers
 * whenever the largest-magnitude eigenvalue is positive, as it is near a minimum.
 *
 * <p><b>Fallback.</b> A network with a layer kind that has no exact rule gets central differences of DL4J gradients
 * instead, {@code Hv ≈ (g(θ + εv) − g(θ − εv)) / 2ε} with {@code ε = 1e-5·max(1, |θ|)}, with every layer's dropout
 * removed and batch normalization in DL4J's training mode (the batch's statistics); {@link #method()} and
 * {@link Probe#method()} name the layer that forced it.
 *
 * <p><b>Cost.</b> One point costs {@code lanczosSteps} exact products — each one forward pass carrying directional
 * derivatives and one backward pass carrying their gradients over the whole data in double precision, a few times
 * a training step (see {@code ExactHessian}) — plus {@code O(lanczosSteps² × P)} for re-orthogonalisation, and holds
 * {@code lanczosSteps} vectors of {@code P} doubles: orders of magnitude slower than a loss value. The fallback costs
 * two gradients per step.
 *
 * <pre>{@code
 * HessianExtremes e = HessianExtremes.of(net, data, HessianExtremes.Options.DEFAULT);
 * e.min(); e.max(); e.ratio();   // λmin, λmax, |λmin / λmax|
 * }</pre>
 *
 * @param min                 the smallest eigenvalue (smallest Ritz value)
 * @param max                 the largest eigenvalue (largest Ritz value)
 * @param steps    Lanczos steps taken (fewer than asked when the Krylov space became invariant)
 * @param products Hessian-vector products computed
 * @param method   how the products were computed: exact (over which layer kinds) or the finite-difference fallback
 *                 (naming the layer that forced it)
 */
public record HessianExtremes(double min, double max, int steps, int products, String method) {

    /**
     * Settings of the computation.
     *
     * @param lanczosSteps            Lanczos steps (Hessian-vector products) per point, at least 2; capped at the
     *                                number of variables
     * @param includeBiasAndBatchNorm whether biases and batch-norm gamma/beta are variables of the Hessian too (the
     *                                reference: no)
     * @param seed                    seed of the random start vector
     */
    public record Options(int lanczosSteps, boolean includeBiasAndBatchNorm, long seed) {
        /** 20 Lanczos steps, weights only, seed 1. */
        public static final Options DEFAULT = new Options(20, false, 1);

        public Options {
            if (lanczosSteps < 2) {
                throw new IllegalArgumentException("lanczosSteps must be >= 2, was " + lanczosSteps);
            }
        }

        /** These options with {@code n} Lanczos steps. */
        public Options withLanczosSteps(int n) {
            return new Options(n, includeBiasAndBatchNorm, seed);
        }

        /** These options with biases and batch-norm gamma/beta as variables of the Hessian too. */
        public Options withBiasAndBatchNorm() {
            return new Options(lanczosSteps, true, seed);
        }
    }

    /** {@code |min / max|}: 0 where the landscape is locally convex, large where negative curvature dominates. */
    public double ratio() {
        return Math.abs(min / max);
    }

    /**
     * The extreme eigenvalues at the model's own parameters.
     *
     * @param model   a {@link MultiLayerNetwork} or a single-input, single-output {@link ComputationGraph}; only read
     * @param data    features and labels, without masks, not empty
     * @param options settings, not {@code null}
     */
    public static HessianExtremes of(Model model, DataSet data, Options options) {
        Probe probe = probe(model, List.of(data), options);
        return probe.at(model.params());
    }

    /**
     * A reusable calculator of the extremes at many parameter vectors of one architecture and one data set: it owns
     * a double-precision copy of the network and of the data. Not thread-safe: one per thread.
     *
     * @param model   the architecture (its parameters are not used); only read
     * @param batches the data, one or more batches of features and labels without masks
     * @param options settings, not {@code null}
     * @throws IllegalArgumentException before any work for an unsupported model, missing, empty or masked data
     */
    public static Probe probe(Model model, List<DataSet> batches, Options options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        LossGradients.requireSupported(model, batches);
        return new Probe(new LossGradients(model, batches, fixedRoles(options.includeBiasAndBatchNorm()), true),
                options);
    }

    /**
     * The roles that are not variables of a curvature metric's Hessian: the running statistics, and unless
     * {@code includeBiasAndBatchNorm}, everything but the weights (as the reference's {@code plot_hessian_eigen.py}).
     */
    static ParameterRole[] fixedRoles(boolean includeBiasAndBatchNorm) {
        return includeBiasAndBatchNorm
                ? new ParameterRole[] {ParameterRole.BATCHNORM_RUNNING_STATISTIC}
                : new ParameterRole[] {ParameterRole.BATCHNORM_RUNNING_STATISTIC, ParameterRole.BIAS,
                        ParameterRole.BATCHNORM_GAMMA, ParameterRole.BATCHNORM_BETA, ParameterRole.OTHER};
    }

    /** See {@link HessianExtremes#probe}. */
    public static final class Probe {
        private final LossGradients gradients;
        private final HessianBlock whole;
        private final Options options;
        private final double[] start;
        private final int variables;

        private Probe(LossGradients gradients, Options options) {
            this.gradients = gradients;
            this.whole = HessianBlock.whole(gradients);
            this.options = options;
            double[] q = new double[gradients.numParams()];
            Random random = new Random(options.seed());
            for (int i = 0; i < q.length; i++) {
                q[i] = random.nextGaussian();
            }
            gradients.project(q);
            int nonZero = 0;
            for (double v : q) {
                nonZero += v != 0 ? 1 : 0;
            }
            if (nonZero == 0) {
                throw new IllegalArgumentException("the network has no parameters the Hessian is taken over");
            }
            FlatVectors.scale(1 / FlatVectors.norm(q), q);
            this.start = q;
            this.variables = nonZero;
        }

        /** How the probe computes Hessian-vector products (see {@link HessianExtremes#method()}). */
        public String method() {
            return gradients.curvatureMethod();
        }

        /** Whether the products are exact (not the finite-difference fallback). */
        public boolean isExact() {
            return gradients.isExact();
        }

        /** Releases the probe's network copy; the probe is unusable afterwards. */
        public void close() {
            gradients.close();
        }

        /**
         * The extremes at {@code parameters}, a flat vector of the architecture's layout (read, not kept).
         *
         * @throws IllegalArgumentException if its length is not the parameter count
         */
        public HessianExtremes at(INDArray parameters) {
            int before = gradients.products();
            gradients.moveTo(parameters);
            double eps = gradients.fallbackStep();
            int steps = Math.min(options.lanczosSteps(), variables);
            double[] values = lanczos(whole, start.clone(), steps, eps).values();
            double max = Double.NEGATIVE_INFINITY;
            double min = Double.POSITIVE_INFINITY;
            for (double v : values) {
                max = Math.max(max, v);
                min = Math.min(min, v);
            }
            return new HessianExtremes(min, max, values.length, gradients.products() - before,
                    gradients.curvatureMethod());
        }
    }

    /**
     * The Lanczos matrix of at most {@code steps} steps of {@code block}'s Hessian from the unit vector {@code q}
     * (full re-orthogonalisation, twice; stops early at an invariant subspace); {@code eps} is the finite-difference
     * step of the fallback (0 for exact products).
     */
    static SymmetricEigen lanczos(HessianBlock block, double[] q, int steps, double eps) {
        List<double[]> basis = new ArrayList<>();
        List<Double> alpha = new ArrayList<>();
        List<Double> beta = new ArrayList<>();
        for (int j = 0; j < steps; j++) {
            double[] w = block.times(q, eps);
            double a = FlatVectors.dot(q, w);
            basis.add(q);
            alpha.add(a);
            for (int pass = 0; pass < 2; pass++) {
                for (double[] b : basis) {
                    FlatVectors.axpy(-FlatVectors.dot(b, w), b, w);
                }
            }
            double b = FlatVectors.norm(w);
            double scale = 0;
            for (double x : alpha) {
                scale = Math.max(scale, Math.abs(x));
            }
            for (double x : beta) {
                scale = Math.max(scale, Math.abs(x));
            }
            if (j == steps - 1 || b <= 1e-10 * Math.max(scale, Double.MIN_NORMAL)) {
                break;
            }
            beta.add(b);
            FlatVectors.scale(1 / b, w);
            q = w;
        }
        return SymmetricEigen.ofTridiagonal(alpha, beta);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "HessianExtremes min %.6g, max %.6g, |min/max| %.4g, %d Lanczos"
                + " steps, %d Hessian-vector products, %s", min, max, ratio(), steps, products, method);
    }
}

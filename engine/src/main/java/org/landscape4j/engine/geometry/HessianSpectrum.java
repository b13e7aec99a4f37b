package org.landscape4j.engine.geometry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Random;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.engine.parameters.ParameterRole;
import org.landscape4j.engine.parameters.ParameterSegment;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * PyHessian's quantities of the Hessian of a network's loss at its parameters (Yao et al. 2020): the top eigenvalues
 * with their residuals ({@code eigenvalues(top_n)}), the trace by Hutchinson's estimator and the eigenvalue spectral
 * density by stochastic Lanczos quadrature, over the same Hessian-vector products as {@link HessianEigen} (exact where
 * every layer has a rule, the named finite-difference fallback otherwise) of the landscape's own inference-mode loss
 * averaged over the data's examples. The Hessian is over all trainable parameters (batch-norm running statistics
 * excluded), as PyHessian's.
 *
 * <p><b>Per layer.</b> Each quantity can be restricted to one layer's parameter block {@code B}: the Hessian's
 * diagonal block {@code H_BB} (project a vector to the block, multiply, project back), whose eigenvalues are those of
 * the layer's parameters with every other parameter held fixed. {@link #perLayer} lists every layer's trace and
 * {@code λmax}. A layer's trace is estimated from the whole trace's probes: {@code z_Bᵀ (H z)_B} is unbiased for
 * {@code tr H_BB}, costs no product beyond the whole trace's, and the layers' estimates add up to the whole estimate
 * probe by probe.
 *
 * <p>Every result is a function of the model, the data and the seed only; the caller's model is only read.
 *
 * <pre>{@code
 * HessianSpectrum.Eigenvalues top = HessianSpectrum.eigenvalues(net, data, 3);
 * top.values(); top.relativeResiduals();   // λ1 ≥ λ2 ≥ λ3, |Hv − λv| / |λ| each
 * HessianSpectrum.Trace t = HessianSpectrum.trace(net, data, 100, 1);
 * t.trace(); t.standardError();
 * HessianSpectrum.Density d = HessianSpectrum.density(net, data, 30, 5, 1);
 * d.at(grid, 0.01);   // the broadened density on a grid, integrating to about 1
 * HessianSpectrum.perLayer(net, data, 100, 1);   // per layer: parameters, trace ± s.e., λmax
 * HessianSpectrum.trace(net, data, "dense1", 100, 1);   // one layer's block
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
     * The top eigenvalues of the Hessian with their residuals, PyHessian's {@code eigenvalues(top_n)}: Lanczos with full
     * re-orthogonalisation, locking and restarts ({@link HessianEigen}), then one more product per pair for its
     * residual.
     *
     * @param pairs     the eigenpairs, residual norms and product count of the run
     * @param tolerance Lanczos' convergence tolerance: a Ritz pair is locked when its estimated residual is below
     *                  {@code tolerance} times the largest Ritz value in magnitude
     */
    public record Eigenvalues(HessianEigen pairs, double tolerance) {
        public Eigenvalues {
            if (pairs == null) {
                throw new IllegalArgumentException("pairs must not be null");
            }
        }

        /** The eigenvalues, largest first. */
        public double[] values() {
            return pairs.eigenvalues();
        }

        /** {@code |H v_i − λ_i v_i| / |λ_i|} for each pair (infinite for an eigenvalue of exactly 0). */
        public double[] relativeResiduals() {
            double[] values = pairs.eigenvalues();
            double[] r = pairs.residualNorms();
            for (int i = 0; i < r.length; i++) {
                r[i] = r[i] / Math.abs(values[i]);
            }
            return r;
        }

        /**
         * Whether pair {@code i} meets the tolerance Lanczos locked it with, measured: {@code |H v_i − λ_i v_i| <=
         * tolerance · max_j |λ_j|}.
         */
        public boolean converged(int i) {
            double scale = 0;
            for (double v : pairs.eigenvalues()) {
                scale = Math.max(scale, Math.abs(v));
            }
            return pairs.residualNorms()[i] <= tolerance * scale;
        }

        /** Hessian-vector products used in all, the residuals' included. */
        public int products() {
            return pairs.products();
        }

        /** How the products were computed (and the layer they were restricted to, if any). */
        public String method() {
            return pairs.method();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "Hessian top %d eigenvalues %s, relative residuals %s (tolerance %.1g),"
                    + " %d Hessian-vector products, %s", values().length, format(values(), "%.6g"),
                    format(relativeResiduals(), "%.1e"), tolerance, products(), method());
        }
    }

    /**
     * The curvature of one layer's parameter block {@code B}: the diagonal block {@code H_BB} of the Hessian.
     *
     * @param layer            the layer's name
     * @param parameters       its trainable parameters (the block's size)
     * @param trace            Hutchinson's estimate of {@code tr H_BB} from the whole trace's probes
     * @param standardError    its standard error
     * @param lambdaMax        the largest eigenvalue of {@code H_BB}
     * @param relativeResidual {@code |H_BB v − λ v| / |λ|} of {@code λmax}'s eigenvector
     */
    public record LayerCurvature(String layer, long parameters, double trace, double standardError, double lambdaMax,
                                 double relativeResidual) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: %d parameters, trace %.6g ± %.2g, λmax %.6g (residual %.1e)",
                    layer, parameters, trace, standardError, lambdaMax, relativeResidual);
        }
    }

    /**
     * {@link #perLayer}'s result: every layer with trainable parameters, in the flat vector's order.
     *
     * @param layers   one entry per layer
     * @param whole    the whole Hessian's trace from the same probes: the layers' traces add up to it
     * @param products Hessian-vector products used in all
     * @param method   how the products were computed
     */
    public record PerLayer(List<LayerCurvature> layers, Trace whole, int products, String method) {
        public PerLayer {
            layers = List.copyOf(layers);
        }

        /**
         * The entry of layer {@code name}.
         *
         * @throws IllegalArgumentException naming the layers there are
         */
        public LayerCurvature layer(String name) {
            return layers.stream().filter(l -> l.layer().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no layer '" + name + "' with trainable"
                            + " parameters; layers: " + String.join(", ", layers.stream().map(LayerCurvature::layer)
                            .toList())));
        }

        /** A bounded table: one line per layer (at most 20), then the whole trace. */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("Hessian per layer, ").append(whole.probes())
                    .append(" Rademacher probes, ").append(products).append(" Hessian-vector products, ").append(method);
            int shown = Math.min(layers.size(), 20);
            for (int i = 0; i < shown; i++) {
                sb.append("\n  ").append(layers.get(i));
            }
            if (shown < layers.size()) {
                sb.append("\n  ... ").append(layers.size() - shown).append(" more");
            }
            return sb.append(String.format(Locale.ROOT, "%n  whole: trace %.6g ± %.2g", whole.trace(),
                    whole.standardError())).toString();
        }
    }

    /**
     * Settings of the per-point trace metric ({@code Metric.hessianTrace}).
     *
     * @param probes                  Rademacher probe vectors per point (= Hessian-vector products), at least 2
     * @param includeBiasAndBatchNorm whether biases and batch-norm gamma/beta are variables of the Hessian too (as for
     *                                {@link HessianExtremes.Options}; by default the weights only)
     * @param seed                    seed of the probes, the same at every point
     */
    public record TraceOptions(int probes, boolean includeBiasAndBatchNorm, long seed) {
        public TraceOptions {
            requireProbes(probes);
        }

        /** {@code probes} probes, weights only, seed 1. */
        public static TraceOptions of(int probes) {
            return new TraceOptions(probes, false, 1);
        }

        /** These options with biases and batch-norm gamma/beta as variables of the Hessian too. */
        public TraceOptions withBiasAndBatchNorm() {
            return new TraceOptions(probes, true, seed);
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
        requireProbes(probes);
        LossGradients.requireSupported(model, data == null ? null : List.of(data));
        LossGradients g = gradients(model, data);
        try {
            return hutchinson(HessianBlock.whole(g), List.of(), probes, seed, g.fallbackStep()).get(0);
        } finally {
            g.close();
        }
    }

    /**
     * Hutchinson's estimate of the trace of layer {@code layer}'s diagonal block {@code tr H_BB}: {@code z_Bᵀ (H z)_B}
     * averaged over the same probes as {@link #trace(Model, DataSet, int, long)} with the same seed, so the layers'
     * estimates add up to that one exactly (up to rounding). One product per probe.
     *
     * @param layer the layer's name, one with trainable parameters
     * @throws IllegalArgumentException before any work for bad arguments, naming an unknown layer and the layers there
     *                                  are
     */
    public static Trace trace(Model model, DataSet data, String layer, int probes, long seed) {
        requireProbes(probes);
        LossGradients.requireSupported(model, data == null ? null : List.of(data));
        List<ParameterSegment> segments = layerSegments(model, layer);
        LossGradients g = gradients(model, data);
        try {
            HessianBlock block = HessianBlock.of(g, segments, layer);
            Trace t = hutchinson(HessianBlock.whole(g), List.of(block), probes, seed, g.fallbackStep()).get(1);
            return new Trace(t.trace(), t.standardError(), t.probes(), block.method());
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
        requireDensity(lanczosSteps, probes);
        LossGradients.requireSupported(model, data == null ? null : List.of(data));
        LossGradients g = gradients(model, data);
        try {
            return density(HessianBlock.whole(g), lanczosSteps, probes, seed);
        } finally {
            g.close();
        }
    }

    /**
     * The spectral density of layer {@code layer}'s diagonal block {@code H_BB}, by stochastic Lanczos quadrature from
     * start vectors on the block; the Lanczos steps are capped at the layer's parameter count.
     *
     * @param layer the layer's name, one with trainable parameters
     * @see #density(Model, DataSet, int, int, long)
     */
    public static Density density(Model model, DataSet data, String layer, int lanczosSteps, int probes, long seed) {
        requireDensity(lanczosSteps, probes);
        LossGradients.requireSupported(model, data == null ? null : List.of(data));
        List<ParameterSegment> segments = layerSegments(model, layer);
        LossGradients g = gradients(model, data);
        try {
            return density(HessianBlock.of(g, segments, layer), lanczosSteps, probes, seed);
        } finally {
            g.close();
        }
    }

    /**
     * The {@code k} largest Hessian eigenvalues with their residuals, with {@link HessianEigen.Options#top(int)}'s
     * settings (tolerance 1e-6, seed 1).
     *
     * @param k how many, at least 1 and at most the number of parameters
     */
    public static Eigenvalues eigenvalues(Model model, DataSet data, int k) {
        return eigenvalues(model, data, HessianEigen.Options.top(k));
    }

    /**
     * The {@link HessianEigen.Options#k()} largest Hessian eigenvalues with their residuals: {@link HessianEigen}'s
     * Lanczos (whose options validate {@code k >= 1} and the tolerance), over the same Hessian as {@link #trace}.
     *
     * @throws IllegalArgumentException before any work if {@code k} exceeds the number of trainable parameters, or for
     *                                  an unsupported model or data
     */
    public static Eigenvalues eigenvalues(Model model, DataSet data, HessianEigen.Options options) {
        requireOptions(options);
        LossGradients.requireSupported(model, data == null ? null : List.of(data));
        requireK(options.k(), trainableCount(ParameterLayout.of(model).segments()), "");
        LossGradients g = gradients(model, data);
        try {
            return new Eigenvalues(new HessianEigen.Lanczos(HessianBlock.whole(g), options).run(), options.tolerance());
        } finally {
            g.close();
        }
    }

    /**
     * The largest eigenvalues of layer {@code layer}'s diagonal block {@code H_BB}, with their residuals; the
     * eigenvectors are zero outside the block.
     *
     * @throws IllegalArgumentException before any work if {@code k} exceeds the layer's parameter count, or for an
     *                                  unknown layer (naming the layers there are)
     */
    public static Eigenvalues eigenvalues(Model model, DataSet data, String layer, HessianEigen.Options options) {
        requireOptions(options);
        LossGradients.requireSupported(model, data == null ? null : List.of(data));
        List<ParameterSegment> segments = layerSegments(model, layer);
        requireK(options.k(), trainableCount(segments), " of layer '" + layer + "'");
        LossGradients g = gradients(model, data);
        try {
            return new Eigenvalues(new HessianEigen.Lanczos(HessianBlock.of(g, segments, layer), options).run(),
                    options.tolerance());
        } finally {
            g.close();
        }
    }

    /**
     * Every layer's curvature: its trainable parameter count, the trace of its diagonal block {@code H_BB} with the
     * standard error (all layers from the same {@code probes} products, which also give the whole trace: the layers'
     * traces add up to it) and {@code λmax} of {@code H_BB} with its residual (one Lanczos run per layer, with
     * {@link HessianEigen.Options#top(int) top(1)}'s settings and this seed).
     *
     * @param probes Rademacher probes, at least 2
     * @param seed   seed of the probes and of the Lanczos start vectors
     * @throws IllegalArgumentException before any work for bad arguments
     */
    public static PerLayer perLayer(Model model, DataSet data, int probes, long seed) {
        requireProbes(probes);
        LossGradients.requireSupported(model, data == null ? null : List.of(data));
        Map<String, List<ParameterSegment>> layers = new LinkedHashMap<>();
        for (ParameterSegment s : ParameterLayout.of(model).segments()) {
            if (s.role() != ParameterRole.BATCHNORM_RUNNING_STATISTIC) {
                layers.computeIfAbsent(s.layerName(), n -> new ArrayList<>()).add(s);
            }
        }
        LossGradients g = gradients(model, data);
        try {
            List<HessianBlock> blocks = new ArrayList<>();
            layers.forEach((name, segments) -> blocks.add(HessianBlock.of(g, segments, name)));
            List<Trace> traces = hutchinson(HessianBlock.whole(g), blocks, probes, seed, g.fallbackStep());
            HessianEigen.Options top = new HessianEigen.Options(1, 60, 1e-6, 1e-5, seed);
            List<LayerCurvature> out = new ArrayList<>();
            for (int i = 0; i < blocks.size(); i++) {
                HessianBlock b = blocks.get(i);
                HessianEigen e = new HessianEigen.Lanczos(b, top).run();
                Trace t = traces.get(i + 1);
                double lambda = e.eigenvalues()[0];
                out.add(new LayerCurvature(b.name(), b.variables(), t.trace(), t.standardError(), lambda,
                        e.residualNorms()[0] / Math.abs(lambda)));
            }
            return new PerLayer(out, traces.get(0), g.products(), g.curvatureMethod());
        } finally {
            g.close();
        }
    }

    /**
     * A reusable calculator of the trace at many parameter vectors of one architecture and one data set, for the
     * per-point metric: it owns a double-precision copy of the network and of the data. The probes are drawn from the
     * seed afresh at every point, so a point's value depends on its parameters only (not on the worker or the order).
     * Not thread-safe: one per thread.
     *
     * @param model   the architecture (its parameters are not used); only read
     * @param batches the data, one or more batches of features and labels without masks
     * @param options settings, not {@code null}
     * @throws IllegalArgumentException before any work for an unsupported model, missing, empty or masked data
     */
    public static TraceProbe probe(Model model, List<DataSet> batches, TraceOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        LossGradients.requireSupported(model, batches);
        return new TraceProbe(new LossGradients(model, batches,
                HessianExtremes.fixedRoles(options.includeBiasAndBatchNorm()), true), options);
    }

    /** See {@link HessianSpectrum#probe}. */
    public static final class TraceProbe {
        private final LossGradients gradients;
        private final HessianBlock whole;
        private final TraceOptions options;

        private TraceProbe(LossGradients gradients, TraceOptions options) {
            this.gradients = gradients;
            this.whole = HessianBlock.whole(gradients);
            this.options = options;
            if (whole.variables() == 0) {
                throw new IllegalArgumentException("the network has no parameters the Hessian is taken over");
            }
        }

        /** How the probe computes Hessian-vector products. */
        public String method() {
            return gradients.curvatureMethod();
        }

        /** Releases the probe's network copy; the probe is unusable afterwards. */
        public void close() {
            gradients.close();
        }

        /**
         * The trace at {@code parameters}, a flat vector of the architecture's layout (read, not kept).
         *
         * @throws IllegalArgumentException if its length is not the parameter count
         */
        public Trace at(INDArray parameters) {
            gradients.moveTo(parameters);
            return hutchinson(whole, List.of(), options.probes(), options.seed(), gradients.fallbackStep()).get(0);
        }
    }

    /**
     * Hutchinson over {@code probes} Rademacher vectors {@code z} on {@code whole}'s variables, one product
     * {@code H z} each: the whole trace ({@code zᵀ H z}) first, then each block's ({@code z_Bᵀ (H z)_B}), with
     * standard errors.
     */
    private static List<Trace> hutchinson(HessianBlock whole, List<HessianBlock> blocks, int probes, long seed,
                                                 double eps) {
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
                    HessianBlock block = blocks.get(b - 1);
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
        for (int b = 0; b <= blocks.size(); b++) {
            double mean = sum[b] / probes;
            double variance = Math.max(0, (sumSq[b] - probes * mean * mean) / (probes - 1));
            out.add(new Trace(mean, Math.sqrt(variance / probes), probes, whole.method()));
        }
        return out;
    }

    private static Density density(HessianBlock block, int lanczosSteps, int probes, long seed) {
        Random random = new Random(seed);
        double eps = block.gradients().fallbackStep();
        double[][] nodes = new double[probes][];
        double[][] weights = new double[probes][];
        for (int p = 0; p < probes; p++) {
            double[] q = new double[block.length()];
            for (int j = 0; j < q.length; j++) {
                double sign = random.nextBoolean() ? 1 : -1;
                q[j] = block.contains(j) ? sign : 0;
            }
            FlatVectors.scale(1 / FlatVectors.norm(q), q);
            SymmetricEigen t = HessianExtremes.lanczos(block, q, Math.min(lanczosSteps, block.variables()), eps);
            int m = t.values().length;
            nodes[p] = t.values().clone();
            weights[p] = new double[m];
            for (int k = 0; k < m; k++) {
                double first = t.vectors()[k][0];
                weights[p][k] = first * first;
            }
        }
        return new Density(nodes, weights, block.method());
    }

    private static void requireProbes(int probes) {
        if (probes < 2) {
            throw new IllegalArgumentException("probes must be >= 2, was " + probes);
        }
    }

    private static void requireDensity(int lanczosSteps, int probes) {
        if (lanczosSteps < 2) {
            throw new IllegalArgumentException("lanczosSteps must be >= 2, was " + lanczosSteps);
        }
        if (probes < 1) {
            throw new IllegalArgumentException("probes must be >= 1, was " + probes);
        }
    }

    private static void requireOptions(HessianEigen.Options options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
    }

    private static void requireK(int k, long variables, String of) {
        if (k > variables) {
            throw new IllegalArgumentException("k must be at most the number of trainable parameters" + of + " ("
                    + variables + "), was " + k);
        }
    }

    private static long trainableCount(List<ParameterSegment> segments) {
        return segments.stream().filter(s -> s.role() != ParameterRole.BATCHNORM_RUNNING_STATISTIC)
                .mapToLong(ParameterSegment::length).sum();
    }

    /**
     * The trainable segments of layer {@code layer} of {@code model}.
     *
     * @throws IllegalArgumentException naming the layer and the layers with trainable parameters
     */
    private static List<ParameterSegment> layerSegments(Model model, String layer) {
        List<ParameterSegment> trainable = ParameterLayout.of(model).segments().stream()
                .filter(s -> s.role() != ParameterRole.BATCHNORM_RUNNING_STATISTIC).toList();
        List<ParameterSegment> mine = trainable.stream().filter(s -> s.layerName().equals(layer)).toList();
        if (mine.isEmpty()) {
            throw new IllegalArgumentException("no layer " + (layer == null ? "null" : "'" + layer + "'")
                    + " with trainable parameters; layers with trainable parameters: " + String.join(", ",
                    trainable.stream().map(ParameterSegment::layerName).distinct().toList()));
        }
        return mine;
    }

    private static String format(double[] values, String pattern) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            sb.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, pattern, values[i]));
        }
        return sb.append(']').toString();
    }

    private static LossGradients gradients(Model model, DataSet data) {
        return new LossGradients(model, List.of(data), new ParameterRole[] {ParameterRole.BATCHNORM_RUNNING_STATISTIC},
                true);
    }
}

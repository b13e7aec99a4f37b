package org.landscape4j.engine.curvature;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.engine.geometry.HessianProducts;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.engine.parameters.ParameterRole;
import org.landscape4j.engine.parameters.ParameterSegment;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The Hessian of a network's loss at its parameters, on one data set: PyHessian's object (Yao et al. 2020), the one
 * entry to every curvature quantity of the library — the top eigenpairs with their residuals, the two extreme
 * eigenvalues, Hutchinson's trace, the spectral density by stochastic Lanczos quadrature, per-layer curvature, and
 * the same restricted to one layer's diagonal block.
 *
 * <pre>{@code
 * try (Hessian h = Hessian.of(net, trainData)) {          // Options.DEFAULT: the weights only
 *     h.eigenvalues(2);          // λ1 ≥ λ2, their unit eigenvectors and residuals |Hv − λv|
 *     h.extremes();              // λmin, λmax and their residuals: stops when both are converged
 *     h.trace(100);              // Hutchinson, ± standard error
 *     h.density(90, 5);          // stochastic Lanczos quadrature, for SpectralDensityChart
 *     h.perLayer(100);           // per layer: parameters, trace ± s.e., λmax
 *     h.layer("dense1").eigenvalues(1);   // one layer's diagonal block
 * }
 * Hessian.of(net, data, Hessian.Options.DEFAULT.withParameters(Hessian.Parameters.ALL_TRAINABLE));   // as PyHessian
 * }</pre>
 *
 * <p><b>Which Hessian.</b> The loss is the landscape's own: the network's loss averaged over all examples of the data
 * (DL4J's score, without L1/L2 or weight-decay terms), in inference mode — batch normalization with its running
 * statistics (constants, not variables), no dropout. Its variables are {@link Options#parameters()}: by default
 * ({@link Options#DEFAULT}, used by every curvature metric and by {@code Directions.hessian} too) the
 * {@linkplain Parameters#WEIGHTS weights only} — dense and convolution weight tensors, as the reference implementation's
 * {@code plot_hessian_eigen.py} (Li et al. 2018) and as the landscape's own directions, which leave biases and
 * batch-norm parameters at their values; {@link Parameters#ALL_TRAINABLE} adds biases, batch-norm gamma/beta and any
 * other trained parameter, as PyHessian. Entries outside the variables are zero in every product and eigenvector.
 * Every result says which ({@link Variables}, in its {@code toString()}).
 *
 * <p><b>Products.</b> Hessian-vector products are exact: Pearlmutter's R-operator through the inference-mode forward
 * pass and back-propagation, in double precision on a private copy of the network (the caller's is only read). A
 * network with a layer kind that has no exact rule gets central differences of DL4J gradients instead (batch
 * normalization then in DL4J's training mode), with step {@link Options#relativeStep()}{@code · max(1, |θ|)};
 * {@link #method()} and every result's {@code method} say which and name the layer.
 *
 * <p><b>Cost.</b> A product is one forward pass carrying directional derivatives and one backward pass over the whole
 * data in double precision, a few times a training step; a Lanczos run holds up to {@link Options#maxLanczosSteps()}
 * vectors of {@code P} doubles. Not thread-safe: one per thread. {@link #close()} releases the network copy.
 */
public final class Hessian implements AutoCloseable {

    /** Which parameters are the variables of the Hessian. */
    public enum Parameters {
        /**
         * The weight tensors only (dense and convolution weights): the reference implementation's curvature maps, and
         * the parameters the landscape's directions move. The default.
         */
        WEIGHTS("weights only", EnumSet.complementOf(EnumSet.of(ParameterRole.WEIGHT))),
        /** Every trained parameter: weights, biases, batch-norm gamma/beta and others (not running statistics). */
        ALL_TRAINABLE("all trainable", EnumSet.of(ParameterRole.BATCHNORM_RUNNING_STATISTIC));

        private final String description;
        private final Set<ParameterRole> fixed;

        Parameters(String description, Set<ParameterRole> fixed) {
            this.description = description;
            this.fixed = fixed;
        }

        /** The roles that are not variables. */
        Set<ParameterRole> fixed() {
            return EnumSet.copyOf(fixed);
        }

        /** {@code "weights only"} or {@code "all trainable"}. */
        @Override
        public String toString() {
            return description;
        }
    }

    /**
     * Settings of every curvature computation; one record for all of them, validated at construction.
     *
     * @param parameters      the variables of the Hessian, not {@code null} (default {@link Parameters#WEIGHTS})
     * @param maxLanczosSteps the most Lanczos steps of one run, at least 2 (default 100): a run stops earlier when the
     *                        Ritz pairs it wants are converged; memory: this many vectors of {@code P} doubles
     * @param tolerance       a Ritz pair is converged when its residual {@code |Hy − θy|} is at most
     *                        {@code tolerance} times the spectral radius of the Lanczos matrix; in (0, 1) (default
     *                        1e-6)
     * @param seed            seed of the random start and probe vectors (default 1); the same at every point of a map
     * @param relativeStep    the finite-difference step relative to {@code max(1, |θ|)}, in (0, 1) (default 1e-5); used
     *                        only by the fallback for layers without an exact rule
     */
    public record Options(Parameters parameters, int maxLanczosSteps, double tolerance, long seed,
                          double relativeStep) {

        /** Weights only, at most 100 Lanczos steps per run, tolerance 1e-6, seed 1, relative step 1e-5. */
        public static final Options DEFAULT = new Options(Parameters.WEIGHTS, 100, 1e-6, 1, 1e-5);

        /** Rejects a bad value, naming it. */
        public Options {
            if (parameters == null) {
                throw new IllegalArgumentException("parameters must not be null: WEIGHTS or ALL_TRAINABLE");
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

        /** These options over {@code p}. */
        public Options withParameters(Parameters p) {
            return new Options(p, maxLanczosSteps, tolerance, seed, relativeStep);
        }

        /** These options with at most {@code n} Lanczos steps per run. */
        public Options withMaxLanczosSteps(int n) {
            return new Options(parameters, n, tolerance, seed, relativeStep);
        }

        /** These options with convergence tolerance {@code t}. */
        public Options withTolerance(double t) {
            return new Options(parameters, maxLanczosSteps, t, seed, relativeStep);
        }

        /** These options with seed {@code s}. */
        public Options withSeed(long s) {
            return new Options(parameters, maxLanczosSteps, tolerance, s, relativeStep);
        }

        /** These options with the fallback's relative step {@code h}. */
        public Options withRelativeStep(double h) {
            return new Options(parameters, maxLanczosSteps, tolerance, seed, h);
        }
    }

    private final HessianProducts products;
    /** The whole Hessian's block: a layer's trace is estimated from its probes. */
    private final Block root;
    private final Block block;
    private final Options options;
    private final List<ParameterSegment> segments;
    /** Whether {@link #close()} releases the products (a layer's view shares them). */
    private final boolean owner;

    private Hessian(HessianProducts products, Block root, Block block, Options options,
                    List<ParameterSegment> segments, boolean owner) {
        this.products = products;
        this.root = root;
        this.block = block;
        this.options = options;
        this.segments = segments;
        this.owner = owner;
    }

    /** The Hessian of {@code model}'s loss on {@code data} with {@link Options#DEFAULT}. */
    public static Hessian of(Model model, DataSet data) {
        return of(model, data, Options.DEFAULT);
    }

    /** The Hessian of {@code model}'s loss on {@code data}; see {@link #of(Model, List, Options)}. */
    public static Hessian of(Model model, DataSet data, Options options) {
        return of(model, data == null ? null : List.of(data), options);
    }

    /**
     * The Hessian of {@code model}'s loss averaged over the examples of all {@code batches}, at the model's parameters.
     * Takes a double-precision copy of the network and of the data.
     *
     * @param model   an initialised {@link MultiLayerNetwork} or single-input, single-output {@link ComputationGraph};
     *                only read
     * @param batches features and labels, without masks, not empty
     * @param options settings, not {@code null}
     * @throws IllegalArgumentException before any work for an unsupported model, missing, empty or masked data, or a
     *                                  network without parameters of {@code options.parameters()}
     */
    public static Hessian of(Model model, List<DataSet> batches, Options options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        HessianProducts products = HessianProducts.of(model, batches, options.parameters().fixed());
        try {
            Block whole = Block.whole(products, options.parameters());
            if (whole.variables() == 0) {
                throw new IllegalArgumentException("the network has no parameters the Hessian is taken over ("
                        + whole.description() + ")");
            }
            return new Hessian(products, whole, whole, options, ParameterLayout.of(model).segments(), true);
        } catch (RuntimeException e) {
            products.close();
            throw e;
        }
    }

    /**
     * This Hessian's diagonal block of layer {@code name}'s variables, {@code H_BB}: project a vector to the layer's
     * parameters, multiply, project back. Its eigenvalues are those of the layer's parameters with every other one held
     * fixed; its eigenvectors are zero outside the layer; its {@link #trace} comes from this Hessian's probes. It shares
     * this Hessian's network copy and point ({@link #close()} on the view does nothing).
     *
     * @throws IllegalArgumentException for a layer without variables here, naming the layers with some
     */
    public Hessian layer(String name) {
        Map<String, Block> layers = layerBlocks();
        Block b = layers.get(name);
        if (b == null) {
            throw new IllegalArgumentException("no layer " + (name == null ? "null" : "'" + name + "'") + " with"
                    + " variables of the Hessian (" + options.parameters() + "); layers with some: "
                    + String.join(", ", layers.keySet()));
        }
        return new Hessian(products, root, b, options, segments, false);
    }

    /** The blocks of the layers with variables in this Hessian's block, in the flat vector's order. */
    private Map<String, Block> layerBlocks() {
        Map<String, List<ParameterSegment>> bySegments = new LinkedHashMap<>();
        for (ParameterSegment s : segments) {
            bySegments.computeIfAbsent(s.layerName(), n -> new ArrayList<>()).add(s);
        }
        Map<String, Block> out = new LinkedHashMap<>();
        bySegments.forEach((name, list) -> {
            Block b = block.restrictTo(list, name);
            if (b.variables() > 0) {
                out.put(name, b);
            }
        });
        return out;
    }

    /**
     * Moves the point the Hessian is taken at to {@code parameters}, a flat vector of the network's layout (read, not
     * kept): a map computes one Hessian per worker and moves it to every point. A layer's view moves with it.
     *
     * @return this Hessian
     * @throws IllegalArgumentException if its length is not the parameter count
     */
    public Hessian moveTo(INDArray parameters) {
        products.moveTo(parameters);
        return this;
    }

    /**
     * The {@code k} largest eigenpairs with their residuals: Lanczos with full re-orthogonalisation, locking and
     * restarts (runs of at most {@link Options#maxLanczosSteps()} steps, each stopped when the pairs it still wants
     * are converged to {@link Options#tolerance()}), then one more product per pair for its Rayleigh quotient and
     * residual.
     *
     * @param k how many, at least 1 and at most the number of variables
     * @throws IllegalArgumentException naming {@code k} when it is out of range
     */
    public Eigenvalues eigenvalues(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, was " + k);
        }
        if (k > block.variables()) {
            throw new IllegalArgumentException("k must be at most the number of variables of the Hessian ("
                    + block.description() + "), was " + k);
        }
        return Lanczos.top(block, k, options);
    }

    /**
     * The smallest and the largest eigenvalue with their residuals, from one Lanczos run from a Gaussian start of the
     * options' seed (the same at every point of a map) that stops when both are converged to
     * {@link Options#tolerance()}, or after {@link Options#maxLanczosSteps()} steps ({@link Extremes#converged()} then
     * says no); at most one product per step.
     */
    public Extremes extremes() {
        return Lanczos.extremes(block, options);
    }

    /**
     * Hutchinson's estimate of the trace with its standard error, from {@code probes} Rademacher vectors drawn from the
     * options' seed (the same at every point of a map), one product each.
     *
     * @param probes at least 2 (for the standard error)
     * @throws IllegalArgumentException naming {@code probes} when it is below 2
     */
    public Trace trace(int probes) {
        requireProbes(probes);
        double eps = products.fallbackStep(options.relativeStep());
        List<Trace> traces = Trace.hutchinson(root, block == root ? List.of() : List.of(block), probes,
                options.seed(), eps);
        return traces.get(traces.size() - 1);
    }

    /**
     * The spectral density by stochastic Lanczos quadrature: {@code probes} Rademacher start vectors from the options'
     * seed, {@code lanczosSteps} steps each (capped at the number of variables).
     *
     * @param lanczosSteps Lanczos steps per probe, at least 2 (PyHessian: 100)
     * @param probes       start vectors, at least 1 (PyHessian: 1)
     * @throws IllegalArgumentException naming a bad argument
     */
    public Density density(int lanczosSteps, int probes) {
        if (lanczosSteps < 2) {
            throw new IllegalArgumentException("lanczosSteps must be >= 2, was " + lanczosSteps);
        }
        if (probes < 1) {
            throw new IllegalArgumentException("probes must be >= 1, was " + probes);
        }
        return Density.of(block, lanczosSteps, probes, options.seed(), products.fallbackStep(options.relativeStep()));
    }

    /**
     * Every layer's curvature: its number of variables, the trace of its diagonal block with the standard error (all
     * layers from the same {@code probes} products, which also give the whole trace: the layers' traces add up to it)
     * and the largest eigenvalue of the block with its residual ({@link #eigenvalues(int) eigenvalues(1)} of the
     * layer's view).
     *
     * @param probes Rademacher probes, at least 2
     * @throws IllegalArgumentException naming {@code probes} when it is below 2
     */
    public PerLayer perLayer(int probes) {
        requireProbes(probes);
        int before = products.products();
        List<Block> blocks = new ArrayList<>(layerBlocks().values());
        // the probes are the whole Hessian's, also on a layer's view (as its trace): this block's trace comes first
        int first = block == root ? 0 : 1;
        List<Block> estimated = new ArrayList<>(block == root ? List.of() : List.of(block));
        estimated.addAll(blocks);
        List<Trace> traces = Trace.hutchinson(root, estimated, probes, options.seed(),
                products.fallbackStep(options.relativeStep()));
        List<PerLayer.LayerCurvature> out = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            Eigenvalues top = Lanczos.top(b, 1, options);
            Trace t = traces.get(first + i + 1);
            double lambda = top.values()[0];
            out.add(new PerLayer.LayerCurvature(b.description().layer(), b.variables(), t.trace(), t.standardError(),
                    lambda, top.residualNorms()[0] / Math.abs(lambda)));
        }
        return new PerLayer(out, traces.get(first), products.products() - before, block.description(),
                products.method());
    }

    /** The options this Hessian computes with. */
    public Options options() {
        return options;
    }

    /** The variables: which parameters, and how many. */
    public Variables variables() {
        return block.description();
    }

    /** How the products are computed: exact (over which layer kinds) or the fallback (naming the layer). */
    public String method() {
        return products.method();
    }

    /** Whether the products are exact (not the finite-difference fallback). */
    public boolean isExact() {
        return products.isExact();
    }

    /** Releases the network copy (not for a layer's view); the Hessian and its views are unusable afterwards. */
    @Override
    public void close() {
        if (owner) {
            products.close();
        }
    }

    @Override
    public String toString() {
        return "Hessian over " + block.description() + ", " + products.method() + ", " + options;
    }

    private static void requireProbes(int probes) {
        if (probes < 2) {
            throw new IllegalArgumentException("probes must be >= 2, was " + probes);
        }
    }
}

package org.landscape4j.engine;

/**
 * How a landscape is computed; none of this changes the numbers beyond float rounding, except the opt-in
 * {@link Precision#BF16}.
 *
 * @param order               the order points are computed and emitted in
 * @param workers             parallel workers, each with its own network copy; 0 picks the default
 *                            ({@link #defaultWorkers()}); one worker computes points strictly on demand, more compute
 *                            up to {@code workers} points ahead of demand
 * @param factorizeFirstLayer compute the first layer's pre-activation once per run for each anchor (the centre and
 *                            each direction) and combine it per point; applies when the network's first layer is
 *                            dense or a 2D convolution reading the network's only input
 * @param firstLayerMemory    the most bytes the first-layer products may take (they are held for the whole run:
 *                            {@code anchors × examples × first layer's outputs per example × 4} for float networks,
 *                            e.g. 553 MB for a 5×5×8 convolution on 28×28 images, 10,000 examples, a plane); above it
 *                            the first layer is computed at every point instead
 * @param executor            where the points are computed: {@code null} (the default) on this JVM's workers, or
 *                            elsewhere, e.g. on a Spark cluster ({@code landscape4j-spark}); {@link #workers()} does
 *                            not apply then
 * @param backend             what computes the points: {@link Backend#AUTO} (the default) takes the backend ND4J
 *                            loaded; {@link Backend#CUDA} the engine's GPU back end; CPU or ND4J_CUDA require that ND4J
 *                            backend. {@code Landscape.compile} refuses, before any work, one that cannot run here (see
 *                            {@link Backend}); CUDA with an {@link #executor()} is refused (Spark's executors run the
 *                            CPU back end), the others are checked on this JVM only
 * @param precision           the arithmetic of the convolutions: {@link Precision#FLOAT} (the default) or an opt-in,
 *                            {@link Precision#BF16} on the CPU or {@link Precision#TF32} on the GPU, which
 *                            {@code Landscape.compile} refuses, before any work, where it cannot run
 */
public record Execution(Order order, int workers, boolean factorizeFirstLayer, long firstLayerMemory,
                        PointExecutor executor, Backend backend, Precision precision) {

    /** The default budget of the first-layer products: 1 GiB. */
    public static final long DEFAULT_FIRST_LAYER_MEMORY = 1L << 30;

    /** Raster order, default workers, first-layer factorization on within {@link #DEFAULT_FIRST_LAYER_MEMORY}. */
    public static final Execution DEFAULT = new Execution(Order.RASTER, 0, true, DEFAULT_FIRST_LAYER_MEMORY, null,
            Backend.AUTO, Precision.FLOAT);

    public Execution {
        if (order == null) {
            throw new IllegalArgumentException("order must not be null");
        }
        if (workers < 0 || workers > 256) {
            throw new IllegalArgumentException("workers must be in [0, 256] (0 = default), was " + workers);
        }
        if (firstLayerMemory < 0) {
            throw new IllegalArgumentException("firstLayerMemory must be >= 0 bytes, was " + firstLayerMemory);
        }
        if (backend == null) {
            throw new IllegalArgumentException("backend must not be null; Backend.AUTO takes the one ND4J loaded");
        }
        if (precision == null) {
            throw new IllegalArgumentException("precision must not be null; Precision.FLOAT is the default");
        }
    }

    /** An execution with the default first-layer memory budget, on this JVM, any backend, in float. */
    public Execution(Order order, int workers, boolean factorizeFirstLayer) {
        this(order, workers, factorizeFirstLayer, DEFAULT_FIRST_LAYER_MEMORY, null, Backend.AUTO, Precision.FLOAT);
    }

    /** This execution with another budget for the first-layer products, in bytes. */
    public Execution withFirstLayerMemory(long bytes) {
        return with(c -> c.firstLayerMemory = bytes);
    }

    /** This execution with another order. */
    public Execution withOrder(Order value) {
        return with(c -> c.order = value);
    }

    /** This execution with {@code n} workers (0 = default). */
    public Execution withWorkers(int n) {
        return with(c -> c.workers = n);
    }

    /** This execution with first-layer factorization on or off. */
    public Execution withFactorization(boolean on) {
        return with(c -> c.factorizeFirstLayer = on);
    }

    /** This execution computing its points with {@code value}, or on this JVM's workers when {@code null}. */
    public Execution withExecutor(PointExecutor value) {
        return with(c -> c.executor = value);
    }

    /** This execution required to run on {@code value} (see {@link Backend}). */
    public Execution withBackend(Backend value) {
        return with(c -> c.backend = value);
    }

    /** This execution with its convolutions in {@code value} (see {@link Precision}). */
    public Execution withPrecision(Precision value) {
        return with(c -> c.precision = value);
    }

    /**
     * This execution with {@code change} applied to a copy of its settings (validated again): the one place a new
     * setting is copied, so adding one means its component, its check, its field here and its wither.
     */
    private Execution with(java.util.function.Consumer<Settings> change) {
        Settings c = new Settings(this);
        change.accept(c);
        return new Execution(c.order, c.workers, c.factorizeFirstLayer, c.firstLayerMemory, c.executor, c.backend,
                c.precision);
    }

    /** The settings of an execution being copied by a wither. */
    private static final class Settings {
        Order order;
        int workers;
        boolean factorizeFirstLayer;
        long firstLayerMemory;
        PointExecutor executor;
        Backend backend;
        Precision precision;

        Settings(Execution e) {
            order = e.order;
            workers = e.workers;
            factorizeFirstLayer = e.factorizeFirstLayer;
            firstLayerMemory = e.firstLayerMemory;
            executor = e.executor;
            backend = e.backend;
            precision = e.precision;
        }
    }

    /** The workers actually used: {@link #workers()}, or the default when it is 0. */
    public int effectiveWorkers() {
        return workers == 0 ? defaultWorkers() : workers;
    }

    /** The most workers the default picks: each holds a network copy and its activation buffers. */
    public static final int MAX_DEFAULT_WORKERS = 8;

    /**
     * The default worker count: as many workers as fit the cores at ND4J's thread count per operation
     * ({@code cores / maxThreads}), at least 1 and at most {@link #MAX_DEFAULT_WORKERS}. Each worker holds a copy of
     * the network and its inference plan's activation buffers for the largest batch ({@code Landscape.evaluationPlan()}
     * states them). Measured on 2 cores with {@code OMP_NUM_THREADS=1} (docs/speed.md benchmark, workers x ND4J threads):
     * 2 workers ran the LeNet-like CNN at 58 points/s and 1 worker at 41 (1 worker with 2 threads per op: 40); for
     * the MLP 2 workers gave 2,064 and 1 worker 1,827 points/s.
     */
    public static int defaultWorkers() {
        int threads = Math.max(1, org.nd4j.linalg.factory.Nd4j.getEnvironment().maxThreads());
        return Math.max(1, Math.min(MAX_DEFAULT_WORKERS, Runtime.getRuntime().availableProcessors() / threads));
    }
}

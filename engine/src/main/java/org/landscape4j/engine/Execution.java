package org.landscape4j.engine;

/**
 * How a landscape is computed; none of this changes the numbers beyond float rounding.
 *
 * @param order               the order points are computed and emitted in
 * @param workers             parallel workers, each with its own network copy; 0 picks the default
 *                            ({@link #defaultWorkers()}); one worker computes points strictly on demand, more compute
 *                            up to {@code workers} points ahead of demand
 * @param factorizeFirstLayer compute the first layer's pre-activation once per run for each direction and combine
 *                            it per point (dense or convolution first layer of a {@code MultiLayerNetwork}); other
 *                            networks fall back to the plain forward pass
 * @param executor            where the points are computed: {@code null} (the default) on this JVM's workers, or
 *                            elsewhere, e.g. on a Spark cluster ({@code landscape4j-spark}); {@link #workers()} does
 *                            not apply then
 */
public record Execution(Order order, int workers, boolean factorizeFirstLayer, PointExecutor executor) {

    /** Raster order, default workers, first-layer factorization on, this JVM. */
    public static final Execution DEFAULT = new Execution(Order.RASTER, 0, true, null);

    /** An execution on this JVM's workers. */
    public Execution(Order order, int workers, boolean factorizeFirstLayer) {
        this(order, workers, factorizeFirstLayer, null);
    }

    public Execution {
        if (order == null) {
            throw new IllegalArgumentException("order must not be null");
        }
        if (workers < 0 || workers > 256) {
            throw new IllegalArgumentException("workers must be in [0, 256] (0 = default), was " + workers);
        }
    }

    /** This execution with another order. */
    public Execution withOrder(Order value) {
        return new Execution(value, workers, factorizeFirstLayer, executor);
    }

    /** This execution with {@code n} workers (0 = default). */
    public Execution withWorkers(int n) {
        return new Execution(order, n, factorizeFirstLayer, executor);
    }

    /** This execution with first-layer factorization on or off. */
    public Execution withFactorization(boolean on) {
        return new Execution(order, workers, on, executor);
    }

    /** This execution computing its points with {@code value}, or on this JVM's workers when {@code null}. */
    public Execution withExecutor(PointExecutor value) {
        return new Execution(order, workers, factorizeFirstLayer, value);
    }

    /** The workers actually used: {@link #workers()}, or the default when it is 0. */
    public int effectiveWorkers() {
        return workers == 0 ? defaultWorkers() : workers;
    }

    /**
     * The default worker count: as many workers as fit the cores at ND4J's thread count per operation
     * ({@code cores / maxThreads}, at least 1). Measured on 2 cores with {@code OMP_NUM_THREADS=1} (README benchmark):
     * 2 workers ran the MLP 1.5x and the CNN 2x faster than 1; with ND4J's default 2 threads per operation a second
     * worker would only compete for the same cores.
     */
    public static int defaultWorkers() {
        int threads = Math.max(1, org.nd4j.linalg.factory.Nd4j.getEnvironment().maxThreads());
        return Math.max(1, Runtime.getRuntime().availableProcessors() / threads);
    }
}

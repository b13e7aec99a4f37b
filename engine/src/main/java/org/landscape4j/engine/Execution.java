package org.landscape4j.engine;

/**
 * How a landscape is computed; none of this changes the numbers beyond float rounding.
 *
 * @param order               the order points are computed and emitted in
 * @param workers             parallel workers, each with its own network copy; 0 picks the default
 *                            ({@link #defaultWorkers()}); with more than one worker up to {@code workers} points are
 *                            computed ahead of demand
 * @param factorizeFirstLayer compute the first layer's pre-activation once per run for each direction and combine
 *                            it per point (dense or convolution first layer of a {@code MultiLayerNetwork}); other
 *                            networks fall back to the plain forward pass
 */
public record Execution(Order order, int workers, boolean factorizeFirstLayer) {

    /** Raster order, default workers, first-layer factorization on. */
    public static final Execution DEFAULT = new Execution(Order.RASTER, 0, true);

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
        return new Execution(value, workers, factorizeFirstLayer);
    }

    /** This execution with {@code n} workers (0 = default). */
    public Execution withWorkers(int n) {
        return new Execution(order, n, factorizeFirstLayer);
    }

    /** This execution with first-layer factorization on or off. */
    public Execution withFactorization(boolean on) {
        return new Execution(order, workers, on);
    }

    /** The workers actually used: {@link #workers()}, or the default when it is 0. */
    public int effectiveWorkers() {
        return workers == 0 ? defaultWorkers() : workers;
    }

    /**
     * The default worker count: one. Measured on 2 cores (see the benchmark in the README): a second worker did not
     * pay for small models, and one worker keeps points strictly on demand.
     */
    public static int defaultWorkers() {
        return 1;
    }
}

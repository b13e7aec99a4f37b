package org.landscape4j.engine;

import reactor.core.publisher.Flux;

/**
 * Computes a landscape's points somewhere other than this JVM's worker threads, for example on an Apache Spark
 * cluster ({@code org.landscape4j.spark.SparkExecutor} in the {@code landscape4j-spark} module). Chosen with
 * {@link Execution#withExecutor}; the landscape still streams, checkpoints and builds its results as usual: only the
 * evaluation of the points moves.
 *
 * <p>Before any work the landscape checks that everything it evaluates can travel: a custom {@link Metric} must have a
 * {@link java.io.Serializable} function, otherwise compiling fails naming the metric.
 */
public interface PointExecutor {

    /**
     * Evaluates the given positions of {@code run}'s visiting order. Cold: nothing is submitted before subscription.
     * The values of each position are emitted once, as they arrive, in any order; the positions are given in the
     * landscape's order and should be started in that order so that, e.g., coarse-to-fine points come first.
     * Cancelling the subscription must stop the work that has not started; an error fails the landscape's stream.
     *
     * @param run       everything a point needs, serializable; {@link PortableRun#evaluate} computes points with the
     *                  engine's own code wherever it is deserialized
     * @param positions positions {@code n} of the visiting order still to compute, in the order to submit them
     */
    Flux<PortableRun.Computed> compute(PortableRun run, int[] positions);
}

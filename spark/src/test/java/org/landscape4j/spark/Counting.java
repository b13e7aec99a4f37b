package org.landscape4j.spark;

import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleBiFunction;

import org.apache.spark.TaskContext;
import org.landscape4j.engine.Metric;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Serializable custom metric for the tests (the mean network output, which is 1/3 for a 3-class softmax, so the
 * value itself says little): counts its calls in this JVM (local mode runs tasks here), optionally sleeps to slow
 * the points down, and optionally throws in the first attempt of one partition to inject a task failure.
 */
final class Counting implements ToDoubleBiFunction<INDArray, INDArray>, Serializable {

    private static final long serialVersionUID = 1L;

    /** Evaluations (calls, one per point for one set of one batch) in this JVM. */
    static final AtomicInteger EVALUATIONS = new AtomicInteger();
    /** Failures injected in this JVM. */
    static final AtomicInteger INJECTED = new AtomicInteger();

    private final long sleepMillis;
    private final int failPartition;
    private final int failAttemptsBelow;

    private Counting(long sleepMillis, int failPartition, int failAttemptsBelow) {
        this.sleepMillis = sleepMillis;
        this.failPartition = failPartition;
        this.failAttemptsBelow = failAttemptsBelow;
    }

    /** A metric that only counts, after sleeping {@code sleepMillis} per point. */
    static Metric counting(long sleepMillis) {
        return Metric.of("count", new Counting(sleepMillis, -1, 0));
    }

    /** A metric that throws in attempts {@code 0 .. attempts - 1} of task {@code partition}. */
    static Metric failing(int partition, int attempts) {
        return Metric.of("count", new Counting(0, partition, attempts));
    }

    @Override
    public double applyAsDouble(INDArray output, INDArray labels) {
        TaskContext task = TaskContext.get();
        if (task != null && task.partitionId() == failPartition && task.attemptNumber() < failAttemptsBelow) {
            INJECTED.incrementAndGet();
            throw new IllegalStateException("injected failure in partition " + failPartition + ", attempt "
                    + task.attemptNumber());
        }
        EVALUATIONS.incrementAndGet();
        if (sleepMillis > 0) {
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return output.meanNumber().doubleValue();
    }
}

package org.landscape4j.engine;

import java.util.function.ToDoubleBiFunction;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A number computed at a landscape point on one evaluation set.
 *
 * <ul>
 *   <li>{@link #loss()}: the network's own loss function averaged over the evaluation set (DL4J's {@code score}
 *       semantics, without regularization terms); for a graph with several outputs, the sum over outputs.</li>
 *   <li>{@link #accuracy()}: the fraction of examples whose arg-max output equals the arg-max label (for a single
 *       output column, whether output and label fall on the same side of 0.5). A fraction, not percent.</li>
 *   <li>{@link #of(String, ToDoubleBiFunction)}: your own function of (network output, labels) of one batch; its
 *       value for the evaluation set is the average over batches weighted by batch size.</li>
 * </ul>
 * All are computed from the same inference-mode forward pass (running batch-norm statistics, no dropout).
 */
public sealed interface Metric permits Metric.Loss, Metric.Accuracy, Metric.Custom {

    /** The metric's name, unique within a landscape; used as a key in points and results. */
    String name();

    /** The network's own loss, without regularization. Named {@code loss}. */
    static Metric loss() {
        return Loss.INSTANCE;
    }

    /** Classification accuracy as a fraction in [0, 1]. Named {@code accuracy}. */
    static Metric accuracy() {
        return Accuracy.INSTANCE;
    }

    /**
     * A metric of your own.
     *
     * @param name     a non-blank name other than {@code loss} and {@code accuracy}
     * @param function (output, labels) of one batch to a number; called on the engine's worker thread, it must not
     *                 keep the arrays (they are reused)
     */
    static Metric of(String name, ToDoubleBiFunction<INDArray, INDArray> function) {
        return new Custom(name, function);
    }

    /** See {@link Metric#loss()}. */
    record Loss() implements Metric {
        static final Loss INSTANCE = new Loss();

        @Override
        public String name() {
            return "loss";
        }
    }

    /** See {@link Metric#accuracy()}. */
    record Accuracy() implements Metric {
        static final Accuracy INSTANCE = new Accuracy();

        @Override
        public String name() {
            return "accuracy";
        }
    }

    /**
     * See {@link Metric#of(String, ToDoubleBiFunction)}.
     *
     * @param name     the metric's name
     * @param function (output, labels) to a number
     */
    record Custom(String name, ToDoubleBiFunction<INDArray, INDArray> function) implements Metric {
        public Custom {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("metric name must not be blank, was " + (name == null ? "null"
                        : "'" + name + "'"));
            }
            if (name.equals("loss") || name.equals("accuracy")) {
                throw new IllegalArgumentException("metric name '" + name + "' is reserved for the built-in metric");
            }
            if (function == null) {
                throw new IllegalArgumentException("metric '" + name + "' has a null function");
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }
}

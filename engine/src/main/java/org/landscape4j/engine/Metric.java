package org.landscape4j.engine;

import java.util.List;
import java.util.function.ToDoubleBiFunction;

import org.landscape4j.engine.curvature.Hessian;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A number computed at a landscape point on one evaluation set.
 *
 * <ul>
 *   <li>{@link #loss()}: the network's own loss function averaged over the evaluation set (DL4J's {@code score}
 *       semantics, without regularization terms); for a graph with several outputs, the sum over outputs.</li>
 *   <li>{@link #accuracy()}: the fraction of examples whose arg-max output equals the arg-max label (for a single
 *       output column, whether output and label fall on the same side of 0.5). For a network whose (first) output
 *       layer's loss is {@code LossBinaryXENT} — independent yes/no outputs, multi-label — arg-max is meaningless:
 *       there it is the fraction of (example, output) pairs where output and label fall on the same side of 0.5.
 *       Which one applies is decided from the model when the landscape compiles. A fraction, not percent.</li>
 *   <li>{@link #of(String, ToDoubleBiFunction)}: your own function of (network output, labels) of one batch; its
 *       value for the evaluation set is the average over batches weighted by batch size.</li>
 * </ul>
 * All are computed from the same inference-mode forward pass (running batch-norm statistics, no dropout).
 *
 * <p>{@link #hessianEigenvalues()} (or {@link #lambdaMin()}, {@link #lambdaMax()}) are curvature maps: the smallest
 * and largest Hessian eigenvalue of the loss on the evaluation set at every point, from one Lanczos run per point
 * and set that gives both ({@link Hessian#extremes()}), over exact Hessian-vector products of the same inference-mode
 * loss (see {@link Hessian} for the method, the fallback and the cost: one product per Lanczos step, each a few
 * training steps' work). They are computed by one {@link Hessian} per worker and set, moved to every point, from the
 * point's parameters, not from the forward pass. {@link #hessianTrace(int)} is a trace map: Hutchinson's estimate of
 * the Hessian's trace on the evaluation set at every point ({@link Hessian#trace(int)}), from a fixed number of
 * Rademacher probes (one exact product each) drawn from one seed, the same probes at every point, so a map is the same
 * whatever the workers or the order. By default ({@link Hessian.Options#DEFAULT}) every curvature metric is over the
 * weights only, as the reference's {@code plot_hessian_eigen.py} and as {@link Hessian} itself.
 * {@code Landscape.evaluationPlan()} states the products per point and what one product costs against a forward pass.
 *
 * <p><b>Threads.</b> With more than one worker ({@link Execution#workers()}), the engine calls a custom metric's
 * function from several worker threads at the same time, each with its own arrays. A function that keeps state
 * between calls (a buffer, a counter, a running sum) must be thread-safe, or be made per worker with
 * {@link #perWorker(String, java.util.function.Supplier)}, which gives every worker its own instance.
 */
public sealed interface Metric permits Metric.Loss, Metric.Accuracy, Metric.Custom, Metric.Curvature,
        Metric.HessianTrace {

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
     * The metrics a landscape of {@code model} computes when none are given: the loss, plus the accuracy when every
     * output layer's loss is a cross-entropy. To add metrics to them, give {@code builder.metrics(...)} this list
     * with the others appended (the command line's {@code --curvature} does).
     *
     * @throws IllegalArgumentException naming what the engine cannot read in {@code model}
     */
    static List<Metric> defaults(org.deeplearning4j.nn.api.Model model) {
        return ModelCheck.defaultMetrics(ModelCheck.outputLosses(org.landscape4j.engine.graph.NetworkGraph.of(model)));
    }

    /**
     * The smallest and the largest Hessian eigenvalue, named {@code lambda_min} and {@code lambda_max}, with
     * {@link Hessian.Options#DEFAULT} (the weights only, as the reference's {@code plot_hessian_eigen.py}; at most 100
     * Lanczos steps, fewer once both are converged to 1e-6). Both come from one Lanczos run per point and set,
     * {@link Hessian#extremes()}. Add both to a landscape:
     * <pre>{@code
     * List<Metric> metrics = new ArrayList<>(List.of(Metric.loss()));
     * metrics.addAll(Metric.hessianEigenvalues());
     * }</pre>
     */
    static List<Metric> hessianEigenvalues() {
        return hessianEigenvalues(Hessian.Options.DEFAULT);
    }

    /**
     * As {@link #hessianEigenvalues()} with {@code options}, e.g.
     * {@code Hessian.Options.DEFAULT.withMaxLanczosSteps(40)}.
     */
    static List<Metric> hessianEigenvalues(Hessian.Options options) {
        return List.of(new Curvature(Curvature.Extreme.MIN, options), new Curvature(Curvature.Extreme.MAX, options));
    }

    /** The smallest Hessian eigenvalue, named {@code lambda_min}, with default options; see {@link #hessianEigenvalues()}. */
    static Metric lambdaMin() {
        return new Curvature(Curvature.Extreme.MIN, Hessian.Options.DEFAULT);
    }

    /** The largest Hessian eigenvalue, named {@code lambda_max}, with default options; see {@link #hessianEigenvalues()}. */
    static Metric lambdaMax() {
        return new Curvature(Curvature.Extreme.MAX, Hessian.Options.DEFAULT);
    }

    /**
     * Hutchinson's estimate of the Hessian's trace at every point and set, named {@code hessian_trace}: the mean of
     * {@code zᵀ H z} over {@code probes} Rademacher vectors {@code z} from seed 1 (the same at every point), one exact
     * Hessian-vector product each, with {@link Hessian.Options#DEFAULT} (the weights only, as
     * {@link #hessianEigenvalues()}); {@link Hessian#trace(int)} at every point. Cost: {@code probes} products per
     * point and set.
     *
     * @param probes Rademacher probes per point, at least 2
     * @throws IllegalArgumentException naming {@code probes} when it is below 2
     */
    static Metric hessianTrace(int probes) {
        return new HessianTrace(probes, Hessian.Options.DEFAULT);
    }

    /**
     * As {@link #hessianTrace(int)} with {@code options} (their variables and seed), e.g.
     * {@code Hessian.Options.DEFAULT.withParameters(Hessian.Parameters.ALL_TRAINABLE)}.
     */
    static Metric hessianTrace(int probes, Hessian.Options options) {
        return new HessianTrace(probes, options);
    }

    /**
     * A metric of your own.
     *
     * @param name     a non-blank name other than {@code loss} and {@code accuracy}
     * @param function (output, labels) of one batch to a number; called on the engine's worker threads, several at
     *                 a time when there are several workers (so it must be thread-safe; see {@link #perWorker}); it
     *                 must not keep the arrays (they are reused)
     */
    static Metric of(String name, ToDoubleBiFunction<INDArray, INDArray> function) {
        return new Custom(name, function);
    }

    /**
     * A metric of your own with state: each worker of a run gets its own function from {@code factory}, so the
     * function need not be thread-safe (it is still called for every batch, in any order of points).
     *
     * @param name    as {@link #of}
     * @param factory makes one function per worker; called on the worker's thread
     */
    static Metric perWorker(String name, java.util.function.Supplier<ToDoubleBiFunction<INDArray, INDArray>> factory) {
        if (factory == null) {
            throw new IllegalArgumentException("metric '" + name + "' has a null factory");
        }
        ThreadLocal<ToDoubleBiFunction<INDArray, INDArray>> functions = ThreadLocal.withInitial(factory);
        return new Custom(name, (output, labels) -> functions.get().applyAsDouble(output, labels));
    }

    /** See {@link Metric#loss()}. */
    record Loss() implements Metric {
        static final Loss INSTANCE = new Loss();

        @Override
        public String name() {
            return "loss";
        }
    }

    /**
     * See {@link Metric#accuracy()}.
     *
     * @param perLabel {@code false}: arg-max accuracy (one-hot labels); {@code true}: per-label accuracy at the 0.5
     *                 threshold (independent sigmoid outputs, {@code LossBinaryXENT}). {@link Metric#accuracy()} is
     *                 arg-max until the landscape compiles it for its model
     */
    record Accuracy(boolean perLabel) implements Metric {
        static final Accuracy INSTANCE = new Accuracy(false);

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
            if (name.equals("loss") || name.equals("accuracy") || name.equals(Curvature.Extreme.MIN.key)
                    || name.equals(Curvature.Extreme.MAX.key) || name.equals(HessianTrace.NAME)) {
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

    /**
     * See {@link Metric#hessianEigenvalues()}. Every curvature metric of one landscape must have the same options
     * (they share one Lanczos run per point).
     *
     * @param extreme which end of the spectrum, not {@code null}
     * @param options how it is computed, not {@code null}
     */
    record Curvature(Extreme extreme, Hessian.Options options) implements Metric {
        /** The end of the Hessian's spectrum a curvature metric reports. */
        public enum Extreme {
            /** The smallest eigenvalue, {@code lambda_min}. */
            MIN("lambda_min"),
            /** The largest eigenvalue, {@code lambda_max}. */
            MAX("lambda_max");

            private final String key;

            Extreme(String key) {
                this.key = key;
            }

            /** The metric name: {@code lambda_min} or {@code lambda_max}. */
            public String key() {
                return key;
            }
        }

        public Curvature {
            if (extreme == null) {
                throw new IllegalArgumentException("extreme must not be null: MIN or MAX");
            }
            if (options == null) {
                throw new IllegalArgumentException("curvature options must not be null");
            }
        }

        /** This metric with at most {@code n} Lanczos steps per point. */
        public Curvature withMaxLanczosSteps(int n) {
            return new Curvature(extreme, options.withMaxLanczosSteps(n));
        }

        @Override
        public String name() {
            return extreme.key;
        }

        @Override
        public String toString() {
            return extreme.key + " (at most " + options.maxLanczosSteps() + " Lanczos steps, " + options.parameters()
                    + ")";
        }
    }

    /**
     * See {@link Metric#hessianTrace(int)}.
     *
     * @param probes  Rademacher probes per point, at least 2
     * @param options the variables and the seed, not {@code null}
     */
    record HessianTrace(int probes, Hessian.Options options) implements Metric {
        /** The metric's name. */
        public static final String NAME = "hessian_trace";

        public HessianTrace {
            if (probes < 2) {
                throw new IllegalArgumentException("probes must be >= 2, was " + probes);
            }
            if (options == null) {
                throw new IllegalArgumentException("trace options must not be null");
            }
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String toString() {
            return NAME + " (" + probes + " Rademacher probes, " + options.parameters() + ")";
        }
    }
}

package org.landscape4j.engine;

import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.landscape4j.engine.curvature.Extremes;
import org.landscape4j.engine.curvature.Hessian;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.internal.BatchNormStatistics;
import org.landscape4j.engine.internal.NetworkEvaluator;
import org.landscape4j.engine.internal.plan.FirstLayerProducts;
import org.landscape4j.engine.internal.plan.PlanWorker;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Evaluates every metric on every evaluation set at one point {@code θ = Σ w_k v_k} of the parameter space, where the
 * {@code v_k} are the run's anchor vectors (for a plane: the centre and the two directions, with weights
 * {@code (1, a, b)}), or at the point a {@link ParameterMap} writes for given coordinates. One evaluator per worker
 * thread; it owns a private network copy.
 *
 * <p>Curvature metrics ({@link Metric.Curvature}, {@link Metric.HessianTrace}) are computed after the forward passes,
 * from the copy's parameters at the point, by one {@link Hessian} per evaluation set moved to every point (made on
 * first use: a double-precision copy of the network and of the set's data per worker; one for both kinds when their
 * options are equal).
 * They and point maps need every parameter written at every point, so a run with either must not factorize the first
 * layer ({@link #needsAllParameters}).
 */
abstract sealed class PointEvaluator permits PointEvaluator.Plain, PointEvaluator.Planned, PointEvaluator.OnDevice {

    final INDArray[] anchors;
    final List<List<Batch>> batches;
    final List<Metric> metrics;
    final long[] setSizes;
    /** The point's parameters as a function of its coordinates, or {@code null} for {@code Σ w_k anchors[k]}. */
    final ParameterMap map;
    private final Model prototype;
    /** Per set, the curvature metrics' Hessian, made on first use (a double copy of the network and the set's data). */
    private final Hessian[] hessians;
    private final Hessian.Options curvature;
    /** Per set, the trace metric's Hessian ({@link #hessians} when the options are equal); the metric, or {@code null}. */
    private final Hessian[] traceHessians;
    private final Metric.HessianTrace trace;

    PointEvaluator(Model prototype, INDArray[] anchors, List<List<Batch>> batches, List<Metric> metrics,
                   ParameterMap map) {
        this.prototype = prototype;
        this.anchors = anchors;
        this.batches = batches;
        this.metrics = metrics;
        this.map = map;
        this.setSizes = batches.stream().mapToLong(b -> b.stream().mapToLong(Batch::size).sum()).toArray();
        this.curvature = metrics.stream().filter(m -> m instanceof Metric.Curvature)
                .map(m -> ((Metric.Curvature) m).options()).findFirst().orElse(null);
        this.hessians = new Hessian[batches.size()];
        this.trace = metrics.stream().filter(m -> m instanceof Metric.HessianTrace)
                .map(m -> (Metric.HessianTrace) m).findFirst().orElse(null);
        this.traceHessians = trace != null && trace.options().equals(curvature) ? hessians
                : new Hessian[batches.size()];
    }

    /**
     * Whether a run with these metrics and this point map needs every parameter written at every point: then the first
     * layer must not be factorized (the factorized layer's parameters are not rewritten per point).
     */
    public static boolean needsAllParameters(List<Metric> metrics, ParameterMap map) {
        return map != null || metrics.stream().anyMatch(m -> m instanceof Metric.Curvature
                || m instanceof Metric.HessianTrace);
    }

    /**
     * The evaluator {@code strategy} chose: the compiled inference plan (with the first layer factorized when
     * {@code products} are given), or DL4J's own forward pass.
     *
     * @param products the run's first-layer products when the strategy factorizes, else {@code null}
     */
    public static PointEvaluator create(Model prototype, INDArray[] anchors, List<List<Batch>> batches,
                                        List<Metric> metrics, EvaluationStrategy strategy,
                                        FirstLayerProducts products, INDArray batchNormFeatures) {
        return create(prototype, anchors, batches, metrics, strategy, products, batchNormFeatures, null);
    }

    /**
     * As {@link #create(Model, INDArray[], List, List, EvaluationStrategy, FirstLayerProducts, INDArray)}, with the
     * points' parameters written by {@code map} (then {@code w} is the point's coordinates) when it is not
     * {@code null}.
     *
     * @throws IllegalStateException when {@link #needsAllParameters} and the strategy factorizes the first layer
     */
    public static PointEvaluator create(Model prototype, INDArray[] anchors, List<List<Batch>> batches,
                                        List<Metric> metrics, EvaluationStrategy strategy,
                                        FirstLayerProducts products, INDArray batchNormFeatures, ParameterMap map) {
        if (products != null && needsAllParameters(metrics, map)) {
            throw new IllegalStateException("curvature metrics and point maps need every parameter written per point;"
                    + " the first layer must not be factorized");
        }
        if (strategy.device() != null) {
            if (map != null || batchNormFeatures != null) {
                throw new IllegalStateException("a device run writes Σ w_k anchors[k] only (DeviceCheck refuses the"
                        + " rest at compile time)");
            }
            return new OnDevice(prototype, anchors, batches, metrics, strategy);
        }
        if (strategy.plan() != null && batchNormFeatures == null) {
            return new Planned(prototype, anchors, batches, metrics, strategy, products, map);
        }
        return new Plain(prototype, anchors, batches, metrics, batchNormFeatures, map);
    }

    /**
     * Writes the values of every (set, metric) at the point with anchor weights {@code w} (with a {@link ParameterMap}:
     * coordinates) into {@code out}.
     */
    public final void evaluate(double[] w, double[] out) {
        java.util.Arrays.fill(out, 0);
        moveTo(w);
        for (int s = 0; s < batches.size(); s++) {
            int offset = s * metrics.size();
            List<Batch> set = batches.get(s);
            for (int b = 0; b < set.size(); b++) {
                accumulate(forward(w, s, b), set.get(b), metrics, out, offset);
            }
            for (int m = 0; m < metrics.size(); m++) {
                out[offset + m] /= setSizes[s];
            }
            if (curvature != null) {
                Extremes e = hessian(hessians, s, curvature).moveTo(pointParameters()).extremes();
                for (int m = 0; m < metrics.size(); m++) {
                    if (metrics.get(m) instanceof Metric.Curvature c) {
                        out[offset + m] = c.extreme() == Metric.Curvature.Extreme.MIN ? e.min() : e.max();
                    }
                }
            }
            if (trace != null) {
                double t = hessian(traceHessians, s, trace.options()).moveTo(pointParameters()).trace(trace.probes())
                        .trace();
                for (int m = 0; m < metrics.size(); m++) {
                    if (metrics.get(m) instanceof Metric.HessianTrace) {
                        out[offset + m] = t;
                    }
                }
            }
        }
    }

    /** Adds {@code metricValue * batch.size()} of the outputs {@code o} of {@code batch} to {@code sums}. */
    private static void accumulate(NetworkEvaluator.Outputs o, Batch batch, List<Metric> metrics, double[] sums, int offset) {
        for (int m = 0; m < metrics.size(); m++) {
            Metric metric = metrics.get(m);
            double v;
            if (metric instanceof Metric.Loss) {
                v = o.loss();
            } else if (metric instanceof Metric.Accuracy a) {
                v = Double.isNaN(o.accuracy()) ? Accuracy.of(a, o.output(), batch.labels()[0]) : o.accuracy();
            } else if (metric instanceof Metric.Curvature || metric instanceof Metric.HessianTrace) {
                continue; // computed from the point's parameters, not from the forward pass (see PointEvaluator)
            } else {
                v = ((Metric.Custom) metric).function().applyAsDouble(o.output(), batch.labels()[0]);
            }
            sums[offset + m] += v * batch.size();
        }
    }

    private Hessian hessian(Hessian[] perSet, int set, Hessian.Options options) {
        if (perSet[set] == null) {
            perSet[set] = Hessian.of(prototype, data(set), options);
        }
        return perSet[set];
    }

    private List<DataSet> data(int set) {
        return batches.get(set).stream().map(b -> new DataSet(b.features()[0], b.labels()[0])).toList();
    }

    /** The whole parameter vector of the current point (live; read only). */
    abstract INDArray pointParameters();

    abstract void moveTo(double[] w);

    /**
     * Releases this evaluator's native buffers (its network copy, its buffers, its Hessians) now instead of at
     * garbage collection; it must not be used afterwards. Called by the stream when no worker uses it any more: the
     * one-worker stream's cleanup on the thread that evaluated, or the n-worker stream's last task using it.
     */
    public void close() {
        for (Hessian h : hessians) {
            if (h != null) {
                h.close();
            }
        }
        if (traceHessians != hessians) {
            for (Hessian h : traceHessians) {
                if (h != null) {
                    h.close();
                }
            }
        }
    }

    /**
     * Frees a network copy's parameters. Not DL4J's {@code MultiLayerNetwork.close()}: that makes an updater when the
     * network has none and calls {@code System.gc()}, once per worker.
     */
    static void closeCopy(Model copy) {
        closeArray(copy.params());
    }

    static void closeArray(INDArray a) {
        if (a != null && a.closeable()) {
            a.close();
        }
    }

    abstract NetworkEvaluator.Outputs forward(double[] w, int set, int batch);

    /** {@code target = Σ w_k sources[k]}, in place, no allocation (the same combination as the first-layer products). */
    final void combine(INDArray target, INDArray[] sources, double[] w) {
        FirstLayerProducts.combine(target, sources, w);
    }

    /** The whole forward pass per point: parameters written in place, then DL4J's inference. */
    static final class Plain extends PointEvaluator {
        private final NetworkEvaluator network;
        private final INDArray parameters;

        private final Model copy;
        private final INDArray batchNormFeatures;

        Plain(Model prototype, INDArray[] anchors, List<List<Batch>> batches, List<Metric> metrics,
              INDArray batchNormFeatures, ParameterMap map) {
            super(prototype, anchors, batches, metrics, map);
            this.copy = NetworkEvaluator.copyOf(prototype);
            this.network = NetworkEvaluator.over(copy);
            this.parameters = network.parameters();
            this.batchNormFeatures = batchNormFeatures;
        }

        @Override
        INDArray pointParameters() {
            return parameters;
        }

        @Override
        void moveTo(double[] w) {
            if (map != null) {
                map.write(w, parameters);
            } else {
                combine(parameters, anchors, w);
            }
            if (batchNormFeatures != null) {
                BatchNormStatistics.recompute((MultiLayerNetwork) copy, batchNormFeatures);
            }
        }

        @Override
        NetworkEvaluator.Outputs forward(double[] w, int set, int batch) {
            return network.forward(batches.get(set).get(batch));
        }

        @Override
        public void close() {
            super.close();
            closeCopy(copy);
        }
    }

    /**
     * The compiled inference plan on the worker's own network copy: a point rewrites the copy's parameters in place
     * (only those after the first layer when it is factorized) and runs the plan's steps on each batch.
     */
    static final class Planned extends PointEvaluator {
        private final PlanWorker worker;
        private final INDArray[] parameters;
        private final INDArray[][] anchorParts;

        private final INDArray all;
        private final Model copy;

        Planned(Model prototype, INDArray[] anchors, List<List<Batch>> batches, List<Metric> metrics,
                EvaluationStrategy strategy, FirstLayerProducts products, ParameterMap map) {
            super(prototype, anchors, batches, metrics, map);
            this.copy = NetworkEvaluator.copyOf(prototype);
            this.all = copy.params();
            boolean needsOutput = metrics.stream().anyMatch(m -> m instanceof Metric.Custom);
            this.worker = strategy.plan().newWorker(copy, batches, needsOutput,
                    products == null ? -1 : strategy.factorizedStep(), products);
            // with factorization the first layer's parameters are never read: only the rest is rewritten per point
            long start = products == null ? 0 : strategy.factorizedStart();
            long end = products == null ? 0 : strategy.factorizedEnd();
            long total = copy.numParams();
            List<long[]> ranges = new java.util.ArrayList<>();
            if (start > 0) {
                ranges.add(new long[] {0, start});
            }
            if (end < total) {
                ranges.add(new long[] {end, total});
            }
            this.parameters = new INDArray[ranges.size()];
            this.anchorParts = new INDArray[ranges.size()][anchors.length];
            for (int r = 0; r < ranges.size(); r++) {
                long[] range = ranges.get(r);
                boolean whole = range[0] == 0 && range[1] == total;
                parameters[r] = whole ? copy.params() : copy.params().get(NDArrayIndex.interval(range[0], range[1]));
                for (int k = 0; k < anchors.length; k++) {
                    anchorParts[r][k] = whole ? anchors[k]
                            : anchors[k].get(NDArrayIndex.interval(range[0], range[1])).dup();
                }
            }
        }

        @Override
        INDArray pointParameters() {
            return all;
        }

        @Override
        void moveTo(double[] w) {
            if (map != null) {
                map.write(w, all);
            } else {
                for (int r = 0; r < parameters.length; r++) {
                    combine(parameters[r], anchorParts[r], w);
                }
            }
            // steps that derive per-point values from the parameters (folded batch norm) refresh them
            worker.pointChanged();
        }

        @Override
        NetworkEvaluator.Outputs forward(double[] w, int set, int batch) {
            return worker.run(set, batch, w);
        }

        @Override
        public void close() {
            super.close();
            worker.close();
            for (int r = 0; r < anchorParts.length; r++) {
                for (int k = 0; k < anchorParts[r].length; k++) {
                    if (anchorParts[r][k] != anchors[k]) {
                        closeArray(anchorParts[r][k]);     // a copy of a range; the anchors are the run's
                    }
                }
            }
            closeCopy(copy);
        }
    }

    /**
     * A device's worker ({@link Backend#CUDA}): a point's weights are formed and every batch run on the device in
     * {@link #moveTo}, whose few bytes per batch {@link #forward} then hands out. The device keeps its own copies of
     * the anchors and data; no network copy is held here.
     */
    static final class OnDevice extends PointEvaluator {
        private final org.landscape4j.engine.device.DeviceWorker worker;
        private double[][][] values;

        OnDevice(Model prototype, INDArray[] anchors, List<List<Batch>> batches, List<Metric> metrics,
                 EvaluationStrategy strategy) {
            super(prototype, anchors, batches, metrics, null);
            this.worker = strategy.device().newWorker(anchors);
        }

        @Override
        INDArray pointParameters() {
            throw new IllegalStateException("a device run keeps the point's parameters on the device (curvature"
                    + " metrics are refused with Backend.CUDA)");
        }

        @Override
        void moveTo(double[] w) {
            values = worker.evaluate(w);
        }

        @Override
        NetworkEvaluator.Outputs forward(double[] w, int set, int batch) {
            double[] v = values[set][batch];
            return new NetworkEvaluator.Outputs(v[0], v[1], null);
        }

        @Override
        public void close() {
            super.close();
            worker.close();
        }
    }
}

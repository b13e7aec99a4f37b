package org.landscape4j.engine;

import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.internal.plan.FirstLayerProducts;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What one run of a landscape evaluates: the anchor vectors, the grid and its visiting order, the data and metrics.
 * Immutable and shared by the run's workers; each worker evaluates with its own {@link PointEvaluator}.
 *
 * <p>A grid point with coordinates {@code c} is the parameter vector {@code Σ w_k(c) anchors[k]}; for a line or plane
 * around a centre the anchors are {@code (centre, d1, d2)} and the weights {@code (1, c1, c2)}.
 */
final class LandscapeRun {

    private final Model prototype;
    private final INDArray[] anchors;
    private final java.util.function.Function<double[], double[]> weights;
    private final List<Axis> axes;
    private final int[] sequence;
    private final List<List<Batch>> batches;
    private final List<Metric> metrics;
    private final MetricKeys keys;
    private final EvaluationStrategy strategy;
    private final INDArray batchNormFeatures;
    private final ParameterMap map;
    private final java.util.function.Function<double[], double[]> toPlane;
    private volatile FirstLayerProducts products;

    /**
     * Around a centre: anchors {@code (centre, d1, d2)}, weights {@code (1, c1, c2)}.
     */
    public static java.util.function.Function<double[], double[]> aroundCentre() {
        return c -> {
            double[] w = new double[c.length + 1];
            w[0] = 1.0;
            System.arraycopy(c, 0, w, 1, c.length);
            return w;
        };
    }

    /**
     * @param prototype  the landscape's snapshot of the model; copied per worker, never written
     * @param anchors    the vectors whose combination is a point
     * @param weights    the anchors' weights at given coordinates
     * @param axes       the grid's axes
     * @param order      the visiting order
     * @param batches    per evaluation set, its resident batches
     * @param metrics    the metrics evaluated per set
     * @param keys       names of the values
     * @param strategy   how points are evaluated (plan, factorization, or DL4J's forward pass)
     * @param batchNormFeatures features to recompute batch-norm statistics on at every point, or {@code null}
     */
    public LandscapeRun(Model prototype, INDArray[] anchors, java.util.function.Function<double[], double[]> weights,
                        List<Axis> axes, Order order, List<List<Batch>> batches, List<Metric> metrics, MetricKeys keys,
                        EvaluationStrategy strategy, INDArray batchNormFeatures) {
        this(prototype, anchors, weights, axes, order, batches, metrics, keys, strategy, batchNormFeatures, null);
    }

    /**
     * As the other constructor; with a {@code map}, a point's parameters are what the map writes for its coordinates
     * (the {@code weights} are then ignored: the evaluator receives the coordinates).
     *
     * @param map writes a point's parameters from its coordinates, or {@code null} for {@code Σ w_k(c) anchors[k]}
     */
    public LandscapeRun(Model prototype, INDArray[] anchors, java.util.function.Function<double[], double[]> weights,
                        List<Axis> axes, Order order, List<List<Batch>> batches, List<Metric> metrics, MetricKeys keys,
                        EvaluationStrategy strategy, INDArray batchNormFeatures, ParameterMap map) {
        this(prototype, anchors, weights, axes, order, batches, metrics, keys, strategy, batchNormFeatures, map, null);
    }

    /**
     * As the other constructors, for points whose grid coordinates are first mapped to the anchors' coordinates: a
     * line through a plane ({@link PlaneLine}) has one coordinate {@code t} on its grid and is evaluated at the plane's
     * coordinates {@code toPlane(t)}. The points carry their grid coordinates.
     *
     * @param toPlane the anchors' coordinates of grid coordinates, or {@code null} for the grid's own
     */
    LandscapeRun(Model prototype, INDArray[] anchors, java.util.function.Function<double[], double[]> weights,
                 List<Axis> axes, Order order, List<List<Batch>> batches, List<Metric> metrics, MetricKeys keys,
                 EvaluationStrategy strategy, INDArray batchNormFeatures, ParameterMap map,
                 java.util.function.Function<double[], double[]> toPlane) {
        if (strategy.factorizedStep() >= 0 && PointEvaluator.needsAllParameters(metrics, map)) {
            throw new IllegalArgumentException("curvature metrics and point maps need every parameter written per"
                    + " point: choose the strategy without first-layer factorization");
        }
        this.map = map;
        this.toPlane = toPlane == null ? c -> c : toPlane;
        this.weights = map != null ? double[]::clone : weights;
        this.prototype = prototype;
        this.anchors = anchors;
        this.axes = axes;
        this.sequence = GridOrder.sequence(order, axes.stream().mapToInt(Axis::points).toArray());
        this.batches = batches;
        this.metrics = metrics;
        this.keys = keys;
        this.strategy = strategy;
        this.batchNormFeatures = batchNormFeatures;
    }

    /** Number of points. */
    public int total() {
        return sequence.length;
    }

    /**
     * A new evaluator for the calling worker thread: a private network copy; first-layer products are computed by
     * the first evaluator and shared with the later ones.
     */
    public PointEvaluator newEvaluator() {
        return PointEvaluator.create(prototype, anchors, batches, metrics, strategy, products(), batchNormFeatures,
                map);
    }

    /** The first-layer products, computed by the first worker that needs them; {@code null} without factorization. */
    private FirstLayerProducts products() {
        if (strategy.factorizedStep() < 0) {
            return null;
        }
        FirstLayerProducts p = products;
        if (p == null) {
            synchronized (this) {
                p = products;
                if (p == null) {
                    p = FirstLayerProducts.compute(strategy.plan(), strategy.factorizedStep(), prototype, anchors,
                            batches);
                    products = p;
                }
            }
        }
        return p;
    }

    /** The grid index of the {@code n}-th point of the visiting order. */
    public int indexAt(int n) {
        return sequence[n];
    }

    /** A point read from a checkpoint: grid index {@code index}, streamed as number {@code streamed}. */
    public LandscapePoint restored(int index, int streamed, double[] values) {
        int[] grid = gridIndex(index);
        return new LandscapePoint(index, streamed, sequence.length, grid, coordinates(grid), values, keys, true);
    }

    /**
     * The {@code n}-th point of the visiting order, whose values were computed elsewhere (by a
     * {@link PortableRun} in another JVM), streamed as number {@code streamed}.
     */
    public LandscapePoint received(int n, int streamed, double[] values) {
        int[] grid = gridIndex(sequence[n]);
        return new LandscapePoint(sequence[n], streamed, sequence.length, grid, coordinates(grid), values, keys, false);
    }

    private int[] gridIndex(int index) {
        int[] grid = new int[axes.size()];
        int rest = index;
        for (int a = 0; a < axes.size(); a++) {
            grid[a] = rest % axes.get(a).points();
            rest /= axes.get(a).points();
        }
        return grid;
    }

    private double[] coordinates(int[] grid) {
        double[] coords = new double[axes.size()];
        for (int a = 0; a < axes.size(); a++) {
            coords[a] = axes.get(a).value(grid[a]);
        }
        return coords;
    }

    /**
     * Computes the {@code n}-th point of the visiting order with {@code evaluator}, streamed as number
     * {@code streamed} (which differs from {@code n} when a checkpoint supplied some points).
     */
    public LandscapePoint point(PointEvaluator evaluator, int n, int streamed) {
        int index = sequence[n];
        int[] grid = gridIndex(index);
        double[] coords = coordinates(grid);
        double[] values = new double[keys.size()];
        evaluator.evaluate(weights.apply(toPlane.apply(coords)), values);
        return new LandscapePoint(index, streamed, sequence.length, grid, coords, values, keys, false);
    }
}

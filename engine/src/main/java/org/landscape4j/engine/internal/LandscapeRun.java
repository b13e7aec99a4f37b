package org.landscape4j.engine.internal;

import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.LandscapePoint;
import org.landscape4j.engine.Metric;
import org.landscape4j.engine.MetricKeys;
import org.nd4j.linalg.api.blas.Level1;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import reactor.core.publisher.SynchronousSink;

/**
 * The state of one subscription to a landscape: a private network copy and the next grid index. Driven by
 * {@code Flux.generate}, one point per call, so cancellation is seen between points and {@link #close()} never runs
 * during an evaluation.
 */
public final class LandscapeRun {

    private final NetworkEvaluator evaluator;
    private final INDArray parameters;
    private final INDArray center;
    private final INDArray[] directions;
    private final List<Axis> axes;
    private final List<List<Batch>> batches;
    private final List<Metric> metrics;
    private final MetricKeys keys;
    private final long[] setSizes;
    private final int total;
    private final Level1 blas = Nd4j.getBlasWrapper().level1();
    private int next;

    /**
     * @param prototype  the landscape's snapshot of the model; copied here, never written
     * @param center     the parameters at the grid's origin
     * @param directions one flat direction per axis
     * @param axes       the grid's axes
     * @param batches    per evaluation set, its resident batches
     * @param metrics    the metrics evaluated per set
     * @param keys       names of the values
     */
    public LandscapeRun(Model prototype, INDArray center, INDArray[] directions, List<Axis> axes,
                        List<List<Batch>> batches, List<Metric> metrics, MetricKeys keys) {
        this.evaluator = NetworkEvaluator.over(NetworkEvaluator.copyOf(prototype));
        this.parameters = evaluator.parameters();
        this.center = center;
        this.directions = directions;
        this.axes = axes;
        this.batches = batches;
        this.metrics = metrics;
        this.keys = keys;
        this.setSizes = batches.stream().mapToLong(b -> b.stream().mapToLong(Batch::size).sum()).toArray();
        int t = 1;
        for (Axis a : axes) {
            t *= a.points();
        }
        this.total = t;
    }

    /** Computes and emits the next point; completes after the last. */
    public LandscapeRun next(SynchronousSink<LandscapePoint> sink) {
        int index = next++;
        int[] grid = new int[axes.size()];
        double[] coords = new double[axes.size()];
        int rest = index;
        for (int a = 0; a < axes.size(); a++) {
            Axis axis = axes.get(a);
            grid[a] = rest % axis.points();
            rest /= axis.points();
            coords[a] = axis.value(grid[a]);
        }
        moveTo(coords);
        double[] values = new double[keys.size()];
        for (int s = 0; s < batches.size(); s++) {
            int offset = s * metrics.size();
            for (Batch batch : batches.get(s)) {
                evaluator.accumulate(batch, metrics, values, offset);
            }
            for (int m = 0; m < metrics.size(); m++) {
                values[offset + m] /= setSizes[s];
            }
        }
        sink.next(new LandscapePoint(index, total, grid, coords, values, keys));
        if (next == total) {
            sink.complete();
        }
        return this;
    }

    /** Sets the copy's parameters to center + sum of coords[i] * directions[i], in place. */
    private void moveTo(double[] coords) {
        parameters.assign(center);
        for (int i = 0; i < coords.length; i++) {
            if (coords[i] != 0.0) {
                blas.axpy(parameters.length(), coords[i], directions[i], parameters);
            }
        }
    }

    /** Called once when the run completes, fails or is cancelled. */
    public void close() {
        // The copy is private to this run and simply dropped; nothing of the caller's was touched.
    }
}

package org.landscape4j.engine.geometry;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.engine.internal.ThreadRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Trains the bends of a {@link Curve} between two trained networks so that the loss stays low all along it (Garipov
 * et al. 2018): each step draws {@code t ~ U[0, 1]}, computes the gradient {@code ∇L(θ(t))} of the network's loss on
 * the data set at the curve's point, and moves each bend {@code j} with Adam along {@code c_j(t)·∇L(θ(t))}; the end
 * points stay fixed. Bends start on the straight line between the end points.
 *
 * <p>Gradients come from a private double-precision copy of the network (see {@link HessianEigen} for what DL4J's
 * gradient includes); the caller's network only supplies the architecture and is never written. Losses are the
 * network's loss without L1/L2 or weight-decay terms.
 *
 * <p>Reproducible: the same options give the same anchors bit for bit, from {@link #train} and {@link #training}
 * alike, on any thread. The step's {@code t} comes from {@code new Random(seed)}; DL4J computes the gradient in
 * training mode and draws dropout masks (and any other training-mode noise) from the calling thread's ND4J generator,
 * which each step seeds from a second stream of the same seed and then restores, so the caller's ND4J random stream is
 * left as it was.
 *
 * <p>Only trainable parameters are trained: batch-norm running statistics are not (DL4J's gradient holds their
 * running updates, not derivatives), so each bend keeps the straight line's statistics, and along the curve they are
 * interpolated from the anchors. {@link #lossAlong(Curve, List, Model, DataSet, int, DataSet)} recomputes them on
 * data at every point instead, as Garipov et al. do.
 *
 * <pre>{@code
 * List<INDArray> anchors = CurveTrainer.train(PolygonalChain.ONE_BEND, netA, trainData,
 *         netA.params(), netB.params(), CurveTrainer.Options.defaults());
 * double[] loss = CurveTrainer.lossAlong(PolygonalChain.ONE_BEND, anchors, netA, trainData, 21);
 * }</pre>
 */
public final class CurveTrainer {

    private CurveTrainer() {
    }

    /**
     * Training settings (Adam with β1 = 0.9, β2 = 0.999, ε = 1e-8).
     *
     * @param steps        number of updates, at least 1
     * @param learningRate Adam's step size, finite and {@code > 0}
     * @param seed         seed of the sampled {@code t} and of the training-mode dropout masks
     */
    public record Options(int steps, double learningRate, long seed) {
        public Options {
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be >= 1, was " + steps);
            }
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException("learningRate must be finite and > 0, was " + learningRate);
            }
        }

        /** 500 steps, learning rate 0.01, seed 1. */
        public static Options defaults() {
            return new Options(500, 0.01, 1);
        }
    }

    /**
     * Trains the bends of {@code curve} between {@code start} and {@code end}.
     *
     * @param curve   the curve shape, with at least one bend
     * @param model   a network of the end points' architecture ({@link MultiLayerNetwork} or
     *                {@link ComputationGraph}); only read
     * @param data    the training data, one batch
     * @param start   the first end point's flat parameters; only read
     * @param end     the second end point's, same length; only read
     * @param options training settings
     * @return the anchors, start first, as new double row vectors
     * @throws IllegalArgumentException before any work if the curve has no bend or the lengths differ
     */
    public static List<INDArray> train(Curve curve, Model model, DataSet data, INDArray start, INDArray end,
                                       Options options) {
        Training training = new Training(curve, model, data, start, end, options);
        try {
            Progress last = null;
            while (!training.done()) {
                last = training.next();
            }
            return last == null ? training.anchors() : last.anchors();
        } finally {
            training.close();
        }
    }

    /**
     * Trains the bends as a stream: one {@link Progress} per step (the sampled {@code t} and the loss there), the
     * last one carrying the trained anchors. Produced on demand on a worker thread; cancelling stops the training.
     * Same arguments and checks as {@link #train}.
     */
    public static Flux<Progress> training(Curve curve, Model model, DataSet data, INDArray start, INDArray end,
                                          Options options) {
        Training.check(curve, model, start, end, options);
        // Cold: every subscriber trains from the straight line with its own state; the state's network copy is
        // released when the stream ends, fails or is cancelled.
        return Flux.<Progress, Training>generate(() -> new Training(curve, model, data, start, end, options),
                (training, sink) -> {
                    sink.next(training.next());
                    if (training.done()) {
                        sink.complete();
                    }
                    return training;
                }, Training::close).subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * One training step.
     *
     * @param step    1-based step number
     * @param steps   total steps
     * @param t       the sampled curve position
     * @param loss    the training loss at that position (DL4J score without regularization, before the step's
     *                update)
     * @param anchors the trained anchors (start, bends, end) on the last step, else {@code null}
     */
    public record Progress(int step, int steps, double t, double loss, List<INDArray> anchors) {
    }

    /** The training loop as a state machine, so it can run in a loop or as a stream. */
    private static final class Training {
        private final Curve curve;
        private final Options options;
        private final LossGradients gradients;
        private final double[][] anchors;
        private final double[][] m;
        private final double[][] v;
        private final Random random;
        /** Seeds of each step's dropout masks, a stream independent of {@link #random}'s. */
        private final SplittableRandom maskSeeds;
        private int step;

        Training(Curve curve, Model model, DataSet data, INDArray start, INDArray end, Options options) {
            check(curve, model, start, end, options);
            this.curve = curve;
            this.options = options;
            this.gradients = new LossGradients(model, data);
            double[] a = FlatVectors.toDoubles(start, "start");
            double[] b = FlatVectors.toDoubles(end, "end");
            int n = curve.anchors();
            anchors = new double[n][];
            anchors[0] = a;
            anchors[n - 1] = b;
            for (int i = 1; i < n - 1; i++) {
                double s = (double) i / (n - 1);
                anchors[i] = new double[a.length];
                FlatVectors.axpy(1 - s, a, anchors[i]);
                FlatVectors.axpy(s, b, anchors[i]);
            }
            m = new double[n][a.length];
            v = new double[n][a.length];
            random = new Random(options.seed());
            maskSeeds = new SplittableRandom(options.seed());
        }

        /** Everything {@link #train} checks before any work. */
        static void check(Curve curve, Model model, INDArray start, INDArray end, Options options) {
            if (curve == null || options == null) {
                throw new IllegalArgumentException("curve and options must not be null");
            }
            if (curve.bends() < 1) {
                throw new IllegalArgumentException("the curve must have at least one bend to train, " + curve
                        + " has " + curve.bends());
            }
            double[] a = FlatVectors.toDoubles(start, "start");
            double[] b = FlatVectors.toDoubles(end, "end");
            if (model == null || model.params() == null || model.params().length() != a.length
                    || a.length != b.length) {
                throw new IllegalArgumentException("start, end and the model must have the same number of "
                        + "parameters, had " + a.length + ", " + b.length + " and "
                        + (model == null || model.params() == null ? "none" : model.params().length()));
            }
        }

        /** Releases the network copy's native memory. */
        void close() {
            gradients.close();
        }

        boolean done() {
            return step >= options.steps();
        }

        List<INDArray> anchors() {
            List<INDArray> out = new ArrayList<>(anchors.length);
            for (double[] anchor : anchors) {
                out.add(FlatVectors.toRow(anchor));
            }
            return out;
        }

        Progress next() {
            step++;
            double beta1 = 0.9;
            double beta2 = 0.999;
            int n = anchors.length;
            double t = random.nextDouble();
            double[] c = curve.coefficients(t);
            double[] theta = new double[anchors[0].length];
            for (int i = 0; i < n; i++) {
                if (c[i] != 0) {
                    FlatVectors.axpy(c[i], anchors[i], theta);
                }
            }
            double[] loss = new double[1];
            double[] g = ThreadRandom.seeded(maskSeeds.nextLong(), () -> {
                double[] gradient = gradients.at(theta);
                loss[0] = gradients.lastScore();
                return gradient;
            });
            double correction1 = 1 - Math.pow(beta1, step);
            double correction2 = 1 - Math.pow(beta2, step);
            for (int i = 1; i < n - 1; i++) {
                double ci = c[i];
                double[] mi = m[i];
                double[] vi = v[i];
                double[] ai = anchors[i];
                for (int e = 0; e < ai.length; e++) {
                    double ge = ci * g[e];
                    mi[e] = beta1 * mi[e] + (1 - beta1) * ge;
                    vi[e] = beta2 * vi[e] + (1 - beta2) * ge * ge;
                    ai[e] -= options.learningRate() * (mi[e] / correction1) / (Math.sqrt(vi[e] / correction2) + 1e-8);
                }
            }
            return new Progress(step, options.steps(), t, loss[0], done() ? anchors() : null);
        }
    }

    /**
     * The loss (DL4J score, inference mode) at {@code points} evenly spaced {@code t} from 0 to 1 along a curve.
     *
     * @param points at least 2
     */
    public static double[] lossAlong(Curve curve, List<INDArray> anchors, Model model, DataSet data, int points) {
        return lossAlong(curve, anchors, model, data, points, null);
    }

    /**
     * As {@link #lossAlong(Curve, List, Model, DataSet, int)}, with every batch-norm layer's running statistics
     * recomputed at each point on {@code batchNormData}'s features (Garipov et al.), instead of interpolated from the
     * anchors.
     *
     * @param batchNormData the data to recompute the statistics on, or {@code null} to interpolate them; needs a
     *                      {@link MultiLayerNetwork}
     */
    public static double[] lossAlong(Curve curve, List<INDArray> anchors, Model model, DataSet data, int points,
                                     DataSet batchNormData) {
        if (points < 2) {
            throw new IllegalArgumentException("points must be >= 2, was " + points);
        }
        if (batchNormData != null && !(model instanceof MultiLayerNetwork)) {
            throw new IllegalArgumentException("batch-norm statistics can be recomputed for a MultiLayerNetwork, the "
                    + "model is a " + (model == null ? "null" : model.getClass().getSimpleName()));
        }
        LossGradients gradients = new LossGradients(model, data);
        try {
            double[] loss = new double[points];
            for (int i = 0; i < points; i++) {
                double[] point = FlatVectors.toDoubles(curve.point(anchors, (double) i / (points - 1)), "point");
                loss[i] = batchNormData == null ? gradients.loss(point)
                        : gradients.lossWithBatchNormRecomputed(point, batchNormData.getFeatures());
            }
            return loss;
        } finally {
            gradients.close();
        }
    }
}

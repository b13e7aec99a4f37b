package org.landscape4j.engine.geometry;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.engine.internal.FlatVectors;
import org.landscape4j.engine.internal.ThreadRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.SpecifiedIndex;

import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Trains the bends of a {@link Curve} between two trained networks so that the loss stays low all along it (Garipov
 * et al. 2018), as their recipe does: epochs over the training set in shuffled batches; each batch draws
 * {@code t ~ U[0, 1]}, computes the gradient {@code ∇L(θ(t))} of the network's loss on the batch at the curve's point,
 * and moves each bend {@code j} with Adam along {@code c_j(t)·∇L(θ(t))}, at a learning rate that by default decays to
 * 1% over the last half of the epochs ({@link Schedule#DECAYING}); the end points stay fixed. Bends start on the
 * straight line between the end points. The stream reports every step's sampled loss and, per epoch, their mean.
 *
 * <p>Gradients come from a private double-precision copy of the network, of the trainable parameters only (zero at
 * batch-norm running statistics, where DL4J's gradient holds their updates); the caller's network only supplies the
 * architecture and is never written. Losses are the
 * network's loss without L1/L2 or weight-decay terms.
 *
 * <p>Reproducible: the same options give the same anchors bit for bit, from {@link #train} and {@link #training}
 * alike, on any thread. The step's {@code t} comes from {@code new Random(seed)}, the epochs' example orders from
 * {@code new Random(~seed)}; DL4J computes the gradient in
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
     * How the learning rate changes over the epochs: a factor of {@link Options#learningRate()} for epoch {@code e}
     * (0-based) of {@code E}.
     */
    public enum Schedule {
        /** The same rate every epoch. */
        CONSTANT,
        /**
         * Garipov et al.'s schedule ({@code learning_rate_schedule} of their {@code dnn-mode-connectivity} code): the
         * full rate for the first half of the epochs, then linearly down to 1% of it at 90%, and 1% for the rest.
         * With the last iterate of a constant rate, the chain is wherever the last noisy steps left it; the decay lets
         * it settle.
         */
        DECAYING;

        /** The factor of the base rate in epoch {@code epoch} (0-based) of {@code epochs}. */
        public double factor(int epoch, int epochs) {
            if (this == CONSTANT) {
                return 1;
            }
            double alpha = (double) epoch / epochs;
            return alpha <= 0.5 ? 1 : alpha <= 0.9 ? 1 - (alpha - 0.5) / 0.4 * 0.99 : 0.01;
        }
    }

    /**
     * Training settings (Adam with β1 = 0.9, β2 = 0.999, ε = 1e-8): epochs over the training set in batches, in an
     * order shuffled every epoch, a new {@code t ~ U[0, 1]} for every batch (Garipov et al.).
     *
     * @param epochs       passes over the training set, at least 1
     * @param batchSize    examples per update, at least 1; a size at least the data set's makes one update an epoch
     *                     on the whole set ({@link #FULL_BATCH})
     * @param learningRate Adam's base step size, finite and {@code > 0}
     * @param schedule     how the step size changes over the epochs
     * @param seed         seed of the example order, the sampled {@code t} and the training-mode dropout masks
     */
    public record Options(int epochs, int batchSize, double learningRate, Schedule schedule, long seed) {
        /** A batch size meaning "the whole training set in every update". */
        public static final int FULL_BATCH = Integer.MAX_VALUE;

        public Options {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, was " + epochs);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
            }
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException("learningRate must be finite and > 0, was " + learningRate);
            }
            if (schedule == null) {
                throw new IllegalArgumentException("schedule must not be null");
            }
        }

        /** {@code steps} full-batch updates at a constant rate. */
        public Options(int steps, double learningRate, long seed) {
            this(steps, FULL_BATCH, learningRate, Schedule.CONSTANT, seed);
        }

        /** 100 epochs in batches of 32, learning rate 0.01 {@link Schedule#DECAYING decaying}, seed 1. */
        public static Options defaults() {
            return new Options(100, 32, 0.01, Schedule.DECAYING, 1);
        }

        public Options withEpochs(int epochs) {
            return new Options(epochs, batchSize, learningRate, schedule, seed);
        }

        public Options withBatchSize(int batchSize) {
            return new Options(epochs, batchSize, learningRate, schedule, seed);
        }

        public Options withLearningRate(double learningRate) {
            return new Options(epochs, batchSize, learningRate, schedule, seed);
        }

        public Options withSchedule(Schedule schedule) {
            return new Options(epochs, batchSize, learningRate, schedule, seed);
        }

        public Options withSeed(long seed) {
            return new Options(epochs, batchSize, learningRate, schedule, seed);
        }

        /** Updates in one epoch over {@code examples} examples. */
        int batchesPerEpoch(long examples) {
            return (int) Math.max(1, (examples + Math.min(batchSize, examples) - 1) / Math.min(batchSize, examples));
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
     * One training step (one batch).
     *
     * @param step         1-based step number
     * @param steps        total steps
     * @param epoch        1-based epoch of the step
     * @param epochs       total epochs
     * @param t            the sampled curve position
     * @param loss         the training loss of the batch at that position (DL4J score without regularization, in
     *                     training mode, before the step's update)
     * @param learningRate the step size of this step (the schedule's)
     * @param epochLoss    on an epoch's last step, the mean of its sampled losses weighted by batch size (the
     *                     curve's expected training loss over {@code t}, as the epoch saw it); else {@code NaN}
     * @param anchors      the trained anchors (start, bends, end) on the last step, else {@code null}
     */
    public record Progress(int step, int steps, int epoch, int epochs, double t, double loss, double learningRate,
                           double epochLoss, List<INDArray> anchors) {
        /** Whether this is the last step of its epoch ({@link #epochLoss()} is then a number). */
        public boolean endOfEpoch() {
            return !Double.isNaN(epochLoss);
        }
    }

    /** The training loop as a state machine, so it can run in a loop or as a stream. */
    private static final class Training {
        private final Curve curve;
        private final Options options;
        private final LossGradients gradients;
        private final INDArray features;
        private final INDArray labels;
        private final int examples;
        private final int batch;
        private final int batchesPerEpoch;
        private final double[][] anchors;
        private final double[][] m;
        private final double[][] v;
        private final Random random;
        /** Seeds of each step's dropout masks, a stream independent of {@link #random}'s. */
        private final SplittableRandom maskSeeds;
        /** The example order of each epoch, a third stream. */
        private final Random order;
        private int[] permutation;
        private int step;
        private double epochSum;

        Training(Curve curve, Model model, DataSet data, INDArray start, INDArray end, Options options) {
            check(curve, model, start, end, options);
            this.curve = curve;
            this.options = options;
            this.gradients = new LossGradients(model, data);
            this.features = data.getFeatures().castTo(DataType.DOUBLE);
            this.labels = data.getLabels().castTo(DataType.DOUBLE);
            this.examples = data.numExamples();
            this.batch = Math.min(options.batchSize(), examples);
            this.batchesPerEpoch = options.batchesPerEpoch(examples);
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
            order = new Random(~options.seed());
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

        int steps() {
            return options.epochs() * batchesPerEpoch;
        }

        boolean done() {
            return step >= steps();
        }

        List<INDArray> anchors() {
            List<INDArray> out = new ArrayList<>(anchors.length);
            for (double[] anchor : anchors) {
                out.add(FlatVectors.toRow(anchor));
            }
            return out;
        }

        /** The examples of the step's batch, or {@code null} for the whole set in its own order. */
        private int[] batchIndices(int inEpoch) {
            if (batchesPerEpoch == 1) {
                return null;
            }
            if (inEpoch == 0) {
                permutation = new int[examples];
                for (int i = 0; i < examples; i++) {
                    permutation[i] = i;
                }
                for (int i = examples - 1; i > 0; i--) {   // Fisher–Yates
                    int j = order.nextInt(i + 1);
                    int swap = permutation[i];
                    permutation[i] = permutation[j];
                    permutation[j] = swap;
                }
            }
            int from = inEpoch * batch;
            return java.util.Arrays.copyOfRange(permutation, from, Math.min(examples, from + batch));
        }

        Progress next() {
            int epoch = step / batchesPerEpoch;
            int inEpoch = step % batchesPerEpoch;
            step++;
            double beta1 = 0.9;
            double beta2 = 0.999;
            double rate = options.learningRate() * options.schedule().factor(epoch, options.epochs());
            int n = anchors.length;
            double t = random.nextDouble();
            double[] c = curve.coefficients(t);
            double[] theta = new double[anchors[0].length];
            for (int i = 0; i < n; i++) {
                if (c[i] != 0) {
                    FlatVectors.axpy(c[i], anchors[i], theta);
                }
            }
            int[] rows = batchIndices(inEpoch);
            INDArray x = rows == null ? features : rowsOf(features, rows);
            INDArray y = rows == null ? labels : rowsOf(labels, rows);
            double[] loss = new double[1];
            double[] g = ThreadRandom.seeded(maskSeeds.nextLong(), () -> {
                double[] gradient = rows == null ? gradients.at(theta) : gradients.at(theta, x, y);
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
                    ai[e] -= rate * (mi[e] / correction1) / (Math.sqrt(vi[e] / correction2) + 1e-8);
                }
            }
            epochSum += loss[0] * (rows == null ? examples : rows.length);
            double epochLoss = Double.NaN;
            if (inEpoch == batchesPerEpoch - 1) {
                epochLoss = epochSum / examples;
                epochSum = 0;
            }
            return new Progress(step, steps(), epoch + 1, options.epochs(), t, loss[0], rate, epochLoss,
                    done() ? anchors() : null);
        }

        /** The given examples (along dimension 0) of {@code a}, in that order. */
        private static INDArray rowsOf(INDArray a, int[] rows) {
            INDArrayIndex[] index = new INDArrayIndex[a.rank()];
            index[0] = new SpecifiedIndex(rows);
            for (int d = 1; d < index.length; d++) {
                index[d] = NDArrayIndex.all();
            }
            return a.get(index);
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

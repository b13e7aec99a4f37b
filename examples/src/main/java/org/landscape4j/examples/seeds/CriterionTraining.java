package org.landscape4j.examples.seeds;

import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Training to a stated criterion, the way the seed examples compare networks: epochs over a training subset, in an
 * order shuffled by a fixed seed, until the train loss (inference mode, over the whole subset, without
 * regularization) is at most {@link Criterion#maxLoss()} or the epoch budget is spent. Every arm of a comparison gets
 * the same criterion, budget and shuffling seed.
 *
 * <p>Reproducible: DL4J draws dropout masks from the training thread's ND4J generator, which it seeds only in
 * {@code init()} (and ND4J from the clock on a new thread), so masks would depend on what ran before on the thread and
 * on which thread trains (JShell runs snippets on threads of its own). Each epoch seeds that generator from the
 * shuffling seed first, so a run's numbers depend on its arguments only.
 */
public final class CriterionTraining {

    private CriterionTraining() {
    }

    /**
     * When training stops.
     *
     * @param maxLoss   stop when the train loss is at most this, finite and {@code > 0}
     * @param maxEpochs stop after this many epochs at the latest, {@code >= 1}
     */
    public record Criterion(double maxLoss, int maxEpochs) {
        public Criterion {
            if (!(maxLoss > 0) || !Double.isFinite(maxLoss)) {
                throw new IllegalArgumentException("maxLoss must be finite and > 0, was " + maxLoss);
            }
            if (maxEpochs < 1) {
                throw new IllegalArgumentException("maxEpochs must be >= 1, was " + maxEpochs);
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "train loss <= %.3g within %d epochs", maxLoss, maxEpochs);
        }
    }

    /**
     * How a training run ended.
     *
     * @param name          the arm's name, for the printout
     * @param epochs        epochs trained
     * @param iterations    parameter updates
     * @param trainLoss     train loss at the end (inference mode, whole subset)
     * @param trainAccuracy train accuracy at the end
     * @param seconds       wall time of the training
     * @param reached       whether the loss criterion was met
     */
    public record Outcome(String name, int epochs, int iterations, double trainLoss, double trainAccuracy,
                          double seconds, boolean reached) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: train loss %.4f, train accuracy %.4f after %d epochs (%d updates, "
                    + "%.0f s)%s", name, trainLoss, trainAccuracy, epochs, iterations, seconds,
                    reached ? "" : " - criterion NOT reached");
        }
    }

    /**
     * Trains {@code net} in place ({@link MultiLayerNetwork} or {@link ComputationGraph}) on {@code train} in
     * mini-batches of {@code batchSize} until {@code criterion} holds; prints and returns the outcome.
     *
     * @param shuffleSeed the seed of the example order and of the dropout masks (epoch {@code e} uses
     *                    {@code shuffleSeed + e} for both)
     */
    public static Outcome fit(String name, Model net, DataSet train, int batchSize, Criterion criterion, long shuffleSeed) {
        long start = System.nanoTime();
        int iterations = 0;
        int epoch = 0;
        double[] state = lossAndAccuracy(net, train);
        while (state[0] > criterion.maxLoss() && epoch < criterion.maxEpochs()) {
            epoch++;
            Nd4j.getRandom().setSeed(shuffleSeed + epoch);
            DataSet shuffled = train.copy();
            shuffled.shuffle(shuffleSeed + epoch);
            List<DataSet> batches = shuffled.batchBy(batchSize);
            for (DataSet b : batches) {
                if (net instanceof MultiLayerNetwork m) {
                    m.fit(b);
                } else {
                    ((ComputationGraph) net).fit(b);
                }
                iterations++;
            }
            state = lossAndAccuracy(net, train);
        }
        Outcome o = new Outcome(name, epoch, iterations, state[0], state[1], (System.nanoTime() - start) / 1e9,
                state[0] <= criterion.maxLoss());
        System.out.println("  trained " + o);
        return o;
    }

    /**
     * The mean cross-entropy of a softmax network on {@code data} and its arg-max accuracy, from one inference-mode
     * forward pass: the loss without regularization terms (DL4J's {@code score} adds L2 and weight-decay penalties).
     */
    static double[] lossAndAccuracy(Model net, DataSet data) {
        INDArray out = net instanceof MultiLayerNetwork m ? m.output(data.getFeatures(), false)
                : ((ComputationGraph) net).outputSingle(false, data.getFeatures());
        INDArray labels = data.getLabels();
        INDArray logs = Transforms.log(Transforms.max(out.castTo(DataType.DOUBLE), 1e-12), false);
        double loss = -logs.muli(labels.castTo(DataType.DOUBLE)).sumNumber().doubleValue() / data.numExamples();
        INDArray predicted = out.argMax(1);
        INDArray actual = labels.argMax(1);
        long right = 0;
        for (long i = 0; i < predicted.length(); i++) {
            if (predicted.getLong(i) == actual.getLong(i)) {
                right++;
            }
        }
        return new double[] {loss, (double) right / predicted.length()};
    }
}

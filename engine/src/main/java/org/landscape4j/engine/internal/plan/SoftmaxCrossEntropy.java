package org.landscape4j.engine.internal.plan;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.List;

import org.landscape4j.engine.internal.Batch;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossNegativeLogLikelihood;

/**
 * Softmax + multi-class cross-entropy (DL4J's {@code LossMCXENT} / {@code LossNegativeLogLikelihood} with a softmax
 * output, unweighted) and accuracy from the same pre-activations, in one pass over the {@code [examples, classes]}
 * logits on the CPU side: ND4J's per-row softmax and the loss's temporary arrays cost more than the GEMMs for small
 * output layers. Same clipping as DL4J ({@code softmaxClipEps}). Written by hand because no library op computes loss
 * and argmax accuracy in one pass; tested against DL4J's {@code score} and {@code output}.
 *
 * <p>Logits and labels are read in the network's own data type (a float64 network's logits are not rounded to
 * float32) and the arithmetic is in double. The log-probability is a log-softmax, {@code (z_c − max) − log Σ exp(z_k −
 * max)}, not {@code log(softmax)}: the latter is {@code log 0 = −∞} once a logit gap exceeds about 745 (the loss of
 * a far point of a plane, which PyTorch's {@code CrossEntropyLoss} reports exactly). DL4J's clipping of the
 * probability to {@code [eps, 1 − eps]} is applied to the log-probability as {@code [log eps, log1p(−eps)]}, the same
 * numbers where DL4J's are finite.
 */
final class SoftmaxCrossEntropy {
    private final double clip;
    /** {@code log(clip)} and {@code log1p(−clip)}: the clipping's bounds of the log-probability, computed once. */
    private final double logLow;
    private final double logHigh;
    private final double[][][] labels;
    private final int[][][] classes;
    private double[] logits = new double[0];

    private SoftmaxCrossEntropy(double clip, List<List<Batch>> batches, int output) {
        this.clip = clip;
        this.logLow = Math.log(clip);
        this.logHigh = Math.log1p(-clip);
        labels = new double[batches.size()][][];
        classes = new int[batches.size()][][];
        for (int s = 0; s < batches.size(); s++) {
            labels[s] = new double[batches.get(s).size()][];
            classes[s] = new int[batches.get(s).size()][];
            for (int b = 0; b < batches.get(s).size(); b++) {
                INDArray y = batches.get(s).get(b).labels()[output];
                labels[s][b] = y.dup('c').data().asDouble();
                classes[s][b] = argMaxRows(labels[s][b], (int) y.size(1));
            }
        }
    }

    /** The fast path for {@code loss} and {@code activation}, or {@code null} when it does not apply. */
    static SoftmaxCrossEntropy of(ILossFunction loss, IActivation activation, List<List<Batch>> batches, int output) {
        if (applies(loss, activation)) {
            for (List<Batch> set : batches) {
                for (Batch b : set) {
                    if (b.labels()[output].rank() != 2) {
                        return null;
                    }
                }
            }
            return new SoftmaxCrossEntropy(((LossMCXENT) loss).getSoftmaxClipEps(), batches, output);
        }
        return null;
    }

    /** Whether {@code loss} after {@code activation} is an unweighted softmax cross-entropy. */
    static boolean applies(ILossFunction loss, IActivation activation) {
        return (loss.getClass() == LossMCXENT.class || loss.getClass() == LossNegativeLogLikelihood.class)
                && ((LossMCXENT) loss).getWeights() == null && activation instanceof ActivationSoftmax;
    }

    private static int[] argMaxRows(double[] v, int cols) {
        int rows = v.length / cols;
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int c = 1; c < cols; c++) {
                if (v[r * cols + c] > v[r * cols + best]) {
                    best = c;
                }
            }
            out[r] = best;
        }
        return out;
    }

    /**
     * {mean loss, accuracy} of the pre-activations {@code z} (a row-major {@code [examples, classes]} array) of rows
     * {@code [from, from + z.size(0))} of batch {@code batch} of set {@code set}.
     */
    double[] evaluate(INDArray z, int set, int batch, int from) {
        double[] v = read(z);
        double[] y = labels[set][batch];
        int[] truth = classes[set][batch];
        int rows = (int) z.size(0);
        int cols = (int) z.size(1);
        double total = 0;
        int correct = 0;
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            int yo = (from + r) * cols;
            int best = 0;
            double max = v[o];
            for (int c = 1; c < cols; c++) {
                if (v[o + c] > max) {
                    max = v[o + c];
                    best = c;
                }
            }
            if (best == truth[from + r]) {
                correct++;
            }
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += Math.exp(v[o + c] - max);
            }
            double logSum = Math.log(sum);
            for (int c = 0; c < cols; c++) {
                if (y[yo + c] != 0) {
                    double logP = (v[o + c] - max) - logSum;
                    if (clip > 0) {
                        logP = Math.min(Math.max(logP, logLow), logHigh);
                    }
                    total -= y[yo + c] * logP;
                }
            }
        }
        return new double[] {total / rows, correct / (double) rows};
    }

    /** The values of {@code z} (a contiguous row-major array, possibly a view) into a reused array, exactly. */
    private double[] read(INDArray z) {
        int n = (int) z.length();
        if (logits.length < n) {
            logits = new double[n];
        }
        boolean contiguous = z.ordering() == 'c' && z.elementWiseStride() == 1;
        if (contiguous && z.dataType() == DataType.DOUBLE) {
            DoubleBuffer buffer = z.data().asNioDouble();
            buffer.position((int) z.offset());
            buffer.get(logits, 0, n);
        } else if (contiguous && z.dataType() == DataType.FLOAT) {
            FloatBuffer buffer = z.data().asNioFloat();
            buffer.position((int) z.offset());
            for (int i = 0; i < n; i++) {
                logits[i] = buffer.get();
            }
        } else {
            double[] copy = z.dup('c').data().asDouble();
            System.arraycopy(copy, 0, logits, 0, n);
        }
        return logits;
    }
}

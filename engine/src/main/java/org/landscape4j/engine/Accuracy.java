package org.landscape4j.engine;

import java.util.List;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;

/**
 * The accuracy rule, in one place for every evaluator: arg-max accuracy for one-hot outputs, per-label accuracy at the
 * 0.5 threshold for a single output column or independent sigmoid outputs ({@code LossBinaryXENT}, multi-label).
 */
final class Accuracy {

    private Accuracy() {
    }

    /**
     * The accuracy metric that fits a network whose first output layer has {@code loss}: per-label for
     * {@code LossBinaryXENT}, else {@code requested}.
     */
    public static Metric.Accuracy forLoss(Metric.Accuracy requested, ILossFunction loss) {
        return loss instanceof LossBinaryXENT ? new Metric.Accuracy(true) : requested;
    }

    /** {@code metrics} with every {@link Metric.Accuracy} resolved by {@link #forLoss}. */
    public static List<Metric> resolve(List<Metric> metrics, ILossFunction loss) {
        return metrics.stream().map(m -> m instanceof Metric.Accuracy a ? (Metric) forLoss(a, loss) : m).toList();
    }

    /**
     * The accuracy of one batch: {@code output} and {@code labels} shaped {@code [examples, outputs, ...]}.
     *
     * @return per label (every entry on the same side of 0.5) when {@code metric.perLabel()} or there is one output
     *         column; else the fraction of examples whose arg-max over axis 1 agrees
     */
    public static double of(Metric.Accuracy metric, INDArray output, INDArray labels) {
        if (metric.perLabel() || output.rank() == 2 && output.size(1) == 1) {
            return output.gt(0.5).eq(labels.gt(0.5)).castTo(DataType.DOUBLE).meanNumber().doubleValue();
        }
        return output.argMax(1).eq(labels.argMax(1)).castTo(DataType.DOUBLE).meanNumber().doubleValue();
    }
}

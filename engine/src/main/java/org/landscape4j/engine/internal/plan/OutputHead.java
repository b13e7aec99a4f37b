package org.landscape4j.engine.internal.plan;

import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.internal.NetworkEvaluator;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * A network output: an {@code OutputLayer} (dense pre-activation, one GEMM into a buffer) or a {@code LossLayer}
 * (the input is the pre-activation), and its loss function: DL4J's own {@code computeScore} (mean over the batch, no
 * regularization), or for softmax with multi-class cross-entropy one pass over the logits that also gives the
 * accuracy ({@link SoftmaxCrossEntropy}).
 */
final class OutputHead {

    final String source;
    final int input;
    final int labels;
    private final Step.LayerRef layer;
    private final boolean dense;
    private final boolean hasBias;
    private final IActivation activation;
    private final ILossFunction loss;
    private final long outputs;

    OutputHead(String source, int input, int labels, Step.LayerRef layer, boolean dense, boolean hasBias,
               IActivation activation, ILossFunction loss, long outputs) {
        this.source = source;
        this.input = input;
        this.labels = labels;
        this.layer = layer;
        this.dense = dense;
        this.hasBias = hasBias;
        this.activation = activation;
        this.loss = loss;
        this.outputs = outputs;
    }

    /** The head of one worker, with buffers for {@code maxBatch} examples. */
    Bound bind(Model copy, List<List<Batch>> batches, long maxBatch, boolean needsOutput, DataType type) {
        return new Bound(copy, batches, maxBatch, needsOutput, type);
    }

    String kind() {
        return dense ? "output" : "loss";
    }

    final class Bound {
        private final INDArray w;
        private final INDArray b;
        private final INDArray preOutput;
        private final INDArray output;
        private final SoftmaxCrossEntropy softmaxCrossEntropy;
        private final boolean needsOutput;

        private Bound(Model copy, List<List<Batch>> batches, long maxBatch, boolean needsOutput, DataType type) {
            this.w = dense ? layer.param(copy, "W") : null;
            this.b = dense && hasBias ? layer.param(copy, "b") : null;
            this.preOutput = dense ? Nd4j.create(type, maxBatch, outputs) : null;
            this.softmaxCrossEntropy = SoftmaxCrossEntropy.of(loss, activation, batches, labels);
            this.needsOutput = needsOutput || softmaxCrossEntropy == null;
            this.output = this.needsOutput && preOutput != null ? Nd4j.create(type, maxBatch, outputs) : null;
        }

        /** Loss, accuracy (when computed on the way, else NaN) and the activations when needed. */
        NetworkEvaluator.Outputs run(INDArray x, int set, int batch, Batch data) {
            long n = x.size(0);
            INDArray z = x;
            if (dense) {
                z = rows(preOutput, n);
                Nd4j.gemm(x, w, z, false, false, 1.0, 0.0);
                if (b != null) {
                    z.addiRowVector(b);
                }
            }
            INDArray out = null;
            if (needsOutput) {
                out = output != null ? rows(output, n).assign(z) : z.dup();
                Activations.applyInPlace(activation, out);
            }
            if (softmaxCrossEntropy != null) {
                double[] lossAndAccuracy = softmaxCrossEntropy.evaluate(z, set, batch);
                return new NetworkEvaluator.Outputs(lossAndAccuracy[0], lossAndAccuracy[1], out);
            }
            double score = loss.computeScore(data.labels()[labels], z, activation, null, true);
            return new NetworkEvaluator.Outputs(score, out);
        }

        private static INDArray rows(INDArray buffer, long n) {
            return n == buffer.size(0) ? buffer : buffer.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
        }
    }
}

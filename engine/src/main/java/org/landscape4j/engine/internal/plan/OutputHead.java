package org.landscape4j.engine.internal.plan;

import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.landscape4j.engine.graph.LayerKind;
import org.landscape4j.engine.graph.NetworkGraph;
import org.landscape4j.engine.internal.Batch;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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

    /** The plan's rule for a network output: a dense output layer, or a loss layer on rank-2 activations. */
    static int rule(PlanBuilder b, NetworkGraph.Node node, int in) {
        int labels = node.outputIndex();
        if (node.kind() == LayerKind.OUTPUT) {
            OutputLayer o = node.config(OutputLayer.class);
            b.addHead(new OutputHead(node.source(), in, labels, b.ref(node), true, o.hasBias(), o.getActivationFn(),
                    o.getLossFn(), o.getNOut()));
        } else if (b.rank(in) == 2) {
            LossLayer o = node.config(LossLayer.class);
            b.addHead(new OutputHead(node.source(), in, labels, b.ref(node), false, false, o.getActivationFn(),
                    o.getLossFn(), b.probeValue(in).size(1)));
        } else {
            return b.refuse(node.source() + " is an output layer the inference plan does not evaluate");
        }
        return -1;
    }

    /** The head of one worker, with buffers for blocks of {@code blockRows} examples. */
    Bound bind(Model copy, List<List<Batch>> batches, long blockRows, long maxBatch, boolean needsOutput,
               DataType type) {
        return new Bound(copy, batches, blockRows, maxBatch, needsOutput, type);
    }

    /** Whether this head's loss is the log-softmax cross-entropy of {@link SoftmaxCrossEntropy}. */
    boolean isSoftmaxCrossEntropy() {
        return SoftmaxCrossEntropy.applies(loss, activation);
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

        private Bound(Model copy, List<List<Batch>> batches, long blockRows, long maxBatch, boolean needsOutput,
                      DataType type) {
            this.w = dense ? layer.param(copy, "W") : null;
            this.b = dense && hasBias ? layer.param(copy, "b") : null;
            this.preOutput = dense ? Nd4j.create(type, blockRows, outputs) : null;
            this.softmaxCrossEntropy = SoftmaxCrossEntropy.of(loss, activation, batches, labels);
            // without the fast path the accuracy comes from the activations, so they are kept for the whole batch
            this.output = needsOutput || softmaxCrossEntropy == null ? Nd4j.create(type, maxBatch, outputs) : null;
        }

        /** Frees this head's buffers; it is unusable afterwards. */
        void close() {
            PlanWorker.close(preOutput);
            PlanWorker.close(output);
        }

        /**
         * The mean loss and the accuracy ({@code NaN} when not computed on the way) of one block: rows
         * {@code [from, from + x.size(0))} of batch {@code batch} of set {@code set}; the activations go to those rows
         * of {@link #output} when kept.
         */
        double[] run(INDArray x, int set, int batch, long from, INDArray labelRows) {
            long n = x.size(0);
            INDArray z = x;
            if (dense) {
                z = PlanWorker.rows(preOutput, 0, n);
                Nd4j.gemm(x, w, z, false, false, 1.0, 0.0);
                if (b != null) {
                    Broadcasts.addRowVector(z, b);
                }
            }
            if (output != null) {
                INDArray out = PlanWorker.rows(output, from, from + n).assign(z);
                Activations.applyInPlace(activation, out);
            }
            if (softmaxCrossEntropy != null) {
                return softmaxCrossEntropy.evaluate(z, set, batch, (int) from);
            }
            return new double[] {loss.computeScore(labelRows, z, activation, null, true), Double.NaN};
        }

        /** The first {@code n} rows of the kept activations, or {@code null} when they are not kept. */
        INDArray output(long n) {
            return output == null ? null : PlanWorker.rows(output, 0, n);
        }
    }
}

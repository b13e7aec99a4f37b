package org.landscape4j.engine.geometry;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.engine.internal.NetworkEvaluator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Gradients of a network's loss, averaged over one data set's examples, at any parameter vector: computed on a private
 * double-precision copy of the network (the caller's is only read), in DL4J's training mode, without L1/L2 terms.
 * Not thread-safe.
 */
final class LossGradients {
    private final Model net;
    private final INDArray features;
    private final INDArray labels;
    private final double[] theta;
    private final double perExample;
    private int evaluations;

    LossGradients(Model model, DataSet data) {
        Model copy = model.params().dataType() == DataType.DOUBLE ? NetworkEvaluator.copyOf(model)
                : model instanceof MultiLayerNetwork m ? m.convertDataType(DataType.DOUBLE)
                : ((ComputationGraph) model).convertDataType(DataType.DOUBLE);
        this.net = copy;
        this.features = data.getFeatures().castTo(DataType.DOUBLE);
        this.labels = data.getLabels().castTo(DataType.DOUBLE);
        this.theta = copy.params().toDoubleVector();
        // DL4J's gradient is summed over the minibatch; its updater divides by the batch size in minibatch mode.
        this.perExample = copy.conf().isMiniBatch() ? 1.0 / data.numExamples() : 1.0;
    }

    /** The loss (DL4J score, mean over the examples) at {@code point}, in inference mode. */
    double loss(double[] point) {
        net.params().assign(FlatVectors.toRow(point));
        DataSet data = new DataSet(features, labels);
        return net instanceof MultiLayerNetwork m ? m.score(data, false) : ((ComputationGraph) net).score(data, false);
    }

    int numParams() {
        return theta.length;
    }

    double[] theta() {
        return theta;
    }

    int evaluations() {
        return evaluations;
    }

    double[] at(double[] point) {
        net.params().assign(FlatVectors.toRow(point));
        if (net instanceof MultiLayerNetwork m) {
            m.setInput(features);
            m.setLabels(labels);
            m.computeGradientAndScore();
        } else {
            ComputationGraph g = (ComputationGraph) net;
            g.setInputs(features);
            g.setLabels(labels);
            g.computeGradientAndScore();
        }
        evaluations++;
        double[] g = net.gradient().gradient().toDoubleVector();
        FlatVectors.scale(perExample, g);
        return g;
    }

    /** The training score of the last {@link #at} call (DL4J's, mean over the examples). */
    double lastScore() {
        return net.score();
    }

    /** {@code (g(θ + εv) − g(θ − εv)) / 2ε}. */
    double[] hessianTimes(double[] v, double eps) {
        double[] plus = theta.clone();
        FlatVectors.axpy(eps, v, plus);
        double[] minus = theta.clone();
        FlatVectors.axpy(-eps, v, minus);
        double[] hv = FlatVectors.minus(at(plus), at(minus));
        FlatVectors.scale(1 / (2 * eps), hv);
        return hv;
    }
}


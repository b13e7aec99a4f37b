package org.landscape4j.engine.geometry;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.engine.internal.BatchNormStatistics;
import org.landscape4j.engine.internal.FlatVectors;
import org.landscape4j.engine.internal.NetworkEvaluator;
import org.landscape4j.engine.internal.hessian.ExactHessian;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.engine.parameters.ParameterRole;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Gradients of a network's loss, averaged over one data set's examples, at any parameter vector: computed on a private
 * double-precision copy of the network (the caller's is only read), in DL4J's training mode, without L1/L2 or
 * weight-decay terms.
 *
 * <p>Gradients are of the trainable parameters only: DL4J's gradient vector holds, at a batch-norm layer's running
 * mean and variance, the updates of those running statistics, not derivatives of the loss. Those entries are zero
 * here, so the Hessian-vector product {@link #hessianTimes} is the symmetric operator {@code P H P}, with {@code P}
 * the projection onto the trainable parameters.
 *
 * <p>Hessian-vector products are exact ({@link ExactHessian}: Pearlmutter's R-operator on the landscape's own,
 * inference-mode loss) whenever every layer of the network has an exact rule; otherwise they fall back to central
 * differences of DL4J's training-mode gradients, and {@link #curvatureMethod()} names the layer that forced it.
 * Not thread-safe.
 */
final class LossGradients {

    static {
        org.landscape4j.engine.internal.BroadcastFence.install();     // before any ND4J op of the engine (issue 19)
    }
    private final Model net;
    private final ParameterLayout layout;
    private final INDArray features;
    private final INDArray labels;
    private final double[] theta;
    private final double perExample;
    /**
     * Checks, before any work, that the gradients support {@code model} and {@code batches}: an initialised
     * {@code MultiLayerNetwork}, or a {@code ComputationGraph} with one input and one output; at least one batch, each
     * with features, labels and examples, without masks.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static void requireSupported(Model model, java.util.List<DataSet> batches) {
        if (!(model instanceof MultiLayerNetwork) && !(model instanceof ComputationGraph)) {
            throw new IllegalArgumentException("model must be a MultiLayerNetwork or a ComputationGraph, was "
                    + (model == null ? "null" : model.getClass().getName()));
        }
        if (model.params() == null) {
            throw new IllegalArgumentException("the model is not initialised: call init() first");
        }
        if (model instanceof ComputationGraph graph && (graph.getNumInputArrays() != 1
                || graph.getNumOutputArrays() != 1)) {
            throw new IllegalArgumentException("only graphs with one input and one output are supported, this one has "
                    + graph.getNumInputArrays() + " and " + graph.getNumOutputArrays());
        }
        if (batches == null || batches.isEmpty()) {
            throw new IllegalArgumentException("data must hold at least one batch");
        }
        for (DataSet b : batches) {
            if (b == null || b.getFeatures() == null || b.getLabels() == null || b.numExamples() == 0) {
                throw new IllegalArgumentException("data must hold features, labels and at least one example"
                        + (batches.size() > 1 ? " in every batch" : ""));
            }
            if (b.getFeaturesMaskArray() != null || b.getLabelsMaskArray() != null) {
                throw new IllegalArgumentException("masked data sets are not supported");
            }
        }
    }

    /** Further batches whose gradients are averaged with the first one's (weighted by size); empty for one batch. */
    private final java.util.List<DataSet> more;
    private final long examples;
    private final ParameterRole[] fixed;
    private final java.util.List<DataSet> batches;
    private int evaluations;
    private int products;
    /** Compiled on the first product: the exact products, or why the network has none. */
    private ExactHessian.Compiled exact;

    LossGradients(Model model, DataSet data) {
        this(model, java.util.List.of(data), new ParameterRole[] {ParameterRole.BATCHNORM_RUNNING_STATISTIC}, false);
    }

    /**
     * Gradients of the loss averaged over the examples of all {@code batches} (each batch's mean weighted by its
     * size), over the parameters whose role is not in {@code fixed} (those entries are 0 in every gradient and
     * product; batch-norm running statistics must be among them).
     *
     * @param withoutDropout remove every layer's dropout from the private copy, so gradients are deterministic and
     *                       of the network as inference sees it (batch normalization still uses batch statistics)
     */
    LossGradients(Model model, java.util.List<DataSet> batches, ParameterRole[] fixed, boolean withoutDropout) {
        Model copy = model.params().dataType() == DataType.DOUBLE ? NetworkEvaluator.copyOf(model)
                : model instanceof MultiLayerNetwork m ? m.convertDataType(DataType.DOUBLE)
                : ((ComputationGraph) model).convertDataType(DataType.DOUBLE);
        if (withoutDropout) {
            org.deeplearning4j.nn.api.Layer[] layers = copy instanceof MultiLayerNetwork m ? m.getLayers()
                    : ((ComputationGraph) copy).getLayers();
            for (org.deeplearning4j.nn.api.Layer layer : layers) {
                layer.conf().getLayer().setIDropout(null);
            }
        }
        this.net = copy;
        this.layout = ParameterLayout.of(copy);
        DataSet data = batches.get(0);
        this.features = data.getFeatures().castTo(DataType.DOUBLE);
        this.labels = data.getLabels().castTo(DataType.DOUBLE);
        this.more = batches.subList(1, batches.size()).stream()
                .map(b -> new DataSet(b.getFeatures().castTo(DataType.DOUBLE), b.getLabels().castTo(DataType.DOUBLE)))
                .toList();
        this.examples = batches.stream().mapToLong(DataSet::numExamples).sum();
        this.fixed = fixed.clone();
        this.batches = java.util.List.copyOf(batches);
        this.theta = copy.params().toDoubleVector();
        // DL4J's gradient is summed over the minibatch; its updater divides by the batch size in minibatch mode.
        this.perExample = copy.conf().isMiniBatch() ? 1.0 / data.numExamples() : 1.0;
    }

    /** Moves the base point of {@link #hessianTimes} to {@code point} (copied). */
    void moveTo(double[] point) {
        System.arraycopy(point, 0, theta, 0, theta.length);
    }

    /**
     * Moves the base point to {@code parameters}, a flat vector of the network's layout (read, not kept).
     *
     * @throws IllegalArgumentException if its length is not the parameter count
     */
    void moveTo(INDArray parameters) {
        if (parameters == null || parameters.length() != theta.length) {
            throw new IllegalArgumentException("parameters must have " + theta.length + " entries, had "
                    + (parameters == null ? "none" : parameters.length()));
        }
        moveTo(parameters.toDoubleVector());
    }

    /** The finite-difference step of the fallback at the base point, {@code 1e-5·max(1, |θ|)}; 0 for exact products. */
    double fallbackStep() {
        return isExact() ? 0 : 1e-5 * Math.max(1, FlatVectors.norm(theta));
    }

    /** The loss (DL4J score without regularization, mean over the examples) at {@code point}, in inference mode. */
    double loss(double[] point) {
        net.params().assign(FlatVectors.toRow(point));
        return inferenceLoss();
    }

    /**
     * The loss at {@code point} after setting every batch-norm layer's running statistics to those of its input on
     * {@code batchNormFeatures} (a {@link MultiLayerNetwork}; Garipov et al.'s recomputation along a curve).
     */
    double lossWithBatchNormRecomputed(double[] point, INDArray batchNormFeatures) {
        net.params().assign(FlatVectors.toRow(point));
        BatchNormStatistics.recompute((MultiLayerNetwork) net, batchNormFeatures.castTo(DataType.DOUBLE));
        return inferenceLoss();
    }

    private double inferenceLoss() {
        DataSet data = new DataSet(features, labels);
        double score = net instanceof MultiLayerNetwork m ? m.score(data, false)
                : ((ComputationGraph) net).score(data, false);
        return score - regularization();
    }

    /** DL4J adds the L1, L2 and weight-decay terms to every score; the library reports losses without them. */
    private double regularization() {
        return net instanceof MultiLayerNetwork m ? m.calcRegularizationScore(true)
                : ((ComputationGraph) net).calcRegularizationScore(true);
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

    /** Whether the network has parameters that are not trained (batch-norm running statistics). */
    boolean hasFrozenParameters() {
        return !layout.segmentsWith(ParameterRole.BATCHNORM_RUNNING_STATISTIC).isEmpty();
    }

    /** Sets the entries of {@code v} that are not trainable parameters to 0; returns {@code v}. */
    double[] project(double[] v) {
        return layout.zero(v, fixed);
    }

    /** The gradient of the loss with respect to the trainable parameters at {@code point}; 0 elsewhere. */
    double[] at(double[] point) {
        net.params().assign(FlatVectors.toRow(point));
        double[] g = gradient(features, labels);
        FlatVectors.scale(perExample, g);
        if (!more.isEmpty()) {
            FlatVectors.scale((double) features.size(0) / examples, g);
            for (DataSet b : more) {
                double[] gb = gradient(b.getFeatures(), b.getLabels());
                double n = b.numExamples();
                FlatVectors.axpy((net.conf().isMiniBatch() ? 1.0 / n : 1.0) * n / examples, gb, g);
            }
        }
        evaluations++;
        return project(g);
    }

    /**
     * The gradient of the mean loss over the examples {@code x, y} (a training batch, double precision) at
     * {@code point}; 0 at the parameters that are not trained.
     */
    double[] at(double[] point, INDArray x, INDArray y) {
        net.params().assign(FlatVectors.toRow(point));
        double[] g = gradient(x, y);
        FlatVectors.scale(net.conf().isMiniBatch() ? 1.0 / x.size(0) : 1.0, g);
        evaluations++;
        return project(g);
    }

    private double[] gradient(INDArray x, INDArray y) {
        if (net instanceof MultiLayerNetwork m) {
            m.setInput(x);
            m.setLabels(y);
            m.computeGradientAndScore();
        } else {
            ComputationGraph g = (ComputationGraph) net;
            g.setInputs(x);
            g.setLabels(y);
            g.computeGradientAndScore();
        }
        return net.gradient().gradient().toDoubleVector();
    }

    /** The training loss of the last {@link #at} call (DL4J's score without regularization, mean over the examples). */
    double lastScore() {
        return net.score() - regularization();
    }

    /** Releases the network copy's native memory; the object is unusable afterwards. */
    void close() {
        if (net instanceof MultiLayerNetwork m) {
            m.close();
        } else {
            ((ComputationGraph) net).close();
        }
    }

    /** The exact products, compiled on first use; {@code null} when the network has a layer without an exact rule. */
    ExactHessian exact() {
        if (exact == null) {
            exact = ExactHessian.compile(net, batches);
        }
        return exact.hessian();
    }

    /** Whether {@link #hessianTimes} is exact (otherwise finite differences). */
    boolean isExact() {
        return exact() != null;
    }

    /**
     * How {@link #hessianTimes} computes, for descriptions: {@code "exact Hessian-vector products (R-operator over
     * dense, relu, softmax-cross-entropy)"} or {@code "finite differences of DL4J training-mode gradients (no exact
     * rule: layer 1 'lrn' (LocalResponseNormalization) has no exact rule)"}.
     */
    String curvatureMethod() {
        ExactHessian h = exact();
        return h != null ? "exact Hessian-vector products (R-operator over " + h.summary() + ")"
                : "finite differences of DL4J training-mode gradients (fallback: " + exact.unsupported() + ")";
    }

    /** Hessian-vector products computed so far. */
    int products() {
        return products;
    }

    /**
     * {@code P H P v}: exact when the network supports it (then {@code eps} is unused), otherwise
     * {@code P (g(θ + εPv) − g(θ − εPv)) / 2ε}; symmetric in {@code v} either way.
     */
    double[] hessianTimes(double[] v, double eps) {
        products++;
        ExactHessian h = exact();
        if (h != null) {
            return project(h.times(theta, project(v.clone())));
        }
        return finiteDifference(v, eps);
    }

    /** {@code P (g(θ + εPv) − g(θ − εPv)) / 2ε}, the fallback of {@link #hessianTimes}. */
    double[] finiteDifference(double[] v, double eps) {
        double[] direction = project(v.clone());
        double[] plus = theta.clone();
        FlatVectors.axpy(eps, direction, plus);
        double[] minus = theta.clone();
        FlatVectors.axpy(-eps, direction, minus);
        double[] hv = FlatVectors.minus(at(plus), at(minus));
        FlatVectors.scale(1 / (2 * eps), hv);
        return hv;
    }
}

package org.landscape4j.engine.geometry;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.engine.internal.FlatVectors;
import org.landscape4j.engine.parameters.ParameterRole;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Hessian-vector products {@code P H P v} of a network's loss averaged over a data set's examples, at a movable point,
 * with {@code P} zeroing the entries that are not variables of the Hessian: the narrow door through which
 * {@code org.landscape4j.engine.curvature} (Lanczos, Hutchinson, quadrature) reaches this package's products. Use
 * {@code org.landscape4j.engine.curvature.Hessian}, not this class: it is public only for that package.
 *
 * <p>The products are exact where every layer has an exact rule (Pearlmutter's R-operator through the inference-mode
 * forward pass and back-propagation, {@code ExactHessian}), otherwise central differences of DL4J's training-mode
 * gradients; {@link #method()} says which and names the layer that forced the fallback. Everything is computed on a
 * private double-precision copy of the network without dropout (the caller's network is only read), without L1/L2 or
 * weight-decay terms. Not thread-safe.
 */
public final class HessianProducts implements AutoCloseable {

    private final LossGradients gradients;

    private HessianProducts(LossGradients gradients) {
        this.gradients = gradients;
    }

    /**
     * The products of {@code model}'s loss on {@code batches} at the model's parameters, over the parameters whose role
     * is not in {@code fixed} (batch-norm running statistics are always fixed: they are not parameters of the loss).
     *
     * @param model   an initialised {@link MultiLayerNetwork} or a {@link ComputationGraph} with one input and one
     *                output; only read
     * @param batches one or more batches of features and labels, without masks, not empty
     * @param fixed   the roles that are not variables, not {@code null}
     * @throws IllegalArgumentException before any work for an unsupported model or missing, empty or masked data
     */
    public static HessianProducts of(Model model, List<DataSet> batches, Set<ParameterRole> fixed) {
        LossGradients.requireSupported(model, batches);
        if (fixed == null) {
            throw new IllegalArgumentException("fixed roles must not be null");
        }
        Set<ParameterRole> roles = EnumSet.of(ParameterRole.BATCHNORM_RUNNING_STATISTIC);
        roles.addAll(fixed);
        return new HessianProducts(new LossGradients(model, batches, roles.toArray(ParameterRole[]::new), true));
    }

    /** Length of the vectors: the flat parameter count, fixed entries included. */
    public int length() {
        return gradients.numParams();
    }

    /** Sets the entries of {@code v} that are not variables to 0, in place; returns {@code v}. */
    public double[] project(double[] v) {
        return gradients.project(v);
    }

    /**
     * {@code P H P v} at the current point ({@code v} is not changed); {@code eps} is the step of the finite-difference
     * fallback (see {@link #fallbackStep}), unused by exact products.
     */
    public double[] times(double[] v, double eps) {
        return gradients.hessianTimes(v, eps);
    }

    /**
     * Moves the point the products are taken at to {@code parameters}, a flat vector of the network's layout (read,
     * not kept).
     *
     * @throws IllegalArgumentException if its length is not the parameter count
     */
    public void moveTo(INDArray parameters) {
        gradients.moveTo(parameters);
    }

    /** The fallback's step at the current point, {@code relativeStep · max(1, |θ|)}; 0 for exact products. */
    public double fallbackStep(double relativeStep) {
        return isExact() ? 0 : relativeStep * Math.max(1, FlatVectors.norm(gradients.theta()));
    }

    /** The current point (a copy). */
    public double[] point() {
        return gradients.theta().clone();
    }

    /** The loss (DL4J's score without regularization, mean over the examples) at {@code point}, in inference mode. */
    public double loss(double[] point) {
        return gradients.loss(point);
    }

    /** Products computed so far. */
    public int products() {
        return gradients.products();
    }

    /** Whether the products are exact (not the finite-difference fallback). */
    public boolean isExact() {
        return gradients.isExact();
    }

    /**
     * How the products are computed: {@code "exact Hessian-vector products (R-operator over dense, relu,
     * softmax-cross-entropy)"}, or the finite-difference fallback naming the layer without an exact rule.
     */
    public String method() {
        return gradients.curvatureMethod();
    }

    /** Releases the network copy's native memory; the products are unusable afterwards. */
    @Override
    public void close() {
        gradients.close();
    }
}

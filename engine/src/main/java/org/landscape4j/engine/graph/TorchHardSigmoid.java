package org.landscape4j.engine.graph;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * PyTorch's and ONNX's hard sigmoid, {@code max(0, min(1, alpha * x + beta))}: PyTorch's {@code nn.Hardsigmoid} is
 * {@code alpha = 1/6, beta = 1/2}, i.e. {@code relu6(x + 3) / 6}. DL4J's own {@code Activation.HARDSIGMOID} has slope
 * 0.2, which is ONNX's default but not PyTorch's, so networks from PyTorch (MobileNetV3's squeeze-and-excitation gates)
 * need this one. The inference plan runs it as DL4J does (its activation step calls {@link #getActivation}); the exact
 * Hessian has a rule for it.
 *
 * <pre>{@code
 * jshell> new TorchHardSigmoid(1.0 / 6, 0.5).getActivation(Nd4j.createFromArray(-4.0, 0.0, 1.5, 4.0), false)
 * $1 ==> [0, 0.5000, 0.7500, 1.0000]
 * }</pre>
 */
public final class TorchHardSigmoid extends BaseActivationFunction {

    private double alpha;
    private double beta;

    /** PyTorch's {@code nn.Hardsigmoid}: slope 1/6, offset 1/2. */
    public TorchHardSigmoid() {
        this(1.0 / 6, 0.5);
    }

    /** {@code max(0, min(1, alpha * x + beta))}; {@code alpha} must be positive and finite, {@code beta} finite. */
    public TorchHardSigmoid(double alpha, double beta) {
        if (!(alpha > 0) || Double.isInfinite(alpha) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException("hard sigmoid needs a positive finite alpha and a finite beta, was alpha="
                    + alpha + ", beta=" + beta);
        }
        this.alpha = alpha;
        this.beta = beta;
    }

    /** The slope. */
    public double alpha() {
        return alpha;
    }

    /** The offset. */
    public double beta() {
        return beta;
    }

    /** In place: {@code in} becomes {@code max(0, min(1, alpha * in + beta))}. */
    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        in.muli(alpha).addi(beta);
        return Transforms.min(Transforms.max(in, 0.0, false), 1.0, false);
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        INDArray z = in.mul(alpha).addi(beta);
        INDArray inside = z.gt(0.0).castTo(in.dataType()).muli(z.lt(1.0).castTo(in.dataType()));
        in.assign(inside.muli(alpha).muli(epsilon));
        return new Pair<>(in, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TorchHardSigmoid h && h.alpha == alpha && h.beta == beta;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(alpha) * 31 + Double.hashCode(beta);
    }

    @Override
    public String toString() {
        return "torchhardsigmoid(alpha=" + alpha + ", beta=" + beta + ")";
    }
}

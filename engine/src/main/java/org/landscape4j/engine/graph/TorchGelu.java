package org.landscape4j.engine.graph;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * PyTorch's GELU, {@code x Φ(x) = x (1 + erf(x / √2)) / 2} ({@code nn.GELU()}, ONNX's {@code Gelu}, and what PyTorch
 * writes before opset 20 as {@code Div, Erf, Add, Mul, Mul}): ConvNeXt's and the vision transformers' activation.
 * DL4J's own GELU is an approximation (sigmoid or tanh), not PyTorch's default. The inference plan runs it as DL4J
 * does (its activation step calls {@link #getActivation}); the exact Hessian has a rule for it.
 */
public final class TorchGelu extends BaseActivationFunction {

    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    /** {@code Φ(x)}, the standard normal distribution function, a new array. */
    public static INDArray cdf(INDArray x) {
        INDArray scaled = x.mul(SQRT_HALF);
        return Nd4j.exec(new Erf(scaled, scaled)).addi(1).muli(0.5);
    }

    /** {@code φ(x)}, the standard normal density, a new array. */
    public static INDArray density(INDArray x) {
        return Transforms.exp(x.mul(x).muli(-0.5), false).muli(INV_SQRT_2PI);
    }

    /** In place: {@code in} becomes {@code in Φ(in)}. */
    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        return in.muli(cdf(in));
    }

    /** The derivative {@code Φ(x) + x φ(x)} times {@code epsilon}, written into {@code in}. */
    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        INDArray d = cdf(in).addi(density(in).muli(in));
        in.assign(d.muli(epsilon));
        return new Pair<>(in, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TorchGelu;
    }

    @Override
    public int hashCode() {
        return TorchGelu.class.hashCode();
    }

    @Override
    public String toString() {
        return "torchgelu";
    }
}

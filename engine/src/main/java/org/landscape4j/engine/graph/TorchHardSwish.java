package org.landscape4j.engine.graph;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * PyTorch's hard swish, {@code x * relu6(x + 3) / 6} (ONNX's {@code HardSwish}, and what PyTorch writes before opset
 * 14 as {@code Mul(x, HardSigmoid(x))}): MobileNetV3's activation. DL4J has none. The inference plan runs it as DL4J
 * does (its activation step calls {@link #getActivation}); the exact Hessian has a rule for it.
 */
public final class TorchHardSwish extends BaseActivationFunction {

    /** In place: {@code in} becomes {@code in * max(0, min(1, in / 6 + 1/2))}. */
    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        INDArray gate = Transforms.min(Transforms.max(in.div(6.0).addi(0.5), 0.0, false), 1.0, false);
        return in.muli(gate);
    }

    /** The derivative: 0 below -3, {@code (2x + 3) / 6} between, 1 above 3. */
    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        INDArray below = in.gt(-3.0).castTo(in.dataType());
        INDArray above = in.gte(3.0).castTo(in.dataType());
        INDArray middle = in.mul(2.0).addi(3.0).divi(6.0).muli(below.sub(above));
        in.assign(middle.addi(above).muli(epsilon));
        return new Pair<>(in, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TorchHardSwish;
    }

    @Override
    public int hashCode() {
        return TorchHardSwish.class.hashCode();
    }

    @Override
    public String toString() {
        return "torchhardswish";
    }
}

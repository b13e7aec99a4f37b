package org.landscape4j.cuda;

import org.landscape4j.engine.graph.TorchGelu;
import org.landscape4j.engine.graph.TorchHardSigmoid;
import org.landscape4j.engine.graph.TorchHardSwish;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationHardTanH;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.activations.impl.ActivationTanH;

/**
 * The activations the CUDA plan's kernel computes ({@code activate} in {@link Kernels}), each with ND4J's formula in
 * inference; the code is the kernel's {@code switch} case. Any other activation is refused by name.
 */
enum DeviceActivation {
    /** {@code x}. */
    IDENTITY(0),
    /** {@code max(x, 0)} (DL4J's {@code ActivationReLU} without a maximum, threshold or negative slope). */
    RELU(1),
    /** {@code x > 0 ? x : alpha x}. */
    LEAKY_RELU(2),
    /** {@code tanh x}. */
    TANH(3),
    /** {@code 1 / (1 + e^-x)}. */
    SIGMOID(4),
    /** {@code x >= 0 ? x : alpha (e^x - 1)}. */
    ELU(5),
    /** {@code log(1 + e^x)}. */
    SOFTPLUS(6),
    /** {@code min(max(x, -1), 1)}. */
    HARD_TANH(7),
    /** {@code min(max(x, 0), 6)}. */
    RELU6(8),
    /** {@code x / (1 + e^-x)}: DL4J's swish, PyTorch's SiLU. */
    SWISH(9),
    /** {@code x Φ(x) = x (1 + erf(x / √2)) / 2}: PyTorch's exact GELU ({@code TorchGelu}). */
    GELU(10),
    /** {@code min(max(x / 6 + 1/2, 0), 1)}: PyTorch's hard sigmoid ({@code TorchHardSigmoid} with its defaults). */
    HARD_SIGMOID(11),
    /** {@code x · min(max(x / 6 + 1/2, 0), 1)}: PyTorch's hard swish ({@code TorchHardSwish}). */
    HARD_SWISH(12);

    final int code;

    DeviceActivation(int code) {
        this.code = code;
    }

    /** An activation and its parameter. */
    record Use(DeviceActivation kind, float alpha) {
        static final Use NONE = new Use(IDENTITY, 0);
    }

    /**
     * The kernel's activation for DL4J's {@code a} ({@code null}: identity).
     *
     * @throws IllegalArgumentException naming {@code a} and {@code source} when the kernel has none
     */
    static Use of(IActivation a, String source) {
        if (a == null || a instanceof ActivationIdentity) {
            return Use.NONE;
        }
        if (a.getClass() == ActivationReLU.class && a.equals(new ActivationReLU())) {
            return new Use(RELU, 0);
        }
        if (a instanceof ActivationLReLU l) {
            return new Use(LEAKY_RELU, (float) l.getAlpha());
        }
        if (a instanceof ActivationTanH) {
            return new Use(TANH, 0);
        }
        if (a instanceof ActivationSigmoid) {
            return new Use(SIGMOID, 0);
        }
        if (a instanceof ActivationELU e) {
            return new Use(ELU, (float) e.getAlpha());
        }
        if (a instanceof ActivationSoftPlus) {
            return new Use(SOFTPLUS, 0);
        }
        if (a instanceof ActivationHardTanH) {
            return new Use(HARD_TANH, 0);
        }
        if (a instanceof ActivationReLU6) {
            return new Use(RELU6, 0);
        }
        if (a instanceof ActivationSwish) {
            return new Use(SWISH, 0);
        }
        if (a instanceof TorchGelu) {
            return new Use(GELU, 0);
        }
        if (a instanceof TorchHardSigmoid h && h.equals(new TorchHardSigmoid())) {
            return new Use(HARD_SIGMOID, 0);
        }
        if (a instanceof TorchHardSwish) {
            return new Use(HARD_SWISH, 0);
        }
        throw new IllegalArgumentException(CudaPlanBuilder.HEAD + source + " uses the activation " + a
                + ", which has no CUDA kernel yet (identity, ReLU, leaky ReLU, tanh, sigmoid, ELU, softplus, hard tanh,"
                + " ReLU6, swish, PyTorch's GELU, hard sigmoid and hard swish have)" + CudaPlanBuilder.TAIL);
    }
}

package org.landscape4j.engine.internal.hessian;

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
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An activation function with its value, first and second derivative; {@code alpha} for leaky ReLU and ELU, the
 * upper bound of a bounded ReLU ({@code min(max(z, 0), alpha)}: ReLU6, PyTorch's {@code Clip(0, alpha)}), and the
 * slope and offset of a hard sigmoid ({@code alpha}, {@code beta}); swish is {@code z σ(z)} (PyTorch's SiLU), hard
 * swish PyTorch's {@code z relu6(z + 3) / 6}, GELU PyTorch's exact {@code z Φ(z)} (second derivative
 * {@code φ(z) (2 − z²)}). The
 * functions with an exact rule are {@link Kind}'s; {@link #of} maps DL4J's activations to them.
 */
record Function(Kind kind, double alpha, double beta) {
    /** The element-wise activations with an exact rule, and softmax over axis 1. */
    enum Kind {
        IDENTITY(false), RELU(false), BOUNDED_RELU(false), LEAKYRELU(false), ELU(true), TANH(true), SIGMOID(true),
        SOFTPLUS(true), HARDTANH(false), SWISH(true), HARD_SIGMOID(false), HARD_SWISH(true), GELU(true),
        SOFTMAX(true);

        final boolean curved;

        Kind(boolean curved) {
            this.curved = curved;
        }
    }

    static final Function IDENTITY = new Function(Kind.IDENTITY, 0);

    /** A function with one parameter (or none). */
    Function(Kind kind, double alpha) {
        this(kind, alpha, 0);
    }

    boolean curved() {
        return kind.curved;
    }

    INDArray value(INDArray z) {
        return switch (kind) {
            case IDENTITY -> z.dup();
            case RELU -> Transforms.relu(z, true);
            case BOUNDED_RELU -> Transforms.min(Transforms.max(z, 0.0, true), alpha, false);
            case LEAKYRELU -> z.mul(first(z));
            case ELU -> {
                INDArray pos = positive(z);
                INDArray neg = Transforms.exp(Transforms.min(z, 0.0, true), false).subi(1).muli(alpha);
                yield z.mul(pos).addi(neg.muli(pos.rsub(1)));
            }
            case TANH -> Transforms.tanh(z, true);
            case SIGMOID -> Transforms.sigmoid(z, true);
            case SOFTPLUS -> Transforms.softPlus(z, true);
            case HARDTANH -> Transforms.min(Transforms.max(z, -1.0, true), 1.0, false);
            case SWISH -> z.mul(Transforms.sigmoid(z, true));
            case HARD_SIGMOID -> hardSigmoid(z, alpha, beta);
            case HARD_SWISH -> z.mul(hardSigmoid(z, 1.0 / 6, 0.5));
            case GELU -> z.mul(TorchGelu.cdf(z));
            case SOFTMAX -> softmax(z);
        };
    }

    INDArray first(INDArray z) {
        return switch (kind) {
            case IDENTITY -> Nd4j.onesLike(z);
            case RELU -> positive(z);
            case BOUNDED_RELU -> positive(z).muli(z.lt(alpha).castTo(DataType.DOUBLE));
            case LEAKYRELU -> {
                INDArray pos = positive(z);
                yield pos.rsub(1).muli(alpha).addi(pos);
            }
            case ELU -> {
                INDArray pos = positive(z);
                yield Transforms.exp(Transforms.min(z, 0.0, true), false).muli(alpha).muli(pos.rsub(1)).addi(pos);
            }
            case TANH -> {
                INDArray t = Transforms.tanh(z, true);
                yield t.muli(t).rsubi(1);
            }
            case SIGMOID -> {
                INDArray s = Transforms.sigmoid(z, true);
                yield s.mul(s.rsub(1));
            }
            case SOFTPLUS -> Transforms.sigmoid(z, true);
            case HARDTANH -> Transforms.abs(z, true).lt(1.0).castTo(DataType.DOUBLE);
            case SWISH -> {
                INDArray s = Transforms.sigmoid(z, true);
                yield s.rsub(1).muli(z).addi(1).muli(s);
            }
            case HARD_SIGMOID -> inside(z.mul(alpha).addi(beta), 0, 1).muli(alpha);
            case HARD_SWISH -> {
                INDArray middle = inside(z, -3, 3);
                yield z.mul(2).addi(3).divi(6).muli(middle).addi(z.gte(3.0).castTo(DataType.DOUBLE));
            }
            case GELU -> TorchGelu.cdf(z).addi(TorchGelu.density(z).muli(z));
            case SOFTMAX -> throw new IllegalStateException("softmax is not element-wise");
        };
    }

    INDArray second(INDArray z) {
        return switch (kind) {
            case ELU -> Transforms.exp(Transforms.min(z, 0.0, true), false).muli(alpha)
                    .muli(positive(z).rsubi(1));
            case TANH -> {
                INDArray t = Transforms.tanh(z, true);
                yield t.mul(t).rsubi(1).muli(t).muli(-2);
            }
            case SIGMOID -> {
                INDArray s = Transforms.sigmoid(z, true);
                yield s.mul(s.rsub(1)).muli(s.mul(-2).addi(1));
            }
            case SOFTPLUS -> {
                INDArray s = Transforms.sigmoid(z, true);
                yield s.mul(s.rsub(1));
            }
            case SWISH -> {
                INDArray s = Transforms.sigmoid(z, true);
                yield s.mul(s.rsub(1)).muli(s.mul(-2).addi(1).muli(z).addi(2));
            }
            case HARD_SWISH -> inside(z, -3, 3).divi(3);
            case GELU -> TorchGelu.density(z).muli(z.mul(z).rsubi(2));
            default -> Nd4j.zerosLike(z);
        };
    }

    /** {@code max(0, min(1, alpha z + beta))}. */
    private static INDArray hardSigmoid(INDArray z, double alpha, double beta) {
        return Transforms.min(Transforms.max(z.mul(alpha).addi(beta), 0.0, false), 1.0, false);
    }

    /** 1 where {@code lo < z < hi}, else 0. */
    private static INDArray inside(INDArray z, double lo, double hi) {
        return z.gt(lo).castTo(DataType.DOUBLE).muli(z.lt(hi).castTo(DataType.DOUBLE));
    }

    private static INDArray positive(INDArray z) {
        return z.gt(0.0).castTo(DataType.DOUBLE);
    }

    /** The function with an exact rule for {@code activation}, or {@code null}. */
    static Function of(IActivation activation) {
        if (activation == null || activation instanceof ActivationIdentity) {
            return IDENTITY;
        }
        if (activation instanceof ActivationReLU relu) {
            boolean plain = (relu.getThreshold() == null || relu.getThreshold() == 0)
                    && (relu.getNegativeSlope() == null || relu.getNegativeSlope() == 0);
            if (!plain || relu.getMax() != null && relu.getMax() <= 0) {
                return null;
            }
            return relu.getMax() == null ? new Function(Kind.RELU, 0) : new Function(Kind.BOUNDED_RELU, relu.getMax());
        }
        if (activation instanceof ActivationReLU6) {
            return new Function(Kind.BOUNDED_RELU, 6);
        }
        if (activation instanceof ActivationLReLU l) {
            return new Function(Kind.LEAKYRELU, l.getAlpha());
        }
        if (activation instanceof ActivationELU e) {
            return new Function(Kind.ELU, e.getAlpha());
        }
        if (activation instanceof TorchHardSigmoid h) {
            return new Function(Kind.HARD_SIGMOID, h.alpha(), h.beta());
        }
        Kind kind = activation instanceof ActivationTanH ? Kind.TANH
                : activation instanceof ActivationSwish ? Kind.SWISH
                : activation instanceof TorchHardSwish ? Kind.HARD_SWISH
                : activation instanceof TorchGelu ? Kind.GELU
                : activation instanceof ActivationSigmoid ? Kind.SIGMOID
                : activation instanceof ActivationSoftPlus ? Kind.SOFTPLUS
                : activation instanceof ActivationHardTanH ? Kind.HARDTANH
                : activation instanceof ActivationSoftmax ? Kind.SOFTMAX : null;
        return kind == null ? null : new Function(kind, 0);
    }

    /** Softmax over axis 1, each row shifted by its maximum. */
    static INDArray softmax(INDArray z) {
        INDArray e = Transforms.exp(z.subColumnVector(z.max(true, 1)), false);
        return e.diviColumnVector(e.sum(true, 1));
    }

    /** {@code s ⊙ (u − Σ_j s_j u_j)}: the softmax Jacobian (symmetric) times {@code u}, rows independent. */
    static INDArray softmaxJvp(INDArray s, INDArray u) {
        return u.subColumnVector(s.mul(u).sum(true, 1)).muli(s);
    }
}

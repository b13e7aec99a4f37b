package org.landscape4j.engine.internal.hessian;

import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalization in inference mode, {@code y = γ (x − μ) s + β} with {@code s = 1/sqrt(var + eps)} per
 * channel (axis 1); μ and var are constants, γ and β variables unless locked.
 */
final class BatchNorm extends Node {
    private final Param gamma;
    private final Param beta;
    private final Param mean;
    private final Param var;
    private final boolean logStd;
    private final double eps;
    private final double lockedGamma;
    private final double lockedBeta;

    BatchNorm(String source, int in, int out, Param gamma, Param beta, Param mean, Param var, boolean logStd,
              BatchNormalization conf) {
        super(source, new int[] {in}, out);
        this.gamma = gamma;
        this.beta = beta;
        this.mean = mean;
        this.var = var;
        this.logStd = logStd;
        this.eps = conf.getEps();
        boolean apply = conf.getGamma() != 1.0 && conf.getBeta() != 0.0;
        this.lockedGamma = apply ? conf.getGamma() : 1.0;
        this.lockedBeta = apply ? conf.getBeta() : 0.0;
    }

    /** The exact rule for batch normalization in inference mode (rank-2 or NCHW rank-4 activations). */
    static int rule(HessianBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        BatchNormalization bn = node.config(BatchNormalization.class);
        boolean locked = bn.isLockGammaBeta();
        boolean logStd = bn.isUseLogStd();
        return b.add(new BatchNorm(node.source(), in, b.newSlot(act), locked ? null : b.param(node, "gamma"),
                locked ? null : b.param(node, "beta"), b.param(node, "mean"),
                b.param(node, logStd ? "log10stdev" : "var"), logStd, bn), act);
    }

    private static INDArray channels(INDArray v, int rank) {
        long c = v.length();
        return rank == 2 ? v.reshape(1, c) : v.reshape(1, c, 1, 1);
    }

    private static INDArray sumToChannels(INDArray x) {
        return x.rank() == 2 ? x.sum(0) : x.sum(0, 2, 3);
    }

    private INDArray scale(Pass p, int rank) {
        INDArray stored = p.value(var);
        INDArray variance = logStd ? Transforms.pow(Nd4j.valueArrayOf(stored.shape(), 10.0, DataType.DOUBLE),
                stored, false).muli(Transforms.pow(Nd4j.valueArrayOf(stored.shape(), 10.0, DataType.DOUBLE),
                stored, false)) : stored;
        return channels(Transforms.pow(variance.add(eps), -0.5, false), rank);
    }

    private INDArray gammaOf(Pass p, long c, int rank) {
        return channels(gamma != null ? p.value(gamma) : Nd4j.valueArrayOf(new long[] {c}, lockedGamma,
                DataType.DOUBLE), rank);
    }

    private INDArray normalized(Pass p, INDArray x) {
        INDArray mu = channels(p.value(mean), x.rank());
        return x.sub(mu).muli(scale(p, x.rank()));
    }

    @Override
    void forward(Pass p) {
        INDArray x = p.a[in[0]];
        int rank = x.rank();
        long c = x.size(1);
        INDArray s = scale(p, rank);
        INDArray gm = gammaOf(p, c, rank);
        INDArray xhat = normalized(p, x);
        INDArray y = xhat.mul(gm);
        y.addi(channels(beta != null ? p.value(beta) : Nd4j.valueArrayOf(new long[] {c}, lockedBeta,
                DataType.DOUBLE), rank));
        p.a[out] = y;
        if (p.hasDirection()) {
            INDArray ry = null;
            if (p.r[in[0]] != null) {
                ry = p.r[in[0]].mul(gm.mul(s));
            }
            if (gamma != null) {
                ry = plus(ry, xhat.mul(channels(p.direction(gamma), rank)));
            }
            if (beta != null) {
                INDArray vb = channels(p.direction(beta), rank);
                ry = ry == null ? Nd4j.zeros(DataType.DOUBLE, y.shape()).addi(vb) : ry.addi(vb);
            }
            p.r[out] = ry;
        }
    }

    @Override
    void backward(Pass p) {
        INDArray x = p.a[in[0]];
        INDArray rx = p.r[in[0]];
        int rank = x.rank();
        INDArray s = scale(p, rank);
        INDArray gm = gammaOf(p, x.size(1), rank);
        INDArray gy = p.g[out];
        INDArray rgy = p.rg[out];
        INDArray xhat = normalized(p, x);
        if (gamma != null) {
            INDArray h = null;
            if (rgy != null) {
                h = sumToChannels(rgy.mul(xhat));
                if (rx != null) {
                    h.addi(sumToChannels(gy.mul(rx).muli(s)));
                }
            }
            p.accumulate(gamma, p.wantsGradient() ? sumToChannels(gy.mul(xhat)) : null, h);
        }
        if (beta != null) {
            p.accumulate(beta, p.wantsGradient() ? sumToChannels(gy) : null,
                    rgy == null ? null : sumToChannels(rgy));
        }
        if (in[0] != 0) {
            INDArray gs = gm.mul(s);
            INDArray rgx = null;
            if (rgy != null) {
                rgx = rgy.mul(gs);
                if (gamma != null) {
                    rgx.addi(gy.mul(channels(p.direction(gamma), rank)).muli(s));
                }
            }
            p.addGrad(in[0], gy.mul(gs), rgx);
        }
    }

    @Override
    String kind() {
        return "batchnorm";
    }
}

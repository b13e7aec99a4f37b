package org.landscape4j.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.engine.parameters.ParameterRole;
import org.landscape4j.engine.parameters.ParameterSegment;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The arithmetic of {@link Directions.AsymmetricPlane}: the Julia/Flux write-up's random models and its {@code
 * linear2x} and {@code barycentric} maps, on double arrays. Immutable; {@link #write} allocates its own scratch, so one
 * instance serves all workers.
 */
final class AsymmetricPlaneMap implements ParameterMap {

    private final Directions.AsymmetricPlane.Kind kind;
    private final List<ParameterSegment> mapped;
    private final double[] theta;
    private final double[] r1;
    private final double[] r2;

    /**
     * @param theta the model θ1
     * @param r1    the first random model θ2 (from {@link #randomModels})
     * @param r2    the second random model θ3
     */
    AsymmetricPlaneMap(Directions.AsymmetricPlane.Kind kind, ParameterLayout layout, double[] theta, double[] r1,
                       double[] r2) {
        this.kind = kind;
        this.mapped = mappedSegments(layout);
        this.theta = theta.clone();
        this.r1 = r1.clone();
        this.r2 = r2.clone();
    }

    /**
     * The map of a plane of {@code kind} whose anchors are {@code (θ1, θ2, θ3)}: the model and the random models of
     * {@link #randomModels}, as the landscape holds them.
     */
    static ParameterMap.Factory factory(Directions.AsymmetricPlane.Kind kind) {
        return (prototype, anchors) -> new AsymmetricPlaneMap(kind, ParameterLayout.of(prototype),
                anchors[0].toDoubleVector(), anchors[1].toDoubleVector(), anchors[2].toDoubleVector());
    }

    /** Weight tensors and bias vectors: the seed's {@code [W, b]} of each dense and convolution layer. */
    static List<ParameterSegment> mappedSegments(ParameterLayout layout) {
        return layout.segmentsWith(ParameterRole.WEIGHT, ParameterRole.BIAS);
    }

    /**
     * The seed's {@code rndweights}: per model, i.i.d. standard Gaussian entries of {@code new Random(seed)} (model
     * {@code k} is the {@code k}-th block of draws, as {@link RandomDirections}), each weight tensor filter-normalized
     * and each bias scaled as a whole to θ's; entries outside the mapped segments hold θ's values.
     */
    static double[][] randomModels(ParameterLayout layout, double[] theta, long seed) {
        Random random = new Random(seed);
        double[][] out = new double[2][];
        for (int k = 0; k < 2; k++) {
            double[] d = new double[theta.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = random.nextGaussian();
            }
            double[] r = theta.clone();
            for (ParameterSegment s : mappedSegments(layout)) {
                java.util.Arrays.fill(r, (int) s.offset(), (int) (s.offset() + s.length()), 0.0);
                filterNorm(s, d, theta, 1.0, r);
            }
            out[k] = r;
        }
        return out;
    }

    @Override
    public void write(double[] c, INDArray target) {
        double alpha = c[0];
        double beta = c[1];
        double[] out = theta.clone();
        double[] a = new double[theta.length];
        double[] b = new double[theta.length];
        for (ParameterSegment s : mapped) {
            int off = (int) s.offset();
            int end = off + (int) s.length();
            if (kind == Directions.AsymmetricPlane.Kind.LINEAR2X) {
                // ψ = α θ2 + (1 − α) θ1;  out = β θ3 + (1 − β) layernorm(ψ, θ1)
                for (int i = off; i < end; i++) {
                    a[i] = alpha * r1[i] + (1 - alpha) * theta[i];
                    out[i] = beta * r2[i];
                }
                layerNorm(s, a, theta, 1 - beta, out);
            } else {
                // ϕ = α (θ2 − θ1) + θ1;  ψ = β (θ3 − θ1) + θ1;  out = α filternorm(ϕ, θ1) + (1 − β) filternorm(ψ, θ1)
                for (int i = off; i < end; i++) {
                    a[i] = alpha * (r1[i] - theta[i]) + theta[i];
                    b[i] = beta * (r2[i] - theta[i]) + theta[i];
                    out[i] = 0;
                }
                filterNorm(s, a, theta, alpha, out);
                filterNorm(s, b, theta, 1 - beta, out);
            }
        }
        target.assign(Nd4j.createFromArray(out).castTo(target.dataType()).reshape(target.shape()));
    }

    /** {@code out[s] += weight · (‖θ_s‖ / ‖v_s‖) v_s} over the whole segment (the seed's {@code lnkern}). */
    static void layerNorm(ParameterSegment s, double[] v, double[] theta, double weight, double[] out) {
        int off = (int) s.offset();
        int end = off + (int) s.length();
        double vSq = 0;
        double tSq = 0;
        for (int i = off; i < end; i++) {
            vSq += v[i] * v[i];
            tSq += theta[i] * theta[i];
        }
        double factor = vSq == 0 ? 0 : Math.sqrt(tSq / vSq);
        for (int i = off; i < end; i++) {
            out[i] += weight * factor * v[i];
        }
    }

    /**
     * {@code out[s] += weight · filternorm(v, θ)} on segment {@code s}: per filter for a weight tensor, as a whole for
     * a bias vector (the seed's {@code fnkern}).
     */
    static void filterNorm(ParameterSegment s, double[] v, double[] theta, double weight, double[] out) {
        int off = (int) s.offset();
        int len = (int) s.length();
        boolean perFilter = s.role() == ParameterRole.WEIGHT;
        int filters = perFilter ? (int) s.filterCount() : 1;
        double[] vSq = new double[filters];
        double[] tSq = new double[filters];
        for (int e = 0; e < len; e++) {
            int f = perFilter ? (int) s.filterOf(e) : 0;
            vSq[f] += v[off + e] * v[off + e];
            tSq[f] += theta[off + e] * theta[off + e];
        }
        for (int e = 0; e < len; e++) {
            int f = perFilter ? (int) s.filterOf(e) : 0;
            double factor = vSq[f] == 0 ? 0 : Math.sqrt(tSq[f] / vSq[f]);
            out[off + e] += weight * factor * v[off + e];
        }
    }

    /** The random models as flat vectors of {@code like}'s data type and shape. */
    static INDArray[] asArrays(double[][] models, INDArray like) {
        List<INDArray> out = new ArrayList<>();
        for (double[] m : models) {
            out.add(Nd4j.createFromArray(m).castTo(like.dataType()).reshape(like.shape()));
        }
        return out.toArray(INDArray[]::new);
    }
}

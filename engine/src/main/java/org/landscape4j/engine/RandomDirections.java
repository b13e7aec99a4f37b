package org.landscape4j.engine;

import java.util.Random;

import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.engine.parameters.ParameterRole;
import org.landscape4j.engine.parameters.ParameterSegment;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded random Gaussian directions with a {@link Normalization}, as in Li et al. 2018.
 *
 * <p>Every entry is drawn i.i.d. from a standard Gaussian ({@link Random#nextGaussian()} of a
 * {@code new Random(seed)}: the same seed gives the same directions on every JVM and every ND4J backend; direction
 * {@code k} is the {@code k}-th block of draws, so the first direction of a plane is the direction of a line with the
 * same seed). Then, per parameter tensor:
 * <ul>
 *   <li>weights are normalized (filter-wise, layer-wise, not at all, or — {@link Normalization#MODEL} — together
 *       with every other moving entry, as one vector scaled to the model's norm);</li>
 *   <li>biases, batch-norm gamma/beta and other one-dimensional entries are zeroed, or, with
 *       {@link #withBiasAndBatchNorm()}, take the weight's own values, as the reference implementation does;</li>
 *   <li>batch-norm running statistics are zeroed (never perturbed) unless {@link #withRunningStatistics()} asks for
 *       "states" directions, where they take their own values.</li>
 * </ul>
 *
 * @param normalization           how weights are rescaled, not {@code null}
 * @param includeBiasAndBatchNorm whether biases and batch-norm gamma/beta move (default {@code false})
 * @param includeRunningStatistics whether batch-norm running mean/variance move (default {@code false})
 */
public record RandomDirections(Normalization normalization, boolean includeBiasAndBatchNorm,
                               boolean includeRunningStatistics) implements Directions {

    /** Filter-wise normalized directions, biases and batch-norm ignored: the method of Li et al. 2018. */
    public static final RandomDirections FILTER_NORMALIZED = new RandomDirections(Normalization.FILTER, false, false);
    /** Layer-wise normalized directions, biases and batch-norm ignored. */
    public static final RandomDirections LAYER_NORMALIZED = new RandomDirections(Normalization.LAYER, false, false);
    /**
     * Directions scaled as a whole to the model's norm (the {@code model} normalization of the Python
     * {@code loss-landscapes} package), biases and batch-norm ignored.
     */
    public static final RandomDirections MODEL_NORMALIZED = new RandomDirections(Normalization.MODEL, false, false);
    /** Raw Gaussian directions, biases and batch-norm ignored. */
    public static final RandomDirections UNNORMALIZED = new RandomDirections(Normalization.NONE, false, false);

    /** Guard against dividing by a zero direction norm, as in the reference implementation. */
    private static final double EPS = 1e-10;

    public RandomDirections {
        if (normalization == null) {
            throw new IllegalArgumentException("normalization must not be null");
        }
    }

    /** The same directions with biases and batch-norm gamma/beta moving too (taking the weights' own values). */
    public RandomDirections withBiasAndBatchNorm() {
        return new RandomDirections(normalization, true, includeRunningStatistics);
    }

    /** The same directions with batch-norm running statistics moving too ("states" directions). */
    public RandomDirections withRunningStatistics() {
        return new RandomDirections(normalization, includeBiasAndBatchNorm, true);
    }

    /**
     * Draws {@code count} directions shaped like {@code parameters}.
     *
     * @param layout     the parameters' layout, not {@code null}
     * @param parameters the flat parameters the directions are normalized against (read only)
     * @param seed       the random seed
     * @param count      how many directions, at least 1
     * @return new flat vectors with the parameters' data type
     */
    public INDArray[] generate(ParameterLayout layout, INDArray parameters, long seed, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("direction count must be >= 1, was " + count);
        }
        if (parameters.length() != layout.numParams()) {
            throw new IllegalArgumentException("parameters have " + parameters.length() + " entries, layout has "
                    + layout.numParams());
        }
        if (layout.numParams() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("networks over " + Integer.MAX_VALUE + " parameters are not supported");
        }
        double[] theta = parameters.toDoubleVector();
        Random random = new Random(seed);
        INDArray[] out = new INDArray[count];
        for (int k = 0; k < count; k++) {
            double[] d = new double[theta.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = random.nextGaussian();
            }
            normalize(layout, theta, d);
            out[k] = Nd4j.createFromArray(d).castTo(parameters.dataType() == DataType.DOUBLE
                    ? DataType.DOUBLE : parameters.dataType());
        }
        return out;
    }

    /** Applies this spec's per-tensor rules to a raw Gaussian direction {@code d}, in place. */
    void normalize(ParameterLayout layout, double[] theta, double[] d) {
        if (normalization == Normalization.MODEL) {
            normalizeModel(layout, theta, d);
            return;
        }
        for (ParameterSegment s : layout.segments()) {
            int off = (int) s.offset();
            int len = (int) s.length();
            ParameterRole role = s.role();
            if (role == ParameterRole.WEIGHT) {
                switch (normalization) {
                    case FILTER -> normalizeFilters(s, theta, d);
                    case LAYER -> scale(d, off, len, norm(theta, off, len) / (norm(d, off, len) + EPS));
                    case NONE, MODEL -> { }
                }
            } else {
                boolean moves = role == ParameterRole.BATCHNORM_RUNNING_STATISTIC
                        ? includeRunningStatistics : includeBiasAndBatchNorm;
                if (moves) {
                    System.arraycopy(theta, off, d, off, len);
                } else {
                    java.util.Arrays.fill(d, off, off + len, 0.0);
                }
            }
        }
    }

    /**
     * {@link Normalization#MODEL}: the Gaussian entries that move (weights, and biases and batch-norm gamma/beta when
     * included) scaled together to the norm of the same entries of θ; running statistics as the other normalizations.
     */
    private void normalizeModel(ParameterLayout layout, double[] theta, double[] d) {
        double thetaSq = 0;
        double dSq = 0;
        for (ParameterSegment s : layout.segments()) {
            int off = (int) s.offset();
            int len = (int) s.length();
            ParameterRole role = s.role();
            if (role == ParameterRole.BATCHNORM_RUNNING_STATISTIC) {
                continue;
            }
            if (role == ParameterRole.WEIGHT || includeBiasAndBatchNorm) {
                double t = norm(theta, off, len);
                double n = norm(d, off, len);
                thetaSq += t * t;
                dSq += n * n;
            }
        }
        double factor = Math.sqrt(thetaSq) / (Math.sqrt(dSq) + EPS);
        for (ParameterSegment s : layout.segments()) {
            int off = (int) s.offset();
            int len = (int) s.length();
            ParameterRole role = s.role();
            if (role == ParameterRole.BATCHNORM_RUNNING_STATISTIC) {
                if (includeRunningStatistics) {
                    System.arraycopy(theta, off, d, off, len);
                } else {
                    java.util.Arrays.fill(d, off, off + len, 0.0);
                }
            } else if (role == ParameterRole.WEIGHT || includeBiasAndBatchNorm) {
                scale(d, off, len, factor);
            } else {
                java.util.Arrays.fill(d, off, off + len, 0.0);
            }
        }
    }

    private static void normalizeFilters(ParameterSegment s, double[] theta, double[] d) {
        int off = (int) s.offset();
        int len = (int) s.length();
        int filters = (int) s.filterCount();
        double[] wSq = new double[filters];
        double[] dSq = new double[filters];
        for (int e = 0; e < len; e++) {
            int f = (int) s.filterOf(e);
            wSq[f] += theta[off + e] * theta[off + e];
            dSq[f] += d[off + e] * d[off + e];
        }
        double[] factor = new double[filters];
        for (int f = 0; f < filters; f++) {
            factor[f] = Math.sqrt(wSq[f]) / (Math.sqrt(dSq[f]) + EPS);
        }
        for (int e = 0; e < len; e++) {
            d[off + e] *= factor[(int) s.filterOf(e)];
        }
    }

    private static double norm(double[] v, int off, int len) {
        double sum = 0;
        for (int i = off; i < off + len; i++) {
            sum += v[i] * v[i];
        }
        return Math.sqrt(sum);
    }

    private static void scale(double[] v, int off, int len, double factor) {
        for (int i = off; i < off + len; i++) {
            v[i] *= factor;
        }
    }

    @Override
    public String toString() {
        return "random " + normalization.name().toLowerCase(java.util.Locale.ROOT) + "-normalized"
                + (includeBiasAndBatchNorm ? ", biases and batch-norm included" : ", biases and batch-norm ignored")
                + (includeRunningStatistics ? ", running statistics included" : "");
    }
}

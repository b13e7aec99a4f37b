package org.landscape4j.engine;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.engine.geometry.Curve;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.engine.parameters.ParameterRole;
import org.landscape4j.engine.parameters.ParameterSegment;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The vectors a landscape's points combine and how: the centre and its directions (drawn on first use and then kept),
 * or a curve's anchors, or the Julia/Flux write-up's random models with the map that turns coordinates into parameters.
 * Given vectors are checked when this is made, before any work. Thread-safe.
 *
 * <p>Here the network's layout meets the directions, so here batch-norm running statistics are held fixed: unless the
 * directions ask for "states" ({@code withRunningStatistics()}) or recompute the statistics on data, given directions
 * have their running-statistic entries zeroed, and a curve's anchors become {@code (start, anchor_k − start)} with
 * those entries of the differences zeroed and weights {@code (1, c_1(t), …)} (the curve's coefficients sum to 1), so
 * every point has exactly the centre's (a curve's start's) statistics, not a rounding of them.
 */
final class DirectionVectors {

    private final LandscapeSpec spec;
    private final ParameterLayout layout;
    private final Model prototype;
    private final INDArray centre;
    /** The running-statistic segments that stay fixed at every point; empty when they move or there are none. */
    private final List<ParameterSegment> fixedStatistics;
    /**
     * A curve's anchors, checked and converted to the centre's type (relative to the start when
     * {@link #fixedStatistics} is not empty); {@code null} for other directions.
     */
    private final INDArray[] curveAnchors;
    private volatile INDArray[] drawn;

    /**
     * @param prototype the landscape's own copy of the model
     * @param centre    its flat parameters
     * @throws IllegalArgumentException naming the bad vector when given directions, a centre or curve anchors do not
     *                                  fit the model, or batch-norm data does not fit the network
     */
    DirectionVectors(LandscapeSpec spec, ParameterLayout layout, Model prototype, INDArray centre) {
        this.spec = spec;
        this.layout = layout;
        this.prototype = prototype;
        this.centre = centre;
        this.fixedStatistics = movesRunningStatistics(spec.directions()) || batchNormFeatures() != null ? List.of()
                : layout.segmentsWith(ParameterRole.BATCHNORM_RUNNING_STATISTIC);
        this.curveAnchors = check(spec.directions());
    }

    /** Whether {@code directions} ask for "states": points that move batch-norm running statistics. */
    private static boolean movesRunningStatistics(Directions directions) {
        return directions instanceof RandomDirections r ? r.includeRunningStatistics()
                : directions instanceof Directions.Given g ? g.runningStatistics()
                : directions instanceof Directions.CurvePath c && c.runningStatistics();
    }

    /**
     * What the points do with batch-norm running statistics, for the evaluation plan: {@code "running statistics held
     * fixed"} or {@code "running statistics moved"}; {@code null} for a network without them or when they are
     * recomputed at every point (the evaluator says so).
     */
    String runningStatistics() {
        if (batchNormFeatures() != null
                || layout.segmentsWith(ParameterRole.BATCHNORM_RUNNING_STATISTIC).isEmpty()) {
            return null;
        }
        return movesRunningStatistics(spec.directions()) ? "running statistics moved"
                : "running statistics held fixed";
    }

    /** How many vectors a point combines: the centre and each direction, or a curve's anchors. */
    int anchorCount() {
        return curveAnchors != null ? curveAnchors.length : spec.dimensions() + 1;
    }

    /** The directions (random models for an asymmetric plane), shared: callers must not write them. */
    INDArray[] directions() {
        INDArray[] d = drawn;
        if (d == null) {
            synchronized (this) {
                d = drawn;
                if (d == null) {
                    d = draw();
                    drawn = d;
                }
            }
        }
        return d;
    }

    private INDArray[] draw() {
        Directions directions = spec.directions();
        if (directions instanceof RandomDirections random) {
            return random.generate(layout, centre, spec.seed(), spec.dimensions());
        }
        if (directions instanceof Directions.Given given) {
            return given.vectors().stream().map(v -> withoutStatistics(likeCentre(v))).toArray(INDArray[]::new);
        }
        if (directions instanceof Directions.AsymmetricPlane) {
            return AsymmetricPlaneMap.asArrays(AsymmetricPlaneMap.randomModels(layout, centre.toDoubleVector(),
                    spec.seed()), centre);
        }
        throw new IllegalStateException("a curve has anchors, not directions: " + directions);
    }

    /** The vectors whose combination is a point: {@code (centre, d1, d2)} or a curve's anchors. Shared. */
    INDArray[] anchors() {
        if (curveAnchors != null) {
            return curveAnchors;
        }
        INDArray[] d = directions();
        INDArray[] anchors = new INDArray[d.length + 1];
        anchors[0] = centre;
        System.arraycopy(d, 0, anchors, 1, d.length);
        return anchors;
    }

    /** The vectors a checkpoint fingerprints: a curve's anchors, else the directions. */
    INDArray[] recorded() {
        return curveAnchors != null ? curveAnchors : directions();
    }

    /**
     * The anchors' weights at given coordinates: a curve's coefficients (with weight 1 on the start when the anchors
     * are relative to it), or {@code (1, c1, c2)} around the centre.
     */
    Function<double[], double[]> weights() {
        return spec.directions() instanceof Directions.CurvePath curve ? curveWeights(curve.curve(), curveFromStart())
                : LandscapeRun.aroundCentre();
    }

    /** Whether a curve's anchors are {@code (start, anchor_k − start)} rather than the anchors themselves. */
    boolean curveFromStart() {
        return spec.directions() instanceof Directions.CurvePath && !fixedStatistics.isEmpty();
    }

    /**
     * The weights of a curve's anchors at {@code c = (t)}: its coefficients, or with {@code fromStart} (anchors
     * {@code (start, anchor_k − start)}) the same with weight 1 on the start, as {@code Σ c_k = 1}.
     */
    static Function<double[], double[]> curveWeights(Curve curve, boolean fromStart) {
        return c -> {
            double[] w = curve.coefficients(c[0]);
            if (fromStart) {
                w[0] = 1.0;
            }
            return w;
        };
    }

    /** The factory of the run's point map, or {@code null} for points {@code Σ w_k anchors[k]}. */
    ParameterMap.Factory mapFactory() {
        return spec.directions() instanceof Directions.AsymmetricPlane plane
                ? AsymmetricPlaneMap.factory(plane.kind()) : null;
    }

    /** Features to recompute batch-norm statistics on at every point, or {@code null}. */
    INDArray batchNormFeatures() {
        return spec.directions() instanceof Directions.Given g ? g.batchNormFeatures() : null;
    }

    /** A flat vector as a copy with the centre's data type and shape. */
    private INDArray likeCentre(INDArray v) {
        return v.castTo(centre.dataType()).reshape(centre.shape()).dup();
    }

    /** {@code v} (a copy of this layout's shape) with the fixed running-statistic entries set to 0, in place. */
    private INDArray withoutStatistics(INDArray v) {
        for (ParameterSegment s : fixedStatistics) {
            for (long i = s.offset(); i < s.offset() + s.length(); i++) {
                v.putScalar(i, 0.0); // a few entries per batch-norm channel: no view to get wrong
            }
        }
        return v;
    }

    /**
     * A curve's anchors as the points combine them: the anchors themselves, or, with fixed statistics,
     * {@code (start, anchor_k − start)} with the differences' running-statistic entries zeroed (differences taken in
     * double precision).
     */
    private INDArray[] curveAnchors(List<INDArray> anchors) {
        INDArray[] out = anchors.stream().map(this::likeCentre).toArray(INDArray[]::new);
        if (fixedStatistics.isEmpty()) {
            return out;
        }
        INDArray start = out[0].castTo(DataType.DOUBLE);
        for (int k = 1; k < out.length; k++) {
            out[k] = withoutStatistics(out[k].castTo(DataType.DOUBLE).subi(start).castTo(centre.dataType()));
        }
        return out;
    }

    /** Checks given vectors and curve anchors before work; returns the curve's anchors or {@code null}. */
    private INDArray[] check(Directions directions) {
        List<INDArray> vectors;
        String what;
        if (directions instanceof Directions.Given given) {
            vectors = given.vectors();
            what = "direction";
            if (given.batchNormFeatures() != null) {
                checkBatchNormRecompute(given.batchNormFeatures());
            }
            if (given.centre() != null) {
                requireLength(given.centre(), "the directions' centre");
                INDArray diff = given.centre().castTo(DataType.DOUBLE).reshape(centre.shape())
                        .sub(centre.castTo(DataType.DOUBLE));
                double scale = Math.max(1.0, centre.amaxNumber().doubleValue());
                if (diff.amaxNumber().doubleValue() > 1e-5 * scale) {
                    throw new IllegalArgumentException("the directions (" + given.description()
                            + ") were made around other parameters than the landscape's model (max difference "
                            + diff.amaxNumber() + "): use the model they start from, e.g. model A of a plane");
                }
            }
        } else if (directions instanceof Directions.CurvePath curve) {
            vectors = curve.anchors();
            what = "curve anchor";
        } else {
            return null;
        }
        for (int i = 0; i < vectors.size(); i++) {
            INDArray v = vectors.get(i);
            requireLength(v, what + " " + i);
            if (!DataCheck.allFinite(v)) {
                throw new IllegalArgumentException(what + " " + i + " contains NaN or infinite values");
            }
        }
        return directions instanceof Directions.CurvePath ? curveAnchors(vectors) : null;
    }

    private void checkBatchNormRecompute(INDArray features) {
        if (!(prototype instanceof MultiLayerNetwork) || layout.segments().stream()
                .noneMatch(seg -> seg.role() == ParameterRole.BATCHNORM_RUNNING_STATISTIC)) {
            throw new IllegalArgumentException("batch-norm statistics can only be recomputed for a MultiLayerNetwork "
                    + "with batch normalization; this model is a " + prototype.getClass().getSimpleName()
                    + " without it");
        }
        try {
            PointEvaluator.create(prototype, new INDArray[] {centre}, List.of(), List.of(),
                            EvaluationStrategy.choose(null, layout, spec.execution(), 1, 0, 1, true), null, features)
                    .evaluate(new double[] {1.0}, new double[0]);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the batch-norm data (features " + Arrays.toString(features.shape())
                    + ") does not fit the network: " + e.getMessage(), e);
        }
    }

    private void requireLength(INDArray v, String what) {
        if (v.length() != layout.numParams()) {
            throw new IllegalArgumentException(what + " has " + v.length() + " entries, the model has "
                    + layout.numParams() + " parameters");
        }
    }
}

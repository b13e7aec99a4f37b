package org.landscape4j.engine;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.engine.parameters.ParameterRole;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The vectors a landscape's points combine and how: the centre and its directions (drawn on first use and then kept),
 * or a curve's anchors, or seed 003's random models with the map that turns coordinates into parameters. Given vectors
 * are checked when this is made, before any work. Thread-safe.
 */
final class DirectionVectors {

    private final LandscapeSpec spec;
    private final ParameterLayout layout;
    private final Model prototype;
    private final INDArray centre;
    /** A curve's anchors, checked and converted to the centre's type; {@code null} for other directions. */
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
        this.curveAnchors = check(spec.directions());
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
            return given.vectors().stream().map(this::likeCentre).toArray(INDArray[]::new);
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

    /** The anchors' weights at given coordinates: a curve's coefficients, or {@code (1, c1, c2)} around the centre. */
    Function<double[], double[]> weights() {
        return spec.directions() instanceof Directions.CurvePath curve ? c -> curve.curve().coefficients(c[0])
                : LandscapeRun.aroundCentre();
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
        return directions instanceof Directions.CurvePath
                ? vectors.stream().map(this::likeCentre).toArray(INDArray[]::new) : null;
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

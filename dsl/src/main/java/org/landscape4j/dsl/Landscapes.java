package org.landscape4j.dsl;

import java.util.List;
import java.util.function.UnaryOperator;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.Directions;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.Metric;
import org.landscape4j.engine.Order;
import org.landscape4j.engine.RandomDirections;
import org.landscape4j.engine.Spacing;
import org.landscape4j.engine.geometry.Curve;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The entry point, meant for {@code import static org.landscape4j.dsl.Landscapes.*}.
 *
 * <pre>{@code
 * Landscape l = landscape(b -> b.model(net)
 *         .directions(FILTER_NORMALIZED, 2)
 *         .grid(-1, 1, 41)
 *         .evaluateOn("train", data));
 * l.points().subscribe(p -> System.out.println(p));   // streamed as computed
 * Surface s = l.surface();                            // or block for the result
 * }</pre>
 */
public final class Landscapes {

    /** Filter-wise normalized random directions (Li et al. 2018), biases and batch-norm ignored. */
    public static final RandomDirections FILTER_NORMALIZED = RandomDirections.FILTER_NORMALIZED;
    /** Layer-wise normalized random directions, biases and batch-norm ignored. */
    public static final RandomDirections LAYER_NORMALIZED = RandomDirections.LAYER_NORMALIZED;
    /** Raw Gaussian directions, biases and batch-norm ignored. */
    public static final RandomDirections UNNORMALIZED = RandomDirections.UNNORMALIZED;
    /** Raster order: row by row. */
    public static final Order RASTER = Order.RASTER;
    /** Coarse-to-fine order: the whole picture early, then sharper. */
    public static final Order COARSE_TO_FINE = Order.COARSE_TO_FINE;
    /** Spiral order from the centre. */
    public static final Order SPIRAL = Order.SPIRAL;
    /** Linear grid spacing. */
    public static final Spacing LINEAR = Spacing.LINEAR;
    /** Cubic grid spacing, denser near the centre. */
    public static final Spacing CUBIC = Spacing.CUBIC;

    private Landscapes() {
    }

    /** A new, empty builder. */
    public static LandscapeBuilder builder() {
        return LandscapeBuilder.empty();
    }

    /**
     * Builds, validates and compiles a landscape in one expression.
     *
     * @param spec fills in an empty builder and returns the result
     * @throws IllegalArgumentException naming the offending value, before any point is computed
     */
    public static Landscape landscape(UnaryOperator<LandscapeBuilder> spec) {
        if (spec == null) {
            throw new IllegalArgumentException("spec must not be null");
        }
        LandscapeBuilder b = spec.apply(builder());
        if (b == null) {
            throw new IllegalArgumentException("the spec lambda returned null; return the builder it was given");
        }
        return b.build();
    }

    /** The line from {@code from} to {@code to} (Goodfellow et al. 2014); draw it around {@code from}. */
    public static Directions.Given interpolation(Model from, Model to) {
        return Directions.interpolation(from, to);
    }

    /** The plane through three models (orthonormal Gram–Schmidt basis); draw it around {@code a}. */
    public static Directions.Given planeThrough(Model a, Model b, Model c) {
        return Directions.planeThrough(a, b, c);
    }

    /** The top two principal components of a training trajectory, with the projected path; draw around the last. */
    public static Directions.Given pca(List<INDArray> snapshots) {
        return Directions.pca(snapshots);
    }

    /** As {@link #pca(List)}, mean-centred first when {@code centred} (as the reference's scikit-learn PCA). */
    public static Directions.Given pca(List<INDArray> snapshots, boolean centred) {
        return Directions.pca(snapshots, centred);
    }

    /** The top {@code count} Hessian eigenvectors of the model's loss on {@code data}. */
    public static Directions.Given hessian(Model model, DataSet data, int count) {
        return Directions.hessian(model, data, count);
    }

    /** Your own directions: flat vectors in the layout of {@code net.params()}. */
    public static Directions.Given given(String description, INDArray... vectors) {
        return Directions.of(description, vectors);
    }

    /** A curve between two models through bend points (Garipov et al. 2018); grid t over [0, 1]. */
    public static Directions.CurvePath curve(Curve curve, List<INDArray> anchors) {
        return Directions.curve(curve, anchors);
    }

    /** The network's own loss without regularization. */
    public static Metric loss() {
        return Metric.loss();
    }

    /** Classification accuracy, a fraction. */
    public static Metric accuracy() {
        return Metric.accuracy();
    }
}

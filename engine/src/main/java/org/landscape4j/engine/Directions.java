package org.landscape4j.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.curvature.Eigenvalues;
import org.landscape4j.engine.curvature.Hessian;
import org.landscape4j.engine.geometry.Curve;
import org.landscape4j.engine.geometry.PlaneThroughModels;
import org.landscape4j.engine.geometry.Projection;
import org.landscape4j.engine.geometry.TrajectoryPca;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.engine.parameters.ParameterRole;
import org.landscape4j.engine.parameters.ParameterSegment;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Where a landscape's directions come from: seeded random ones ({@link RandomDirections}), or vectors made from
 * models — the line from one model to another (Goodfellow et al. 2014), the plane through three models, the
 * principal components of a training trajectory, Hessian eigenvectors, your own vectors — or a curve between two
 * minima (Garipov et al. 2018) — or a plane that is not linear in its coordinates ({@link #linear2x()},
 * {@link #barycentric()}).
 *
 * <p>Vectors are flat, in the layout of {@code net.params()} (see {@link ParameterLayout}).
 *
 * <p><b>Batch-norm running statistics are held fixed</b> by every source unless the directions ask for "states":
 * when a landscape is compiled (where the network's layout is known) the running-mean and running-variance entries of
 * given directions are zeroed, and a curve's anchors are taken as differences from its start with those entries
 * zeroed, so every point keeps the running statistics of the model the directions start from (the centre; a curve's
 * start). {@link Given#withRunningStatistics()}, {@link CurvePath#withRunningStatistics()} and
 * {@link RandomDirections#withRunningStatistics()} move them; {@link Given#withBatchNormRecomputedOn} recomputes them
 * on data at every point. The asymmetric planes always keep the model's. {@code Landscape.evaluationPlan()} says
 * which ("running statistics held fixed" or "running statistics moved").
 */
public sealed interface Directions permits RandomDirections, Directions.Given, Directions.CurvePath,
        Directions.AsymmetricPlane {

    /** A labelled point in the landscape's coordinates, e.g. a model the plane goes through. */
    record Mark(String label, double[] coordinates) {
        public Mark {
            coordinates = coordinates.clone();
        }

        @Override
        public double[] coordinates() {
            return coordinates.clone();
        }
    }

    /**
     * Fixed directions around a centre: the point at coordinates {@code c} is {@code centre + Σ c_i d_i}.
     *
     * @param description what the directions are, for provenance
     * @param vectors     one flat vector per direction (1 or 2)
     * @param centre      the parameters the directions were made around, or {@code null}; when given, the landscape's
     *                    model must have exactly these parameters (so a plane made through models A, B, C is drawn
     *                    around A)
     * @param marks       labelled points to draw, in the landscape's coordinates
     * @param path        a path to draw (e.g. the projected training trajectory), {@code [point][axis]}, or empty
     * @param batchNormFeatures features on which batch-norm running statistics are recomputed at every point, or
     *                    {@code null}
     * @param runningStatistics whether the vectors' batch-norm running-statistic entries move the statistics
     *                    ("states" directions, {@link #withRunningStatistics()}); by default ({@code false}) the
     *                    landscape zeroes those entries when it is compiled, so every point keeps the centre's
     *                    statistics. Not with {@code batchNormFeatures}, which recompute them instead.
     */
    record Given(String description, List<INDArray> vectors, INDArray centre, List<Mark> marks, List<double[]> path,
                 INDArray batchNormFeatures, boolean runningStatistics) implements Directions {

        /** Directions whose batch-norm running statistics stay the centre's (the default). */
        public Given(String description, List<INDArray> vectors, INDArray centre, List<Mark> marks,
                     List<double[]> path) {
            this(description, vectors, centre, marks, path, null, false);
        }

        /** Directions whose batch-norm running statistics are recomputed on {@code batchNormFeatures}, or held fixed. */
        public Given(String description, List<INDArray> vectors, INDArray centre, List<Mark> marks,
                     List<double[]> path, INDArray batchNormFeatures) {
            this(description, vectors, centre, marks, path, batchNormFeatures, false);
        }

        public Given {
            if (batchNormFeatures != null && runningStatistics) {
                throw new IllegalArgumentException("batch-norm running statistics are either recomputed on data at "
                        + "every point (withBatchNormRecomputedOn) or moved with the directions "
                        + "(withRunningStatistics), not both");
            }
            if (vectors == null || vectors.isEmpty() || vectors.size() > 2) {
                throw new IllegalArgumentException("a grid needs 1 or 2 directions, was "
                        + (vectors == null ? 0 : vectors.size()));
            }
            long n = vectors.get(0).length();
            for (int i = 0; i < vectors.size(); i++) {
                INDArray v = vectors.get(i);
                if (v == null || v.length() != n) {
                    throw new IllegalArgumentException("direction " + i + " has " + (v == null ? "no" : v.length())
                            + " entries, direction 0 has " + n);
                }
            }
            vectors = List.copyOf(vectors);
            marks = marks == null ? List.of() : List.copyOf(marks);
            path = path == null ? List.of() : List.copyOf(path);
        }

        /**
         * These directions with batch-norm running statistics recomputed at every point from {@code data}'s features
         * (the statistics of each batch-norm layer's input there), instead of interpolated; for a
         * {@code MultiLayerNetwork} with batch normalization. Costs one extra forward pass per batch-norm layer.
         */
        public Given withBatchNormRecomputedOn(DataSet data) {
            if (data == null || data.getFeatures() == null || data.numExamples() == 0) {
                throw new IllegalArgumentException("batch-norm statistics need a non-empty data set");
            }
            return new Given(description + ", batch-norm statistics recomputed on " + data.numExamples()
                    + " examples", vectors, centre, marks, path, data.getFeatures().dup(), runningStatistics);
        }

        /**
         * These directions with their batch-norm running-statistic entries kept ("states" directions, as
         * {@link RandomDirections#withRunningStatistics()}): a point {@code centre + Σ c_i d_i} moves the running mean
         * and variance too, e.g. an interpolation then interpolates the two models' statistics. Without it the
         * landscape zeroes those entries and every point keeps the centre's statistics.
         */
        public Given withRunningStatistics() {
            return new Given(description + ", running statistics included", vectors, centre, marks, path,
                    batchNormFeatures, true);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /**
     * A curve between two models through bend points: the point at {@code t} is {@code Σ c_k(t) anchors[k]} with the
     * curve's coefficients (a one-bend polygonal chain, a quadratic Bezier).
     *
     * <p>Batch-norm running statistics: by default every point keeps the start's (the landscape zeroes the
     * running-statistic entries of each anchor's difference from the start when it is compiled, so the point is
     * {@code start + Σ_k c_k(t)·(anchor_k − start)} with the start's statistics); {@link #withRunningStatistics()}
     * interpolates the anchors' statistics with the curve's coefficients instead.
     *
     * @param curve       the curve
     * @param anchors     start, bend point(s), end, as flat vectors
     * @param description for provenance
     * @param runningStatistics whether the points move batch-norm running statistics (see above; default
     *                    {@code false})
     */
    record CurvePath(Curve curve, List<INDArray> anchors, String description, boolean runningStatistics)
            implements Directions {

        /** A curve whose points keep the start's batch-norm running statistics (the default). */
        public CurvePath(Curve curve, List<INDArray> anchors, String description) {
            this(curve, anchors, description, false);
        }

        public CurvePath {
            if (curve == null) {
                throw new IllegalArgumentException("curve must not be null");
            }
            if (anchors == null || anchors.size() != curve.anchors()) {
                throw new IllegalArgumentException(curve + " needs " + curve.anchors() + " anchors, was "
                        + (anchors == null ? 0 : anchors.size()));
            }
            anchors = List.copyOf(anchors);
        }

        /** This curve with the anchors' batch-norm running statistics interpolated along it ("states"). */
        public CurvePath withRunningStatistics() {
            return new CurvePath(curve, anchors, description + ", running statistics included", true);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /**
     * The asymmetric planes of Luciani, Huang and Danisch ("Efficient neural network loss landscape
     * generation"): non-linear maps from {@code (α, β)} to parameters through the model {@code θ1} and two random
     * models {@code θ2, θ3}, written there in Julia as
     * <pre>
     * layernorm(dir, min) = lnkern.(dir, min)
     * lnkern(dir, min) = sqrt(sum(min.^2)) .* dir ./ sqrt(sum(dir.^2))
     * filternorm(dir, min) = fnkern.(dir, min)
     * function fnkern(dir, min) dim = ndims(dir) == 4 ? [1,2,3] : [1]
     *     sqrt.(sum(min.^2, dims=dim)) .* dir ./ sqrt.(sum(dir.^2, dims=dim)) end
     *
     * function linear2x(α, β, θ1, θ2, θ3)
     *     ψ = α .* θ2 .+ (1-α) .* θ1
     *     return β .* θ3 .+ (1-β) .* layernorm(ψ, θ1) end
     * function barycentric(α, β, θ1, θ2, θ3)
     *     ϕ = α .* (θ2 .- θ1) .+ θ1
     *     ψ = β .* (θ3 .- θ1) .+ θ1
     *     return α .* filternorm(ϕ, θ1) .+ (1-β) .* filternorm(ψ, θ1) end
     * </pre>
     * applied to each layer's weight and bias separately (the broadcast over {@code [W, b]}). So here:
     * <ul>
     *   <li>the map acts on the weight tensors and the bias vectors of the layers that have them (dense, convolution,
     *       output); every other entry (batch-norm gamma/beta and running statistics, other parameters) stays at
     *       {@code θ}, as the seed leaves batch norm as it is;</li>
     *   <li>{@code θ2, θ3} are the seed's {@code rndweights}: i.i.d. standard Gaussian entries (drawn as
     *       {@link RandomDirections} draws them from the landscape's seed: block 0 is {@code θ2}, block 1 is
     *       {@code θ3}), each weight tensor filter-normalized to {@code θ}'s and each bias vector scaled to the norm of
     *       {@code θ}'s bias;</li>
     *   <li>{@code layernorm(v, θ)} scales each tensor of {@code v} to the norm of {@code θ}'s tensor;
     *       {@code filternorm(v, θ)} scales each filter of a weight tensor to the norm of {@code θ}'s filter, and a
     *       bias vector as a whole. A slice of {@code v} with norm 0 stays 0 (the seed would divide by zero).</li>
     * </ul>
     * A filter is one output unit or channel, the slice {@link Normalization#FILTER} uses (a column of a DL4J dense
     * weight {@code [nIn, nOut]}, index {@code o} of a convolution weight {@code [out, in, kH, kW]}). For convolutions
     * this is what {@code fnkern} reduces over (Flux's weight is {@code [kW, kH, in, out]}, dims 1-3); for a Flux
     * {@code Dense} weight ({@code [out, in]}) {@code dims=[1]} would take one <em>input</em>'s weights, which is not
     * the filter of the seed's own prose ("normalize each filter j on each layer i ... to the norm of its counterpart
     * in θ") nor of Li et al.: we follow the prose.
     *
     * <p>Both maps give {@code θ} at {@code (0, 0)}. The landscape's {@link Landscape#directions()} are
     * {@code θ2, θ3}. Every parameter is rewritten at every point, so the first layer is not factorized.
     *
     * @param kind which of the seed's maps
     */
    record AsymmetricPlane(Kind kind) implements Directions {
        /** The two maps of the Julia/Flux write-up. */
        public enum Kind {
            /** {@code β·θ3 + (1 − β)·layernorm(α·θ2 + (1 − α)·θ1, θ1)}. */
            LINEAR2X,
            /** {@code α·filternorm(θ1 + α(θ2 − θ1), θ1) + (1 − β)·filternorm(θ1 + β(θ3 − θ1), θ1)}. */
            BARYCENTRIC
        }

        public AsymmetricPlane {
            if (kind == null) {
                throw new IllegalArgumentException("kind must not be null: LINEAR2X or BARYCENTRIC");
            }
        }

        @Override
        public String toString() {
            return (kind == Kind.LINEAR2X ? "linear2x" : "barycentric")
                    + " plane through the model and two random filter-normalized models (Julia/Flux write-up)";
        }
    }

    /** The Julia/Flux write-up's {@code linear2x} plane; see {@link AsymmetricPlane}. Needs a grid of two axes. */
    static AsymmetricPlane linear2x() {
        return new AsymmetricPlane(AsymmetricPlane.Kind.LINEAR2X);
    }

    /** The Julia/Flux write-up's {@code barycentric} plane; see {@link AsymmetricPlane}. Needs a grid of two axes. */
    static AsymmetricPlane barycentric() {
        return new AsymmetricPlane(AsymmetricPlane.Kind.BARYCENTRIC);
    }

    /** Your own directions (flat vectors in the layout of {@code net.params()}), 1 or 2. */
    static Given of(String description, INDArray... vectors) {
        return new Given(description, Arrays.asList(vectors), null, List.of(), List.of());
    }

    /**
     * The line from model {@code from} to model {@code to}: {@code (1 − t)·from + t·to}; draw it around {@code from}
     * with an axis such as {@code [0, 1.5]} (t = 0 is {@code from}, t = 1 is {@code to}). Batch-norm running
     * statistics stay {@code from}'s at every point, so for two networks with batch normalization t = 1 is
     * {@code to}'s weights with {@code from}'s statistics; {@code .withRunningStatistics()} interpolates the
     * statistics too (t = 1 is then {@code to} itself), {@code .withBatchNormRecomputedOn(data)} recomputes them at
     * every point.
     */
    static Given interpolation(Model from, Model to) {
        requireSameShape(from, to, "interpolation");
        INDArray a = from.params().dup();
        INDArray d = to.params().dup().subi(a);
        return new Given("interpolation towards another model (Goodfellow et al. 2014)", List.of(d), a,
                List.of(new Mark("start", new double[] {0}), new Mark("end", new double[] {1})), List.of());
    }

    /**
     * The plane through three models, with an orthonormal basis by Gram–Schmidt of {@code (b − a, c − a)}; draw it
     * around {@code a}. The marks hold the three models' coordinates.
     *
     * @throws IllegalArgumentException for models of different architectures or (nearly) collinear models
     */
    static Given planeThrough(Model a, Model b, Model c) {
        requireSameShape(a, b, "plane");
        requireSameShape(a, c, "plane");
        PlaneThroughModels plane = PlaneThroughModels.through(a.params(), b.params(), c.params());
        List<Mark> marks = List.of(new Mark("A", new double[] {plane.a().x(), plane.a().y()}),
                new Mark("B", new double[] {plane.b().x(), plane.b().y()}),
                new Mark("C", new double[] {plane.c().x(), plane.c().y()}));
        return new Given("plane through three models (Gram-Schmidt basis)", List.of(plane.d1(), plane.d2()),
                a.params().dup(), marks, List.of());
    }

    /**
     * The top two principal components of a training trajectory (snapshots minus the final one), with the
     * trajectory projected onto them by least squares as the path; draw it around the final snapshot (the trained
     * model). The description reports the explained variance and the worst projection residual.
     *
     * <p>Every entry of the flat vectors takes part in the decomposition, batch-norm running statistics included:
     * the landscape then zeroes the components' running-statistic entries (the points keep the final snapshot's
     * statistics), which leaves the components neither unit-length nor principal, and the path projected onto the
     * plane before that. For a network with batch normalization use {@link #pca(Model, List, boolean, boolean)},
     * which decomposes the parameters only.
     *
     * @param snapshots at least 3 parameter snapshots, the last being the model the landscape is drawn around
     */
    static Given pca(List<INDArray> snapshots) {
        return pca(snapshots, false);
    }

    /**
     * As {@link #pca(List)}; with {@code centred} the differences are mean-centred before the decomposition, as the
     * reference implementation's scikit-learn PCA does (the plane then need not contain the mean direction of travel).
     */
    static Given pca(List<INDArray> snapshots, boolean centred) {
        return pca(snapshots, snapshots, centred, "");
    }

    /**
     * The top two principal components of a training trajectory of {@code model}'s architecture, over its parameters
     * only, as the reference implementation computes them from PyTorch's {@code parameters()}: batch-norm running
     * statistics are zero in the components; with {@code ignoreBiasAndBatchNorm} (the reference's
     * {@code --ignore biasbn}) biases and batch-norm gamma/beta are zero too. The path is the projection of the
     * snapshots themselves.
     *
     * @param model     a network of the snapshots' architecture, for its parameter layout; only read
     * @param snapshots at least 3 parameter snapshots, the last being the model the landscape is drawn around
     * @param centred   mean-centre the differences, as {@link #pca(List, boolean)}
     */
    static Given pca(Model model, List<INDArray> snapshots, boolean centred, boolean ignoreBiasAndBatchNorm) {
        if (snapshots == null || snapshots.isEmpty() || snapshots.contains(null)) {
            throw new IllegalArgumentException("snapshots must be non-empty and hold no null");
        }
        ParameterLayout layout = ParameterLayout.of(model);
        List<ParameterSegment> fixed = ignoreBiasAndBatchNorm
                ? layout.segmentsWith(ParameterRole.BATCHNORM_RUNNING_STATISTIC, ParameterRole.BIAS,
                        ParameterRole.BATCHNORM_GAMMA, ParameterRole.BATCHNORM_BETA)
                : layout.segmentsWith(ParameterRole.BATCHNORM_RUNNING_STATISTIC);
        for (INDArray snapshot : snapshots) {
            if (snapshot.length() != layout.numParams()) {
                throw new IllegalArgumentException("a snapshot has " + snapshot.length() + " entries, the model has "
                        + layout.numParams() + " parameters");
            }
        }
        INDArray last = snapshots.get(snapshots.size() - 1).reshape(layout.numParams());
        List<INDArray> parametersOnly = new ArrayList<>();
        for (INDArray snapshot : snapshots) {
            INDArray copy = snapshot.dup().reshape(layout.numParams());
            for (ParameterSegment seg : fixed) {
                org.nd4j.linalg.indexing.INDArrayIndex range = org.nd4j.linalg.indexing.NDArrayIndex.interval(
                        seg.offset(), seg.offset() + seg.length());
                copy.get(range).assign(last.get(range));
            }
            parametersOnly.add(copy.reshape(snapshot.shape()));
        }
        return pca(parametersOnly, snapshots, centred, ignoreBiasAndBatchNorm
                ? ", parameters only, biases and batch norm ignored" : ", parameters only");
    }

    private static Given pca(List<INDArray> decomposed, List<INDArray> snapshots, boolean centred, String what) {
        TrajectoryPca pca = TrajectoryPca.of(decomposed, 2, centred);
        Projection projection = pca.projection();
        List<double[]> path = new ArrayList<>();
        double worst = 0;
        for (Projection.Projected p : projection.projectAll(snapshots)) {
            path.add(new double[] {p.x(), p.y()});
            worst = Math.max(worst, p.relativeResidual());
        }
        double[] ratio = pca.explainedVarianceRatios();
        String description = String.format(java.util.Locale.ROOT,
                "%sPCA of a %d-snapshot trajectory%s (explained variance %.3f + %.3f, worst relative projection"
                        + " residual %.3f)", centred ? "centred " : "", snapshots.size(), what, ratio[0], ratio[1],
                worst);
        return new Given(description, pca.components(), snapshots.get(snapshots.size() - 1), List.of(), path);
    }

    /**
     * The top {@code count} (1 or 2) Hessian eigenvectors of the model's loss on {@code data} with
     * {@link Hessian.Options#DEFAULT}: over the weights only (zero at biases, batch-norm parameters and running
     * statistics, which the landscape's other directions leave alone too), from exact Hessian-vector products of the
     * landscape's own inference-mode loss (finite differences only for a network with a layer kind without an exact
     * rule); {@link Hessian#eigenvalues(int)}. The description reports the eigenvalues, the variables and how the
     * products were computed.
     */
    static Given hessian(Model model, DataSet data, int count) {
        return hessian(model, data, count, Hessian.Options.DEFAULT);
    }

    /**
     * As {@link #hessian(Model, DataSet, int)} with {@code options}, e.g.
     * {@code Hessian.Options.DEFAULT.withParameters(Hessian.Parameters.ALL_TRAINABLE)} for PyHessian's eigenvectors
     * over every trained parameter.
     */
    static Given hessian(Model model, DataSet data, int count, Hessian.Options options) {
        if (count < 1 || count > 2) {
            throw new IllegalArgumentException("a grid needs 1 or 2 directions, was " + count);
        }
        Eigenvalues eigen;
        try (Hessian h = Hessian.of(model, data, options)) {
            eigen = h.eigenvalues(count);
        }
        return new Given("Hessian eigenvectors, eigenvalues " + Arrays.toString(eigen.values()) + ", over "
                + eigen.variables() + ", " + eigen.method(),
                eigen.vectors().subList(0, count), model.params().dup(), List.of(), List.of());
    }

    /** The curve between two models through trained bend points (see {@code CurveTrainer}). */
    static CurvePath curve(Curve curve, List<INDArray> anchors) {
        return new CurvePath(curve, anchors, curve + " between two models (Garipov et al. 2018)");
    }

    /**
     * The plane through a curve's start, first bend and end (Gram–Schmidt basis, drawn around the start), with the
     * curve projected onto it as the path ({@code samples} points, t from 0 to 1) and the three anchors as marks —
     * the contour plot with the chain drawn on it, as in the paths-between-minima lab (Garipov et al. 2018).
     */
    static Given planeOfCurve(Curve curve, List<INDArray> anchors, int samples) {
        if (samples < 2) {
            throw new IllegalArgumentException("samples must be >= 2, was " + samples);
        }
        CurvePath path = new CurvePath(curve, anchors, "curve");
        INDArray start = path.anchors().get(0);
        INDArray bend = path.anchors().get(1);
        INDArray end = path.anchors().get(path.anchors().size() - 1);
        PlaneThroughModels plane = PlaneThroughModels.through(start, end, bend);
        Projection projection = plane.projection();
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            Projection.Projected p = projection.project(curve.point(path.anchors(), i / (samples - 1.0)));
            points.add(new double[] {p.x(), p.y()});
        }
        List<Mark> marks = List.of(new Mark("start", new double[] {plane.a().x(), plane.a().y()}),
                new Mark("end", new double[] {plane.b().x(), plane.b().y()}),
                new Mark("bend", new double[] {plane.c().x(), plane.c().y()}));
        return new Given("plane through a curve's start, end and bend (Gram-Schmidt basis)",
                List.of(plane.d1(), plane.d2()), start, marks, points);
    }

    private static void requireSameShape(Model a, Model b, String what) {
        if (a == null || b == null) {
            throw new IllegalArgumentException(what + " needs non-null models");
        }
        ParameterLayout la = ParameterLayout.of(a);
        ParameterLayout lb = ParameterLayout.of(b);
        if (la.numParams() != lb.numParams()) {
            throw new IllegalArgumentException(what + " needs models of the same architecture: " + la.numParams()
                    + " vs " + lb.numParams() + " parameters");
        }
        for (int i = 0; i < la.segments().size(); i++) {
            ParameterSegment sa = la.segments().get(i);
            ParameterSegment sb = lb.segments().get(i);
            if (!Arrays.equals(sa.shape(), sb.shape()) || !sa.key().equals(sb.key())) {
                throw new IllegalArgumentException(what + " needs models of the same architecture: segment " + i
                        + " is " + sa + " in one and " + sb + " in the other");
            }
        }
    }
}

package org.landscape4j.dsl

import org.deeplearning4j.nn.api.Model
import org.deeplearning4j.nn.graph.ComputationGraph
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork
import org.landscape4j.engine.Axis
import org.landscape4j.engine.Backend
import org.landscape4j.engine.Directions
import org.landscape4j.engine.EvaluationSet
import org.landscape4j.engine.Landscape
import org.landscape4j.engine.LandscapeBuilder
import org.landscape4j.engine.Metric
import org.landscape4j.engine.Order
import org.landscape4j.engine.PointExecutor
import org.landscape4j.engine.Precision
import org.landscape4j.engine.RandomDirections
import org.landscape4j.engine.Spacing
import org.landscape4j.engine.Surface
import org.landscape4j.engine.curvature.Hessian
import org.landscape4j.engine.geometry.Curve
import org.landscape4j.models.ImportOptions
import org.landscape4j.models.ImportedModel
import org.landscape4j.models.Loss
import org.landscape4j.models.Models
import org.landscape4j.models.ReferenceDirections
import org.nd4j.linalg.api.ndarray.INDArray
import org.nd4j.linalg.dataset.DataSet
import org.nd4j.linalg.dataset.api.MultiDataSet
import java.nio.file.Path

/** Marks the landscape DSL's receivers so an inner block cannot call an outer one's methods by mistake. */
@DslMarker
annotation class LandscapeDsl

/**
 * Builds, validates and compiles a landscape:
 *
 * ```kotlin
 * val l = landscape {
 *     model(net)
 *     directions(filterNormalized, 2)
 *     grid(-1..1, 41)                                   // or grid { x(-1.0..1.0, 41); y(-0.5..0.5, 21, cubic) }
 *     evaluate { "train" on trainData; "test" on testData }
 *     seed = 7
 *     workers = 2
 * }
 * val s = l.surface()
 * s["train", "loss"]                                    // [iy][ix]
 * ```
 * The Java [LandscapeBuilder] is the real API; this is a thin layer over it.
 *
 * From coroutines, the points are a `Flow` through kotlinx-coroutines-reactor (a dependency of this module):
 * ```kotlin
 * import kotlinx.coroutines.reactive.asFlow
 *
 * l.points().asFlow().take(3).collect { println(it) }  // leaving the flow cancels the points: the work stops
 * ```
 * `asFlow()` requests points in batches of 64 (kotlinx's default buffer), so up to 64 are computed ahead of the
 * collector; `.buffer(Channel.RENDEZVOUS)` after it requests one at a time, as a `Flux` subscriber with `request(1)`.
 * @throws IllegalArgumentException naming the offending value, before any point is computed
 */
fun landscape(block: LandscapeScope.() -> Unit): Landscape = LandscapeScope().apply(block).builder.build()

/** Grid spacings in scope without a prefix: the engine's [Spacing] values. */
sealed interface SpacingTerms {
    /** Linear grid spacing, [Spacing.LINEAR]. */
    val linear: Spacing get() = Spacing.LINEAR

    /** Cubic grid spacing, denser near the centre, [Spacing.CUBIC]. */
    val cubic: Spacing get() = Spacing.CUBIC
}

/**
 * What a landscape spec names without a prefix inside `landscape { }`: the engine's direction factories
 * ([RandomDirections], [Directions]), orders ([Order]) and metrics ([Metric]). Every member returns the engine's own
 * object; nothing is defined here a second time.
 */
sealed interface LandscapeTerms : SpacingTerms {
    /** Filter-wise normalized random directions (Li et al. 2018), [RandomDirections.FILTER_NORMALIZED]. */
    val filterNormalized: RandomDirections get() = RandomDirections.FILTER_NORMALIZED

    /** Layer-wise normalized random directions, [RandomDirections.LAYER_NORMALIZED]. */
    val layerNormalized: RandomDirections get() = RandomDirections.LAYER_NORMALIZED

    /** Random directions scaled as a whole to the model's norm, [RandomDirections.MODEL_NORMALIZED]. */
    val modelNormalized: RandomDirections get() = RandomDirections.MODEL_NORMALIZED

    /** Raw Gaussian directions, [RandomDirections.UNNORMALIZED]. */
    val unnormalized: RandomDirections get() = RandomDirections.UNNORMALIZED

    /** The line from model [from] to [to] (Goodfellow et al. 2014), [Directions.interpolation]. */
    fun interpolation(from: Model, to: Model): Directions.Given = Directions.interpolation(from, to)

    /**
     * The directions of tomgoldstein/loss-landscape's direction [file] (`/xdirection`, `/ydirection`) for a PyTorch
     * [model] imported from ONNX, [ReferenceDirections.read].
     */
    fun lossLandscapeDirections(file: Path, model: ImportedModel): Directions.Given =
        ReferenceDirections.read(file, model)

    /** The plane through three models, Gram-Schmidt basis from [a], [Directions.planeThrough]. */
    fun planeThrough(a: Model, b: Model, c: Model): Directions.Given = Directions.planeThrough(a, b, c)

    /** The two leading principal components of a training trajectory, [Directions.pca]. */
    fun pca(snapshots: List<INDArray>, centred: Boolean = false): Directions.Given =
        Directions.pca(snapshots, centred)

    /**
     * The [count] leading Hessian eigenvectors of [model] on [data], [Directions.hessian]; by default over the weights
     * only ([Hessian.Options.DEFAULT]).
     */
    fun hessian(model: Model, data: DataSet, count: Int, options: Hessian.Options = Hessian.Options.DEFAULT):
        Directions.Given = Directions.hessian(model, data, count, options)

    /** The Julia/Flux write-up's `linear2x` plane through the model and two random models, [Directions.linear2x]. */
    val linear2x: Directions.AsymmetricPlane get() = Directions.linear2x()

    /** The Julia/Flux write-up's `barycentric` plane through the model and two random models, [Directions.barycentric]. */
    val barycentric: Directions.AsymmetricPlane get() = Directions.barycentric()

    /** A curve between two models through bend points (Garipov et al. 2018), [Directions.curve]. */
    fun curve(curve: Curve, anchors: List<INDArray>): Directions.CurvePath = Directions.curve(curve, anchors)

    /** Raster order (default), [Order.RASTER]. */
    val raster: Order get() = Order.RASTER

    /** Coarse-to-fine order, [Order.COARSE_TO_FINE]. */
    val coarseToFine: Order get() = Order.COARSE_TO_FINE

    /** Spiral order from the centre, [Order.SPIRAL]. */
    val spiral: Order get() = Order.SPIRAL

    /** The network's own loss without regularization, [Metric.loss]. */
    val loss: Metric get() = Metric.loss()

    /** Classification accuracy, a fraction, [Metric.accuracy]. */
    val accuracy: Metric get() = Metric.accuracy()

    /**
     * The smallest Hessian eigenvalue at every point, `lambda_min`, [Metric.lambdaMin]: over the weights only, Lanczos
     * stopped once converged ([Hessian.Options.DEFAULT]).
     */
    val lambdaMin: Metric get() = Metric.lambdaMin()

    /** The largest Hessian eigenvalue at every point, `lambda_max`, [Metric.lambdaMax], as [lambdaMin]. */
    val lambdaMax: Metric get() = Metric.lambdaMax()

    /** `lambda_min` with [options]; every curvature metric of a landscape must have the same. */
    fun lambdaMin(options: Hessian.Options): Metric = Metric.Curvature(Metric.Curvature.Extreme.MIN, options)

    /** `lambda_max` with [options]; every curvature metric of a landscape must have the same. */
    fun lambdaMax(options: Hessian.Options): Metric = Metric.Curvature(Metric.Curvature.Extreme.MAX, options)

    /**
     * Hutchinson's Hessian trace at every point from [probes] Rademacher probes, `hessian_trace`,
     * [Metric.hessianTrace]; by default over the weights only ([Hessian.Options.DEFAULT]).
     */
    fun hessianTrace(probes: Int, options: Hessian.Options = Hessian.Options.DEFAULT): Metric =
        Metric.hessianTrace(probes, options)

    /** A metric of your own: a function of (network output, labels) of one batch, [Metric.of]. */
    fun metric(name: String, function: (output: INDArray, labels: INDArray) -> Double): Metric =
        Metric.of(name) { output, labels -> function(output, labels) }
}

/** The receiver of [landscape]. */
@LandscapeDsl
class LandscapeScope internal constructor() : LandscapeTerms {
    internal var builder: LandscapeBuilder = Landscape.builder()

    private fun update(change: (LandscapeBuilder) -> LandscapeBuilder) {
        builder = change(builder)
    }

    /** The trained network; only read. */
    fun model(network: MultiLayerNetwork) = update { it.model(network) }

    /** The trained graph; only read. */
    fun model(graph: ComputationGraph) = update { it.model(graph) }

    /**
     * The network in [file] — a DL4J zip, a Keras 2 `.h5` file or an ONNX file (`torch.onnx.export`) — with [loss]
     * for files that carry none (ONNX, uncompiled Keras; refused for DL4J zips), read by [Models.load]. Returns the
     * import, for its description and parameter names, e.g. for [lossLandscapeDirections]:
     * ```kotlin
     * landscape {
     *     val m = model(Path.of("cnn.onnx"), Loss.CROSS_ENTROPY)
     *     directions(lossLandscapeDirections(Path.of("cnn.onnx_weights.h5"), m))
     *     ...
     * }
     * ```
     * @throws org.landscape4j.models.ModelImportException naming what is wrong with the file
     */
    fun model(file: Path, loss: Loss? = null): ImportedModel {
        val imported = Models.load(file, ImportOptions.withLoss(loss))
        update { it.model(imported.model()) }
        return imported
    }

    /** A network read by [Models.load]. */
    fun model(imported: ImportedModel) = update { it.model(imported.model()) }

    /** [count] random directions of [kind]: 1 for a line, 2 for a plane. */
    fun directions(kind: RandomDirections, count: Int) = update { it.directions(kind, count) }

    /** Directions made from models or given ([interpolation], [planeThrough], [pca], ...), or a [curve]. */
    fun directions(fixed: Directions) = update { it.directions(fixed) }

    /** Seed of the random directions (default 1). */
    fun seed(value: Long) = update { it.seed(value) }

    /** Seed of the random directions (default 1), as a property: `seed = 7`. */
    var seed: Long
        get() = builder.seed
        set(value) = seed(value)

    /** Parallel workers, as a property: `workers = 2` (default: cores / ND4J threads per op, at most 8). */
    var workers: Int
        get() = builder.execution.effectiveWorkers()
        set(value) = workers(value)

    /** The same integer [range] (`-1..1`) and number of [points] along every direction, ends included. */
    fun grid(range: IntRange, points: Int, spacing: Spacing = Spacing.LINEAR) =
        grid(range.first.toDouble()..range.last.toDouble(), points, spacing)

    /** The same [range] and number of [points] along every direction, ends included. */
    fun grid(range: ClosedFloatingPointRange<Double>, points: Int, spacing: Spacing = Spacing.LINEAR) =
        update { it.grid(range.start, range.endInclusive, points).spacing(spacing) }

    /** A plane with its own range and resolution per direction: `grid { x(-1.0..1.0, 41); y(-0.5..0.5, 21) }`. */
    fun grid(block: GridScope.() -> Unit) {
        val axes = GridScope().apply(block).axes()
        update { it.axes(*axes.toTypedArray()) }
    }

    /** A plane with its own range and resolution per direction. */
    fun grid(
        x: ClosedFloatingPointRange<Double>, xPoints: Int,
        y: ClosedFloatingPointRange<Double>, yPoints: Int,
        spacing: Spacing = Spacing.LINEAR,
    ) = update {
        it.axes(Axis(x.start, x.endInclusive, xPoints, spacing), Axis(y.start, y.endInclusive, yPoints, spacing))
    }

    /** The evaluation sets by name: `evaluate { "train" on trainData; "test" on testData }`. */
    fun evaluate(block: EvaluateScope.() -> Unit) {
        EvaluateScope().apply(block).sets.forEach(::evaluateOn)
    }

    /** Evaluates every point on [data] under [name]. */
    fun evaluateOn(name: String, data: DataSet) = update { it.evaluateOn(name, data) }

    /** Evaluates every point on a multi-input or multi-output data set. */
    fun evaluateOn(name: String, data: MultiDataSet) = update { it.evaluateOn(name, data) }

    /** Evaluates every point on [set]. */
    fun evaluateOn(set: EvaluationSet) = update { it.evaluateOn(set) }

    /** The order points are computed in: [raster] (default), [coarseToFine] or [spiral]. */
    fun order(value: Order) = update { it.order(value) }

    /** Parallel workers (default: cores / ND4J threads per op, at most 8; 1 computes strictly on demand). */
    fun workers(count: Int) = update { it.workers(count) }

    /** Where the points are computed, e.g. `SparkExecutor.master("local[2]")`; `null` (default): this JVM. */
    fun executor(value: PointExecutor?) = update { it.executor(value) }

    /**
     * What computes the points (default [Backend.AUTO]); [Backend.CUDA] is the GPU (module landscape4j-cuda), refused
     * at build, in one line saying what to install, where it cannot run.
     */
    fun backend(value: Backend) = update { it.backend(value) }

    /**
     * The arithmetic of the convolutions: [Precision.FLOAT] (default, DL4J's numbers), the CPU's opt-in
     * [Precision.BF16] (bfloat16 convolutions, about 2x on AVX512-BF16) or the GPU's [Precision.TF32] (with
     * `backend(Backend.CUDA)`: tensor-core GEMMs and convolutions); an opt-in's error is stated in `evaluationPlan()`,
     * and it is refused at build where it cannot run.
     */
    fun precision(value: Precision) = update { it.precision(value) }

    /** Examples per forward pass (default 4096). */
    fun batchSize(examples: Int) = update { it.batchSize(examples) }

    /** The metrics to compute ([loss], [accuracy], [metric]), replacing the default. */
    fun metrics(vararg values: Metric) = update { it.metrics(*values) }
}

/** The receiver of `grid { }`: one axis per direction, in order; [linear] and [cubic] are in scope. */
@LandscapeDsl
class GridScope internal constructor() : SpacingTerms {
    private var x: Axis? = null
    private var y: Axis? = null

    /** The first direction's [range] and number of [points], ends included. */
    fun x(range: ClosedFloatingPointRange<Double>, points: Int, spacing: Spacing = Spacing.LINEAR) {
        x = Axis(range.start, range.endInclusive, points, spacing)
    }

    /** The second direction's [range] and number of [points], ends included. */
    fun y(range: ClosedFloatingPointRange<Double>, points: Int, spacing: Spacing = Spacing.LINEAR) {
        y = Axis(range.start, range.endInclusive, points, spacing)
    }

    internal fun axes(): List<Axis> {
        val first = requireNotNull(x) { "grid { } needs x(range, points)" }
        return listOfNotNull(first, y)
    }
}

/** The receiver of `evaluate { }`: `"train" on trainData`. */
@LandscapeDsl
class EvaluateScope internal constructor() {
    internal val sets = mutableListOf<EvaluationSet>()

    /** Evaluates every point on [data] under this name. */
    infix fun String.on(data: DataSet) {
        sets += EvaluationSet.of(this, data)
    }

    /** Evaluates every point on a multi-input or multi-output data set under this name. */
    infix fun String.on(data: MultiDataSet) {
        sets += EvaluationSet.of(this, data)
    }
}

/** The values of one (set, metric) of a surface, `[iy][ix]`: `surface["train", "loss"]`. */
operator fun Surface.get(set: String, metric: String): Array<DoubleArray> = values(set, metric)

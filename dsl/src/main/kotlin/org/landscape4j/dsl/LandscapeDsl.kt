package org.landscape4j.dsl

import org.deeplearning4j.nn.graph.ComputationGraph
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork
import org.landscape4j.engine.Axis
import org.landscape4j.engine.Directions
import org.landscape4j.engine.EvaluationSet
import org.landscape4j.engine.Landscape
import org.landscape4j.engine.Metric
import org.landscape4j.engine.Order
import org.landscape4j.engine.PointExecutor
import org.landscape4j.engine.RandomDirections
import org.landscape4j.engine.Spacing
import org.nd4j.linalg.api.ndarray.INDArray
import org.nd4j.linalg.dataset.DataSet
import org.nd4j.linalg.dataset.api.MultiDataSet

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
 *     grid(-1..1, 41)                                   // or grid { x(-1.0..1.0, 41); y(-0.5..0.5, 21) }
 *     evaluate { "train" on trainData; "test" on testData }
 *     seed = 7
 *     workers = 2
 * }
 * val s = l.surface()
 * s["train", "loss"]                                    // [iy][ix]
 * ```
 * The Java [LandscapeBuilder] is the real API; this is a thin layer over it.
 * @throws IllegalArgumentException naming the offending value, before any point is computed
 */
fun landscape(block: LandscapeScope.() -> Unit): Landscape = LandscapeScope().apply(block).builder.build()

/** The receiver of [landscape]. */
@LandscapeDsl
class LandscapeScope internal constructor() {
    internal var builder: LandscapeBuilder = Landscapes.builder()

    /** Filter-wise normalized random directions (Li et al. 2018). */
    val filterNormalized: RandomDirections = RandomDirections.FILTER_NORMALIZED

    /** Layer-wise normalized random directions. */
    val layerNormalized: RandomDirections = RandomDirections.LAYER_NORMALIZED

    /** Raw Gaussian directions. */
    val unnormalized: RandomDirections = RandomDirections.UNNORMALIZED

    /** Linear grid spacing. */
    val linear: Spacing = Spacing.LINEAR

    /** Cubic grid spacing, denser near the centre. */
    val cubic: Spacing = Spacing.CUBIC

    /** The trained network; only read. */
    fun model(network: MultiLayerNetwork) {
        builder = builder.model(network)
    }

    /** The trained graph; only read. */
    fun model(graph: ComputationGraph) {
        builder = builder.model(graph)
    }

    /** [count] random directions of [kind]: 1 for a line, 2 for a plane. */
    fun directions(kind: RandomDirections, count: Int) {
        builder = builder.directions(kind, count)
    }

    /** Directions made from models or given ([Landscapes.interpolation], [Landscapes.planeThrough], ...), or a curve. */
    fun directions(fixed: Directions) {
        builder = builder.directions(fixed)
    }

    /** Seed of the random directions (default 1). */
    fun seed(value: Long) {
        builder = builder.seed(value)
    }

    /** Seed of the random directions (default 1), as a property: `seed = 7`. */
    var seed: Long
        get() = builder.spec().seed()
        set(value) = seed(value)

    /** Parallel workers, as a property: `workers = 2` (default: cores / ND4J threads per op, at most 8). */
    var workers: Int
        get() = builder.spec().execution().effectiveWorkers()
        set(value) = workers(value)

    /** The same integer [range] (`-1..1`) and number of [points] along every direction, ends included. */
    fun grid(range: IntRange, points: Int, spacing: Spacing = Spacing.LINEAR) =
        grid(range.first.toDouble()..range.last.toDouble(), points, spacing)

    /** A plane with its own range and resolution per direction: `grid { x(-1.0..1.0, 41); y(-0.5..0.5, 21) }`. */
    fun grid(block: GridScope.() -> Unit) {
        val axes = GridScope().apply(block).axes()
        builder = builder.axes(*axes.toTypedArray())
    }

    /** The evaluation sets by name: `evaluate { "train" on trainData; "test" on testData }`. */
    fun evaluate(block: EvaluateScope.() -> Unit) {
        EvaluateScope().apply(block).sets.forEach { builder = builder.evaluateOn(it) }
    }

    /** Linear interpolation from model [from] to [to] (Goodfellow et al. 2014). */
    fun interpolation(from: org.deeplearning4j.nn.api.Model, to: org.deeplearning4j.nn.api.Model): Directions =
        Landscapes.interpolation(from, to)

    /** The plane through three models, Gram-Schmidt basis from [a]. */
    fun planeThrough(
        a: org.deeplearning4j.nn.api.Model, b: org.deeplearning4j.nn.api.Model, c: org.deeplearning4j.nn.api.Model,
    ): Directions = Landscapes.planeThrough(a, b, c)

    /** The two leading PCA directions of a training trajectory. */
    fun pca(snapshots: List<INDArray>, centred: Boolean = false): Directions = Landscapes.pca(snapshots, centred)

    /** The [count] leading Hessian eigenvectors of [model] on [data]. */
    fun hessian(model: org.deeplearning4j.nn.api.Model, data: DataSet, count: Int): Directions =
        Landscapes.hessian(model, data, count)

    /** The same [range] and number of [points] along every direction, ends included. */
    fun grid(range: ClosedFloatingPointRange<Double>, points: Int, spacing: Spacing = Spacing.LINEAR) {
        builder = builder.grid(range.start, range.endInclusive, points).spacing(spacing)
    }

    /** A plane with its own range and resolution per direction. */
    fun grid(
        x: ClosedFloatingPointRange<Double>, xPoints: Int,
        y: ClosedFloatingPointRange<Double>, yPoints: Int,
        spacing: Spacing = Spacing.LINEAR,
    ) {
        builder = builder.axes(
            Axis(x.start, x.endInclusive, xPoints, spacing),
            Axis(y.start, y.endInclusive, yPoints, spacing),
        )
    }

    /** Evaluates every point on [data] under [name]. */
    fun evaluateOn(name: String, data: DataSet) {
        builder = builder.evaluateOn(name, data)
    }

    /** Evaluates every point on a multi-input or multi-output data set. */
    fun evaluateOn(name: String, data: MultiDataSet) {
        builder = builder.evaluateOn(name, data)
    }

    /** Evaluates every point on [set]. */
    fun evaluateOn(set: EvaluationSet) {
        builder = builder.evaluateOn(set)
    }

    /** Raster order (default). */
    val raster: Order = Order.RASTER

    /** Coarse-to-fine order. */
    val coarseToFine: Order = Order.COARSE_TO_FINE

    /** Spiral order from the centre. */
    val spiral: Order = Order.SPIRAL

    /** The order points are computed in. */
    fun order(value: Order) {
        builder = builder.order(value)
    }

    /** Parallel workers (default: cores / ND4J threads per op, at most 8; 1 computes strictly on demand). */
    fun workers(count: Int) {
        builder = builder.workers(count)
    }

    /** Where the points are computed, e.g. `SparkExecutor.master("local[2]")`; `null` (default): this JVM. */
    fun executor(value: PointExecutor?) {
        builder = builder.executor(value)
    }

    /** Examples per forward pass (default 4096). */
    fun batchSize(examples: Int) {
        builder = builder.batchSize(examples)
    }

    /** The metrics to compute, replacing the default. */
    fun metrics(vararg values: Metric) {
        builder = builder.metrics(*values)
    }

    /** The network's own loss without regularization. */
    val loss: Metric get() = Metric.loss()

    /** Classification accuracy, a fraction. */
    val accuracy: Metric get() = Metric.accuracy()

    /** A metric of your own: a function of (network output, labels) of one batch. */
    fun metric(name: String, function: (output: INDArray, labels: INDArray) -> Double): Metric =
        Metric.of(name) { output, labels -> function(output, labels) }
}

/** The receiver of `grid { }`: one axis per direction, in order. */
@LandscapeDsl
class GridScope internal constructor() {
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
operator fun org.landscape4j.engine.Surface.get(set: String, metric: String): Array<DoubleArray> = values(set, metric)

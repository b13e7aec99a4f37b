package org.landscape4j.engine;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * An immutable, fluent builder of a {@link LandscapeSpec}: every method returns a new builder, so a half-built one can
 * be shared and branched. Required: {@link #model}, {@link #directions}, {@link #grid}, {@link #evaluateOn}.
 * Optional, with defaults: {@link #seed} (1), {@link #spacing} (linear), {@link #batchSize} (4096),
 * {@link #metrics} (loss, plus accuracy for classification losses), {@link #order} (raster), {@link #workers}
 * ({@code Execution.defaultWorkers()}: cores / ND4J threads, at most 8), {@link #factorizeFirstLayer} (on),
 * {@link #executor} (this JVM).
 *
 * <p>The one way to build a spec by parts: from Java {@code Landscape.builder()...build()} (or the DSL's
 * {@code Landscapes.landscape(b -> b...)}, which fills in the same builder), from Kotlin {@code landscape { }}.
 *
 * <pre>{@code
 * Landscape l = Landscape.builder()
 *         .model(net)
 *         .directions(RandomDirections.FILTER_NORMALIZED, 2)
 *         .grid(-1, 1, 41)
 *         .evaluateOn("train", train)
 *         .evaluateOn("test", test)
 *         .build();
 * Surface s = l.surface();
 * }</pre>
 */
public final class LandscapeBuilder {

    /** Seed of the random directions when none is given. */
    public static final long DEFAULT_SEED = 1L;

    private final Model model;
    private final Directions directions;
    private final int directionCount;
    private final long seed;
    private final Axis grid;
    private final List<Axis> axes;
    private final Spacing spacing;
    private final List<EvaluationSet> evaluationSets;
    private final Integer batchSize;
    private final List<Metric> metrics;
    private final Execution execution;

    private LandscapeBuilder(Model model, Directions directions, int directionCount, long seed, Axis grid,
                             List<Axis> axes, Spacing spacing, List<EvaluationSet> evaluationSets, Integer batchSize,
                             List<Metric> metrics, Execution execution) {
        this.model = model;
        this.directions = directions;
        this.directionCount = directionCount;
        this.seed = seed;
        this.grid = grid;
        this.axes = axes;
        this.spacing = spacing;
        this.evaluationSets = evaluationSets;
        this.batchSize = batchSize;
        this.metrics = metrics;
        this.execution = execution;
    }

    /** An empty builder; {@link Landscape#builder()} is the public way to get one. */
    static LandscapeBuilder empty() {
        return new LandscapeBuilder(null, null, 0, DEFAULT_SEED, null, null, null, List.of(), null, List.of(),
                Execution.DEFAULT);
    }

    private LandscapeBuilder with(Model model, Directions directions, int directionCount, long seed, Axis grid,
                                  List<Axis> axes, Spacing spacing, List<EvaluationSet> sets, Integer batchSize,
                                  List<Metric> metrics) {
        return new LandscapeBuilder(model, directions, directionCount, seed, grid, axes, spacing, sets, batchSize,
                metrics, execution);
    }

    /**
     * The trained network ({@code MultiLayerNetwork} or {@code ComputationGraph}) whose landscape is computed; it is
     * only read. Required.
     */
    public LandscapeBuilder model(Model m) {
        if (m == null) {
            throw new IllegalArgumentException("model must not be null");
        }
        return with(m, directions, directionCount, seed, grid, axes, spacing, evaluationSets, batchSize, metrics);
    }

    /**
     * Random directions of the given kind: 1 for a line (profile), 2 for a plane (surface). Required.
     *
     * @param kind  e.g. {@code FILTER_NORMALIZED}, not {@code null}
     * @param count 1 or 2
     */
    public LandscapeBuilder directions(RandomDirections kind, int count) {
        if (kind == null) {
            throw new IllegalArgumentException("direction kind must not be null");
        }
        if (count < 1 || count > 2) {
            throw new IllegalArgumentException("a grid needs 1 or 2 directions, was " + count);
        }
        return with(model, kind, count, seed, grid, axes, spacing, evaluationSets, batchSize, metrics);
    }

    /**
     * Directions made from models or given by you ({@link Directions#interpolation}, {@code planeThrough},
     * {@code pca}, {@code hessian}, {@code of}) or a curve between two models ({@link Directions#curve}); their
     * count is theirs. Required (or the random overload).
     */
    public LandscapeBuilder directions(Directions fixed) {
        if (fixed == null) {
            throw new IllegalArgumentException("directions must not be null");
        }
        if (fixed instanceof RandomDirections) {
            throw new IllegalArgumentException("random directions need a count: directions(" + fixed + ", 2)");
        }
        int count = fixed instanceof Directions.Given g ? g.vectors().size()
                : fixed instanceof Directions.AsymmetricPlane ? 2 : 1;
        return with(model, fixed, count, seed, grid, axes, spacing, evaluationSets, batchSize, metrics);
    }

    /** Seed of the random directions (default {@value #DEFAULT_SEED}). */
    public LandscapeBuilder seed(long value) {
        return with(model, directions, directionCount, value, grid, axes, spacing, evaluationSets, batchSize, metrics);
    }

    /**
     * The same range and resolution along every direction, ends included. Required (or {@link #axes}).
     *
     * @param min    first coordinate
     * @param max    last coordinate, greater than {@code min}
     * @param points coordinates per direction, at least 2
     */
    public LandscapeBuilder grid(double min, double max, int points) {
        Axis axis = new Axis(min, max, points, Spacing.LINEAR);
        return with(model, directions, directionCount, seed, axis, null, spacing, evaluationSets, batchSize, metrics);
    }

    /** One axis per direction, each with its own range, resolution and spacing. */
    public LandscapeBuilder axes(Axis... perDirection) {
        if (perDirection == null || perDirection.length == 0) {
            throw new IllegalArgumentException("axes must name at least one axis");
        }
        return with(model, directions, directionCount, seed, null, List.of(perDirection), spacing, evaluationSets,
                batchSize, metrics);
    }

    /** Spacing of the {@link #grid} coordinates: linear (default) or cubic, denser near the centre. */
    public LandscapeBuilder spacing(Spacing value) {
        if (value == null) {
            throw new IllegalArgumentException("spacing must not be null");
        }
        return with(model, directions, directionCount, seed, grid, axes, value, evaluationSets, batchSize, metrics);
    }

    /** Evaluates every point on {@code data} under {@code name} (e.g. "train"). At least one set is required. */
    public LandscapeBuilder evaluateOn(String name, DataSet data) {
        return evaluateOn(EvaluationSet.of(name, data));
    }

    /** Evaluates every point on a multi-input or multi-output data set (for a {@code ComputationGraph}). */
    public LandscapeBuilder evaluateOn(String name, MultiDataSet data) {
        return evaluateOn(EvaluationSet.of(name, data));
    }

    /** Evaluates every point on {@code set}. */
    public LandscapeBuilder evaluateOn(EvaluationSet set) {
        if (set == null) {
            throw new IllegalArgumentException("evaluation set must not be null");
        }
        List<EvaluationSet> sets = new ArrayList<>(evaluationSets);
        sets.add(set);
        return with(model, directions, directionCount, seed, grid, axes, spacing, List.copyOf(sets), batchSize,
                metrics);
    }

    /** Examples per forward pass for every evaluation set (default 4096). */
    public LandscapeBuilder batchSize(int examples) {
        if (examples < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, was " + examples);
        }
        return with(model, directions, directionCount, seed, grid, axes, spacing, evaluationSets, examples, metrics);
    }

    /** The metrics to compute, replacing the default (loss, plus accuracy for classification). */
    public LandscapeBuilder metrics(Metric... values) {
        return with(model, directions, directionCount, seed, grid, axes, spacing, evaluationSets, batchSize,
                List.of(values));
    }

    /** The order points are computed in: raster (default), coarse-to-fine or spiral from the centre. */
    public LandscapeBuilder order(Order value) {
        if (value == null) {
            throw new IllegalArgumentException("order must not be null");
        }
        return withExecution(execution.withOrder(value));
    }

    /**
     * Parallel workers, each with its own network copy and activation buffers (default
     * {@code Execution.defaultWorkers()}: cores / ND4J threads per op, at most 8). One worker computes strictly on
     * demand; {@code n} compute up to {@code n} points ahead of demand. For the default leave this out: there is no
     * count that means "default".
     *
     * @param count 1 to 256
     */
    public LandscapeBuilder workers(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("workers must be >= 1, was " + count + "; leave workers(...) out for"
                    + " the default (Execution.defaultWorkers())");
        }
        if (count > 256) {                                    // Execution's bound, named here without its "0 = default"
            throw new IllegalArgumentException("workers must be <= 256, was " + count);
        }
        return withExecution(execution.withWorkers(count));
    }

    /**
     * Where the points are computed: on this JVM's workers (default, {@code null}) or by {@code value}, e.g. on
     * Spark with {@code SparkExecutor.on(sparkContext)} or {@code SparkExecutor.master("local[2]")} from the
     * {@code landscape4j-spark} module. Streams, checkpoints and results are the same either way.
     */
    public LandscapeBuilder executor(PointExecutor value) {
        return withExecution(execution.withExecutor(value));
    }

    /**
     * What computes the points (default {@link Backend#AUTO}: ND4J's loaded backend, recorded in every result).
     * {@code backend(Backend.CUDA)} computes them on GPU 0 with the engine's CUDA back end (module
     * {@code landscape4j-cuda}); {@link #build()} refuses it, before any work and in one line naming the missing piece
     * and what to install, where it cannot run: the module not on the class path, no NVIDIA driver, no CUDA 13
     * libraries, a GPU older than compute capability 7.5, a layer, loss or setting it does not run (see
     * {@link Backend}). {@code backend(Backend.ND4J_CUDA)} requires ND4J's own CUDA backend (the {@code -Pcuda}
     * build).
     */
    public LandscapeBuilder backend(Backend value) {
        if (value == null) {
            throw new IllegalArgumentException("backend must not be null; Backend.AUTO takes the one ND4J loaded");
        }
        return withExecution(execution.withBackend(value));
    }

    /**
     * The arithmetic of the convolutions (default {@link Precision#FLOAT}, DL4J's numbers). {@code
     * precision(Precision.BF16)} runs the inference plan's 2D convolutions in bfloat16, about twice as fast on a CPU
     * with AVX512-BF16, with an error against float that {@link Landscape#evaluationPlan()} states; with
     * {@code backend(Backend.CUDA)}, {@code precision(Precision.TF32)} runs the GPU's GEMMs and convolutions on its
     * tensor cores, its error stated the same way. {@link #build()} refuses either, before any work and saying why,
     * where it cannot run (see {@link Precision}).
     */
    public LandscapeBuilder precision(Precision value) {
        if (value == null) {
            throw new IllegalArgumentException("precision must not be null; Precision.FLOAT is the default");
        }
        return withExecution(execution.withPrecision(value));
    }

    /** First-layer factorization on (default) or off; off only to compare, the numbers are the same. */
    public LandscapeBuilder factorizeFirstLayer(boolean on) {
        return withExecution(execution.withFactorization(on));
    }

    private LandscapeBuilder withExecution(Execution value) {
        return new LandscapeBuilder(model, directions, directionCount, seed, grid, axes, spacing, evaluationSets,
                batchSize, metrics, value);
    }

    /** The seed set so far (or the default), readable before the spec is complete. */
    public long getSeed() {
        return seed;
    }

    /** The execution set so far (or the default), readable before the spec is complete. */
    public Execution getExecution() {
        return execution;
    }

    /**
     * The validated spec.
     *
     * @throws IllegalArgumentException naming what is missing or wrong
     */
    public LandscapeSpec spec() {
        if (model == null) {
            throw new IllegalArgumentException("model must be set: model(net)");
        }
        if (directions == null) {
            throw new IllegalArgumentException("directions must be set: directions(FILTER_NORMALIZED, 2)");
        }
        List<Axis> specAxes;
        if (axes != null) {
            if (axes.size() != directionCount) {
                throw new IllegalArgumentException("directions(..., " + directionCount + ") needs " + directionCount
                        + " axes, was " + axes.size());
            }
            specAxes = axes;
        } else if (grid != null) {
            Axis axis = spacing == null ? grid : grid.withSpacing(spacing);
            specAxes = new ArrayList<>();
            for (int i = 0; i < directionCount; i++) {
                specAxes.add(axis);
            }
        } else {
            throw new IllegalArgumentException("grid must be set: grid(-1, 1, 41)");
        }
        List<EvaluationSet> sets = evaluationSets;
        if (batchSize != null) {
            sets = sets.stream().map(s -> s.withBatchSize(batchSize)).toList();
        }
        return new LandscapeSpec(model, directions, seed, specAxes, sets, metrics, execution);
    }

    /**
     * Validates the spec against its model and data and compiles it.
     *
     * @throws IllegalArgumentException naming the offending value
     */
    public Landscape build() {
        return Landscape.compile(spec());
    }
}

package org.landscape4j.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.curvature.CurvatureCost;
import org.landscape4j.engine.curvature.Hessian;
import org.landscape4j.engine.geometry.Curve;
import org.landscape4j.engine.graph.NetworkGraph;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.internal.NetworkEvaluator;
import org.landscape4j.engine.internal.plan.InferencePlan;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import reactor.core.publisher.Flux;

/**
 * A validated, compiled landscape: the engine's own snapshot of the model, its parameter layout, the evaluation data
 * resident in batches and the metrics. {@link #points()} streams the grid; {@link #profile()} and {@link #surface()}
 * block for the finished result.
 *
 * <p>Compiling checks everything that can be checked before work starts and throws
 * {@link IllegalArgumentException} naming the bad value: unsupported layer kinds, an uninitialised network,
 * non-finite parameters, evaluation data whose shapes do not fit the network or that holds NaN.
 *
 * <p>The caller's network is never written: the landscape holds a private copy taken at compile time and every
 * subscription evaluates on a copy of that.
 */
public final class Landscape {

    static {
        org.landscape4j.engine.internal.BroadcastFence.install();   // before any ND4J op of the engine (see BroadcastFence)
    }

    private final LandscapeSpec spec;
    private final ParameterLayout layout;
    private final Model prototype;
    private final INDArray center;
    private final List<Metric> metrics;
    private final MetricKeys keys;
    private final List<List<Batch>> batches;
    private final Provenance provenance;
    private final DirectionVectors vectors;
    private final EvaluationStrategy strategy;
    /** The plan compiled in float: {@link #strategy}'s plan in float, the reference of a BF16 plan's error. */
    private final InferencePlan floatPlan;
    private final EvaluatorUse use = new EvaluatorUse();
    private final PointStream stream;
    /** The device back end computing the points ({@link Backend#CUDA}), or {@code null} on the CPU. */
    private final org.landscape4j.engine.device.DeviceBackend device;

    private Landscape(LandscapeSpec spec) {
        this.spec = spec;
        BackendCheck.require(spec.execution().backend());
        this.device = DeviceCheck.require(spec.execution().backend());
        Model model = spec.model();
        NetworkGraph read = NetworkGraph.of(model);
        this.layout = ParameterLayout.of(read);
        ModelCheck.checkOutputLayers(read);
        ModelCheck.checkFinite(model.params(), layout);
        this.prototype = NetworkEvaluator.copyOf(model);
        this.center = prototype.params().dup();
        this.vectors = new DirectionVectors(spec, layout, prototype, center);
        NetworkGraph graph = NetworkGraph.of(prototype);
        List<ILossFunction> losses = ModelCheck.outputLosses(graph);
        this.metrics = Accuracy.resolve(
                spec.metrics().isEmpty() ? ModelCheck.defaultMetrics(losses) : spec.metrics(), losses.get(0));
        List<String> setNames = new ArrayList<>();
        List<String> sizes = new ArrayList<>();
        this.batches = new ArrayList<>();
        for (EvaluationSet set : spec.evaluationSets()) {
            DataCheck.check(graph, set);
            batches.add(Batch.split(set.features(), set.labels(), set.batchSize()));
            setNames.add(set.name());
            sizes.add(set.name() + " (" + set.size() + " examples)");
        }
        if (device != null) {
            DeviceCheck.requireSettings(spec.execution().backend(), spec.execution(), metrics,
                    vectors.mapFactory() != null, vectors.batchNormFeatures() != null);
        }
        this.keys = new MetricKeys(setNames, metrics.stream().map(Metric::name).toList());
        if (spec.execution().executor() != null) {
            PortableRun.requirePortable(metrics, spec.execution().executor().toString());
        }
        DataCheck.dryRun(prototype, batches, setNames);
        ModelCheck.checkCurvature(prototype, metrics);
        if (device != null) {
            this.floatPlan = null;
            this.strategy = DeviceCheck.compile(device, prototype, layout, batches, metrics, effectiveExecution(),
                    vectors.anchorCount());
        } else {
            this.floatPlan = InferencePlan.compile(prototype, batches.get(0).get(0));
            this.strategy = EvaluationStrategy.choose(inPrecision(floatPlan, spec.execution(),
                            vectors.batchNormFeatures() != null), layout, effectiveExecution(), vectors.anchorCount(),
                    spec.evaluationSets().stream().mapToLong(EvaluationSet::size).sum(),
                    batches.stream().flatMap(List::stream).mapToLong(Batch::size).max().orElse(1),
                    vectors.batchNormFeatures() != null);
        }
        this.stream = new PointStream(this::newRun, this::portableRun, spec.execution(), spec.totalPoints(), use);
        String statistics = vectors.runningStatistics();
        this.provenance = new Provenance(spec.directions() + ("running statistics held fixed".equals(statistics)
                ? ", " + statistics : ""), spec.seed(), spec.axes(),
                model.getClass().getSimpleName(), layout.numParams(), Fingerprint.of(center), sizes, backend());
    }

    /** {@code base} with another grid or order: everything compiled is shared, nothing is checked or copied again. */
    private Landscape(Landscape base, LandscapeSpec spec) {
        this.spec = spec;
        this.layout = base.layout;
        this.prototype = base.prototype;
        this.center = base.center;
        this.vectors = base.vectors;
        this.metrics = base.metrics;
        this.keys = base.keys;
        this.batches = base.batches;
        this.floatPlan = base.floatPlan;
        this.device = base.device;
        this.strategy = base.strategy;
        this.stream = new PointStream(this::newRun, this::portableRun, spec.execution(), spec.totalPoints(), use);
        this.provenance = base.provenance.withAxes(spec.axes());
    }

    /**
     * This landscape on other axes — a zoomed region of a plane, another resolution — with the same model, directions,
     * data, metrics and execution. Nothing is compiled again: the new landscape shares this one's model snapshot, data
     * batches, direction vectors and inference plan, so it is made at once, and each of its points equals, bit for
     * bit, the point at the same coordinates of this landscape and of a landscape compiled from the same spec with
     * these axes.
     *
     * <pre>{@code
     * Landscape basin = plane.withAxes(Axis.linear(-0.2, 0.2, 41), Axis.linear(-0.1, 0.3, 41));
     * }</pre>
     *
     * @param perDirection one axis per direction (two for a plane)
     * @throws IllegalArgumentException when the number of axes is not the landscape's, or the spec refuses them (a
     *                                  curve's t outside [0, 1], more than {@link LandscapeSpec#MAX_POINTS} points)
     */
    public Landscape withAxes(Axis... perDirection) {
        if (perDirection == null || perDirection.length != spec.dimensions()) {
            throw new IllegalArgumentException("this landscape has " + spec.dimensions() + " directions, so it needs "
                    + spec.dimensions() + (spec.dimensions() == 1 ? " axis" : " axes") + ", got "
                    + (perDirection == null ? 0 : perDirection.length));
        }
        return new Landscape(this, new LandscapeSpec(spec.model(), spec.directions(), spec.seed(),
                List.of(perDirection), spec.evaluationSets(), spec.metrics(), spec.execution()));
    }

    /**
     * This landscape computing its points in another order (e.g. {@link Order#COARSE_TO_FINE}, so that a window shows
     * the whole picture at once); shares everything compiled, as {@link #withAxes} does.
     */
    public Landscape withOrder(Order order) {
        return new Landscape(this, spec.withExecution(spec.execution().withOrder(order)));
    }

    /**
     * Completes when none of this landscape's streams holds an evaluator: every worker has finished its point and
     * freed its network copy and buffers. After cancelling a stream its workers finish the points in progress;
     * {@code idle()} says when they have, so that the next computation does not compete with them:
     * {@code run.dispose(); landscape.idle().then(...)}. Completes at once when nothing runs. Counts the streams of
     * this object only: a landscape made by {@link #withAxes} or {@link #withOrder} has its own.
     */
    public reactor.core.publisher.Mono<Void> idle() {
        return use.idle();
    }

    /**
     * A new, empty builder of a landscape: {@code Landscape.builder().model(net).directions(FILTER_NORMALIZED, 2)
     * .grid(-1, 1, 41).evaluateOn("train", data).build()}.
     */
    public static LandscapeBuilder builder() {
        return LandscapeBuilder.empty();
    }

    /**
     * Validates {@code spec} against its model and data and prepares it for evaluation.
     *
     * @throws IllegalArgumentException naming the offending value when the spec cannot be computed
     */
    public static Landscape compile(LandscapeSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("spec must not be null");
        }
        return new Landscape(spec);
    }

    /** The spec this landscape was compiled from. */
    public LandscapeSpec spec() {
        return spec;
    }

    /** The model's parameter layout. */
    public ParameterLayout layout() {
        return layout;
    }

    /** The (set, metric) names of every point's values. */
    public MetricKeys keys() {
        return keys;
    }

    /** Where results of this landscape come from. */
    public Provenance provenance() {
        return provenance;
    }

    /**
     * How the points will be computed, for example
     * {@code "inference plan, 2 steps (dense, output), activations 3 kB per worker, first layer factorized (layer 0
     * 'hidden' (DenseLayer), products 9 kB), 1 worker on CPU (ND4J CpuBackend, oneDNN + OpenBLAS, 2 cores, AMD EPYC),
     * raster order"}, or {@code "DL4J forward pass: layer 1 'lrn' (LocalResponseNormalization) has no inference-plan
     * step, 2 workers on CPU (...), raster order"} for a network the plan does not support. The workers' backend and
     * device are {@link Provenance#backend()}. For a network with
     * batch-norm running statistics it ends with what the points do with them: {@code ", running statistics held
     * fixed"} (the default for every direction source) or {@code ", running statistics moved"} ("states" directions,
     * {@code withRunningStatistics()}); recomputed statistics are named by the evaluator ({@code "batch-norm statistics
     * recomputed per point"}). With curvature metrics it ends with their cost: the Hessian-vector products per point and
     * set, how they are computed, and one product's time against one inference forward pass, measured on the first
     * batch when this is first called ({@code "curvature: up to 28 Hessian-vector products per point and set (up to 8
     * Lanczos steps for lambda_min and lambda_max, fewer once both are converged to 1e-06; 20 Rademacher probes for
     * hessian_trace), each exact (R-operator over dense, tanh, dense, softmax-cross-entropy), one product measured
     * 3.2x one inference forward pass of the same 24 examples"}; see {@link CurvatureCost}). In {@link Precision#BF16} it says so per step ({@code "conv2d (bf16)"}) and
     * states the error measured when this is first called: {@code ", bfloat16 convolutions: loss at the centre on 2000
     * examples 0.412345 against 0.412301 in float (relative difference 1.1e-04, measured)"}.
     */
    public String evaluationPlan() {
        Execution e = spec.execution();
        int workers = Math.min(e.effectiveWorkers(), totalPoints());
        String statistics = vectors.runningStatistics();
        return evaluator() + ", " + (e.executor() != null ? "on " + e.executor()
                : workers + (workers == 1 ? " worker" : " workers") + " on " + backend()) + ", "
                + e.order().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " order"
                + (statistics == null ? "" : ", " + statistics)
                + precisionPlan() + curvaturePlan();
    }

    /**
     * {@code plan} in the execution's precision: itself in {@link Precision#FLOAT}; in {@link Precision#BF16} with its
     * convolutions in bfloat16, or a one-line refusal, before any work, saying why it cannot.
     */
    private static InferencePlan inPrecision(InferencePlan plan, Execution e, boolean batchNormRecompute) {
        if (e.precision() == Precision.FLOAT) {
            return plan;
        }
        if (e.precision() == Precision.TF32) {
            throw new IllegalArgumentException("precision TF32 cannot run: it is the tensor-core float of NVIDIA GPUs,"
                    + " add backend(Backend.CUDA); on the CPU the opt-in is Precision.BF16");
        }
        String reason = e.executor() != null ? "it runs on this JVM's workers only, not on " + e.executor()
                : batchNormRecompute ? "batch-norm statistics recomputed per point use DL4J's forward pass"
                : plan.bf16UnavailableReason();
        if (reason != null) {
            throw new IllegalArgumentException("precision " + e.precision() + " cannot run: " + reason);
        }
        return plan.inBf16();
    }

    private String precisionPlan;

    /**
     * In {@link Precision#BF16}: the loss at the centre on the first batch in bfloat16 against float, measured when
     * this is first called; "" in float.
     */
    private synchronized String precisionPlan() {
        if (precisionPlan == null) {
            InferencePlan plan = strategy.plan();
            if (plan == null || !plan.isBf16()) {
                precisionPlan = "";
            } else {
                Batch b = batches.get(0).get(0);
                double[] loss = InferencePlan.losses(prototype, b, floatPlan, plan);
                precisionPlan = String.format(java.util.Locale.ROOT, ", bfloat16 convolutions: loss at the centre on"
                        + " %d examples %.6g against %.6g in float (relative difference %.2g, measured)", b.size(),
                        loss[1], loss[0], Math.abs(loss[1] - loss[0]) / Math.max(Math.abs(loss[0]), 1e-30));
            }
        }
        return precisionPlan;
    }

    /** What computes the points, for {@link Provenance#backend()} and {@link #evaluationPlan()}. */
    private String backend() {
        return spec.execution().executor() != null ? spec.execution().executor() + " (its backend is not recorded here)"
                : device != null ? device.describe() : BackendCheck.describe() + (spec.execution().precision() == Precision.BF16
                ? ", convolutions in bfloat16 (Precision.BF16)" : "");
    }

    private String curvaturePlan;

    /**
     * How the curvature metrics are computed (products per point, exact or the finite-difference fallback, one
     * product's measured time against a forward pass), or "" without them.
     */
    private synchronized String curvaturePlan() {
        if (curvaturePlan == null) {
            Hessian.Options extremes = metrics.stream().filter(m -> m instanceof Metric.Curvature)
                    .map(m -> ((Metric.Curvature) m).options()).findFirst().orElse(null);
            int traceProbes = metrics.stream().filter(m -> m instanceof Metric.HessianTrace)
                    .mapToInt(m -> ((Metric.HessianTrace) m).probes()).findFirst().orElse(0);
            Batch b = batches.get(0).get(0);
            curvaturePlan = extremes == null && traceProbes == 0 ? "" : ", " + CurvatureCost.describe(prototype,
                    new org.nd4j.linalg.dataset.DataSet(b.features()[0], b.labels()[0]), extremes, traceProbes);
        }
        return curvaturePlan;
    }

    /** How each point is evaluated, as the evaluation plan and the checkpoint header state it. */
    private String evaluator() {
        return strategy.description();
    }

    /**
     * The spec's execution, without first-layer factorization when every parameter must be written at every point
     * (curvature metrics, a plane that is not linear in its coordinates).
     */
    private Execution effectiveExecution() {
        return PointEvaluator.needsAllParameters(metrics, vectors.mapFactory() == null ? null : (c, t) -> { })
                ? spec.execution().withFactorization(false) : spec.execution();
    }

    /** Number of grid points. */
    public int totalPoints() {
        return spec.totalPoints();
    }

    /**
     * The directions, drawn on first use and then kept: fresh copies, shaped like the flat parameter vector.
     */
    public INDArray[] directions() {
        INDArray[] d = vectors.directions();
        INDArray[] copy = new INDArray[d.length];
        for (int i = 0; i < d.length; i++) {
            copy[i] = d[i].dup();
        }
        return copy;
    }

    /** Labelled points to draw (e.g. the models a plane goes through), in the landscape's coordinates. */
    public List<Directions.Mark> marks() {
        return spec.directions() instanceof Directions.Given g ? g.marks() : List.of();
    }

    /** A path to draw (e.g. the projected training trajectory), {@code [point][axis]}; empty when there is none. */
    public List<double[]> path() {
        return spec.directions() instanceof Directions.Given g ? g.path() : List.of();
    }

    /**
     * Streams every grid point as soon as it is computed, in the spec's {@link Order} (raster by default:
     * {@code index = iy * nx + ix}); each point carries its grid index and its sequence number.
     *
     * <p>The Flux is cold: each subscription evaluates the whole grid on its own network copies, on worker threads
     * (never the subscriber's). With one worker ({@code workers(1)}) points are produced strictly on demand: with no
     * outstanding request nothing is computed; with {@code n} workers (the default is
     * {@link Execution#defaultWorkers()}: cores / ND4J threads per op, at most 8) up to {@code n} points are computed
     * ahead. Cancelling stops the work after the points in progress. With a {@link PointExecutor} (e.g. Spark) the
     * points are computed there, ahead of demand, and streamed in the order they arrive.
     */
    public Flux<LandscapePoint> points() {
        return stream.points(null, 0);
    }

    /**
     * Like {@link #points()}, resumable: every finished point is appended to {@code checkpoint} (see below), and when
     * the file already holds points of this same landscape, they are streamed first, flagged
     * {@link LandscapePoint#isRestored() restored}, and only the missing points are computed. Sequence numbers
     * count the streamed points (restored ones first), so progress reads right.
     *
     * <p>The file records fingerprints of the spec (grid, directions' kind and seed, evaluation data, metrics,
     * evaluator), of the model's parameters and of the direction vectors; a file written for anything else is
     * refused before any work, with a message naming what differs. Each point is written to the file before it
     * is emitted, so a process killed at any time keeps every point it emitted; the file is forced to disk every
     * few points. A torn last record (a kill or crash during a write) is detected by its CRC and dropped, with a
     * warning saying how many records were dropped. While the stream runs it holds an exclusive lock on the file: a
     * second run on the same file (in this process or another) fails on subscription, before any work, with an
     * {@link IllegalArgumentException} saying the checkpoint is in use.
     *
     * <pre>{@code
     * landscape.points(Path.of("run/landscape.ckpt")).subscribe(...);   // kill it, run it again: it continues
     * }</pre>
     *
     * @param checkpoint the checkpoint file, created (with its directory) when missing
     * @throws IllegalArgumentException when {@code checkpoint} is not a checkpoint of this landscape (not a
     *                                  checkpoint, corrupt header, or written for another spec, model or directions)
     */
    public Flux<LandscapePoint> points(java.nio.file.Path checkpoint) {
        if (checkpoint == null) {
            throw new IllegalArgumentException("checkpoint must not be null; use points() for a run without one");
        }
        return Checkpoints.resumable(checkpoint, checkpointHeader(), keys, this::newRun, stream::points);
    }

    /**
     * Like {@link #points()}, for the grid points whose index is not set in {@code done} only: the rest of a run kept in
     * memory (a window that returns to a view it left half computed). Sequence numbers start at
     * {@code done.cardinality()}, so progress reads right.
     *
     * @param done grid indices not to compute, all below {@link #totalPoints()}
     * @throws IllegalArgumentException when {@code done} is {@code null} or names an index outside the grid
     */
    public Flux<LandscapePoint> points(java.util.BitSet done) {
        if (done == null || done.length() > totalPoints()) {
            throw new IllegalArgumentException("done must name grid indices below " + totalPoints() + ", was "
                    + (done == null ? "null" : "an index " + (done.length() - 1)));
        }
        boolean[] skip = new boolean[totalPoints()];
        done.stream().forEach(i -> skip[i] = true);
        return stream.points(skip, done.cardinality());
    }

    /**
     * Streams the points of this plane along {@code line}, in this landscape's order: point {@code i} is the plane's
     * point at coordinates {@code line.at(t_i)}, evaluated exactly as the plane's own points (the same weights
     * {@code (1, a, b)} of the same centre and directions), and carries its grid index {@code i} and coordinate
     * {@code t_i}. Always on this JVM's workers, also when the landscape has a {@link PointExecutor}. Cancelling stops
     * the work as for {@link #points()}; {@link #idle()} counts these streams too.
     *
     * @throws IllegalStateException if the landscape is not a plane
     */
    public Flux<LandscapePoint> points(PlaneLine line) {
        requireDimensions(2, "points(PlaneLine)", "points()");
        if (line == null) {
            throw new IllegalArgumentException("line must not be null");
        }
        Execution local = spec.execution().withExecutor(null);
        return new PointStream(() -> newRun(List.of(line.t()), c -> line.at(c[0])), null, local,
                line.t().points(), use).points(null, 0);
    }

    /**
     * Computes the 1D profile of this plane along {@code line} and returns it; blocks. Its provenance names the line.
     *
     * @throws IllegalStateException if the landscape is not a plane
     */
    public Profile profile(PlaneLine line) {
        Flux<LandscapePoint> points = points(line);
        return new Profile(line.t(), keys, collect(points, line.t().points()), provenance.along(line));
    }

    /** What a checkpoint of this landscape must match (see {@link Checkpoints#header}). */
    java.util.Map<String, String> checkpointHeader() {
        return Checkpoints.header(spec, keys, batches, evaluator(), provenance.modelFingerprint(), vectors.recorded());
    }

    /**
     * The flat parameters of the point at {@code coordinates}, as the evaluators write them (before batch-norm
     * statistics are recomputed, when they are): {@code Σ w_k anchors[k]} or the point map's output. A new array.
     */
    INDArray parametersAt(double... coordinates) {
        INDArray[] anchors = vectors.anchors();
        INDArray target = center.dup();
        ParameterMap.Factory factory = vectors.mapFactory();
        if (factory != null) {
            factory.create(prototype, anchors).write(coordinates.clone(), target);
        } else {
            org.landscape4j.engine.internal.plan.FirstLayerProducts.combine(target, anchors,
                    vectors.weights().apply(coordinates.clone()));
        }
        return target;
    }

    private LandscapeRun newRun() {
        return newRun(spec.axes(), null);
    }

    /** A run over {@code axes}, evaluated at the anchors' coordinates {@code toPlane(c)} ({@code null}: {@code c}). */
    private LandscapeRun newRun(List<Axis> axes, java.util.function.Function<double[], double[]> toPlane) {
        ParameterMap.Factory factory = vectors.mapFactory();
        INDArray[] anchors = vectors.anchors();
        return new LandscapeRun(prototype, anchors, vectors.weights(), axes, spec.execution().order(), batches,
                metrics, keys, strategy, vectors.batchNormFeatures(),
                factory == null ? null : factory.create(prototype, anchors), toPlane);
    }

    /** The run in the form a {@link PointExecutor} ships to other JVMs. */
    private PortableRun portableRun() {
        Curve curve = spec.directions() instanceof Directions.CurvePath c ? c.curve() : null;
        return PortableRun.of(prototype, vectors.anchors(), curve, vectors.curveFromStart(), vectors.mapFactory(),
                spec.axes(), spec.execution().order(), batches, metrics, keys, effectiveExecution().factorizeFirstLayer(),
                spec.execution().firstLayerMemory(), vectors.batchNormFeatures());
    }

    /**
     * Computes the whole line and returns it; blocks.
     *
     * @throws IllegalStateException if the landscape is a plane
     */
    public Profile profile() {
        return profile(points());
    }

    /**
     * Computes the whole line, resuming from and recording to {@code checkpoint} (see
     * {@link #points(java.nio.file.Path)}); blocks.
     *
     * @throws IllegalStateException if the landscape is a plane
     */
    public Profile profile(java.nio.file.Path checkpoint) {
        return profile(points(checkpoint));
    }

    /**
     * Computes the whole plane and returns it; blocks.
     *
     * @throws IllegalStateException if the landscape is a line
     */
    public Surface surface() {
        return surface(points());
    }

    /**
     * Computes the whole plane, resuming from and recording to {@code checkpoint} (see
     * {@link #points(java.nio.file.Path)}); blocks.
     *
     * @throws IllegalStateException if the landscape is a line
     */
    public Surface surface(java.nio.file.Path checkpoint) {
        return surface(points(checkpoint));
    }

    /**
     * Collects a stream of this landscape's points into the line; blocks. The way to add progress, logging or
     * anything else per point and still get the result:
     * {@code landscape.profile(landscape.points(checkpoint).doOnNext(bar::step))}.
     *
     * @param points this landscape's {@link #points()} or {@link #points(java.nio.file.Path)}, decorated at will
     * @throws IllegalStateException    if the landscape is a plane
     * @throws IllegalArgumentException if a point belongs to another landscape (other values or grid size)
     */
    public Profile profile(Flux<LandscapePoint> points) {
        requireDimensions(1, "profile()", "surface()");
        return new Profile(spec.axes().get(0), keys, collect(points, totalPoints()), provenance);
    }

    /**
     * Collects a stream of this landscape's points into the plane; blocks. The way to add progress, logging or
     * anything else per point and still get the result:
     * {@code landscape.surface(landscape.points(checkpoint).doOnNext(bar::step))}.
     *
     * @param points this landscape's {@link #points()} or {@link #points(java.nio.file.Path)}, decorated at will
     * @throws IllegalStateException    if the landscape is a line
     * @throws IllegalArgumentException if a point belongs to another landscape (other values or grid size)
     */
    public Surface surface(Flux<LandscapePoint> points) {
        requireDimensions(2, "surface()", "profile()");
        return new Surface(spec.axes().get(0), spec.axes().get(1), keys, collect(points, totalPoints()), provenance);
    }

    private void requireDimensions(int n, String method, String other) {
        if (spec.dimensions() != n) {
            throw new IllegalStateException(method + " needs " + n + (n == 1 ? " direction" : " directions")
                    + ", this landscape has " + spec.dimensions() + "; use " + other);
        }
    }

    /** Every value of every point, {@code [key][grid index]}; NaN where a point never came. */
    private double[][] collect(Flux<LandscapePoint> points, int total) {
        double[][] values = new double[keys.size()][total];
        for (double[] v : values) {
            Arrays.fill(v, Double.NaN);
        }
        points.doOnNext(p -> {
            if (p.total() != total || !p.keys().equals(keys)) {
                throw new IllegalArgumentException("a point of another landscape (" + p.total() + " points, values "
                        + p.keys() + ") in the stream of this one (" + total + " points, values " + keys + ")");
            }
            for (int k = 0; k < values.length; k++) {
                values[k][p.index()] = p.value(k);
            }
        }).blockLast();
        return values;
    }

    @Override
    public String toString() {
        return "Landscape " + spec.axes() + " of " + provenance;
    }
}

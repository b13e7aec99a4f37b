package org.landscape4j.engine;

import org.landscape4j.engine.parameters.ParameterRole;

import org.landscape4j.engine.parameters.ParameterLayout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.engine.geometry.Curve;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.internal.NetworkEvaluator;
import org.landscape4j.engine.internal.plan.InferencePlan;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

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

    private final LandscapeSpec spec;
    private final ParameterLayout layout;
    private final Model prototype;
    private final INDArray center;
    private final List<Metric> metrics;
    private final MetricKeys keys;
    private final List<List<Batch>> batches;
    private final Provenance provenance;
    private volatile INDArray[] directions;
    private final INDArray[] curveAnchors;
    private final EvaluationStrategy strategy;

    private Landscape(LandscapeSpec spec) {
        this.spec = spec;
        Model model = spec.model();
        this.layout = ParameterLayout.of(model);
        ModelCheck.checkOutputLayers(model);
        ModelCheck.checkFinite(model.params(), layout);
        this.prototype = NetworkEvaluator.copyOf(model);
        this.center = prototype.params().dup();
        this.curveAnchors = checkDirections(spec.directions());
        List<ILossFunction> losses = ModelCheck.outputLosses(prototype);
        this.metrics = org.landscape4j.engine.Accuracy.resolve(
                spec.metrics().isEmpty() ? ModelCheck.defaultMetrics(losses) : spec.metrics(), losses.get(0));
        List<String> setNames = new ArrayList<>();
        List<String> sizes = new ArrayList<>();
        this.batches = new ArrayList<>();
        for (EvaluationSet set : spec.evaluationSets()) {
            DataCheck.check(prototype, set);
            batches.add(Batch.split(set.features(), set.labels(), set.batchSize()));
            setNames.add(set.name());
            sizes.add(set.name() + " (" + set.size() + " examples)");
        }
        this.keys = new MetricKeys(setNames, metrics.stream().map(Metric::name).toList());
        if (spec.execution().executor() != null) {
            PortableRun.requirePortable(metrics, spec.execution().executor().toString());
        }
        dryRun();
        checkCurvature();
        this.strategy = EvaluationStrategy.choose(InferencePlan.compile(prototype, batches.get(0).get(0)), layout,
                effectiveExecution(), anchorCount(), spec.evaluationSets().stream().mapToLong(EvaluationSet::size).sum(),
                batches.stream().flatMap(List::stream).mapToLong(Batch::size).max().orElse(1),
                batchNormFeatures() != null);
        this.provenance = new Provenance(spec.directions().toString(), spec.seed(), spec.axes(),
                model.getClass().getSimpleName(), layout.numParams(), Fingerprint.of(center), sizes);
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
     * 'hidden' (DenseLayer), products 9 kB), 1 worker, raster order"}, or {@code "DL4J forward pass: layer 1 'lrn' (LocalResponseNormalization) has no
     * inference-plan step, 2 workers, raster order"} for a network the plan does not support.
     */
    public String evaluationPlan() {
        Execution e = spec.execution();
        int workers = Math.min(e.effectiveWorkers(), totalPoints());
        return evaluator() + ", " + (e.executor() != null ? "on " + e.executor()
                : workers + (workers == 1 ? " worker" : " workers")) + ", "
                + e.order().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " order";
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
        return PointEvaluator.needsAllParameters(metrics, mapFactory() == null ? null : (c, t) -> { })
                ? spec.execution().withFactorization(false) : spec.execution();
    }

    /** The factory of the run's point map, or {@code null} for points {@code Σ w_k anchors[k]}. */
    private org.landscape4j.engine.ParameterMap.Factory mapFactory() {
        return spec.directions() instanceof Directions.AsymmetricPlane plane
                ? AsymmetricPlaneMap.factory(plane.kind()) : null;
    }

    /**
     * Curvature metrics share one Lanczos run per point: they must agree on their options; the model must be one the
     * gradients support.
     */
    private void checkCurvature() {
        List<Metric.Curvature> curvature = metrics.stream().filter(m -> m instanceof Metric.Curvature)
                .map(m -> (Metric.Curvature) m).toList();
        if (curvature.isEmpty()) {
            return;
        }
        for (Metric.Curvature c : curvature) {
            if (!c.options().equals(curvature.get(0).options())) {
                throw new IllegalArgumentException("curvature metrics share one Lanczos run per point and must have the"
                        + " same options: " + curvature.get(0).name() + " has " + curvature.get(0).options() + ", "
                        + c.name() + " has " + c.options());
            }
        }
        if (prototype instanceof ComputationGraph graph && (graph.getNumInputArrays() != 1
                || graph.getNumOutputArrays() != 1)) {
            throw new IllegalArgumentException("curvature metrics support graphs with one input and one output, this"
                    + " one has " + graph.getNumInputArrays() + " and " + graph.getNumOutputArrays());
        }
    }

    /** How many vectors a point combines: the centre and each direction, or a curve's anchors. */
    private int anchorCount() {
        return spec.directions() instanceof Directions.CurvePath curve ? curve.anchors().size()
                : spec.dimensions() + 1;
    }

    /** Number of grid points. */
    public int totalPoints() {
        return spec.totalPoints();
    }

    /**
     * The directions, drawn on first use and then kept: fresh copies, shaped like the flat parameter vector.
     */
    public INDArray[] directions() {
        INDArray[] d = directionsShared();
        INDArray[] copy = new INDArray[d.length];
        for (int i = 0; i < d.length; i++) {
            copy[i] = d[i].dup();
        }
        return copy;
    }

    private INDArray[] directionsShared() {
        INDArray[] d = directions;
        if (d == null) {
            synchronized (this) {
                d = directions;
                if (d == null) {
                    if (spec.directions() instanceof RandomDirections random) {
                        d = random.generate(layout, center, spec.seed(), spec.dimensions());
                    } else if (spec.directions() instanceof Directions.Given given) {
                        d = given.vectors().stream().map(this::likeCentre).toArray(INDArray[]::new);
                    } else if (spec.directions() instanceof Directions.AsymmetricPlane) {
                        d = AsymmetricPlaneMap.asArrays(AsymmetricPlaneMap.randomModels(layout,
                                center.toDoubleVector(), spec.seed()), center);
                    } else {
                        throw new IllegalStateException("a curve has anchors, not directions: " + spec.directions());
                    }
                    directions = d;
                }
            }
        }
        return d;
    }

    /** A flat vector as a copy with the centre's data type and shape. */
    private INDArray likeCentre(INDArray v) {
        return v.castTo(center.dataType()).reshape(center.shape()).dup();
    }

    /** Checks given vectors and curve anchors before work; returns the curve's anchors or {@code null}. */
    private INDArray[] checkDirections(Directions directions) {
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
                INDArray diff = given.centre().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                        .reshape(center.shape()).sub(center.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE));
                double scale = Math.max(1.0, center.amaxNumber().doubleValue());
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
            if (BooleanIndexing.or(v, Conditions.isNan()) || BooleanIndexing.or(v, Conditions.isInfinite())) {
                throw new IllegalArgumentException(what + " " + i + " contains NaN or infinite values");
            }
        }
        return directions instanceof Directions.CurvePath
                ? vectors.stream().map(this::likeCentre).toArray(INDArray[]::new) : null;
    }

    private void checkBatchNormRecompute(INDArray features) {
        if (!(prototype instanceof MultiLayerNetwork net) || layout.segments().stream()
                .noneMatch(seg -> seg.role() == ParameterRole.BATCHNORM_RUNNING_STATISTIC)) {
            throw new IllegalArgumentException("batch-norm statistics can only be recomputed for a MultiLayerNetwork "
                    + "with batch normalization; this model is a " + prototype.getClass().getSimpleName()
                    + " without it");
        }
        try {
            PointEvaluator.create(prototype, new INDArray[] {center}, List.of(), List.of(),
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
        return compute(null, 0);
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
        java.util.Map<String, String> header = checkpointHeader();
        CheckpointFile.check(checkpoint, header);
        return Flux.using(() -> CheckpointFile.open(checkpoint, header, keys.size()), file -> {
            LandscapeRun run = newRun();
            boolean[] done = new boolean[totalPoints()];
            List<LandscapePoint> restored = new ArrayList<>();
            for (CheckpointFile.Record r : file.recovered()) {
                done[r.index()] = true;
                restored.add(run.restored(r.index(), restored.size(), r.values()));
            }
            return Flux.fromIterable(restored).concatWith(compute(done, restored.size()).doOnNext(p -> {
                double[] v = new double[keys.size()];
                for (int k = 0; k < v.length; k++) {
                    v[k] = p.value(k);
                }
                file.append(p.index(), v);
            }));
        }, CheckpointFile::close);
    }

    /**
     * What a checkpoint of this landscape must match, in the order it is compared: the spec's parts, then the
     * fingerprints of the model parameters and of the direction vectors.
     */
    java.util.Map<String, String> checkpointHeader() {
        java.util.Map<String, String> h = new java.util.LinkedHashMap<>();
        h.put("format", "2");
        h.put("grid", spec.axes().toString());
        h.put("directions", spec.directions() + ", seed " + spec.seed());
        List<String> data = new ArrayList<>();
        for (int s = 0; s < batches.size(); s++) {
            // The engine's own resident copies, which the run evaluates: later changes to the caller's arrays do
            // not change them.
            List<INDArray> arrays = new ArrayList<>();
            int inputs = batches.get(s).get(0).features().length;
            int outputs = batches.get(s).get(0).labels().length;
            for (int i = 0; i < inputs + outputs; i++) {
                for (Batch b : batches.get(s)) {
                    INDArray a = i < inputs ? b.features()[i] : b.labels()[i - inputs];
                    arrays.add(a.reshape(a.length()));
                }
            }
            long examples = batches.get(s).stream().mapToLong(Batch::size).sum();
            data.add(keys.sets().get(s) + " (" + examples + " examples, data "
                    + Fingerprint.of(arrays.toArray(INDArray[]::new)) + ")");
        }
        h.put("evaluation data", String.join(", ", data));
        h.put("metrics", String.join(", ", keys.metrics()));
        h.put("evaluator", evaluator());
        h.put("model parameters", provenance.modelFingerprint());
        INDArray[] vectors = spec.directions() instanceof Directions.CurvePath ? curveAnchors : directionsShared();
        StringBuilder dirs = new StringBuilder();
        for (INDArray v : vectors) {
            dirs.append(dirs.length() == 0 ? "" : ",").append(Fingerprint.of(v));
        }
        h.put("direction vectors", dirs.toString());
        h.put("points", Integer.toString(totalPoints()));
        h.put("values", Integer.toString(keys.size()));
        return h;
    }

    /**
     * The points whose grid index is not marked in {@code done} ({@code null}: none is done), streamed with sequence
     * numbers from {@code first}.
     */
    private Flux<LandscapePoint> compute(boolean[] done, int first) {
        int remaining = totalPoints() - first;
        if (remaining == 0) {
            return Flux.empty();
        }
        Execution execution = spec.execution();
        if (execution.executor() != null) {
            // Serializing the run for the executor is work too: never on the subscriber's thread.
            return Flux.defer(() -> received(newRun(), done, first, execution.executor()))
                    .subscribeOn(Schedulers.boundedElastic());
        }
        int workers = Math.min(execution.effectiveWorkers(), remaining);
        if (workers <= 1) {
            return Flux.<LandscapePoint, OnDemand>generate(() -> new OnDemand(newRun(), done, first),
                            OnDemand::next, OnDemand::close)
                    .subscribeOn(Schedulers.boundedElastic());
        }
        return Flux.defer(() -> {
            LandscapeRun run = newRun();
            int[] todo = todo(run, done);
            Scheduler pool = Schedulers.newParallel("landscape4j-worker", workers, true);
            ThreadLocal<PointEvaluator> evaluators = ThreadLocal.withInitial(run::newEvaluator);
            // The first evaluator computes the shared first-layer products off the caller's thread.
            return Mono.fromCallable(evaluators::get).subscribeOn(pool)
                    .flatMapMany(firstEvaluator -> Flux.range(0, todo.length)
                            .flatMapSequential(k -> Mono.fromCallable(
                                            () -> run.point(evaluators.get(), todo[k], first + k))
                                    .subscribeOn(pool), workers, 1))
                    .doFinally(signal -> pool.dispose());
        });
    }

    /** The positions of {@code run}'s visiting order whose grid index is not marked in {@code done}. */
    private static int[] todo(LandscapeRun run, boolean[] done) {
        return java.util.stream.IntStream.range(0, run.total()).filter(n -> done == null || !done[run.indexAt(n)])
                .toArray();
    }

    /**
     * The points not marked in {@code done}, computed by {@code executor} from the run's portable form and streamed
     * as they arrive, with sequence numbers from {@code first}. An executor's answer for a position that was not
     * asked, or asked and answered already, fails the stream rather than reach a result or a checkpoint twice.
     */
    private Flux<LandscapePoint> received(LandscapeRun run, boolean[] done, int first, PointExecutor executor) {
        int[] todo = todo(run, done);
        Curve curve = spec.directions() instanceof Directions.CurvePath c ? c.curve() : null;
        PortableRun portable = PortableRun.of(prototype, anchors(), curve, mapFactory(), spec.axes(),
                spec.execution().order(), batches, metrics, keys, effectiveExecution().factorizeFirstLayer(),
                spec.execution().firstLayerMemory(), batchNormFeatures());
        boolean[] pending = new boolean[run.total()];
        for (int n : todo) {
            pending[n] = true;
        }
        int[] streamed = {first};
        return executor.compute(portable, todo).map(c -> {
            if (c.position() < 0 || c.position() >= pending.length || !pending[c.position()]) {
                throw new IllegalStateException(executor + " returned position " + c.position()
                        + " of the visiting order, which was not asked or was returned before");
            }
            pending[c.position()] = false;
            return run.received(c.position(), streamed[0]++, c.values());
        });
    }

    /** The vectors whose combination is a point: (centre, d1, d2) or a curve's anchors. */
    private INDArray[] anchors() {
        if (spec.directions() instanceof Directions.CurvePath) {
            return curveAnchors;
        }
        INDArray[] d = directionsShared();
        INDArray[] anchors = new INDArray[d.length + 1];
        anchors[0] = center;
        System.arraycopy(d, 0, anchors, 1, d.length);
        return anchors;
    }

    private LandscapeRun newRun() {
        java.util.function.Function<double[], double[]> weights =
                spec.directions() instanceof Directions.CurvePath curve ? c -> curve.curve().coefficients(c[0])
                        : LandscapeRun.aroundCentre();
        org.landscape4j.engine.ParameterMap.Factory factory = mapFactory();
        INDArray[] anchors = anchors();
        return new LandscapeRun(prototype, anchors, weights, spec.axes(), spec.execution().order(), batches, metrics,
                keys, strategy, batchNormFeatures(), factory == null ? null : factory.create(prototype, anchors));
    }

    /** Features to recompute batch-norm statistics on at every point, or {@code null}. */
    private INDArray batchNormFeatures() {
        return spec.directions() instanceof Directions.Given g ? g.batchNormFeatures() : null;
    }

    /**
     * One worker computing the points in order on demand, driven by {@code Flux.generate}, skipping those marked in
     * {@code done}.
     */
    private static final class OnDemand {
        private final LandscapeRun run;
        private final PointEvaluator evaluator;
        private final boolean[] done;
        private int next;
        private int streamed;

        OnDemand(LandscapeRun run, boolean[] done, int first) {
            this.run = run;
            this.evaluator = run.newEvaluator();
            this.done = done;
            this.streamed = first;
            skipDone();
        }

        private void skipDone() {
            while (done != null && next < run.total() && done[run.indexAt(next)]) {
                next++;
            }
        }

        OnDemand next(SynchronousSink<LandscapePoint> sink) {
            sink.next(run.point(evaluator, next++, streamed++));
            skipDone();
            if (next == run.total()) {
                sink.complete();
            }
            return this;
        }

        /** Flux.generate's cleanup, on the generator thread after the last point (completion, error or cancel). */
        void close() {
            evaluator.close();
        }
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

    private Profile profile(Flux<LandscapePoint> points) {
        requireDimensions(1, "profile()", "surface()");
        return new Profile(spec.axes().get(0), keys, collect(points), provenance);
    }

    private Surface surface(Flux<LandscapePoint> points) {
        requireDimensions(2, "surface()", "profile()");
        return new Surface(spec.axes().get(0), spec.axes().get(1), keys, collect(points), provenance);
    }

    private void requireDimensions(int n, String method, String other) {
        if (spec.dimensions() != n) {
            throw new IllegalStateException(method + " needs " + n + (n == 1 ? " direction" : " directions")
                    + ", this landscape has " + spec.dimensions() + "; use " + other);
        }
    }

    /** Every value of every point, {@code [key][grid index]}; NaN where a point never came. */
    private double[][] collect(Flux<LandscapePoint> points) {
        double[][] values = new double[keys.size()][totalPoints()];
        for (double[] v : values) {
            Arrays.fill(v, Double.NaN);
        }
        points.doOnNext(p -> {
            for (int k = 0; k < values.length; k++) {
                values[k][p.index()] = p.value(k);
            }
        }).blockLast();
        return values;
    }

    /** Evaluates the first examples of each set on a scratch copy so that shape errors surface now, named. */
    private void dryRun() {
        NetworkEvaluator evaluator = NetworkEvaluator.over(NetworkEvaluator.copyOf(prototype));
        for (int s = 0; s < batches.size(); s++) {
            Batch first = batches.get(s).get(0);
            long n = Math.min(2, first.size());
            Batch probe = first.head(n);
            try {
                evaluator.forwardLoss(probe);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("evaluation set '" + keys.sets().get(s)
                        + "' does not fit the network (features " + Arrays.toString(first.features()[0].shape())
                        + ", labels " + Arrays.toString(first.labels()[0].shape()) + "): " + e.getMessage(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "Landscape " + spec.axes() + " of " + provenance;
    }
}

package org.landscape4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.charts.HeatmapStyle;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Backend;
import org.landscape4j.engine.Directions;
import org.landscape4j.engine.EvaluationSet;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapeBuilder;
import org.landscape4j.engine.LandscapeResult;
import org.landscape4j.engine.Metric;
import org.landscape4j.engine.Precision;
import org.landscape4j.engine.RandomDirections;
import org.landscape4j.spark.SparkExecutor;
import org.nd4j.linalg.dataset.DataSet;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What {@code surface}, {@code line} and {@code interpolate} share, mixed into each with {@code @Mixin}: the options
 * for data, output, workers and Spark, and the run itself ({@link #run}): check the options, compile the landscape,
 * stream its points with a progress bar into the run's checkpoint, and write the result's files.
 */
final class ComputeOptions {

    /** The command this is mixed into: its output streams. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--test-data", paramLabel = "PATH", description = "a second evaluation set, named test")
    Path testData;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "output directory; a matching checkpoint in it is resumed")
    Path out;

    /** The most {@code --workers}: what {@code Execution} allows. */
    static final int MAX_WORKERS = 256;

    @Option(names = "--workers", paramLabel = "N",
            description = "worker threads, 1 to " + MAX_WORKERS + " (default: by cores: cores / ND4J threads per op,"
                    + " at most 8)")
    Integer workers;

    @Option(names = "--precision", paramLabel = "P",
            description = "the arithmetic: float (default, DL4J's numbers), bf16 (CPU: bfloat16 convolutions with float"
                    + " accumulation, about 2x on a CPU with AVX512-BF16) or tf32 (with --device cuda: tensor-core"
                    + " GEMMs and convolutions); an opt-in's error at the centre is printed")
    String precision;

    @Option(names = "--device", paramLabel = "D",
            description = "where the points are computed: cpu (default) or cuda (the engine's GPU back end, module"
                    + " landscape4j-cuda; refused before any work, naming what is missing, where it cannot run)")
    String device;

    @Option(names = "--master", paramLabel = "URL",
            description = "compute the points on Apache Spark: local[2], local[2,4] (retrying failed tasks),"
                    + " spark://host:7077, ... (default: this JVM's worker threads)")
    String master;

    @Option(names = "--points-per-task", paramLabel = "N",
            description = "with --master: grid points per Spark task, N >= 1 (default: about 4 tasks per core, at most"
                    + " 64 points each)")
    Integer pointsPerTask;

    @Option(names = "--save-directions", defaultValue = "h5", paramLabel = "h5|npy|none",
            description = "how the directions are saved, once, in float32: h5 (loss-landscape's direction file,"
                    + " directions.h5), npy (directions.npy, [k, parameters]) or none (default: ${DEFAULT-VALUE})")
    String saveDirections;

    /** How the run's heatmaps are drawn: the surface command sets it from its {@link ChartOptions}. */
    HeatmapStyle heatmap = HeatmapStyle.DEFAULT.withLogScale();

    /** Curvature maps computed besides the default metrics (the surface command's {@code --curvature}). */
    List<Metric> curvature = List.of();

    /** The snapshots drawn on the plane (the surface command's {@code --trajectory}), or {@code null}. */
    java.util.function.BiFunction<Landscape, Subject, RunDirectory.Trajectory> trajectory;

    /**
     * What a command computes: the model, its directions, their seed and the grid's axes (one for a line, two for a
     * surface), and what was read and appended when the model was imported ({@code null}: nothing to say).
     */
    record Subject(Model model, Directions directions, long seed, List<Axis> axes, String modelDescription) {
        Subject(Model model, Directions directions, long seed, List<Axis> axes) {
            this(model, directions, seed, axes, null);
        }
    }

    /**
     * Runs the command: checks the shared options, then reads the command's {@code subject} (loading its model
     * files), computes the landscape with a progress bar on stderr, resuming from a checkpoint in {@code --out}, and
     * writes its files there.
     *
     * @param subject read only once the shared options are valid, so that a bad option fails before any file is read
     * @return the exit code, 0
     * @throws BadInput for a bad option, file or spec, with a one-line reason
     */
    int run(Supplier<Subject> subject) throws IOException {
        return run(subject, (landscape, result) -> { });
    }

    /** What a command does after its files are written, e.g. open a window on the result. */
    @FunctionalInterface
    interface Then {
        void accept(Landscape landscape, LandscapeResult result) throws IOException;
    }

    /**
     * As {@link #run(Supplier)}, then {@code then} with the landscape and its result, once the files are written and
     * the summary printed.
     */
    int run(Supplier<Subject> subject, Then then) throws IOException {
        checkOptions();
        SparkExecutor spark = spark();
        RunDirectory dir = new RunDirectory(out, heatmap);
        dir.directionsFormat(saveDirections);
        Landscape landscape;
        LandscapeResult result;
        Subject what;
        try {
            what = subject.get();
            try {
                landscape = landscape(what, spark);
                dir.trajectory(trajectory != null ? trajectory.apply(landscape, what) : pathOf(what.directions()));
                result = compute(landscape, dir.checkpoint());
            } catch (IllegalArgumentException e) {
                throw new BadInput(ModelFile.firstLine(e));
            }
        } finally {
            if (spark != null) {
                spark.close();
            }
        }
        dir.write(result, landscape);
        PrintWriter stdout = stdout();
        if (what.modelDescription() != null) {
            dir.note("model.txt", what.modelDescription() + "\n");
            stdout.println("model: " + what.modelDescription().replace("\n", "\n  "));
        }
        stdout.println(result);
        if (precision() != Precision.FLOAT) { // how far the opt-in is from float, measured at the centre
            stdout.println("evaluation: " + landscape.evaluationPlan());
        }
        stdout.println(dir.summary());
        stdout.flush();
        then.accept(landscape, result);
        return 0;
    }

    /** The path given directions carry (the snapshots of {@code --pca}, in the plane's coordinates), or null. */
    private static RunDirectory.Trajectory pathOf(Directions directions) {
        if (!(directions instanceof Directions.Given g) || g.path() == null || g.path().size() < 2
                || g.vectors().size() < 2) {
            return null;
        }
        int n = g.path().size();
        List<String> names = new ArrayList<>();
        double[] xs = new double[n];
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            names.add("snapshot " + (i + 1));
            xs[i] = g.path().get(i)[0];
            ys[i] = g.path().get(i)[1];
        }
        return new RunDirectory.Trajectory(names, xs, ys, new double[n]);
    }

    /** The landscape of {@code what} on the evaluation data, built as a library user builds one. */
    private Landscape landscape(Subject what, SparkExecutor spark) {
        LandscapeBuilder b = Landscape.builder().model(what.model()).seed(what.seed())
                .axes(what.axes().toArray(Axis[]::new));
        b = what.directions() instanceof RandomDirections kind ? b.directions(kind, what.axes().size())
                : b.directions(what.directions());
        for (EvaluationSet set : evaluationSets(what.model())) {
            b = b.evaluateOn(set);
        }
        if (!curvature.isEmpty()) {
            List<Metric> metrics = new ArrayList<>(Metric.defaults(what.model()));
            metrics.addAll(curvature);
            b = b.metrics(metrics.toArray(Metric[]::new));
        }
        if (workers != null) {
            b = b.workers(workers);
        }
        b = b.precision(precision());
        if (device != null) {
            b = b.backend(device());
        }
        b = spark == null ? b : b.executor(spark);
        try {
            return b.build();
        } catch (IllegalStateException e) {
            // what this machine lacks (a GPU back end, a driver, a CPU instruction set): refused before any work
            throw new BadInput(ModelFile.firstLine(e));
        }
    }

    /**
     * With {@code --master}, a Spark executor that {@link #run} closes, its URL checked now (its Spark context is
     * made on the first point); else {@code null}.
     *
     * @throws BadInput naming the URL and the forms Spark accepts when Spark would refuse it
     */
    private SparkExecutor spark() {
        if (master == null) {
            return null;
        }
        SparkExecutor spark;
        try {
            spark = SparkExecutor.master(master);
        } catch (IllegalArgumentException e) {
            throw new BadInput("--master: " + e.getMessage());
        }
        // Spark's own INFO lines (one per task) would bury the progress bar.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.spark", "warn");
        return pointsPerTask == null ? spark : spark.pointsPerTask(pointsPerTask);
    }

    /**
     * Checks the options that need no file read, before any work: {@code --limit}, {@code --workers} and
     * {@code --points-per-task} in range (left out for their defaults; none takes 0 for "default"),
     * {@code --points-per-task} only with {@code --master}, {@code --precision} float, bf16 or tf32 (no opt-in
     * with {@code --master}; tf32 only with {@code --device cuda}), and an {@code --out} directory that exists or can be
     * created.
     */
    private void checkOptions() {
        dataOptions.check();
        if (workers != null && workers < 1) {
            throw new BadInput("--workers must be >= 1, was " + workers + "; leave it out for the default (cores /"
                    + " ND4J threads per op, at most 8)");
        }
        if (workers != null && workers > MAX_WORKERS) {
            throw new BadInput("--workers must be <= " + MAX_WORKERS + ", was " + workers);
        }
        if (pointsPerTask != null && master == null) {
            throw new BadInput("--points-per-task needs --master");
        }
        if (device != null) {
            device();
        }
        if (precision() != Precision.FLOAT && master != null) {
            throw new BadInput("--precision " + precision + " runs on this JVM's workers only, not with --master");
        }
        if (precision() == Precision.TF32 && (device == null || device() != Backend.CUDA)) {
            throw new BadInput("--precision tf32 is the tensor-core float of NVIDIA GPUs: it needs --device cuda (on"
                    + " the CPU: --precision bf16)");
        }
        if (pointsPerTask != null && pointsPerTask < 1) {
            throw new BadInput("--points-per-task must be >= 1, was " + pointsPerTask + "; leave it out for the"
                    + " default (about 4 tasks per core, at most 64 points each)");
        }
        if (!List.of("h5", "npy", "none").contains(saveDirections)) {
            throw new BadInput("--save-directions must be h5, npy or none, was '" + saveDirections + "'");
        }
        RunDirectory.checkCanBeCreated(out);
    }

    /** {@code --device}: cpu, cuda (or auto, nd4j-cuda, as {@link Backend#named} reads them). */
    private Backend device() {
        try {
            return Backend.named(device);
        } catch (IllegalArgumentException e) {
            throw new BadInput("--" + e.getMessage());
        }
    }

    /** {@code --precision}, float when left out. */
    private Precision precision() {
        if (precision == null || precision.equalsIgnoreCase("float")) {
            return Precision.FLOAT;
        }
        if (precision.equalsIgnoreCase("bf16")) {
            return Precision.BF16;
        }
        if (precision.equalsIgnoreCase("tf32")) {
            return Precision.TF32;
        }
        throw new BadInput("--precision must be float, bf16 or tf32, was " + precision);
    }

    /** The {@code --data} set as the run evaluates it (for directions computed from the data, e.g. the Hessian). */
    DataSet trainingData(Model model) {
        return dataOptions.load(model);
    }

    private List<EvaluationSet> evaluationSets(Model model) {
        List<EvaluationSet> sets = new ArrayList<>();
        sets.add(EvaluationSet.of("train", trainingData(model)));
        if (testData != null) {
            String prefix = dataOptions.idxPrefix.equals("train") ? "t10k" : dataOptions.idxPrefix;
            sets.add(EvaluationSet.of("test", dataOptions.load("--test-data", testData, prefix, model)));
        }
        return sets;
    }

    /**
     * Streams every point through the progress bar, recording to and resuming from {@code checkpoint}, and collects
     * the result as a library user does, with {@link Landscape#surface(reactor.core.publisher.Flux)} or
     * {@link Landscape#profile(reactor.core.publisher.Flux)}.
     */
    private LandscapeResult compute(Landscape landscape, Path checkpoint) {
        boolean resuming = Files.exists(checkpoint);
        ProgressBar bar = new ProgressBar(command.commandLine().getErr());
        var points = landscape.points(checkpoint).doOnNext(bar::accept);
        LandscapeResult result = landscape.spec().dimensions() == 2 ? landscape.surface(points)
                : landscape.profile(points);
        if (resuming) {
            stdout().println("resumed from " + checkpoint + ": " + bar.restored() + " points restored, "
                    + bar.computed() + " computed");
        }
        return result;
    }

    /** Whether {@code --master} is given (the points are computed on Spark, which is closed after the run). */
    boolean onSpark() {
        return master != null;
    }

    PrintWriter stdout() {
        return command.commandLine().getOut();
    }
}

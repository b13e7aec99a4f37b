package org.landscape4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Directions;
import org.landscape4j.engine.EvaluationSet;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapeBuilder;
import org.landscape4j.engine.LandscapeResult;
import org.landscape4j.engine.RandomDirections;
import org.landscape4j.spark.SparkExecutor;
import org.nd4j.linalg.dataset.DataSet;

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

    @Option(names = "--data", required = true, paramLabel = "PATH",
            description = "evaluation data: an IDX directory (MNIST layout, .gz or not), a .csv file (features, then"
                    + " the class index) or a saved DL4J DataSet")
    Path data;

    @Option(names = "--test-data", paramLabel = "PATH", description = "a second evaluation set, named test")
    Path testData;

    @Option(names = "--idx-prefix", defaultValue = "train", paramLabel = "PREFIX",
            description = "IDX file prefix in a data directory: train or t10k (default: ${DEFAULT-VALUE})")
    String idxPrefix;

    @Option(names = "--limit", paramLabel = "N",
            description = "evaluate on the first N examples only, N >= 1 (default: all examples)")
    Integer limit;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "output directory; a matching checkpoint in it is resumed")
    Path out;

    @Option(names = "--workers", defaultValue = "0", paramLabel = "N", description = "worker threads (default: by cores)")
    int workers;

    @Option(names = "--master", paramLabel = "URL",
            description = "compute the points on Apache Spark: local[2], local[2,4] (retrying failed tasks),"
                    + " spark://host:7077, ... (default: this JVM's worker threads)")
    String master;

    @Option(names = "--points-per-task", defaultValue = "0", paramLabel = "N",
            description = "with --master: grid points per Spark task (default: about 4 tasks per core, at most 64"
                    + " points each)")
    int pointsPerTask;

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
        checkOptions();
        Subject what = subject.get();
        RunDirectory dir = new RunDirectory(out);
        SparkExecutor spark = null;
        Landscape landscape;
        LandscapeResult result;
        try {
            spark = spark();
            landscape = landscape(what, spark);
            result = compute(landscape, dir.checkpoint());
        } catch (IllegalArgumentException e) {
            throw new BadInput(ModelFile.firstLine(e));
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
        stdout.println(dir.summary());
        stdout.flush();
        return 0;
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
        if (workers != 0) {
            b = b.workers(workers);
        }
        return (spark == null ? b : b.executor(spark)).build();
    }

    /** With {@code --master}, a Spark executor that {@link #run} closes; else {@code null}. */
    private SparkExecutor spark() {
        if (master != null) {
            // Spark's own INFO lines (one per task) would bury the progress bar.
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.spark", "warn");
            return SparkExecutor.master(master).pointsPerTask(pointsPerTask);
        }
        if (pointsPerTask != 0) {
            throw new BadInput("--points-per-task needs --master");
        }
        return null;
    }

    /**
     * Checks the options that need no file read, before any work: {@code --limit} at least 1, {@code --out} not a
     * file.
     */
    private void checkOptions() {
        if (limit != null && limit < 1) {
            throw new BadInput("--limit must be >= 1, was " + limit + " (leave it out to evaluate on all examples)");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new BadInput("--out " + out + " is a file, not a directory");
        }
    }

    /** The {@code --data} set as the run evaluates it (for directions computed from the data, e.g. the Hessian). */
    DataSet trainingData(Model model) {
        return EvaluationData.load(data, idxPrefix, model, limit == null ? Integer.MAX_VALUE : limit);
    }

    private List<EvaluationSet> evaluationSets(Model model) {
        int examples = limit == null ? Integer.MAX_VALUE : limit;
        List<EvaluationSet> sets = new ArrayList<>();
        sets.add(EvaluationSet.of("train", EvaluationData.load(data, idxPrefix, model, examples)));
        if (testData != null) {
            DataSet test = EvaluationData.load(testData, idxPrefix.equals("train") ? "t10k" : idxPrefix, model,
                    examples);
            sets.add(EvaluationSet.of("test", test));
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

    private PrintWriter stdout() {
        return command.commandLine().getOut();
    }
}

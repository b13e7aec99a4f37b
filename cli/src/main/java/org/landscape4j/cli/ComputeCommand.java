package org.landscape4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Directions;
import org.landscape4j.engine.EvaluationSet;
import org.landscape4j.engine.Execution;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapeSpec;
import org.landscape4j.spark.SparkExecutor;
import org.nd4j.linalg.dataset.DataSet;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What {@code surface}, {@code line} and {@code interpolate} share: data, output, seed, and running with progress. */
abstract class ComputeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

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

    /** The Spark executor of this run, made by {@link #compile} when {@code --master} is given; stopped by run. */
    private SparkExecutor spark;

    /**
     * Checks the options that need no file read, before any work: {@code --limit} at least 1, {@code --out} not a
     * file.
     */
    void checkOptions() {
        if (limit != null && limit < 1) {
            throw new BadInput("--limit must be >= 1, was " + limit + " (leave it out to evaluate on all examples)");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new BadInput("--out " + out + " is a file, not a directory");
        }
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    PrintWriter stdout() {
        return spec.commandLine().getOut();
    }

    List<EvaluationSet> evaluationSets(Model model) {
        List<EvaluationSet> sets = new ArrayList<>();
        sets.add(EvaluationSet.of("train", EvaluationData.load(data, idxPrefix, model, examples())));
        if (testData != null) {
            DataSet test = EvaluationData.load(testData, idxPrefix.equals("train") ? "t10k" : idxPrefix, model,
                    examples());
            sets.add(EvaluationSet.of("test", test));
        }
        return sets;
    }

    private int examples() {
        return limit == null ? Integer.MAX_VALUE : limit;
    }

    Landscape compile(Model model, Directions directions, long seed, List<Axis> axes) {
        try {
            Execution execution = Execution.DEFAULT.withWorkers(workers);
            if (master != null) {
                // Spark's own INFO lines (one per task) would bury the progress bar.
                System.setProperty("org.slf4j.simpleLogger.log.org.apache.spark", "warn");
                spark = SparkExecutor.master(master).pointsPerTask(pointsPerTask);
                execution = execution.withExecutor(spark);
            } else if (pointsPerTask != 0) {
                throw new BadInput("--points-per-task needs --master");
            }
            return Landscape.compile(new LandscapeSpec(model, directions, seed, axes, evaluationSets(model), List.of(),
                    execution));
        } catch (IllegalArgumentException e) {
            throw new BadInput(ModelFile.firstLine(e));
        }
    }

    /** Streams every point with a progress bar, recording to and resuming from the run's checkpoint. */
    double[][] run(Landscape landscape, RunDirectory dir) {
        Path checkpoint = dir.checkpoint();
        boolean resuming = Files.exists(checkpoint);
        double[][] values = new double[landscape.keys().size()][landscape.totalPoints()];
        for (double[] v : values) {
            Arrays.fill(v, Double.NaN);
        }
        ProgressBar bar = new ProgressBar(err());
        try {
            landscape.points(checkpoint).doOnNext(p -> {
                for (int k = 0; k < values.length; k++) {
                    values[k][p.index()] = p.value(k);
                }
                bar.accept(p);
            }).blockLast();
        } catch (IllegalArgumentException e) {
            throw new BadInput(ModelFile.firstLine(e));
        } finally {
            if (spark != null) {
                spark.close();
            }
        }
        if (resuming) {
            stdout().println("resumed from " + checkpoint + ": " + bar.restored() + " points restored, "
                    + bar.computed() + " computed");
        }
        return values;
    }

    void report(RunDirectory dir) {
        stdout().println("wrote " + out + ": " + String.join(", ", dir.written()));
        stdout().flush();
    }
}

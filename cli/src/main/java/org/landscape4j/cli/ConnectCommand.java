package org.landscape4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.landscape4j.charts.ChartFiles;
import org.landscape4j.charts.ProfileChart;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Directions;
import org.landscape4j.engine.MetricKeys;
import org.landscape4j.engine.Profile;
import org.landscape4j.engine.Provenance;
import org.landscape4j.engine.geometry.BezierCurve;
import org.landscape4j.engine.geometry.Curve;
import org.landscape4j.engine.geometry.CurveTrainer;
import org.landscape4j.engine.geometry.PolygonalChain;
import org.landscape4j.models.ImportedModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code landscape connect}: mode connectivity (Garipov et al. 2018). Trains the bend of a curve between two trained
 * models of one architecture so that the loss stays low along it ({@link CurveTrainer}), then writes the loss along
 * the straight line and along the curve, the bend as a model, and the plane through the start, the bend and the end
 * with the curve drawn on it (as {@code surface} writes a plane).
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = "Trains a curve (quadratic Bezier or one-bend chain) between two models of one architecture so"
                + " that the loss stays low along it (Garipov et al. 2018), then writes connect.csv and connect.png"
                + " (the loss along the straight line and along the curve), bend.zip (the trained bend as a DL4J"
                + " model) and the plane through the start, bend and end with the curve drawn on it (surface.h5, PNG"
                + " charts, trajectory.csv).")
final class ConnectCommand implements Callable<Integer> {

    @Mixin
    ComputeOptions compute;

    @Mixin
    TwoModelOptions models;

    @Option(names = "--curve", defaultValue = "bezier", paramLabel = "bezier|chain",
            description = "a quadratic Bezier curve or a polygonal chain with one bend (default: ${DEFAULT-VALUE})")
    String curve;

    @Option(names = "--epochs", defaultValue = "100", paramLabel = "N",
            description = "epochs of training the bend over --data (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "32", paramLabel = "N",
            description = "examples per step (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.01", paramLabel = "R",
            description = "Adam's learning rate, decaying to 1% over the second half (default: ${DEFAULT-VALUE})")
    double learningRate;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
            description = "the seed of the training's t samples and example order (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--points", defaultValue = "41", paramLabel = "N",
            description = "values of t from 0 to 1 along the line and the curve (default: ${DEFAULT-VALUE})")
    int points;

    @Option(names = "--grid", defaultValue = "-0.25:1.25:21", paramLabel = "MIN:MAX:N",
            description = "both axes of the plane through start, bend and end, in its coordinates (start at (0, 0), end"
                    + " on the x axis; default: ${DEFAULT-VALUE})")
    Axis grid;

    @Override
    public Integer call() throws IOException {
        Curve shape = shape();
        CurveTrainer.Options options = options();
        if (points < 2 || points > 10_000) {
            throw new BadInput("--points must be between 2 and 10000, was " + points);
        }
        models.lossFunction();
        return compute.run(() -> {
            ImportedModel a = models.from();
            ImportedModel b = models.to();
            if (a.model().numParams() != b.model().numParams()) {
                throw new BadInput(models + " are not one architecture: "
                        + a.model().numParams() + " and " + b.model().numParams() + " parameters");
            }
            if (a.model().params().equals(b.model().params())) {
                throw new BadInput(models + " hold the same parameters: there is nothing to connect");
            }
            DataSet train = compute.trainingData(a.model());
            List<INDArray> anchors = train(shape, a.model(), b.model(), train, options);
            try {
                writeLineAndCurve(shape, anchors, a.model(), train);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Directions plane;
            try {
                plane = Directions.planeOfCurve(shape, anchors, points);
            } catch (IllegalArgumentException e) {
                throw new BadInput("the plane through the curve's start, bend and end: " + ModelFile.firstLine(e));
            }
            return new ComputeOptions.Subject(a.model(), plane, seed, List.of(grid, grid), a.description());
        });
    }

    private List<INDArray> train(Curve shape, Model a, Model b, DataSet train, CurveTrainer.Options options) {
        PrintWriter err = compute.command.commandLine().getErr();
        err.printf(Locale.ROOT, "training the bend of a %s on %d examples: %d epochs%n", shape,
                train.numExamples(), options.epochs());
        err.flush();
        List<INDArray> anchors;
        try {
            CurveTrainer.Progress last = CurveTrainer.training(shape, a, train, a.params(), b.params(), options)
                    .doOnNext(p -> {
                        if (p.endOfEpoch() && (p.epoch() % Math.max(1, p.epochs() / 10) == 0
                                || p.epoch() == p.epochs())) {
                            err.printf(Locale.ROOT, "  epoch %d/%d: mean sampled loss %.4f%n", p.epoch(), p.epochs(),
                                    p.epochLoss());
                            err.flush();
                        }
                    }).blockLast();
            anchors = last.anchors();
        } catch (IllegalArgumentException e) {
            throw new BadInput(models + ": " + ModelFile.firstLine(e));
        }
        return anchors;
    }

    /** connect.csv and connect.png: the loss along the straight line and along the curve; bend.zip. */
    private void writeLineAndCurve(Curve shape, List<INDArray> anchors, Model a, DataSet train) throws IOException {
        Files.createDirectories(compute.out);
        INDArray start = anchors.get(0);
        INDArray end = anchors.get(anchors.size() - 1);
        List<INDArray> straight = List.of(start, start.add(end).muli(0.5), end);
        double[] line = CurveTrainer.lossAlong(PolygonalChain.ONE_BEND, straight, a, train, points);
        double[] along = CurveTrainer.lossAlong(shape, anchors, a, train, points);
        StringBuilder csv = new StringBuilder("t,line_loss,curve_loss\n");
        for (int i = 0; i < points; i++) {
            csv.append(String.format(Locale.ROOT, "%.6f,%.9g,%.9g%n", i / (points - 1.0), line[i], along[i]));
        }
        Files.writeString(compute.out.resolve("connect.csv"), csv);
        Axis t = Axis.linear(0, 1, points);
        Profile profile = Profile.of(t, new MetricKeys(List.of("line", "curve"), List.of("loss")),
                new double[][] {line, along}, new Provenance("connect " + models, seed, List.of(t),
                        shape.toString(), 0, "unknown", List.of()));
        ChartFiles.png(ProfileChart.of(profile, "loss along the straight line and the trained " + shape, false),
                compute.out.resolve("connect.png"), 900, 540);
        Model bend = a instanceof MultiLayerNetwork m ? m.clone() : ((ComputationGraph) a).clone();
        bend.setParams(anchors.get(1).castTo(bend.params().dataType()));
        ModelSerializer.writeModel(bend, compute.out.resolve("bend.zip").toFile(), false);
        PrintWriter out = compute.stdout();
        out.printf(Locale.ROOT, "line: highest loss %.6g at t = %.3f; curve: highest loss %.6g at t = %.3f%n",
                max(line)[0], max(line)[1] / (points - 1), max(along)[0], max(along)[1] / (points - 1));
        out.println("wrote " + compute.out + ": connect.csv, connect.png, bend.zip");
        out.flush();
    }

    /** The largest value and its index. */
    private static double[] max(double[] v) {
        int at = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[at]) {
                at = i;
            }
        }
        return new double[] {v[at], at};
    }

    private Curve shape() {
        return switch (curve.toLowerCase(Locale.ROOT)) {
            case "bezier" -> BezierCurve.QUADRATIC;
            case "chain" -> PolygonalChain.ONE_BEND;
            default -> throw new BadInput("--curve must be bezier or chain, was '" + curve + "'");
        };
    }

    private CurveTrainer.Options options() {
        try {
            return CurveTrainer.Options.defaults().withEpochs(epochs).withBatchSize(batchSize)
                    .withLearningRate(learningRate).withSeed(seed);
        } catch (IllegalArgumentException e) {
            String m = ModelFile.firstLine(e);
            String option = m.startsWith("epochs") ? "--epochs" : m.startsWith("batchSize") ? "--batch-size"
                    : "--learning-rate";
            throw new BadInput(option + ": " + m);
        }
    }
}

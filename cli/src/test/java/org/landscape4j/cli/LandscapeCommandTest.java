package org.landscape4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.EvaluationSet;
import org.landscape4j.engine.Fixtures;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapeSpec;
import org.landscape4j.engine.Normalization;
import org.landscape4j.engine.Profile;
import org.landscape4j.engine.RandomDirections;
import org.landscape4j.io.NpyFile;
import org.landscape4j.io.SurfaceHdf5;
import org.nd4j.linalg.dataset.DataSet;

class LandscapeCommandTest {

    @TempDir
    static Path shared;
    static Path model;
    static Path otherModel;
    static Path csv;

    @TempDir
    Path dir;

    /** What a run printed and returned. */
    record Result(int code, String out, String err) {
        /** The error output's last line (the progress bar may come before it). */
        String reason() {
            String[] lines = err.strip().split("\\R");
            return lines[lines.length - 1];
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LandscapeCommand.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    /** A saved model, a second one of the same architecture and a CSV of evaluation data. */
    record Inputs(Path model, Path otherModel, Path csv) {
    }

    /** Writes the {@link Inputs} into {@code into}. */
    static Inputs writeInputs(Path into) throws IOException {
        DataSet data = Fixtures.blobs(60, 1);
        MultiLayerNetwork net = Fixtures.mlp(data, 3);
        Path model = into.resolve("m.zip");
        ModelSerializer.writeModel(net, model.toFile(), false);
        Path otherModel = into.resolve("b.zip");
        ModelSerializer.writeModel(Fixtures.mlp(data, 6), otherModel.toFile(), false);
        StringBuilder rows = new StringBuilder("f1,f2,f3,f4,class\n");
        for (int i = 0; i < 60; i++) {
            float[] x = data.getFeatures().getRow(i).toFloatVector();
            rows.append(x[0]).append(',').append(x[1]).append(',').append(x[2]).append(',').append(x[3]).append(',')
                    .append(data.getLabels().getRow(i).argMax().getInt(0)).append('\n');
        }
        return new Inputs(model, otherModel, Files.writeString(into.resolve("data.csv"), rows));
    }

    @BeforeAll
    static void files() throws IOException {
        Inputs inputs = writeInputs(shared);
        model = inputs.model();
        otherModel = inputs.otherModel();
        csv = inputs.csv();
    }

    /** A user error: the exit code, one line on stderr with the reason, and no stack trace. */
    private static void assertUserError(Result r, String reason) {
        assertThat(r.code()).as(r.err()).isEqualTo(LandscapeCommand.EXIT_BAD_INPUT);
        assertThat(r.reason()).isEqualTo(reason);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void surfaceWritesTheReferenceFileChartsAndCheckpointAndResumes() throws IOException {
        Path out = dir.resolve("run");
        Result first = run("surface", "--model", model.toString(), "--data", csv.toString(), "--grid", "-1:1:5",
                "--norm", "filter", "--seed", "1", "--out", out.toString());
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.err()).contains("25/25").contains("100.0%");
        for (String f : new String[] {"surface.h5", "directions.h5", "surface.csv", "train_loss.npy",
                "train_loss.vtp", "train_loss-heatmap.png", "train_loss-3d.png", "landscape.ckpt"}) {
            assertThat(out.resolve(f)).isNotEmptyFile();
        }
        SurfaceHdf5.Contents c = SurfaceHdf5.read(out.resolve("surface.h5"));
        assertThat(c.shape()).containsExactly(5, 5);
        assertThat(c.datasets()).containsOnlyKeys("train_loss", "train_acc");
        assertThat(c.datasets().get("train_loss")).doesNotContain(SurfaceHdf5.UNFINISHED);

        Result again = run("surface", "--model", model.toString(), "--data", csv.toString(), "--grid", "-1:1:5",
                "--out", out.toString());
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("25 points restored, 0 computed");
        assertThat(SurfaceHdf5.read(out.resolve("surface.h5")).datasets().get("train_loss"))
                .containsExactly(c.datasets().get("train_loss"));

        Result plot = run("plot", out.toString());
        assertThat(plot.code()).isZero();
        assertThat(plot.out()).contains("train_loss-heatmap.png");
        byte[] logScale = Files.readAllBytes(out.resolve("train_loss-heatmap.png"));
        double[] loss = c.datasets().get("train_loss");
        double mid = (java.util.Arrays.stream(loss).min().orElseThrow() + java.util.Arrays.stream(loss).max()
                .orElseThrow()) / 2;
        Result ranged = run("plot", out.toString(), "--scale", "linear", "--vmax", Double.toString(mid), "--levels",
                "4");
        assertThat(ranged.code()).as(ranged.err()).isZero();
        assertThat(Files.readAllBytes(out.resolve("train_loss-heatmap.png"))).as("drawn with the options")
                .isNotEqualTo(logScale);
    }

    /**
     * With {@code --window} the command writes its files, then opens the Explorer on the computed surface and ends
     * when the window is closed; without a display it refuses before any work.
     */
    @Test
    void surfaceWithWindowOpensTheExplorerOnTheWrittenSurface() throws Exception {
        Path out = dir.resolve("window");
        String[] args = {"surface", "--model", model.toString(), "--data", csv.toString(), "--grid", "-1:1:5",
                "--out", out.toString(), "--window"};
        if (java.awt.GraphicsEnvironment.isHeadless()) {
            assertUserError(run(args), "landscape: --window needs a display (no DISPLAY here; on a server run it"
                    + " under xvfb-run)");
            assertThat(out).doesNotExist();
            return;
        }
        java.util.concurrent.CompletableFuture<Result> running =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> run(args));
        java.awt.Frame window = null;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (window == null && System.nanoTime() < deadline) {
            for (java.awt.Frame f : java.awt.Frame.getFrames()) {
                if (f.isShowing() && f.getTitle().equals("Loss landscape explorer")) {
                    window = f;
                }
            }
            Thread.sleep(50);
        }
        assertThat(window).as("the Explorer's window").isNotNull();
        assertThat(out.resolve("surface.h5")).as("written before the window opens").isNotEmptyFile();
        assertThat(running).isNotDone();

        javax.swing.SwingUtilities.invokeAndWait(window::dispose);
        Result r = running.get(30, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + out).contains("opened the Explorer");
    }

    @Test
    void lineAndInterpolateWriteProfiles() {
        Result line = run("line", "--model", model.toString(), "--data", csv.toString(), "--grid", "-1:1:7",
                "--out", dir.resolve("line").toString());
        assertThat(line.code()).as(line.err()).isZero();
        assertThat(dir.resolve("line/line.h5")).isNotEmptyFile();
        assertThat(dir.resolve("line/profile.png")).isNotEmptyFile();

        Result interp = run("interpolate", "--from", model.toString(), "--to", otherModel.toString(), "--data",
                csv.toString(), "--grid", "0:1:5", "--out", dir.resolve("interp").toString());
        assertThat(interp.code()).as(interp.err()).isZero();
        assertThat(interp.out()).contains("interpolation towards another model");
        assertThat(run("plot", dir.resolve("interp").toString()).code()).isZero();
    }

    @Test
    void lineWritesEveryFileWithTheValuesTheLibraryComputes() throws IOException {
        Path out = dir.resolve("line");
        Result r = run("line", "--model", model.toString(), "--data", csv.toString(), "--grid", "-1:1:7", "--out",
                out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("wrote " + java.util.regex.Pattern.quote(out.toString())
                + " \\(\\d+\\.\\d kB\\): line.h5, directions.h5, line.csv, train_loss.npy, train_accuracy.npy,"
                + " profile.png");

        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(model.toFile(), false);
        Landscape compiled = Landscape.compile(new LandscapeSpec(net, new RandomDirections(Normalization.FILTER, false,
                false), 1, List.of(Axis.linear(-1, 1, 7)), List.of(EvaluationSet.of("train",
                EvaluationData.load(csv, "train", net, Integer.MAX_VALUE))), List.of()));
        Profile expected = compiled.profile();

        // --save-directions npy: the direction once, in float32, [1, P] in DL4J's flat layout
        Path npy = dir.resolve("line-npy");
        assertThat(run("line", "--model", model.toString(), "--data", csv.toString(), "--grid", "-1:1:7",
                "--save-directions", "npy", "--out", npy.toString()).code()).isZero();
        assertThat(npy.resolve("directions.h5")).doesNotExist();
        NpyFile saved = NpyFile.read(npy.resolve("directions.npy"));
        assertThat(saved.shape()).containsExactly(1, net.numParams());
        float[] direction = compiled.directions()[0].toFloatVector();
        for (int i = 0; i < direction.length; i++) {
            assertThat(saved.values()[i]).isEqualTo((double) direction[i]);
        }
        assertThat(Files.size(npy.resolve("directions.npy"))).isLessThan(128 + 4L * net.numParams() + 1);
        assertThat(run("line", "--model", model.toString(), "--data", csv.toString(), "--grid", "-1:1:7",
                "--save-directions", "none", "--out", dir.resolve("line-none").toString()).out())
                .doesNotContain("directions");
        StringWriter expectedCsv = new StringWriter();
        expected.writeCsv(expectedCsv);
        assertThat(Files.readString(out.resolve("line.csv"))).isEqualTo(expectedCsv.toString());
        assertThat(NpyFile.read(out.resolve("train_loss.npy")).values())
                .containsExactly(expected.values("train", "loss"));
        assertThat(r.out()).contains(expected.toString());
    }

    @Test
    void normalizeGivesTheSurfaceOfDataNormalizedBeforehand() throws IOException {
        List<String> rows = Files.readAllLines(csv);
        StringBuilder normalized = new StringBuilder(rows.get(0)).append('\n');
        for (String row : rows.subList(1, rows.size())) {
            String[] cells = row.split(",");
            for (int c = 0; c < 4; c++) {
                normalized.append((Float.parseFloat(cells[c]) - 0.25f) / 2f).append(',');
            }
            normalized.append(cells[4]).append('\n');
        }
        Path pre = Files.writeString(dir.resolve("normalized.csv"), normalized);
        Result a = run("line", "--model", model.toString(), "--data", csv.toString(), "--normalize", "0.25,2",
                "--grid", "-1:1:5", "--out", dir.resolve("a").toString());
        Result b = run("line", "--model", model.toString(), "--data", pre.toString(), "--grid", "-1:1:5", "--out",
                dir.resolve("b").toString());
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(b.code()).as(b.err()).isZero();
        double[] got = NpyFile.read(dir.resolve("a").resolve("train_loss.npy")).values();
        double[] want = NpyFile.read(dir.resolve("b").resolve("train_loss.npy")).values();
        double[] plain = NpyFile.read(run("line", "--model", model.toString(), "--data", csv.toString(), "--grid",
                "-1:1:5", "--out", dir.resolve("c").toString()).code() == 0 ? dir.resolve("c").resolve(
                "train_loss.npy") : null).values();
        for (int i = 0; i < got.length; i++) {
            assertThat(got[i]).isCloseTo(want[i], org.assertj.core.api.Assertions.within(1e-5 * Math.abs(want[i])));
        }
        assertThat(got).as("the normalization changes the losses").isNotEqualTo(plain);
    }

    @Test
    void csvWithAHeaderQuotedCellsAndSemicolonsReads() throws IOException {     // bad lines: BadInputTest
        Path quoted = Files.writeString(dir.resolve("quoted.csv"),
                "\"f1\";\"f2\";\"f3\";\"f4\";\"class\"\n\"1.5\"; 2; 3; 4; 0\n1; 2; 3; 4; 1\n");
        Result read = run("line", "--model", model.toString(), "--data", quoted.toString(), "--grid", "-1:1:3",
                "--out", dir.resolve("q").toString());
        assertThat(read.code()).as(read.err()).isZero();
    }

    /** A CNN built with InputType.convolutional takes the CSV's flat rows as square image tensors. */
    @Test
    void flatRowsBecomeImageTensorsForACnnThatTakesThem() throws IOException {
        MultiLayerNetwork cnn = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .seed(3).list()
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(2).build())
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nOut(3)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.convolutional(4, 4, 1)).build());
        cnn.init();
        Path zip = dir.resolve("cnn.zip");
        ModelSerializer.writeModel(cnn, zip.toFile(), false);
        StringBuilder rows = new StringBuilder();
        for (int r = 0; r < 6; r++) {
            for (int p = 0; p < 16; p++) {
                rows.append((r * 16 + p) % 7 / 7.0).append(',');
            }
            rows.append(r % 3).append('\n');
        }
        Path images = Files.writeString(dir.resolve("images.csv"), rows);
        Result r = run("line", "--model", zip.toString(), "--data", images.toString(), "--grid", "-1:1:3", "--out",
                dir.resolve("cnn").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(dir.resolve("cnn/line.csv"))).contains("train_loss");
    }

    @Test
    void checkpointOfAnotherRunIsRefused() {
        Path out = dir.resolve("run");
        assertThat(run("line", "--model", model.toString(), "--data", csv.toString(), "--grid", "-1:1:3", "--seed",
                "1", "--out", out.toString()).code()).isZero();
        Result r = run("line", "--model", model.toString(), "--data", csv.toString(), "--grid", "-1:1:3", "--seed",
                "2", "--out", out.toString());
        assertThat(r.code()).isEqualTo(LandscapeCommand.EXIT_BAD_INPUT);
        assertThat(r.reason()).startsWith("landscape: checkpoint " + out.resolve("landscape.ckpt")
                + " was written for another run; what differs: directions (checkpoint: random filter-normalized,");
    }

    @Test
    void aSecondRunOnTheSameOutIsRefusedInOneLine() throws IOException {
        Path out = dir.resolve("busy");
        String[] args = {"line", "--model", model.toString(), "--data", csv.toString(), "--grid", "-1:1:3", "--out",
                out.toString()};
        assertThat(run(args).code()).isZero();
        Path checkpoint = out.resolve("landscape.ckpt");
        try (var ch = java.nio.channels.FileChannel.open(checkpoint, java.nio.file.StandardOpenOption.WRITE);
             var lock = ch.lock()) {                                  // as a run that is still writing holds it
            assertUserError(run(args), "landscape: checkpoint " + checkpoint + " is in use by another run; wait for it"
                    + " to finish or use another output directory");
        }
    }
}

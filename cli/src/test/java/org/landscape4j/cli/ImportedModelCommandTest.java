package org.landscape4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.jhdf.HdfFile;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.landscape4j.engine.Fixtures;
import org.landscape4j.io.SurfaceHdf5;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The CLI on models from elsewhere: a PyTorch CNN (ONNX, batch norm, a residual add) along loss-landscape's own
 * direction file gives loss-landscape's own surface.h5 numbers; the other direction sources; and the bad input of
 * the new options, as a table of arguments, exit code 2 and the one line printed.
 */
class ImportedModelCommandTest {

    /** The models module's PyTorch fixtures (made by models/src/test/python). */
    static final Path ONNX = Path.of("..", "models", "src", "test", "resources", "org", "landscape4j", "models",
            "onnx");

    @TempDir
    static Path shared;
    static Path cnnData;
    static Path zip;
    static Path csv;
    static Path snapshots;

    @TempDir
    Path dir;

    @BeforeAll
    static void files() throws Exception {
        Map<String, INDArray> npz = Nd4j.createFromNpzFile(new File(ONNX.resolve("cnn-data.npz").toString()));
        INDArray x = (npz.containsKey("x") ? npz.get("x") : npz.get("x.npy")).castTo(DataType.FLOAT);
        INDArray y = npz.containsKey("y") ? npz.get("y") : npz.get("y.npy");
        INDArray labels = Nd4j.zeros(DataType.FLOAT, y.length(), 10);
        for (int i = 0; i < y.length(); i++) {
            labels.putScalar(i, y.getLong(i), 1.0);
        }
        cnnData = shared.resolve("cnn.bin");
        new DataSet(x, labels).save(cnnData.toFile());
        LandscapeCommandTest.Inputs inputs = LandscapeCommandTest.writeInputs(shared);
        zip = inputs.model();
        csv = inputs.csv();
        snapshots = Files.createDirectories(shared.resolve("snapshots"));
        DataSet blobs = Fixtures.blobs(60, 1);
        for (int epochs : new int[] {1, 2, 4, 10}) {
            ModelSerializer.writeModel(Fixtures.mlp(blobs, epochs), snapshots.resolve("epoch" + epochs + ".zip")
                    .toFile(), false);
        }
    }

    @Test
    void pytorchCnnAlongLossLandscapesDirectionFileGivesLossLandscapesSurface() throws IOException {
        for (String kind : new String[] {"weights", "states"}) {
            Path out = dir.resolve(kind);
            LandscapeCommandTest.Result r = LandscapeCommandTest.run("surface", "--model",
                    ONNX.resolve("cnn.onnx").toString(), "--loss", "cross-entropy", "--data", cnnData.toString(),
                    "--directions", ONNX.resolve("ll-" + kind + "-directions.h5").toString(), "--grid", "-1:1:5",
                    "--out", out.toString(), "--workers", "1");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("model: ONNX ir").contains("appended: ")
                    .contains("loss-landscape direction file ll-" + kind + "-directions.h5 (" + kind);
            assertThat(Files.readString(out.resolve("model.txt"))).contains("CrossEntropyLoss");

            double[] got = SurfaceHdf5.read(out.resolve("surface.h5")).datasets().get("train_loss");
            double[] gotAcc = SurfaceHdf5.read(out.resolve("surface.h5")).datasets().get("train_acc");
            double[][] want;
            double[][] wantAcc;
            try (HdfFile h5 = new HdfFile(ONNX.resolve("ll-" + kind + "-surface.h5"))) {
                want = (double[][]) h5.getDatasetByPath("train_loss").getData();
                wantAcc = (double[][]) h5.getDatasetByPath("train_acc").getData();
            }
            double worst = 0;
            for (int i = 0; i < 25; i++) {
                double w = want[i / 5][i % 5];
                double rel = Math.abs(got[i] - w) / Math.abs(w);
                worst = Math.max(worst, rel);
                assertThat(rel).as("%s point %d: CLI %s, loss-landscape %s", kind, i, got[i], w)
                        .isLessThanOrEqualTo(1e-5);
                // accuracy in percent (LL) vs a fraction or percent here: within one of 32 samples either way
                double a = gotAcc[i] <= 1.0 ? gotAcc[i] * 100 : gotAcc[i];
                assertThat(Math.abs(a - wantAcc[i / 5][i % 5]) / 100 * 32).as("%s accuracy %d", kind, i)
                        .isLessThanOrEqualTo(1.0);
            }
            System.out.printf("CLI surface, LL %s directions: worst relative loss difference to LL's surface.h5"
                    + " %.3g%n", kind, worst);
        }
    }

    @Test
    void aKeras3ArchiveBringsItsLossAndGivesKerasLossAtTheCentre() throws Exception {
        Path keras = ONNX.resolveSibling("keras");
        Map<String, INDArray> io = Nd4j.createFromNpzFile(new File(keras.resolve("residual-io.npz").toString()));
        INDArray x = io.get("x");
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < x.rows(); i++) {
            for (float v : x.getRow(i).toFloatVector()) {
                rows.append(v).append(',');
            }
            rows.append(io.get("labels").getRow(i).argMax().getInt(0)).append('\n');
        }
        Path data = Files.writeString(dir.resolve("residual.csv"), rows);
        Path out = dir.resolve("keras");
        LandscapeCommandTest.Result r = LandscapeCommandTest.run("surface", "--model",
                keras.resolve("residual.keras").toString(), "--data", data.toString(), "--grid", "-1:1:3",
                "--out", out.toString(), "--workers", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(out.resolve("model.txt"))).contains("Keras 3.10.0 Functional model")
                .contains("loss: the file's compile_config, 'categorical_crossentropy'");
        double centre = SurfaceHdf5.read(out.resolve("surface.h5")).datasets().get("train_loss")[4];
        double want = io.get("loss").getDouble(0);
        assertThat(Math.abs(centre - want) / want).isLessThan(1e-5);
    }

    @Test
    void flatCsvRowsForAnImportedCnnAreItsImagesAndItsClassesTheLogits() throws IOException {
        DataSet d = new DataSet();
        d.load(cnnData.toFile());
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < d.numExamples(); i++) {
            float[] x = d.getFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).dup().data().asFloat();
            for (float v : x) {
                rows.append(v).append(',');
            }
            rows.append(d.getLabels().getRow(i).argMax().getInt(0)).append('\n');
        }
        Path flat = Files.writeString(dir.resolve("cnn.csv"), rows);
        Path out = dir.resolve("csv");
        LandscapeCommandTest.Result r = LandscapeCommandTest.run("surface", "--model",
                ONNX.resolve("cnn.onnx").toString(), "--loss", "cross-entropy", "--data", flat.toString(),
                "--directions", ONNX.resolve("ll-weights-directions.h5").toString(), "--grid", "-1:1:3",
                "--out", out.toString(), "--workers", "1");
        assertThat(r.code()).as(r.err()).isZero();
        double[] got = SurfaceHdf5.read(out.resolve("surface.h5")).datasets().get("train_loss");
        double[][] want;
        try (HdfFile h5 = new HdfFile(ONNX.resolve("ll-weights-surface.h5"))) {
            want = (double[][]) h5.getDatasetByPath("train_loss").getData();
        }
        for (int i = 0; i < 9; i++) {
            double w = want[2 * (i / 3)][2 * (i % 3)];
            assertThat(Math.abs(got[i] - w) / w).as("point %d", i).isLessThanOrEqualTo(1e-5);
        }
    }

    /** The data a PyTorch user writes with {@code np.savez(f, x=..., y=...)}: the same surface as loss-landscape's. */
    @Test
    void numpyArchiveAsPyTorchUsersWriteItGivesLossLandscapesSurface() throws IOException {
        Path out = dir.resolve("npz");
        LandscapeCommandTest.Result r = LandscapeCommandTest.run("surface", "--model",
                ONNX.resolve("cnn.onnx").toString(), "--loss", "cross-entropy", "--data",
                ONNX.resolve("cnn-data.npz").toString(), "--directions",
                ONNX.resolve("ll-weights-directions.h5").toString(), "--grid", "-1:1:3", "--out", out.toString(),
                "--workers", "1");
        assertThat(r.code()).as(r.err()).isZero();
        double[] got = SurfaceHdf5.read(out.resolve("surface.h5")).datasets().get("train_loss");
        double[][] want;
        try (HdfFile h5 = new HdfFile(ONNX.resolve("ll-weights-surface.h5"))) {
            want = (double[][]) h5.getDatasetByPath("train_loss").getData();
        }
        for (int i = 0; i < 9; i++) {
            double w = want[2 * (i / 3)][2 * (i % 3)];
            assertThat(Math.abs(got[i] - w) / w).as("point %d", i).isLessThanOrEqualTo(1e-5);
        }
    }

    /** {@code source}'s entries copied into a new archive, renamed by {@code names} (old name, new name, ...). */
    static Path renamedNpz(Path source, Path target, String... names) throws IOException {
        Map<String, String> rename = new java.util.HashMap<>();
        for (int i = 0; i < names.length; i += 2) {
            rename.put(names[i] + ".npy", names[i + 1] + ".npy");
        }
        try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(source.toFile());
             java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(target))) {
            for (var e : java.util.Collections.list(in.entries())) {
                out.putNextEntry(new java.util.zip.ZipEntry(rename.getOrDefault(e.getName(), e.getName())));
                try (var bytes = in.getInputStream(e)) {
                    bytes.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return target;
    }

    @Test
    void numpyArchivesThatDoNotFitAreOneLineAndExitTwo() throws IOException {
        Path images = renamedNpz(ONNX.resolve("cnn-data.npz"), shared.resolve("images.npz"), "x", "images");
        LandscapeCommandTest.Result r = LandscapeCommandTest.run("surface", "--model",
                ONNX.resolve("cnn.onnx").toString(), "--loss", "cross-entropy", "--data", images.toString(),
                "--grid", "-1:1:3", "--out", dir.resolve("a").toString());
        assertThat(r.code()).isEqualTo(LandscapeCommand.EXIT_BAD_INPUT);
        assertThat(r.err().strip()).isEqualTo("landscape: --data: " + images + " holds the arrays [images, y], none"
                + " named for the features (x, features, X, inputs, data); write it as np.savez(\"data.npz\","
                + " x=features, y=labels)");
        LandscapeCommandTest.Result mlpData = LandscapeCommandTest.run("surface", "--model",
                ONNX.resolve("cnn.onnx").toString(), "--loss", "cross-entropy", "--data",
                ONNX.resolve("mlp-data.npz").toString(), "--grid", "-1:1:3", "--out", dir.resolve("b").toString());
        assertThat(mlpData.code()).isEqualTo(LandscapeCommand.EXIT_BAD_INPUT);
        assertThat(mlpData.err().strip()).contains("does not fit the network (features [32, 20], labels [32, 10])")
                .doesNotContain("\n");
    }

    @Test
    void planeThroughThreeModelsPcaOfSnapshotsAndHessianDirections() {
        Path[] s = {snapshots.resolve("epoch1.zip"), snapshots.resolve("epoch4.zip"), snapshots.resolve("epoch10.zip")};
        LandscapeCommandTest.Result plane = LandscapeCommandTest.run("surface", "--plane-through", s[0].toString(),
                s[1].toString(), s[2].toString(), "--data", csv.toString(), "--grid", "-0.5:1.5:3", "--out",
                dir.resolve("plane").toString());
        assertThat(plane.code()).as(plane.err()).isZero();
        assertThat(plane.out()).contains("plane through three models");

        LandscapeCommandTest.Result pca = LandscapeCommandTest.run("surface", "--pca", snapshots.toString(),
                "--data", csv.toString(), "--grid", "-1:1:3", "--out", dir.resolve("pca").toString());
        assertThat(pca.code()).as(pca.err()).isZero();
        assertThat(pca.out()).contains("centred PCA of a 4-snapshot trajectory");
        assertThat(dir.resolve("pca").resolve("trajectory.csv")).as("the PCA path, drawn and written").exists();

        LandscapeCommandTest.Result hessian = LandscapeCommandTest.run("line", "--model", zip.toString(),
                "--hessian", "--data", csv.toString(), "--grid", "-1:1:3", "--out", dir.resolve("h").toString());
        assertThat(hessian.code()).as(hessian.err()).isZero();
        assertThat(hessian.out()).contains("Hessian eigenvectors, eigenvalues");
    }

    @Test
    void aTrajectoryIsProjectedOntoThePlaneDrawnAndWrittenInLossLandscapesLayout() throws IOException {
        // the training run's snapshots, and the centre model itself as the last one: it projects to (0, 0), exactly
        Path run = Files.createDirectories(dir.resolve("run"));
        for (String f : new String[] {"epoch1.zip", "epoch2.zip", "epoch4.zip"}) {
            Files.copy(snapshots.resolve(f), run.resolve(f));
        }
        Files.copy(zip, run.resolve("epoch9.zip"));
        Path out = dir.resolve("traj");
        LandscapeCommandTest.Result r = LandscapeCommandTest.run("surface", "--model", zip.toString(), "--data",
                csv.toString(), "--grid", "-1:1:3", "--trajectory", run.toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("trajectory.csv", "trajectory.h5");
        List<String> rows = Files.readAllLines(out.resolve("trajectory.csv"));
        assertThat(rows.get(0)).isEqualTo("snapshot,x,y,relative_residual");
        assertThat(rows.subList(1, rows.size()).stream().map(l -> l.split(",")[0]))
                .containsExactly("epoch1.zip", "epoch2.zip", "epoch4.zip", "epoch9.zip");
        double[][] ll = org.landscape4j.io.TrajectoryHdf5.read(out.resolve("trajectory.h5"));
        for (int i = 0; i < 4; i++) {
            String[] cells = rows.get(i + 1).split(",");
            assertThat(ll[0][i]).isEqualTo(Double.parseDouble(cells[1]));
            assertThat(ll[1][i]).isEqualTo(Double.parseDouble(cells[2]));
        }
        assertThat(ll[0][3]).isZero();
        assertThat(ll[1][3]).isZero();
        assertThat(Math.abs(ll[0][0]) + Math.abs(ll[1][0])).as("an earlier snapshot lies off the centre").isPositive();

        assertThat(LandscapeCommandTest.run("plot", out.toString()).code()).isZero();
        LandscapeCommandTest.Result missing = LandscapeCommandTest.run("surface", "--model", zip.toString(), "--data",
                csv.toString(), "--trajectory", shared.resolve("missing").toString(), "--out",
                dir.resolve("x").toString());
        assertThat(missing.code()).isEqualTo(LandscapeCommand.EXIT_BAD_INPUT);
        assertThat(missing.err()).contains("--trajectory: " + shared.resolve("missing")
                + " is not a directory of model snapshots");
    }

    @Test
    void interpolateTakesOnnxModelsWithALoss() throws Exception {
        Path out = dir.resolve("interp");
        String mlp = ONNX.resolve("mlp.onnx").toString();
        LandscapeCommandTest.Result r = LandscapeCommandTest.run("interpolate", "--from", mlp, "--to", mlp, "--loss",
                "cross-entropy", "--data", ONNX.resolve("mlp-data.npz").toString(), "--grid", "0:1:3", "--out",
                out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        double[] line = SurfaceHdf5.read(out.resolve("line.h5")).datasets().get("train_loss");
        Map<String, INDArray> plane = Nd4j.createFromNpzFile(new File(ONNX.resolve("mlp-plane.npz").toString()));
        double want = plane.get("loss64").getDouble(2, 2); // PyTorch's float64 loss at the centre of its 5x5 plane
        for (double v : line) {
            assertThat(Math.abs(v - want) / want).as("a model interpolated with itself: its loss all along")
                    .isLessThan(1e-5);
        }
        LandscapeCommandTest.Result noLoss = LandscapeCommandTest.run("interpolate", "--from", mlp, "--to", mlp,
                "--data", ONNX.resolve("mlp-data.npz").toString(), "--out", dir.resolve("x").toString());
        assertThat(noLoss.code()).isEqualTo(LandscapeCommand.EXIT_BAD_INPUT);
        assertThat(noLoss.err()).contains("--from: an ONNX model carries no loss");
    }

    @Test
    void lossLandscapesFlagsGiveTheSameSurfacesAsThisCommandLinesOwn() throws IOException {
        String mlp = ONNX.resolve("mlp.onnx").toString();
        String data = ONNX.resolve("mlp-data.npz").toString();
        LandscapeCommandTest.Result own = LandscapeCommandTest.run("surface", "--model", mlp, "--loss",
                "cross-entropy", "--data", data, "--grid", "-1:1:3", "--ygrid", "-0.5:0.5:3", "--norm", "filter",
                "--out", dir.resolve("own").toString());
        LandscapeCommandTest.Result ll = LandscapeCommandTest.run("surface", "--model_file", mlp, "--loss_name",
                "crossentropy", "--data", data, "--x=-1:1:3", "--y=-0.5:0.5:3", "--xnorm", "filter", "--ynorm",
                "filter", "--xignore", "biasbn", "--yignore", "biasbn", "--dir_type", "weights", "--out",
                dir.resolve("ll").toString());
        assertThat(own.code()).as(own.err()).isZero();
        assertThat(ll.code()).as(ll.err()).isZero();
        assertThat(Files.readString(dir.resolve("ll").resolve("surface.csv")))
                .isEqualTo(Files.readString(dir.resolve("own").resolve("surface.csv")));

        Path[] s = {snapshots.resolve("epoch1.zip"), snapshots.resolve("epoch4.zip"), snapshots.resolve("epoch10.zip")};
        LandscapeCommandTest.Result through = LandscapeCommandTest.run("surface", "--plane-through", s[0].toString(),
                s[1].toString(), s[2].toString(), "--data", csv.toString(), "--grid", "-0.5:1.5:3", "--out",
                dir.resolve("through").toString());
        LandscapeCommandTest.Result files = LandscapeCommandTest.run("surface", "--model_file", s[0].toString(),
                "--model_file2", s[1].toString(), "--model_file3", s[2].toString(), "--data", csv.toString(), "--x",
                "-0.5:1.5:3", "--out", dir.resolve("files").toString());
        assertThat(files.code()).as(files.err()).isZero();
        assertThat(Files.readString(dir.resolve("files").resolve("surface.csv")))
                .isEqualTo(Files.readString(dir.resolve("through").resolve("surface.csv")));
    }

    @Test
    void snapshotsAreInFileNameOrderWithNumbersByValue() {
        assertThat(RandomDirectionOptions.snapshots(snapshots).stream().map(p -> p.getFileName().toString()))
                .containsExactly("epoch1.zip", "epoch2.zip", "epoch4.zip", "epoch10.zip");
    }

    /** The bad-input table of the new options: arguments, then the line printed (exit code 2, no stack trace). */
    static List<Arguments> badInput() throws IOException {
        Path two = Files.createDirectories(shared.resolve("two"));
        Files.copy(zip, two.resolve("a.zip"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(zip, two.resolve("b.zip"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path text = Files.writeString(shared.resolve("notes.txt"), "not a model\n");
        Path missing = shared.resolve("missing.h5");
        String onnx = ONNX.resolve("cnn.onnx").toString();
        String dirs = ONNX.resolve("ll-weights-directions.h5").toString();
        List<Arguments> rows = new ArrayList<>();
        rows.add(Arguments.of(List.of("surface", "--model", onnx, "--data", cnnData.toString()),
                "landscape: --model: an ONNX model carries no loss: give one (cross-entropy or mse), e.g."
                        + " Models.load(path, Loss.CROSS_ENTROPY) or --loss cross-entropy"));
        rows.add(Arguments.of(List.of("surface", "--model", zip.toString(), "--loss", "mse", "--data", csv.toString()),
                "landscape: --model: m.zip is a DL4J network, whose output layers carry their own loss: a loss option"
                        + " (mse) applies to ONNX and Keras files only"));
        rows.add(Arguments.of(List.of("surface", "--model", onnx, "--loss", "hinge", "--data", cnnData.toString()),
                "landscape: --loss: unknown loss 'hinge', known: cross-entropy, mse"));
        rows.add(Arguments.of(List.of("line", "--model", text.toString(), "--data", csv.toString()),
                "landscape: --model: notes.txt is not a model file this library reads: neither a DL4J zip, a Keras"
                        + " HDF5 file nor an ONNX model (it starts with 0x6e6f742061206d6f)"));
        rows.add(Arguments.of(List.of("surface", "--model", onnx, "--loss", "ce", "--directions", dirs, "--hessian",
                "--data", cnnData.toString()), "landscape: --directions and --hessian are two sources of directions:"
                        + " give one"));
        rows.add(Arguments.of(List.of("surface", "--model", onnx, "--loss", "ce", "--directions", missing.toString(),
                "--data", cnnData.toString()), "landscape: --directions: direction file " + missing
                        + " does not exist or is not a file"));
        rows.add(Arguments.of(List.of("surface", "--model", zip.toString(), "--directions", dirs, "--data",
                csv.toString()), "landscape: --directions: direction file " + dirs + ": loss-landscape direction"
                        + " files are read for PyTorch networks imported from ONNX, the model is a DL4J file"));
        rows.add(Arguments.of(List.of("surface", "--model", ONNX.resolve("mlp.onnx").toString(), "--loss", "ce",
                "--directions", dirs, "--data", csv.toString()), "landscape: --directions: direction file " + dirs
                        + ": /xdirection holds 16 tensors, the model has 6 parameters (LL's weights directions) and 6"
                        + " state_dict entries (states)"));
        rows.add(Arguments.of(List.of("surface", "--plane-through", zip.toString(), zip.toString(),
                missing.toString(), "--data", csv.toString()), "landscape: --plane-through: model file " + missing
                        + " does not exist"));
        rows.add(Arguments.of(List.of("surface", "--model", zip.toString(), "--plane-through", zip.toString(),
                zip.toString(), zip.toString(), "--data", csv.toString()), "landscape: --plane-through A B C draws"
                        + " the plane around A: leave out --model " + zip));
        rows.add(Arguments.of(List.of("surface", "--pca", two.toString(), "--data", csv.toString()),
                "landscape: --pca: " + two + " holds 2 model files; a trajectory needs at least 3 snapshots"));
        rows.add(Arguments.of(List.of("surface", "--pca", text.toString(), "--data", csv.toString()),
                "landscape: --pca: " + text + " is not a directory of model snapshots"));
        rows.add(Arguments.of(List.of("surface", "--pca", snapshots.toString(), "--directions", dirs, "--data",
                csv.toString()), "landscape: --directions and --pca are two sources of directions: give one"));
        return rows;
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badInput")
    void badInputIsOneLineAndExitTwo(List<String> args, String line) {
        List<String> all = new ArrayList<>(args);
        all.add("--out");
        all.add(dir.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LandscapeCommand.execute(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as(err.toString()).isEqualTo(LandscapeCommand.EXIT_BAD_INPUT);
        assertThat(err.toString().strip()).isEqualTo(line);
        assertThat(dir).isEmptyDirectory();
    }
}

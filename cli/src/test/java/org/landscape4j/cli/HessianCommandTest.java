package org.landscape4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.landscape4j.engine.curvature.Eigenvalues;
import org.landscape4j.engine.curvature.Hessian;
import org.nd4j.linalg.dataset.DataSet;

/** {@code landscape hessian} writes the numbers the API gives for the same model, data and seed. */
class HessianCommandTest {

    @TempDir
    Path dir;

    @Test
    void theCommandsNumbersAreTheApisAndItsFilesHoldThem() throws Exception {
        LandscapeCommandTest.Inputs inputs = LandscapeCommandTest.writeInputs(dir);
        Path out = dir.resolve("hessian");
        LandscapeCommandTest.Result r = LandscapeCommandTest.run("hessian", "--model", inputs.model().toString(),
                "--data", inputs.csv().toString(), "--top", "3", "--probes", "20", "--per-layer", "--density",
                "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Hessian top 3 eigenvalues").contains("Hessian trace")
                .contains("wrote " + out + ": hessian.txt, eigenvalues.csv, layers.csv, density.csv, density.png");
        for (String f : new String[] {"hessian.txt", "eigenvalues.csv", "layers.csv", "density.csv", "density.png"}) {
            assertThat(out.resolve(f)).isNotEmptyFile();
        }

        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(inputs.model().toFile(), false);
        DataSet data = EvaluationData.load(inputs.csv(), "train", net, Integer.MAX_VALUE);
        double[] want;
        double trace;
        try (Hessian h = Hessian.of(net, data, Hessian.Options.DEFAULT.withSeed(1))) {
            Eigenvalues e = h.eigenvalues(3);
            want = e.values();
            trace = h.trace(20).trace();
        }
        List<String> rows = Files.readAllLines(out.resolve("eigenvalues.csv"));
        assertThat(rows.get(0)).isEqualTo("rank,eigenvalue,residual_norm,relative_residual,converged");
        assertThat(rows).hasSize(4);
        for (int i = 0; i < 3; i++) {
            String[] cells = rows.get(i + 1).split(",");
            assertThat(Double.parseDouble(cells[1])).as("eigenvalue " + (i + 1)).isEqualTo(want[i]);
            assertThat(cells[4]).isEqualTo("true");
        }
        assertThat(want[0]).isGreaterThanOrEqualTo(want[1]).isGreaterThanOrEqualTo(want[2]);
        assertThat(Files.readString(out.resolve("hessian.txt")))
                .contains(String.format(java.util.Locale.ROOT, "Hessian trace %.6g", trace));
        assertThat(Files.readAllLines(out.resolve("layers.csv")).get(0))
                .isEqualTo("layer,parameters,trace,standard_error,lambda_max,relative_residual");
    }

    @Test
    void curvatureMapsAreComputedWrittenAndDrawnAndEqualTheApisHessianAtTheCentre() throws Exception {
        LandscapeCommandTest.Inputs inputs = LandscapeCommandTest.writeInputs(dir);
        Path out = dir.resolve("curvature");
        LandscapeCommandTest.Result r = LandscapeCommandTest.run("surface", "--model", inputs.model().toString(),
                "--data", inputs.csv().toString(), "--grid", "-0.5:0.5:3", "--curvature", "lmin,lmax,trace",
                "--curvature-probes", "4", "--workers", "1", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        for (String f : new String[] {"train_lambda_min.npy", "train_lambda_max.npy", "train_hessian_trace.npy",
            "train_lambda_min-heatmap.png", "train_lambda_max-heatmap.png", "train_hessian_trace-heatmap.png",
            "train_convexity.png", "train_loss-heatmap.png"}) {
            assertThat(out.resolve(f)).as(f).isNotEmptyFile();
        }
        java.util.Map<String, double[]> saved = org.landscape4j.io.SurfaceHdf5.read(out.resolve("surface.h5"))
                .datasets();
        assertThat(saved).containsKeys("train_loss", "train_acc", "train_lambda_min", "train_lambda_max",
                "train_hessian_trace");
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(inputs.model().toFile(), false);
        DataSet data = EvaluationData.load(inputs.csv(), "train", net, Integer.MAX_VALUE);
        try (Hessian h = Hessian.of(net, data)) {
            double lambdaMax = h.extremes().max();
            assertThat(saved.get("train_lambda_max")[4]).as("the centre")
                    .isCloseTo(lambdaMax, org.assertj.core.api.Assertions.withinPercentage(1e-4));
        }
        assertThat(LandscapeCommandTest.run("plot", out.toString()).code()).isZero();
    }
}

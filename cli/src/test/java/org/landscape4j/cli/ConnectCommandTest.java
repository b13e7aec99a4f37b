package org.landscape4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.landscape4j.engine.geometry.BezierCurve;
import org.landscape4j.engine.geometry.CurveTrainer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** {@code landscape connect} trains the curve the API trains and writes its losses, its bend and the plane. */
class ConnectCommandTest {

    @TempDir
    Path dir;

    @Test
    void theCurveIsTheApisAndTheLineTheCurveTheBendAndThePlaneAreWritten() throws Exception {
        LandscapeCommandTest.Inputs inputs = LandscapeCommandTest.writeInputs(dir);
        Path out = dir.resolve("connect");
        LandscapeCommandTest.Result r = LandscapeCommandTest.run("connect", "--from", inputs.model().toString(),
                "--to", inputs.otherModel().toString(), "--data", inputs.csv().toString(), "--epochs", "3",
                "--batch-size", "16", "--points", "5", "--grid", "-0.25:1.25:3", "--workers", "1", "--out",
                out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("training the bend of a").contains("epoch 3/3");
        assertThat(r.out()).contains("wrote " + out + ": connect.csv, connect.png, bend.zip").contains("surface.h5")
                .contains("trajectory.csv");
        for (String f : new String[] {"connect.csv", "connect.png", "bend.zip", "surface.h5", "trajectory.csv",
            "train_loss-heatmap.png"}) {
            assertThat(out.resolve(f)).as(f).isNotEmptyFile();
        }

        MultiLayerNetwork a = ModelSerializer.restoreMultiLayerNetwork(inputs.model().toFile(), false);
        MultiLayerNetwork b = ModelSerializer.restoreMultiLayerNetwork(inputs.otherModel().toFile(), false);
        DataSet data = EvaluationData.load(inputs.csv(), "train", a, Integer.MAX_VALUE);
        List<INDArray> anchors = CurveTrainer.train(BezierCurve.QUADRATIC, a, data, a.params(), b.params(),
                CurveTrainer.Options.defaults().withEpochs(3).withBatchSize(16).withSeed(1));
        double[] curve = CurveTrainer.lossAlong(BezierCurve.QUADRATIC, anchors, a, data, 5);
        List<String> rows = Files.readAllLines(out.resolve("connect.csv"));
        assertThat(rows.get(0)).isEqualTo("t,line_loss,curve_loss");
        assertThat(rows).hasSize(6);
        for (int i = 0; i < 5; i++) {
            double got = Double.parseDouble(rows.get(i + 1).split(",")[2]);
            assertThat(got).as("curve loss at t = " + i / 4.0).isCloseTo(curve[i],
                    org.assertj.core.api.Assertions.within(1e-7 * Math.max(1, Math.abs(curve[i]))));
        }
        String[] first = rows.get(1).split(",");
        assertThat(Double.parseDouble(first[1])).as("line and curve start at A").isEqualTo(Double.parseDouble(
                first[2]));
        MultiLayerNetwork bend = ModelSerializer.restoreMultiLayerNetwork(out.resolve("bend.zip").toFile(), false);
        double[] saved = bend.params().toDoubleVector();
        double[] trained = anchors.get(1).toDoubleVector();
        assertThat(saved).hasSameSizeAs(trained);
        for (int i = 0; i < saved.length; i++) {
            assertThat(saved[i]).as("bend parameter " + i).isCloseTo(trained[i],
                    org.assertj.core.api.Assertions.within(1e-6 * Math.max(1, Math.abs(trained[i]))));
        }
    }
}

package org.landscape4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import io.jhdf.HdfFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.landscape4j.engine.Directions;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.Surface;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A plane along loss-landscape's own direction files (made by its {@code net_plotter.setup_direction}, see
 * src/test/python/make_ll_reference.py) equals the surface its {@code plot_surface.crunch} computed for the same
 * PyTorch CNN: loss within 1e-5 relative, accuracy within one sample.
 */
class ReferenceDirectionsTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"weights, FLOAT", "states, FLOAT", "weights, DOUBLE", "states, DOUBLE"})
    void planeEqualsLossLandscapeSurface(String kind, DataType type) throws Exception {
        ImportedModel m = Models.load(PyTorchFixtures.file("cnn.onnx"),
                ImportOptions.withLoss(Loss.CROSS_ENTROPY).withDataType(type));
        Directions.Given d = ReferenceDirections.read(PyTorchFixtures.file("ll-" + kind + "-directions.h5"), m);
        assertThat(d.vectors()).hasSize(2);
        assertThat(d.description()).contains(kind);
        DataSet data = PyTorchFixtures.data("cnn", 10, type);
        Landscape l = Landscape.builder().model(m.model()).directions(d).grid(-1, 1, 5).evaluateOn("train", data)
                .workers(1).build();
        Surface s = l.surface();

        double[][] loss;
        double[][] acc;
        try (HdfFile h5 = new HdfFile(PyTorchFixtures.file("ll-" + kind + "-surface.h5"))) {
            loss = (double[][]) h5.getDatasetByPath("train_loss").getData();
            acc = (double[][]) h5.getDatasetByPath("train_acc").getData();
        }
        double[][] got = s.values("train", "loss");
        double[][] gotAcc = s.values("train", "accuracy");
        double worst = 0;
        for (int iy = 0; iy < 5; iy++) {
            for (int ix = 0; ix < 5; ix++) {
                // LL's losses.ravel()[i] is the i-th point of meshgrid(x, y).ravel(): row iy, column ix
                double w = loss[iy][ix];
                double rel = Math.abs(got[iy][ix] - w) / Math.abs(w);
                worst = Math.max(worst, rel);
                assertThat(rel).as("%s loss at (%d, %d): %s vs LL %s", kind, ix, iy, got[iy][ix], w)
                        .isLessThanOrEqualTo(1e-5);
                assertThat(Math.abs(gotAcc[iy][ix] * 100 - acc[iy][ix]) / 100 * data.numExamples())
                        .as("%s accuracy at (%d, %d)", kind, ix, iy).isLessThanOrEqualTo(1.0);
            }
        }
        System.out.printf("LL %s directions, %s: worst relative loss difference to LL's surface.h5 %.3g; %s%n", kind,
                type, worst, l.evaluationPlan());
    }

    @Test
    void refusesAFileOfAnotherNetwork() {
        ImportedModel mlp = Models.load(PyTorchFixtures.file("mlp.onnx"), Loss.CROSS_ENTROPY);
        assertThatThrownBy(() -> ReferenceDirections.read(PyTorchFixtures.file("ll-weights-directions.h5"), mlp))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("holds 16 tensors, the model has 6 parameters");
    }

    @Test
    void refusesAFoldedExportNamingTheFix() {
        ImportedModel folded = Models.load(PyTorchFixtures.file("cnn-folded.onnx"), Loss.CROSS_ENTROPY);
        assertThatThrownBy(() -> ReferenceDirections.read(PyTorchFixtures.file("ll-weights-directions.h5"), folded))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("TrainingMode.PRESERVE");
    }

    @Test
    void refusesAMissingOrForeignFile() {
        ImportedModel m = Models.load(PyTorchFixtures.file("cnn.onnx"), Loss.CROSS_ENTROPY);
        assertThatThrownBy(() -> ReferenceDirections.read(Path.of("target/no-such.h5"), m))
                .isInstanceOf(ModelImportException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ReferenceDirections.read(PyTorchFixtures.file("cnn.onnx"), m))
                .isInstanceOf(ModelImportException.class).hasMessageContaining("not an HDF5 direction file");
        assertThatThrownBy(() -> ReferenceDirections.read(PyTorchFixtures.file("ll-weights-surface.h5"), m))
                .isInstanceOf(ModelImportException.class).hasMessageContaining("no /xdirection");
    }
}

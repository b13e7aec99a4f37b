package org.landscape4j.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.landscape4j.engine.Directions;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.Surface;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The landscape of an imported PyTorch network, computed by the engine along PyTorch's own two directions, equals the
 * losses and accuracies PyTorch computed on the same plane (5x5; 3x3 for the width-reduced torchvision networks;
 * float64 in PyTorch; float32 and float64 here), through the inference plan.
 */
class OnnxLandscapeTest {

    @ParameterizedTest(name = "{0} {2}")
    @CsvSource({
        "mlp, 5, FLOAT, 1e-5",
        "cnn, 10, FLOAT, 1e-5",
        "activations, 5, FLOAT, 1e-5",
        "mobilenetv2, 10, FLOAT, 1e-5",
        "mnasnet, 10, FLOAT, 1e-5",
        "efficientnet, 10, FLOAT, 1e-5",
        "mobilenetv3, 10, FLOAT, 1e-5",
        "googlenet, 10, FLOAT, 1e-5",
        "resnext, 10, FLOAT, 1e-5",
        "regnet, 10, FLOAT, 1e-5",
        "shufflenet, 10, FLOAT, 1e-5",
        "convnext, 10, FLOAT, 1e-5",
        "mlp, 5, DOUBLE, 1e-7",
        "cnn, 10, DOUBLE, 1e-7",
        "mobilenetv2, 10, DOUBLE, 1e-7",
        "mnasnet, 10, DOUBLE, 1e-7",
        "efficientnet, 10, DOUBLE, 1e-7",
        "mobilenetv3, 10, DOUBLE, 1e-7",
        "googlenet, 10, DOUBLE, 1e-7",
        "resnext, 10, DOUBLE, 1e-7",
        "regnet, 10, DOUBLE, 1e-7",
        "shufflenet, 10, DOUBLE, 1e-7",
        "convnext, 10, DOUBLE, 1e-7",
    })
    void planeEqualsPyTorch(String name, int classes, DataType type, double tolerance) {
        ImportedModel m = Models.load(PyTorchFixtures.file(name + ".onnx"),
                ImportOptions.withLoss(Loss.CROSS_ENTROPY).withDataType(type));
        DataSet data = PyTorchFixtures.data(name, classes, type);
        INDArray d1 = m.parameters().toFlat(PyTorchFixtures.direction(name, 1), type);
        INDArray d2 = m.parameters().toFlat(PyTorchFixtures.direction(name, 2), type);
        Map<String, INDArray> want = PyTorchFixtures.npz(name + "-plane.npz");
        int size = (int) want.get("xs").length();
        Landscape l = Landscape.builder().model(m.model()).directions(Directions.of("PyTorch's", d1, d2))
                .grid(-1, 1, size).evaluateOn("train", data).workers(1).build();
        assertThat(l.evaluationPlan()).startsWith("inference plan");
        Surface s = l.surface();

        INDArray loss = want.get("loss64");
        INDArray acc = want.get("acc64");
        double[][] got = s.values("train", "loss");
        double[][] gotAcc = s.values("train", "accuracy");
        double worst = 0;
        for (int iy = 0; iy < size; iy++) {
            for (int ix = 0; ix < size; ix++) {
                double w = loss.getDouble(iy, ix);
                double rel = Math.abs(got[iy][ix] - w) / Math.abs(w);
                worst = Math.max(worst, rel);
                assertThat(rel).as("%s loss at (%d, %d): %s vs PyTorch %s", name, ix, iy, got[iy][ix], w)
                        .isLessThanOrEqualTo(tolerance);
                assertThat(Math.abs(gotAcc[iy][ix] - acc.getDouble(iy, ix)) * data.numExamples())
                        .as("%s accuracy at (%d, %d)", name, ix, iy).isLessThanOrEqualTo(1.0);
            }
        }
        System.out.printf("%s %s: worst relative loss difference to PyTorch float64 %.3g; %s%n", name, type, worst,
                l.evaluationPlan());
    }
}

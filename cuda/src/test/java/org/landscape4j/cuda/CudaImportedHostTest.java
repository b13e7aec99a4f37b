package org.landscape4j.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.landscape4j.engine.Directions;
import org.landscape4j.engine.device.DeviceRequest;
import org.landscape4j.engine.device.DeviceWorker;
import org.landscape4j.models.ImportedModel;
import org.landscape4j.models.PyTorchFixtures;
import org.landscape4j.models.ReferenceDirections;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The CUDA plan of networks PyTorch exported through ONNX (the models module's fixtures: a CNN and width-reduced
 * torchvision networks), run on the plain-Java {@link HostDevice} along PyTorch's own two directions, equals the
 * plane PyTorch computed in float64: every rule the imported zoo needs, checked against the framework of origin
 * without a GPU. The device check's {@code imported} mode computes the same planes on the GPU.
 */
class CudaImportedHostTest {

    /** PyTorch's plane of fixture {@code name} computed by the CUDA plan on {@code device}; the worst relative loss. */
    static double worstAgainstPyTorch(String name, int classes, CudaPlan plan, ImportedModel m, DataSet data) {
        INDArray d1 = m.parameters().toFlat(PyTorchFixtures.direction(name, 1), DataType.FLOAT);
        INDArray d2 = m.parameters().toFlat(PyTorchFixtures.direction(name, 2), DataType.FLOAT);
        Map<String, INDArray> want = PyTorchFixtures.npz(name + "-plane.npz");
        INDArray xs = want.get("xs");
        INDArray ys = want.get("ys");
        double worst = 0;
        try (DeviceWorker w = plan.newWorker(new INDArray[] {m.model().params(), d1, d2})) {
            for (int iy = 0; iy < ys.length(); iy++) {
                for (int ix = 0; ix < xs.length(); ix++) {
                    double[] have = w.evaluate(new double[] {1, xs.getDouble(ix), ys.getDouble(iy)})[0][0];
                    double loss = want.get("loss64").getDouble(iy, ix);
                    double rel = Math.abs(have[0] - loss) / Math.abs(loss);
                    worst = Math.max(worst, rel);
                    assertThat(rel).as("%s loss at (%d, %d): %s vs PyTorch %s", name, ix, iy, have[0], loss)
                            .isLessThanOrEqualTo(1e-5);
                    assertThat(Math.abs(have[1] - want.get("acc64").getDouble(iy, ix)) * data.numExamples())
                            .as("%s accuracy at (%d, %d)", name, ix, iy).isLessThanOrEqualTo(1.0);
                }
            }
        }
        return worst;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "cnn, 10, add+relu",
        "mobilenetv2, 10, depthwise-conv",
        "mnasnet, 10, depthwise-conv",
        "efficientnet, 10, channel-gate",
        "mobilenetv3, 10, hard-swish",
        "googlenet, 10, merge",
        "resnext, 10, grouped-conv",
        "regnet, 10, grouped-conv",
        "shufflenet, 10, channel-shuffle",
        "convnext, 10, layernorm",
    })
    void pyTorchsPlaneOfAnImportedNetworkOnTheHostDevice(String name, int classes, String step) {
        ImportedModel m = ImportedCheck.load(name);
        DataSet data = PyTorchFixtures.data(name, classes, DataType.FLOAT);
        CudaPlan plan = CudaPlanHostTest.plan(Networks.request(m.model(), data, data.numExamples(),
                DeviceRequest.Accuracy.ARG_MAX));
        assertThat(plan.description()).contains(step);
        int live = HostDevice.LIVE.get();
        double worst = worstAgainstPyTorch(name, classes, plan, m, data);
        assertThat(HostDevice.LIVE.get()).as("buffers freed by close()").isEqualTo(live);
        System.out.printf("%s: worst relative loss difference to PyTorch float64 %.3g; %s%n", name, worst,
                plan.description());
    }

    /**
     * The residual CNN along loss-landscape's own direction files equals the surface its {@code plot_surface.crunch}
     * computed (the models module's {@code ReferenceDirectionsTest} on the CPU plan).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"weights", "states"})
    void lossLandscapesOwnSurfaceOnTheHostDevice(String kind) {
        ImportedModel m = ImportedCheck.load("cnn");
        DataSet data = PyTorchFixtures.data("cnn", 10, DataType.FLOAT);
        Directions.Given d = ReferenceDirections.read(PyTorchFixtures.file("ll-" + kind + "-directions.h5"), m);
        CudaPlan plan = CudaPlanHostTest.plan(Networks.request(m.model(), data, data.numExamples(),
                DeviceRequest.Accuracy.ARG_MAX));
        double[][][] ll = ImportedCheck.lossLandscapeSurface(kind);
        double[] xs = {-1, -0.5, 0, 0.5, 1};
        try (DeviceWorker w = plan.newWorker(new INDArray[] {m.model().params(), d.vectors().get(0),
            d.vectors().get(1)})) {
            for (int iy = 0; iy < 5; iy++) {
                for (int ix = 0; ix < 5; ix++) {
                    double[] have = w.evaluate(new double[] {1, xs[ix], xs[iy]})[0][0];
                    assertThat(Math.abs(have[0] - ll[0][iy][ix]) / ll[0][iy][ix]).as("%s loss at (%d, %d)", kind, ix,
                            iy).isLessThanOrEqualTo(1e-5);
                    assertThat(Math.abs(have[1] * 100 - ll[1][iy][ix]) / 100 * data.numExamples())
                            .as("%s accuracy at (%d, %d)", kind, ix, iy).isLessThanOrEqualTo(1.0);
                }
            }
        }
    }
}

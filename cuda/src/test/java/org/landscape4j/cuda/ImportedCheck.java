package org.landscape4j.cuda;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.jhdf.HdfFile;
import org.landscape4j.engine.Backend;
import org.landscape4j.engine.Directions;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.Surface;
import org.landscape4j.models.ImportOptions;
import org.landscape4j.models.ImportedModel;
import org.landscape4j.models.Loss;
import org.landscape4j.models.Models;
import org.landscape4j.models.PyTorchFixtures;
import org.landscape4j.models.ReferenceDirections;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The device check's {@code imported} mode: the networks PyTorch exported through ONNX (the models module's fixtures,
 * {@code CudaImportedHostTest}'s on the host), each along PyTorch's own two directions, through the public API with
 * {@code Backend.CUDA}: the plane against PyTorch's float64 one and against the CPU plan's on the same parameters;
 * then the residual CNN along loss-landscape's own direction files (filter-normalized "weights" and "states") against
 * the surfaces its {@code plot_surface.crunch} computed.
 */
final class ImportedCheck {

    /** The fixtures the CUDA plan runs: the CNN and the width-reduced torchvision networks. */
    static final List<String> NETWORKS = List.of("cnn", "mobilenetv2", "mnasnet", "efficientnet", "mobilenetv3",
            "googlenet", "resnext", "regnet", "shufflenet", "convnext");

    private ImportedCheck() {
    }

    static void run() {
        for (String name : NETWORKS) {
            ImportedModel m = load(name);
            DataSet data = PyTorchFixtures.data(name, 10, DataType.FLOAT);
            INDArray d1 = m.parameters().toFlat(PyTorchFixtures.direction(name, 1), DataType.FLOAT);
            INDArray d2 = m.parameters().toFlat(PyTorchFixtures.direction(name, 2), DataType.FLOAT);
            Map<String, INDArray> want = PyTorchFixtures.npz(name + "-plane.npz");
            int size = (int) want.get("xs").length();
            Landscape gpu = plane(m, data, d1, d2, size, Backend.CUDA);
            CudaCheck.say("imported", name + ": " + gpu.evaluationPlan());
            double[][] g = gpu.surface().values("train", "loss");
            double[][] ga = gpu.surface().values("train", "accuracy");
            double[][] c = plane(m, data, d1, d2, size, Backend.AUTO).surface().values("train", "loss");
            double torch = 0;
            double cpu = 0;
            double accuracy = 0;
            for (int iy = 0; iy < size; iy++) {
                for (int ix = 0; ix < size; ix++) {
                    double w = want.get("loss64").getDouble(iy, ix);
                    torch = Math.max(torch, Math.abs(g[iy][ix] - w) / Math.abs(w));
                    cpu = Math.max(cpu, Math.abs(g[iy][ix] - c[iy][ix]) / Math.abs(c[iy][ix]));
                    accuracy = Math.max(accuracy, Math.abs(ga[iy][ix] - want.get("acc64").getDouble(iy, ix))
                            * data.numExamples());
                }
            }
            CudaCheck.verdict("imported", String.format(Locale.ROOT, "%s, %dx%d plane: max relative loss difference"
                    + " to PyTorch float64 %.2e, to the CPU plan %.2e; accuracy within %.0f examples", name, size,
                    size, torch, cpu, accuracy), torch <= 1e-5 && cpu <= 1e-5 && accuracy <= 1);
        }
        for (String kind : new String[] {"weights", "states"}) {
            ImportedModel m = load("cnn");
            DataSet data = PyTorchFixtures.data("cnn", 10, DataType.FLOAT);
            Directions.Given d = ReferenceDirections.read(PyTorchFixtures.file("ll-" + kind + "-directions.h5"), m);
            Surface s = Landscape.builder().model(m.model()).directions(d).grid(-1, 1, 5).evaluateOn("train", data)
                    .backend(Backend.CUDA).workers(2).build().surface();
            double[][][] ll = lossLandscapeSurface(kind);
            double loss = 0;
            double accuracy = 0;
            for (int iy = 0; iy < 5; iy++) {
                for (int ix = 0; ix < 5; ix++) {
                    loss = Math.max(loss, Math.abs(s.values("train", "loss")[iy][ix] - ll[0][iy][ix])
                            / Math.abs(ll[0][iy][ix]));
                    accuracy = Math.max(accuracy, Math.abs(s.values("train", "accuracy")[iy][ix] * 100
                            - ll[1][iy][ix]) / 100 * data.numExamples());
                }
            }
            CudaCheck.verdict("imported", String.format(Locale.ROOT, "cnn along loss-landscape's %s directions, 5x5:"
                    + " max relative loss difference to its surface.h5 %.2e, accuracy within %.0f examples", kind,
                    loss, accuracy), loss <= 1e-5 && accuracy <= 1);
        }
    }

    /**
     * loss-landscape's surface of the residual CNN along its {@code kind} directions: {loss, accuracy in percent}, each
     * {@code [iy][ix]} (its {@code losses.ravel()[i]} is point i of {@code meshgrid(x, y).ravel()}).
     */
    static double[][][] lossLandscapeSurface(String kind) {
        try (HdfFile h5 = new HdfFile(PyTorchFixtures.file("ll-" + kind + "-surface.h5"))) {
            return new double[][][] {(double[][]) h5.getDatasetByPath("train_loss").getData(),
                (double[][]) h5.getDatasetByPath("train_acc").getData()};
        }
    }

    /** Fixture {@code name} imported in float with PyTorch's cross-entropy. */
    static ImportedModel load(String name) {
        return Models.load(PyTorchFixtures.file(name + ".onnx"), ImportOptions.withLoss(Loss.CROSS_ENTROPY)
                .withDataType(DataType.FLOAT));
    }

    private static Landscape plane(ImportedModel m, DataSet data, INDArray d1, INDArray d2, int size, Backend b) {
        return Landscape.builder().model(m.model()).directions(Directions.of("PyTorch's", d1, d2))
                .grid(-1, 1, size).evaluateOn("train", data).backend(b).workers(b == Backend.CUDA ? 2 : 1).build();
    }
}

package org.landscape4j.examples;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.landscape4j.engine.Directions;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.Surface;
import org.landscape4j.engine.curvature.Hessian;
import org.landscape4j.io.NumpyArrays;
import org.landscape4j.models.ImportOptions;
import org.landscape4j.models.ImportedModel;
import org.landscape4j.models.Loss;
import org.landscape4j.models.ModelImportException;
import org.landscape4j.models.Models;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * torchvision's full architectures against PyTorch, outside the tests: for each network that
 * {@code models/src/test/python/make_onnx_fixtures.py --full DIR NAME...} wrote, imports the README's export
 * ({@code NAME.onnx}), computes the 3x3 plane along PyTorch's two directions (float32) and compares it with PyTorch's
 * float64 losses and accuracies (beside PyTorch's own float32 error on the same plane; past 1e-5, the same plane in
 * float64 too), says which path ran and whether
 * curvature is exact; then imports the plain export
 * ({@code NAME-folded.onnx}, batch norms folded) and compares its probabilities with PyTorch's. One table row each.
 *
 * <pre>{@code
 * /usr/bin/python3 models/src/test/python/make_onnx_fixtures.py --full /tmp/zoo mobilenet_v2 mnasnet0_5
 * mvn -B -q -pl examples -am -DskipTests package exec:exec -Ddemo.main=org.landscape4j.examples.TorchvisionZoo \
 *     -Ddemo.args="/tmp/zoo mobilenet_v2 mnasnet0_5"
 * }</pre>
 */
public final class TorchvisionZoo {

    private TorchvisionZoo() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        System.out.println("| model | imported | max rel. loss vs PyTorch (3x3 plane, float32) | PyTorch's own float32"
                + " error | accuracy off by | path | curvature | plain export: max prob. diff | ms per point |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (String name : List.of(args).subList(1, args.length)) {
            System.out.println(row(dir, name));
        }
    }

    private static String row(Path dir, String name) throws Exception {
        ImportedModel m;
        try {
            m = Models.load(dir.resolve(name + ".onnx"), ImportOptions.withLoss(Loss.CROSS_ENTROPY));
        } catch (ModelImportException e) {
            return "| " + name + " | refused: " + e.getMessage() + " | | | | | | | |";
        }
        DataSet data = data(dir, name, DataType.FLOAT);
        INDArray d1 = m.parameters().toFlat(direction(dir, name, 1), DataType.FLOAT);
        INDArray d2 = m.parameters().toFlat(direction(dir, name, 2), DataType.FLOAT);
        Map<String, INDArray> want = npz(dir.resolve(name + "-plane.npz"));
        int size = (int) want.get("xs").length();
        Landscape l = Landscape.builder().model(m.model()).directions(Directions.of("PyTorch's", d1, d2))
                .grid(-1, 1, size).evaluateOn("train", data).workers(1).build();
        long start = System.nanoTime();
        Surface s = l.surface();
        double msPerPoint = (System.nanoTime() - start) / 1e6 / (size * size);
        double worst = 0;
        double torch32 = 0;
        double accuracy = 0;
        for (int iy = 0; iy < size; iy++) {
            for (int ix = 0; ix < size; ix++) {
                double w = want.get("loss64").getDouble(iy, ix);
                worst = Math.max(worst, Math.abs(s.values("train", "loss")[iy][ix] - w) / Math.abs(w));
                torch32 = Math.max(torch32, Math.abs(want.get("loss32").getDouble(iy, ix) - w) / Math.abs(w));
                accuracy = Math.max(accuracy, Math.abs(s.values("train", "accuracy")[iy][ix]
                        - want.get("acc64").getDouble(iy, ix)) * data.numExamples());
            }
        }
        String float64 = "";
        if (worst > 1e-5) {
            // past the 1e-5: the same plane in float64 tells the network's conditioning from a wrong number
            float64 = String.format(Locale.ROOT, " (float64: %.2g)", float64Worst(dir, name, want));
        }
        String curvature;
        try (Hessian h = Hessian.of(m.model(), List.of(data), Hessian.Options.DEFAULT)) {
            curvature = h.isExact() ? "exact" : h.method();
        }
        String plan = l.evaluationPlan();
        String path = plan.startsWith("inference plan") ? "inference plan" + (plan.contains("channels-last")
                ? " (channels-last)" : "") : plan;
        return String.format(Locale.ROOT, "| %s | yes (%d parameters) | %.2g%s | %.2g | %.0f examples | %s | %s | %s"
                + " | %.0f |", name, m.model().numParams(), worst, float64, torch32, accuracy, path, curvature,
                plain(dir, name), msPerPoint);
    }

    /** The largest relative loss difference to PyTorch's float64 plane of the same plane computed in float64. */
    private static double float64Worst(Path dir, String name, Map<String, INDArray> want) throws Exception {
        ImportedModel m = Models.load(dir.resolve(name + ".onnx"),
                ImportOptions.withLoss(Loss.CROSS_ENTROPY).withDataType(DataType.DOUBLE));
        INDArray d1 = m.parameters().toFlat(direction(dir, name, 1), DataType.DOUBLE);
        INDArray d2 = m.parameters().toFlat(direction(dir, name, 2), DataType.DOUBLE);
        int size = (int) want.get("xs").length();
        Surface s = Landscape.builder().model(m.model()).directions(Directions.of("PyTorch's", d1, d2))
                .grid(-1, 1, size).evaluateOn("train", data(dir, name, DataType.DOUBLE)).workers(1).build().surface();
        double worst = 0;
        for (int iy = 0; iy < size; iy++) {
            for (int ix = 0; ix < size; ix++) {
                double w = want.get("loss64").getDouble(iy, ix);
                worst = Math.max(worst, Math.abs(s.values("train", "loss")[iy][ix] - w) / Math.abs(w));
            }
        }
        return worst;
    }

    /** The plain export's probabilities against the softmax of PyTorch's logits, or why it was refused. */
    private static String plain(Path dir, String name) throws Exception {
        try {
            ImportedModel m = Models.load(dir.resolve(name + "-folded.onnx"),
                    ImportOptions.withLoss(Loss.CROSS_ENTROPY).withDataType(DataType.DOUBLE));
            INDArray logits = Nd4j.createFromNpyFile(dir.resolve(name + "-logits.npy").toFile())
                    .castTo(DataType.DOUBLE);
            INDArray want = org.nd4j.linalg.ops.transforms.Transforms.softmax(logits);
            INDArray got = m.graph().outputSingle(data(dir, name, DataType.DOUBLE).getFeatures());
            return String.format(Locale.ROOT, "%.2g", got.sub(want).amaxNumber().doubleValue());
        } catch (ModelImportException e) {
            return "refused: " + e.getMessage();
        }
    }

    private static Map<String, INDArray> npz(Path file) throws Exception {
        return NumpyArrays.readNpz(file);
    }

    private static DataSet data(Path dir, String name, DataType type) throws Exception {
        Map<String, INDArray> d = npz(dir.resolve(name + "-data.npz"));
        INDArray y = d.get("y");
        INDArray labels = Nd4j.zeros(type, y.length(), 10);
        for (int i = 0; i < y.length(); i++) {
            labels.putScalar(i, y.getLong(i), 1.0);
        }
        return new DataSet(d.get("x").castTo(type), labels);
    }

    private static Map<String, INDArray> direction(Path dir, String name, int which) throws Exception {
        Map<String, INDArray> out = new LinkedHashMap<>();
        String prefix = "d" + which + "/";
        npz(dir.resolve(name + "-directions.npz")).forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }
}

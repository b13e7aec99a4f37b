package org.landscape4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.io.NumpyArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Evaluation data from a NumPy {@code .npz} archive, as a PyTorch or Keras user writes it:
 * <pre>
 * np.savez("data.npz", x=features.astype(np.float32), y=labels)
 * </pre>
 * Features under {@code x} (or {@code features}, {@code X}, {@code inputs}, {@code data}), {@code [n, ...]} in the
 * model's layout (flat rows become its images), cast to the model's type. Labels under {@code y} (or {@code labels},
 * {@code Y}, {@code targets}, {@code target}): integer class indices {@code [n]} become one-hot rows of the model's
 * output size; floating-point labels are used as they are ({@code [n]} as {@code [n, 1]}): regression targets for
 * {@code --loss mse}, or one-hot / probability rows.
 */
final class NumpyData {

    static final List<String> FEATURE_NAMES = List.of("x", "features", "X", "inputs", "data");
    static final List<String> LABEL_NAMES = List.of("y", "labels", "Y", "targets", "target");

    private NumpyData() {
    }

    /**
     * The examples of {@code path}, shaped for {@code model}.
     *
     * @throws BadInput naming the option, the file and what does not fit
     */
    static DataSet load(String option, Path path, Model model) {
        Map<String, INDArray> arrays;
        try {
            arrays = NumpyArrays.readNpz(path);
        } catch (IOException e) {
            throw new BadInput(option + ": " + e.getMessage());
        }
        String what = option + ": " + path;
        String xName = pick(what, arrays, FEATURE_NAMES, "features");
        String yName = pick(what, arrays, LABEL_NAMES, "labels");
        INDArray x = arrays.get(xName);
        INDArray y = arrays.get(yName);
        if (x.rank() < 2) {
            throw new BadInput(what + ": " + xName + " has shape " + java.util.Arrays.toString(x.shape())
                    + "; features are [examples, ...]");
        }
        long n = x.size(0);
        if (y.size(0) != n) {
            throw new BadInput(what + ": " + xName + " holds " + n + " examples, " + yName + " holds " + y.size(0));
        }
        DataType type = model.params().dataType();
        INDArray features = EvaluationData.asImagesFor(model, new DataSet(x.castTo(type), null)).getFeatures();
        INDArray labels;
        if (y.dataType() == DataType.LONG) {
            labels = oneHot(what + ": " + yName, y, EvaluationData.classes(option, model, features));
        } else {
            labels = (y.rank() == 1 ? y.reshape(n, 1) : y).castTo(type);
        }
        return new DataSet(features, labels);
    }

    /** The first of {@code names} the archive holds. */
    private static String pick(String what, Map<String, INDArray> arrays, List<String> names, String role) {
        for (String name : names) {
            if (arrays.containsKey(name)) {
                return name;
            }
        }
        throw new BadInput(what + " holds the arrays " + arrays.keySet() + ", none named for the " + role + " ("
                + String.join(", ", names) + "); write it as np.savez(\"data.npz\", x=features, y=labels)");
    }

    /** Integer class indices {@code [n]} (or {@code [n, 1]}) as one-hot rows of {@code classes} columns. */
    private static INDArray oneHot(String what, INDArray y, int classes) {
        long n = y.size(0);
        if (!(y.rank() == 1 || y.rank() == 2 && y.size(1) == 1)) {
            throw new BadInput(what + " has shape " + java.util.Arrays.toString(y.shape()) + "; integer labels are"
                    + " class indices [examples] (use floating-point labels for one-hot rows or targets)");
        }
        long[] index = y.reshape(n).toLongVector();
        float[] rows = new float[Math.toIntExact(n * classes)];
        for (int i = 0; i < n; i++) {
            if (index[i] < 0 || index[i] >= classes) {
                throw new BadInput(what + ": example " + i + " has class " + index[i] + ", the model has " + classes
                        + " outputs (classes 0.." + (classes - 1) + ")");
            }
            rows[i * classes + (int) index[i]] = 1f;
        }
        return Nd4j.create(rows, new long[] {n, classes}, DataType.FLOAT);
    }
}

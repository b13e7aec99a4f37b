package org.landscape4j.models;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fixtures src/test/python/make_onnx_fixtures.py wrote (see there what each holds). Public for the cuda module's
 * tests (this module's test jar), which compute the same planes on the GPU.
 */
public final class PyTorchFixtures {

    private PyTorchFixtures() {
    }

    /** A fixture file as a path (copied out of the test classpath). */
    public static Path file(String name) {
        try (InputStream in = PyTorchFixtures.class.getResourceAsStream("onnx/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no fixture onnx/" + name);
            }
            Path dir = Path.of("target", "fixtures");
            Files.createDirectories(dir);
            Path out = dir.resolve(name);
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Map<String, INDArray> npz(String name) {
        try {
            Map<String, INDArray> raw = Nd4j.createFromNpzFile(new File(file(name).toString()));
            Map<String, INDArray> out = new LinkedHashMap<>();
            raw.forEach((k, v) -> out.put(k.endsWith(".npy") ? k.substring(0, k.length() - 4) : k, v));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + name, e);
        }
    }

    /** The fixture's batch with one-hot labels of {@code classes}, in {@code type}. */
    public static DataSet data(String model, int classes, DataType type) {
        Map<String, INDArray> d = npz(model + "-data.npz");
        INDArray x = d.get("x").castTo(type);
        INDArray y = d.get("y");
        INDArray labels = Nd4j.zeros(type, y.length(), classes);
        for (int i = 0; i < y.length(); i++) {
            labels.putScalar(i, y.getLong(i), 1.0);
        }
        return new DataSet(x, labels);
    }

    /** Direction {@code which} (1 or 2) by PyTorch parameter name. */
    public static Map<String, INDArray> direction(String model, int which) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        String prefix = "d" + which + "/";
        npz(model + "-directions.npz").forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }
}

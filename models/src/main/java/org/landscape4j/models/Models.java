package org.landscape4j.models;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import onnx.Onnx;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

/**
 * Reads a network from a file, whatever framework wrote it, as a DL4J network ready for
 * {@code Landscape.builder().model(...)}. The format is recognised by the content, not the file name:
 * <ul>
 *   <li>a zip with {@code configuration.json} and {@code coefficients.bin}: a DL4J {@code ModelSerializer} file;</li>
 *   <li>a zip with {@code config.json} and {@code model.weights.h5}: a Keras 3 {@code model.save('m.keras')} file;</li>
 *   <li>the HDF5 signature {@code \x89HDF}: a Keras 2, tf.keras or Keras 3 {@code model.save('m.h5')} file;</li>
 *   <li>otherwise an ONNX model ({@code torch.onnx.export(model, x, "m.onnx")}), converted to a
 *       {@code ComputationGraph} (see {@link #supportedOnnxOps()}).</li>
 * </ul>
 * Keras models are imported with DL4J's Keras importer (Sequential → {@code MultiLayerNetwork}, functional →
 * {@code ComputationGraph}); Keras 3's configurations are translated to Keras 2's form for it first. PyTorch
 * {@code torch.save} files are refused with a line saying what to save.
 *
 * <pre>{@code
 * ImportedModel m = Models.load(Path.of("resnet.onnx"), Loss.CROSS_ENTROPY);
 * Landscape l = Landscape.builder().model(m.model()).directions(FILTER_NORMALIZED, 2).grid(-1, 1, 21)
 *         .evaluateOn("train", data).build();
 * }</pre>
 */
public final class Models {

    private static final byte[] HDF5 = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private Models() {
    }

    /**
     * Reads the model in {@code file} with its own loss (a DL4J or compiled Keras file).
     *
     * @throws ModelImportException if the file is not a model, is corrupt, holds an unsupported layer or op, or
     *                              carries no loss (ONNX: use {@link #load(Path, Loss)})
     */
    public static ImportedModel load(Path file) {
        return load(file, ImportOptions.defaults());
    }

    /** Reads the model in {@code file} with {@code loss} (required for ONNX files). */
    public static ImportedModel load(Path file, Loss loss) {
        return load(file, ImportOptions.withLoss(loss));
    }

    /**
     * Reads the model in {@code file} as {@code options} say.
     *
     * @throws ModelImportException naming what is wrong with the file, before any work
     */
    public static ImportedModel load(Path file, ImportOptions options) {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        if (Files.isDirectory(file)) {
            throw new ModelImportException(file + " is a directory, not a model file (a TensorFlow SavedModel?"
                    + " save a Keras model with model.save('m.h5'))");
        }
        if (!Files.isReadable(file)) {
            throw new ModelImportException("cannot read the model file " + file + " (missing or not readable)");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelImportException("cannot read the model file " + file + ": " + e.getMessage(), e);
        }
        return load(bytes, file.getFileName().toString(), options);
    }

    /** Reads a model from {@code in} (read to its end, not closed) with its own loss. */
    public static ImportedModel load(InputStream in) {
        return load(in, ImportOptions.defaults());
    }

    /** Reads a model from {@code in} (read to its end, not closed) as {@code options} say. */
    public static ImportedModel load(InputStream in, ImportOptions options) {
        if (in == null) {
            throw new IllegalArgumentException("in must not be null");
        }
        try {
            return load(in.readAllBytes(), "stream", options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model stream", e);
        }
    }

    /**
     * The ONNX ops the converter supports (of the default domain), in the order its refusal lists them: first the
     * ops converted to layers and vertices ({@code Conv}, {@code Gemm}, ...), then the ones evaluated on constant
     * shape values only ({@code Constant}, {@code Shape}, {@code Gather}, {@code Unsqueeze}, {@code Squeeze},
     * {@code Cast}). An op outside the list is refused before any work, naming the op and its node. Unmodifiable.
     */
    public static List<String> supportedOnnxOps() {
        return OnnxOps.names();
    }

    private static ImportedModel load(byte[] bytes, String source, ImportOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        if (bytes.length == 0) {
            throw new ModelImportException(source + " is empty, not a model");
        }
        if (startsWith(bytes, new byte[] {'P', 'K', 3, 4})) {
            return zip(bytes, source, options);
        }
        if (startsWith(bytes, HDF5)) {
            return KerasImporter.load(bytes, source, options);
        }
        Onnx.ModelProto onnx;
        try {
            onnx = Onnx.ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            onnx = null;
        }
        if (onnx == null || !OnnxImporter.isModel(onnx)) {
            throw new ModelImportException(source + " is not a model file this library reads: neither a DL4J zip,"
                    + " a Keras HDF5 file nor an ONNX model (it starts with " + head(bytes) + ")");
        }
        return OnnxImporter.convert(onnx, source, options);
    }

    /** The zip entries a format is recognised by, and read from. */
    private static final Set<String> READ = Set.of("configuration.json", "coefficients.bin", "metadata.json",
            "config.json", "model.weights.h5");

    private static ImportedModel zip(byte[] bytes, String source, ImportOptions options) {
        List<String> names = new ArrayList<>();
        Map<String, byte[]> read = new HashMap<>();
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                names.add(e.getName());
                if (READ.contains(e.getName())) {
                    read.put(e.getName(), entry(z, e));
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new ModelImportException(source + " is a corrupt zip archive (" + e.getMessage() + ")", e);
        }
        if (read.containsKey("config.json") && (read.containsKey("model.weights.h5")
                || read.containsKey("metadata.json"))) {
            return KerasImporter.loadArchive(read.get("metadata.json"), read.get("config.json"),
                    read.get("model.weights.h5"), source, options);
        }
        if (names.stream().anyMatch(n -> n.endsWith("data.pkl"))) {
            throw new ModelImportException(source + " is a PyTorch torch.save file (pickled, not a graph): export"
                    + " the model with torch.onnx.export(model.eval(), example_input, 'm.onnx')");
        }
        byte[] configuration = read.get("configuration.json");
        byte[] coefficients = read.get("coefficients.bin");
        if (configuration == null || coefficients == null) {
            throw new ModelImportException(source + " is a zip archive but not a DL4J model (no configuration.json"
                    + " and coefficients.bin; it holds " + names.subList(0, Math.min(5, names.size())) + ")");
        }
        Dl4jCoefficients.check(coefficients, source);
        return Dl4jImporter.load(bytes, new String(configuration, StandardCharsets.UTF_8), source, options);
    }

    /** A zip entry's bytes, at most a quarter of the heap (a compressed entry can claim any size). */
    private static byte[] entry(ZipInputStream z, ZipEntry e) throws IOException {
        long max = Runtime.getRuntime().maxMemory() / 4;
        byte[] bytes = z.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        if (bytes.length > max) {
            throw new IOException("the entry " + e.getName() + " inflates to more than " + max + " bytes");
        }
        return bytes;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String head(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            sb.append(String.format("%02x", bytes[i] & 0xff));
        }
        return "0x" + sb;
    }
}

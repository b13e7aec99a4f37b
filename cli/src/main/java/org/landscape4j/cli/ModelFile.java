package org.landscape4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipFile;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.models.ImportOptions;
import org.landscape4j.models.ImportedModel;
import org.landscape4j.models.Loss;
import org.landscape4j.models.ModelImportException;
import org.landscape4j.models.Models;

/**
 * Loading a model file: a DL4J model saved with {@code ModelSerializer} (a zip, as a {@link MultiLayerNetwork} or a
 * graph), a Keras file ({@code .keras} of Keras 3, {@code .h5} of Keras 2 or 3) or an ONNX file (what
 * {@code torch.onnx.export} writes), through
 * {@link Models#load(Path, ImportOptions)}.
 */
final class ModelFile {

    private ModelFile() {
    }

    /**
     * The DL4J network in {@code file}, with its own loss.
     *
     * @throws BadInput when the file is missing, not a model, or does not import
     */
    static Model load(Path file, String option) {
        return imported(file, option, null).model();
    }

    /**
     * The model in {@code file} with {@code loss} ({@code null}: the file's own), and what was read and appended.
     *
     * @throws BadInput (one line, starting with {@code option}) when the file is missing, not a model, corrupt, holds
     *                  an unsupported layer or op, or needs a loss that was not given (or was given to a DL4J zip)
     */
    static ImportedModel imported(Path file, String option, Loss loss) {
        if (!Files.exists(file)) {
            throw new BadInput(option + ": model file " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new BadInput(option + ": " + file + " is not a file");
        }
        // a .zip is meant as a DL4J model: one that is not a zip archive at all is named as such
        if (isZip(file) || file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".zip")) {
            checkDl4jZip(file, option);
        }
        try {
            return Models.load(file, ImportOptions.withLoss(loss));
        } catch (ModelImportException e) {
            throw new BadInput(option + ": " + firstLine(e));
        } catch (RuntimeException e) {
            throw new BadInput(option + ": cannot load the model in " + file + " (" + firstLine(e) + ")");
        }
    }

    private static boolean isZip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(4);
            return head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A zip must be a DL4J model, or one of the other archives {@link Models} knows (a Keras 3 {@code .keras} file,
     * which it reads; a PyTorch {@code torch.save} file, which it refuses saying how to export it).
     */
    private static void checkDl4jZip(Path file, String option) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            boolean foreign = zip.stream().anyMatch(e -> e.getName().endsWith("data.pkl")
                    || e.getName().equals("metadata.json") || e.getName().equals("model.weights.h5"));
            if (!foreign && (zip.getEntry("configuration.json") == null || zip.getEntry("coefficients.bin") == null)) {
                throw new BadInput(option + ": " + file + " is a zip but not a DL4J model (no configuration.json"
                        + " and coefficients.bin; save models with ModelSerializer.writeModel)");
            }
        } catch (IOException e) {
            throw new BadInput(option + ": " + file + " is not a DL4J model zip (" + e.getMessage() + ")");
        }
    }

    /**
     * The loss a {@code --loss} value names, {@code null} for none.
     *
     * @throws BadInput naming the value and the known losses
     */
    static Loss loss(String value) {
        try {
            return value == null ? null : Loss.of(value);
        } catch (IllegalArgumentException e) {
            throw new BadInput("--loss: " + e.getMessage());
        }
    }

    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}

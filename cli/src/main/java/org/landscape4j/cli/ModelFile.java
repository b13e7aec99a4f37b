package org.landscape4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipFile;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/** Loading a DL4J model saved with {@code ModelSerializer} (a zip), as a {@link MultiLayerNetwork} or a graph. */
final class ModelFile {

    private ModelFile() {
    }

    /**
     * @throws BadInput when the file is missing, not a zip, or not a DL4J model
     */
    static Model load(Path file, String option) {
        if (!Files.exists(file)) {
            throw new BadInput(option + ": model file " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new BadInput(option + ": " + file + " is not a file");
        }
        boolean graph;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            if (zip.getEntry("configuration.json") == null || zip.getEntry("coefficients.bin") == null) {
                throw new BadInput(option + ": " + file + " is a zip but not a DL4J model (no configuration.json"
                        + " and coefficients.bin; save models with ModelSerializer.writeModel)");
            }
            String json = new String(zip.getInputStream(zip.getEntry("configuration.json")).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            graph = json.contains("\"vertices\"");
        } catch (java.io.IOException e) {
            throw new BadInput(option + ": " + file + " is not a DL4J model zip (" + e.getMessage() + ")");
        }
        try {
            return graph ? ModelSerializer.restoreComputationGraph(file.toFile(), false)
                    : ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
        } catch (Exception e) {
            throw new BadInput(option + ": cannot load the DL4J model in " + file + " (" + firstLine(e) + ")");
        }
    }

    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}

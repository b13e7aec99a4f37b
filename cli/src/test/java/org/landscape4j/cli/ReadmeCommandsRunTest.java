package org.landscape4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.landscape4j.models.ImportedModel;
import org.landscape4j.models.Loss;
import org.landscape4j.models.Models;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every {@code bin/landscape} command line of the README, run (in this JVM, as {@code bin/landscape} runs them), in a
 * folder holding the files it names: {@code m.onnx} is the models module's PyTorch CNN, {@code data.npz} its data,
 * {@code dirs.h5} loss-landscape's direction file for it, the {@code .zip} models that CNN saved by DL4J (moved a
 * little apart), {@code checkpoints/} three of them. Only the sizes shrink: every grid to 3 points per axis, the data
 * to 8 examples; so the README's commands cannot rot unnoticed.
 */
class ReadmeCommandsRunTest {

    private static final Path ONNX = ImportedModelCommandTest.ONNX;

    @TempDir
    Path dir;

    @Test
    void everyCommandOfTheReadmeRunsOnTheFilesItNames() throws IOException {
        Files.copy(ONNX.resolve("cnn.onnx"), dir.resolve("m.onnx"));
        Files.copy(ONNX.resolve("cnn.onnx"), dir.resolve("a.onnx"));
        Files.copy(ONNX.resolve("cnn.onnx"), dir.resolve("b.onnx"));
        Files.copy(ONNX.resolve("cnn-data.npz"), dir.resolve("data.npz"));
        Files.copy(ONNX.resolve("cnn-data.npz"), dir.resolve("test.npz"));
        Files.copy(ONNX.resolve("ll-weights-directions.h5"), dir.resolve("dirs.h5"));
        ComputationGraph cnn = Models.load(dir.resolve("m.onnx"), Loss.CROSS_ENTROPY).graph();
        Path checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
        Map<String, Double> apart = Map.of("a.zip", 0.0, "m.zip", 0.0, "final.zip", 0.0, "b.zip", 0.02,
                "c.zip", -0.02, "checkpoints/epoch1.zip", 0.03, "checkpoints/epoch2.zip", 0.02,
                "checkpoints/epoch3.zip", 0.01);
        long seed = 1;
        for (Map.Entry<String, Double> e : apart.entrySet()) {
            ComputationGraph copy = cnn.clone();
            INDArray noise = Nd4j.getRandomFactory().getNewRandomInstance(seed++).nextGaussian(copy.params().shape())
                    .castTo(copy.params().dataType()).muli(e.getValue());
            copy.setParams(copy.params().add(noise));
            ModelSerializer.writeModel(copy, dir.resolve(e.getKey()).toFile(), false);
        }
        assertThat(checkpoints).isDirectory();

        List<String> commands = ReadmeTest.commandLines(ReadmeTest.read("README.md"));
        assertThat(commands).as("the README's command lines").hasSizeGreaterThanOrEqualTo(10);
        for (String command : commands) {
            String[] args = arguments(command);
            LandscapeCommandTest.Result r = LandscapeCommandTest.run(args);
            assertThat(r.code()).as("%s%n%s", String.join(" ", args), r.err()).isZero();
        }
    }

    /** The command line's words, its files in this folder, its grids of 3 points, grids added where left out. */
    private String[] arguments(String command) {
        List<String> words = new ArrayList<>(List.of(command.substring("bin/landscape ".length()).strip()
                .split("\\s+")));
        String name = words.get(0);
        for (int i = 1; i < words.size(); i++) {
            String w = words.get(i);
            if (w.matches("-?[0-9.]+:-?[0-9.]+:[0-9]+") && words.get(i - 1).matches("--(y?grid|x|y)")) {
                words.set(i, w.substring(0, w.lastIndexOf(':')) + ":3");
            } else if (!w.startsWith("-") && (w.contains(".") || w.endsWith("/"))
                    && !w.matches("-?[0-9.]+(:-?[0-9.]+:[0-9]+)?")) {
                words.set(i, dir.resolve(w).toString());
            }
        }
        if (!words.contains("--grid") && List.of("surface", "line", "connect").contains(name)) {
            words.addAll(List.of("--grid", name.equals("connect") ? "-0.25:1.25:3" : "-1:1:3"));
        }
        if (!name.equals("plot")) {
            words.addAll(List.of("--limit", "8"));
        }
        return words.toArray(String[]::new);
    }
}

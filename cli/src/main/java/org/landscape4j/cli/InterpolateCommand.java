package org.landscape4j.cli;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Directions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code landscape interpolate}: the loss along {@code (1 - t)·A + t·B} between two saved models. */
@Command(name = "interpolate", mixinStandardHelpOptions = true,
        description = "Computes the loss along the line (1 - t) A + t B between two model files of the same "
                + "architecture (DL4J zips, Keras .keras/.h5, ONNX with --loss; t = 0 is --from, t = 1 is --to) and"
                + " writes line.h5, line.csv, .npy and profile.png.")
final class InterpolateCommand implements Callable<Integer> {

    @Mixin
    ComputeOptions compute;

    @Mixin
    TwoModelOptions models;

    @Option(names = "--grid", defaultValue = "-0.5:1.5:41", paramLabel = "MIN:MAX:N",
            description = "values of t, inclusive (default: ${DEFAULT-VALUE})")
    Axis grid;

    @Override
    public Integer call() throws IOException {
        models.lossFunction();
        return compute.run(() -> {
            Model a = models.from().model();
            Model b = models.to().model();
            try {
                return new ComputeOptions.Subject(a, Directions.interpolation(a, b), 0, List.of(grid));
            } catch (IllegalArgumentException e) {
                throw new BadInput(models + ": " + ModelFile.firstLine(e));
            }
        });
    }
}

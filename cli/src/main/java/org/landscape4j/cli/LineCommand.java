package org.landscape4j.cli;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

import org.landscape4j.engine.Axis;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code landscape line}: a 1D profile through a model along one direction. */
@Command(name = "line", mixinStandardHelpOptions = true,
        description = "Computes the loss along one direction (random, or --directions, --pca, --hessian) through a"
                + " model file (DL4J zip, Keras .keras/.h5, ONNX) and writes line.h5, the direction"
                + " (--save-directions), line.csv, .npy and profile.png.")
final class LineCommand implements Callable<Integer> {

    @Mixin
    ComputeOptions compute;

    @Mixin
    RandomDirectionOptions directions;

    @Option(names = {"--grid", "--x"}, defaultValue = "-1:1:51", paramLabel = "MIN:MAX:N",
            description = "coordinates, inclusive (default: ${DEFAULT-VALUE})")
    Axis grid;

    @Override
    public Integer call() throws IOException {
        return compute.run(() -> directions.around(List.of(grid), compute));
    }
}

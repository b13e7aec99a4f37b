package org.landscape4j.cli;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

import org.landscape4j.engine.Axis;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code landscape line}: a 1D profile around a saved model along one random direction. */
@Command(name = "line", mixinStandardHelpOptions = true,
        description = "Computes the loss along one random direction through a saved model and writes line.h5, "
                + "directions.h5, line.csv, .npy and profile.png.")
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

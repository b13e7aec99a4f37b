package org.landscape4j.cli;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

import org.landscape4j.engine.Axis;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code landscape surface}: a 2D surface around a saved model along two random directions. */
@Command(name = "surface", mixinStandardHelpOptions = true,
        description = "Computes the loss surface of a model file (DL4J zip, Keras .h5, ONNX) on a plane of two directions "
                + "(random, or --directions, --plane-through, --pca, --hessian) and writes "
                + "surface.h5 (reference layout), directions.h5, surface.csv, .npy, .vtp and PNG charts.")
final class SurfaceCommand implements Callable<Integer> {

    @Mixin
    ComputeOptions compute;

    @Mixin
    RandomDirectionOptions directions;

    @Option(names = "--grid", defaultValue = "-1:1:51", paramLabel = "MIN:MAX:N",
            description = "x coordinates, inclusive (default: ${DEFAULT-VALUE})")
    Axis grid;

    @Option(names = "--ygrid", paramLabel = "MIN:MAX:N",
            description = "y coordinates (default: as --grid)")
    Axis ygrid;

    @Override
    public Integer call() throws IOException {
        return compute.run(() -> directions.around(List.of(grid, ygrid == null ? grid : ygrid), compute));
    }
}

package org.landscape4j.cli;

import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.Surface;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code landscape surface}: a 2D surface around a saved model along two random directions. */
@Command(name = "surface", mixinStandardHelpOptions = true,
        description = "Computes the loss surface of a saved model on a plane of two random directions and writes "
                + "surface.h5 (reference layout), directions.h5, surface.csv, .npy, .vtp and PNG charts.")
final class SurfaceCommand extends ComputeCommand {

    @Option(names = "--model", required = true, paramLabel = "ZIP", description = "a DL4J model saved by ModelSerializer")
    Path model;

    @Option(names = "--grid", defaultValue = "-1:1:51", converter = GridConverter.class, paramLabel = "MIN:MAX:N",
            description = "x coordinates, inclusive (default: ${DEFAULT-VALUE})")
    Axis grid;

    @Option(names = "--ygrid", converter = GridConverter.class, paramLabel = "MIN:MAX:N",
            description = "y coordinates (default: as --grid)")
    Axis ygrid;

    @Option(names = "--norm", defaultValue = "filter", paramLabel = "filter|layer|none",
            description = "direction normalization (default: ${DEFAULT-VALUE})")
    String norm;

    @Option(names = "--bias-bn", description = "move biases and batch-norm gamma/beta too")
    boolean biasBn;

    @Option(names = "--seed", defaultValue = "1", description = "random seed of the directions (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        Model net = ModelFile.load(model, "--model");
        Landscape landscape = compile(net, random(norm, biasBn), seed, List.of(grid, ygrid == null ? grid : ygrid));
        RunDirectory dir = new RunDirectory(out);
        double[][] values = run(landscape, dir);
        Surface s = new Surface(grid, ygrid == null ? grid : ygrid, landscape.keys(), values, landscape.provenance());
        dir.write(s, landscape);
        stdout().println(s);
        report(dir);
        return 0;
    }
}

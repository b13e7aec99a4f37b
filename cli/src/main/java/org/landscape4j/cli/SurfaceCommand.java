package org.landscape4j.cli;

import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.Surface;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code landscape surface}: a 2D surface around a saved model along two random directions. */
@Command(name = "surface", mixinStandardHelpOptions = true,
        description = "Computes the loss surface of a saved model on a plane of two random directions and writes "
                + "surface.h5 (reference layout), directions.h5, surface.csv, .npy, .vtp and PNG charts.")
final class SurfaceCommand extends ComputeCommand {

    @Mixin
    RandomDirectionOptions directions;

    @Option(names = "--grid", defaultValue = "-1:1:51", converter = GridConverter.class, paramLabel = "MIN:MAX:N",
            description = "x coordinates, inclusive (default: ${DEFAULT-VALUE})")
    Axis grid;

    @Option(names = "--ygrid", converter = GridConverter.class, paramLabel = "MIN:MAX:N",
            description = "y coordinates (default: as --grid)")
    Axis ygrid;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        Model net = directions.loadModel();
        Landscape landscape = compile(net, directions.directions(), directions.seed, List.of(grid, ygrid == null ? grid : ygrid));
        RunDirectory dir = new RunDirectory(out);
        double[][] values = run(landscape, dir);
        Surface s = new Surface(grid, ygrid == null ? grid : ygrid, landscape.keys(), values, landscape.provenance());
        dir.write(s, landscape);
        stdout().println(s);
        report(dir);
        return 0;
    }
}

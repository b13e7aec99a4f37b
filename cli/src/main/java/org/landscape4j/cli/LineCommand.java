package org.landscape4j.cli;

import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.Profile;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code landscape line}: a 1D profile around a saved model along one random direction. */
@Command(name = "line", mixinStandardHelpOptions = true,
        description = "Computes the loss along one random direction through a saved model and writes line.h5, "
                + "directions.h5, line.csv, .npy and profile.png.")
final class LineCommand extends ComputeCommand {

    @Mixin
    RandomDirectionOptions directions;

    @Option(names = "--grid", defaultValue = "-1:1:51", converter = GridConverter.class, paramLabel = "MIN:MAX:N",
            description = "coordinates, inclusive (default: ${DEFAULT-VALUE})")
    Axis grid;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        Model net = directions.loadModel();
        Landscape landscape = compile(net, directions.directions(), directions.seed, List.of(grid));
        RunDirectory dir = new RunDirectory(out);
        Profile p = new Profile(grid, landscape.keys(), run(landscape, dir), landscape.provenance());
        dir.write(p, landscape);
        stdout().println(p);
        report(dir);
        return 0;
    }
}

package org.landscape4j.cli;

import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.Profile;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code landscape line}: a 1D profile around a saved model along one random direction. */
@Command(name = "line", mixinStandardHelpOptions = true,
        description = "Computes the loss along one random direction through a saved model and writes line.h5, "
                + "directions.h5, line.csv, .npy and profile.png.")
final class LineCommand extends ComputeCommand {

    @Option(names = "--model", required = true, paramLabel = "ZIP", description = "a DL4J model saved by ModelSerializer")
    Path model;

    @Option(names = "--grid", defaultValue = "-1:1:51", converter = GridConverter.class, paramLabel = "MIN:MAX:N",
            description = "coordinates, inclusive (default: ${DEFAULT-VALUE})")
    Axis grid;

    @Option(names = "--norm", defaultValue = "filter", paramLabel = "filter|layer|none",
            description = "direction normalization (default: ${DEFAULT-VALUE})")
    String norm;

    @Option(names = "--bias-bn", description = "move biases and batch-norm gamma/beta too")
    boolean biasBn;

    @Option(names = "--seed", defaultValue = "1", description = "random seed of the direction (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        Model net = ModelFile.load(model, "--model");
        Landscape landscape = compile(net, random(norm, biasBn), seed, List.of(grid));
        RunDirectory dir = new RunDirectory(out);
        Profile p = new Profile(grid, landscape.keys(), run(landscape, dir), landscape.provenance());
        dir.write(p, landscape);
        stdout().println(p);
        report(dir);
        return 0;
    }
}

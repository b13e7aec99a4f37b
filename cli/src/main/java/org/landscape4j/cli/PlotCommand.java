package org.landscape4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.landscape4j.charts.HeatmapStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code landscape plot run/}: PNG charts from the results saved in a run directory. */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = "Draws the charts of a run directory's surface.h5 (heatmap and 3D per loss) or line.h5 "
                + "(profile) as PNGs into the same directory, in the colours, range and levels given; reads"
                + " reference-layout files too.")
final class PlotCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "a run directory")
    Path dir;

    @Mixin
    ChartOptions charts;

    @Override
    public Integer call() throws Exception {
        HeatmapStyle style = charts.style();
        if (!Files.isDirectory(dir)) {
            throw new BadInput(dir + " is not a directory");
        }
        RunDirectory run = new RunDirectory(dir, style);
        run.plot();
        spec.commandLine().getOut().println(run.summary());
        spec.commandLine().getOut().flush();
        return 0;
    }
}

package org.landscape4j.cli;

import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.landscape4j.charts.Explorer;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapeResult;
import org.landscape4j.engine.Metric;
import org.landscape4j.engine.Surface;
import org.landscape4j.engine.geometry.Projection;
import org.landscape4j.io.SurfaceHdf5;
import org.nd4j.linalg.api.ndarray.INDArray;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code landscape surface}: a 2D surface around a saved model along two random directions. */
@Command(name = "surface", mixinStandardHelpOptions = true,
        description = "Computes the loss surface of a model file (DL4J zip, Keras .keras/.h5, ONNX) on a plane of two"
                + " directions (random, or --directions, --plane-through, --pca, --hessian) and writes surface.h5"
                + " (reference layout), the directions (--save-directions), surface.csv, .npy, .vtp and PNG charts;"
                + " --window then opens the Explorer on it.")
final class SurfaceCommand implements Callable<Integer> {

    @Mixin
    ComputeOptions compute;

    @Mixin
    RandomDirectionOptions directions;

    @Option(names = {"--grid", "--x"}, defaultValue = "-1:1:51", paramLabel = "MIN:MAX:N",
            description = "x coordinates, inclusive (default: ${DEFAULT-VALUE})")
    Axis grid;

    @Option(names = {"--ygrid", "--y"}, paramLabel = "MIN:MAX:N",
            description = "y coordinates (default: as --grid)")
    Axis ygrid;

    @Mixin
    ChartOptions charts;

    @Option(names = "--curvature", split = ",", paramLabel = "lmin,lmax,trace",
            description = "curvature maps besides the loss: the smallest and largest Hessian eigenvalue and the"
                    + " Hessian's trace at every point (over the weights, exact products; each point costs tens of"
                    + " training steps); with lmin and lmax also Li et al.'s |λmin/λmax| convexity map")
    List<String> curvature;

    @Option(names = "--trajectory", paramLabel = "DIR",
            description = "model snapshots of a training run (at least 2, in file-name order) projected onto the"
                    + " plane: drawn on the heatmaps, written to trajectory.csv and trajectory.h5 (loss-landscape's"
                    + " projection file); with --pca the PCA snapshots are drawn without it")
    Path trajectory;

    @Option(names = "--curvature-probes", defaultValue = "10", paramLabel = "N",
            description = "Rademacher probes of the trace map per point, >= 2 (default: ${DEFAULT-VALUE})")
    int curvatureProbes;

    @Option(names = "--window",
            description = "after writing the files, open the Explorer on the surface (needs a display): drag a"
                    + " rectangle to zoom, click for the profiles through a point, switch set, metric and colours, save"
                    + " PNG, SVG, CSV or HDF5; the command ends when the window is closed")
    boolean window;

    @Override
    public Integer call() throws IOException {
        compute.heatmap = charts.style();
        compute.curvature = curvatureMetrics();
        if (trajectory != null) {
            List<Path> snapshots = RandomDirectionOptions.snapshots(trajectory, "--trajectory", 2);
            compute.trajectory = (landscape, what) -> project(snapshots, landscape, what);
        }
        if (window && compute.onSpark()) {
            throw new BadInput("--window cannot be used with --master: the Explorer computes its views in this JVM");
        }
        if (window && GraphicsEnvironment.isHeadless()) {
            throw new BadInput("--window needs a display (no DISPLAY here; on a server run it under xvfb-run)");
        }
        return compute.run(() -> directions.around(List.of(grid, ygrid == null ? grid : ygrid), compute),
                window ? this::explore : (landscape, result) -> { });
    }

    /** The snapshots' parameters projected onto the landscape's plane (through its centre, along its directions). */
    private RunDirectory.Trajectory project(List<Path> snapshots, Landscape landscape, ComputeOptions.Subject what) {
        INDArray[] d = landscape.directions();
        if (d.length < 2) {
            throw new BadInput("--trajectory needs a plane (two directions)");
        }
        Projection plane;
        try {
            plane = Projection.onto(what.model().params(), d[0], d[1]);
        } catch (IllegalArgumentException e) {
            throw new BadInput("--trajectory: " + ModelFile.firstLine(e));
        }
        List<String> names = new java.util.ArrayList<>();
        double[][] v = new double[3][snapshots.size()];
        for (int i = 0; i < snapshots.size(); i++) {
            Path f = snapshots.get(i);
            INDArray params = ModelFile.imported(f, "--trajectory", directions.loss()).model().params();
            if (params.length() != plane.numParams()) {
                throw new BadInput("--trajectory: " + f + " has " + params.length() + " parameters, the model "
                        + plane.numParams() + ": not a snapshot of it");
            }
            Projection.Projected p = plane.project(params);
            names.add(f.getFileName().toString());
            v[0][i] = p.x();
            v[1][i] = p.y();
            v[2][i] = p.relativeResidual();
        }
        return new RunDirectory.Trajectory(names, v[0], v[1], v[2]);
    }

    /** The metrics {@code --curvature} names, checked before any work. */
    private List<Metric> curvatureMetrics() {
        if (curvature == null) {
            return List.of();
        }
        if (curvatureProbes < 2) {
            throw new BadInput("--curvature-probes must be >= 2, was " + curvatureProbes);
        }
        java.util.Set<String> names = new java.util.LinkedHashSet<>(curvature);
        List<Metric> metrics = new java.util.ArrayList<>();
        boolean min = names.remove("lmin");
        boolean max = names.remove("lmax");
        if (min && max) {
            metrics.addAll(Metric.hessianEigenvalues()); // one Lanczos run per point gives both
        } else if (min) {
            metrics.add(Metric.lambdaMin());
        } else if (max) {
            metrics.add(Metric.lambdaMax());
        }
        if (names.remove("trace")) {
            metrics.add(Metric.hessianTrace(curvatureProbes));
        }
        if (!names.isEmpty()) {
            throw new BadInput("--curvature takes lmin, lmax and trace, was '" + String.join(",", curvature) + "'");
        }
        return metrics;
    }

    /**
     * Opens the Explorer on the computed surface (not computed again) and waits until its window is closed. The
     * reference HDF5 saver comes from the io module, which charts does not depend on: it is wired here.
     */
    private void explore(Landscape landscape, LandscapeResult result) {
        Explorer explorer = Explorer.open(landscape, Explorer.Options.DEFAULT.withOverview((Surface) result)
                .withStyle(compute.heatmap).withSaver("h5", SurfaceHdf5::write));
        compute.stdout().println("opened the Explorer: drag a rectangle to zoom, click for profiles; close its window"
                + " to end");
        compute.stdout().flush();
        try {
            explorer.awaitClosed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            explorer.close();
        }
    }
}

package org.landscape4j.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.landscape4j.charts.ChartFiles;
import org.landscape4j.charts.Grid;
import org.landscape4j.charts.HeatmapStyle;
import org.landscape4j.charts.ProfileChart;
import org.landscape4j.charts.SurfaceChart;
import org.landscape4j.charts.SurfaceChart3D;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapeResult;
import org.landscape4j.engine.MetricKeys;
import org.landscape4j.engine.Profile;
import org.landscape4j.engine.Provenance;
import org.landscape4j.engine.Surface;
import org.landscape4j.io.DirectionsHdf5;
import org.landscape4j.io.NpyFile;
import org.landscape4j.io.SurfaceHdf5;
import org.landscape4j.io.SurfaceVtp;
import org.landscape4j.io.TrajectoryHdf5;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The files of one run in its {@code --out} directory: the checkpoint {@code landscape.ckpt}; {@code surface.h5}
 * or {@code line.h5} (the reference implementation's layout) with {@code directions.h5} (float32; or
 * {@code directions.npy}, or none: {@code --save-directions}); {@code surface.csv} or {@code line.csv}; a {@code .npy}
 * per (set, metric); a {@code .vtp} per surface loss;
 * and PNG charts.
 */
final class RunDirectory {

    static final String CHECKPOINT = "landscape.ckpt";
    static final String SURFACE = "surface.h5";
    static final String LINE = "line.h5";
    static final String TRAJECTORY = "trajectory.csv";
    /** The curvature maps' metric names ({@code --curvature}), drawn as heatmaps of their own. */
    static final List<String> CURVATURE = List.of("lambda_min", "lambda_max", "hessian_trace");

    private final Path dir;
    private final HeatmapStyle style;
    private final List<String> written = new ArrayList<>();
    private Trajectory trajectory;
    private String directionsFormat = "h5";

    /**
     * Model snapshots projected onto the plane ({@code --trajectory}, {@code --pca}): drawn on the heatmaps, written
     * as {@code trajectory.csv} and {@code trajectory.h5} (loss-landscape's projection file).
     *
     * @param relativeResiduals how far each snapshot lies off the plane, relative to its distance from the centre
     */
    record Trajectory(List<String> names, double[] xs, double[] ys, double[] relativeResiduals) {
    }

    /** The trajectory to draw and write with the surface. */
    void trajectory(Trajectory t) {
        this.trajectory = t;
    }

    /** A run directory whose heatmaps are drawn in {@code style} ({@link ChartOptions}). */
    RunDirectory(Path dir, HeatmapStyle style) {
        this.dir = dir;
        this.style = style;
    }

    /**
     * Checks before any work that {@code --out} can hold a run: not empty, a directory if it exists, else one that
     * can be created. Only the file system knows the last (permissions, read-only mounts, {@code /proc}), so the
     * missing directories are created and removed again; the run creates them for good when it writes.
     *
     * @throws BadInput naming the directory and why it cannot be one
     */
    static void checkCanBeCreated(Path dir) {
        if (dir.toString().isEmpty()) {
            throw new BadInput("--out must not be empty");
        }
        if (Files.isDirectory(dir)) {
            if (!Files.isWritable(dir)) {
                throw new BadInput("--out " + dir + " is not writable");
            }
            return;
        }
        if (Files.exists(dir)) {
            throw new BadInput("--out " + dir + " is a file, not a directory");
        }
        List<Path> missing = new ArrayList<>();                      // deepest first
        Path existing = dir.toAbsolutePath().normalize();
        while (existing != null && !Files.exists(existing, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            missing.add(existing);                                   // a dangling link is not missing: kept
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            throw new BadInput("--out " + dir + " cannot be created: " + existing
                    + (Files.isRegularFile(existing) ? " is a file, not a directory" : " is not a directory"));
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BadInput("--out " + dir + " cannot be created: " + reason(e));
        } finally {
            for (Path p : missing) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // not empty: someone else's by now
                }
            }
        }
    }

    /** {@code /proc/nope: No such file or directory}, as {@code mkdir} says it. */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f) {
            String why = f.getReason() != null ? f.getReason()
                    : e instanceof java.nio.file.NoSuchFileException ? "No such file or directory"
                    : e instanceof java.nio.file.AccessDeniedException ? "Permission denied"
                    : e instanceof java.nio.file.FileAlreadyExistsException ? "File exists"
                    : e.getClass().getSimpleName();
            return (f.getFile() != null ? f.getFile() + ": " : "") + why;
        }
        return ModelFile.firstLine(e);
    }

    Path checkpoint() {
        return dir.resolve(CHECKPOINT);
    }

    /** What this run wrote, for the command's last line: {@code wrote run/: surface.h5, directions.h5, ...}. */
    String summary() {
        long bytes = 0;
        for (String name : new java.util.LinkedHashSet<>(written)) {
            try {
                bytes += Files.size(dir.resolve(name));
            } catch (IOException e) {
                // a file another process removed: not counted
            }
        }
        return "wrote " + dir + " (" + size(bytes) + "): " + String.join(", ", written);
    }

    /** A size in bytes as people read it: 812 B, 4.2 kB, 12.3 MB, 1.8 GB. */
    static String size(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private Path file(String name) {
        written.add(name);
        return dir.resolve(name);
    }

    /** Writes {@code text} to the file {@code name} of this run (e.g. {@code model.txt}, what the import did). */
    void note(String name, String text) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(file(name), text);
    }

    /**
     * Writes a computed surface or line with its directions: {@code surface.h5} or {@code line.h5}, the directions,
     * {@code surface.csv} or {@code line.csv}, a {@code .npy} per (set, metric), and the charts (for a surface also a
     * {@code .vtp} per set's loss).
     */
    void write(LandscapeResult result, Landscape landscape) throws IOException {
        boolean plane = result instanceof Surface;
        Files.createDirectories(dir);
        SurfaceHdf5.write(result, file(plane ? SURFACE : LINE));
        directions(landscape);
        try (Writer w = Files.newBufferedWriter(file(plane ? "surface.csv" : "line.csv"))) {
            result.writeCsv(w);
        }
        for (String set : result.keys().sets()) {
            for (String metric : result.keys().metrics()) {
                NpyFile npy = result instanceof Surface s ? NpyFile.of(s, set, metric)
                        : NpyFile.of((Profile) result, set, metric);
                npy.write(file(set + "_" + metric + ".npy"));
            }
        }
        if (result instanceof Surface s) {
            for (String set : s.keys().sets()) {
                new SurfaceVtp(true, 0).write(s, set, "loss", file(set + "_loss.vtp"));
            }
            if (trajectory != null) {
                writeTrajectory();
            }
            plotSurface(s.x().values(), s.y().values(), lossesOf(s));
            Map<String, double[][]> curvature = new LinkedHashMap<>();
            for (String set : s.keys().sets()) {
                for (String metric : CURVATURE) {
                    if (s.keys().metrics().contains(metric)) {
                        curvature.put(set + " " + metric, s.values(set, metric));
                    }
                }
                if (s.keys().metrics().containsAll(List.of("lambda_min", "lambda_max"))) {
                    ChartFiles.png(SurfaceChart.curvatureRatio(s, set).chart(), file(set + "_convexity.png"), 900,
                            720);
                }
            }
            plotCurvature(s.x().values(), s.y().values(), curvature);
        } else {
            plotProfile((Profile) result);
        }
    }

    /**
     * The directions, once, in float32, in the format {@code --save-directions} asks for: {@code h5}
     * (loss-landscape's direction file), {@code npy} ({@code [k, P]}, DL4J's flat layout) or {@code none}. A resumed run
     * does not read them: it makes them again from its seed (the checkpoint checks they are the same).
     */
    private void directions(Landscape landscape) throws IOException {
        INDArray[] d = landscape.directions();
        switch (directionsFormat) {
            case "h5" -> DirectionsHdf5.write(landscape.layout(), d, file("directions.h5"), true);
            case "npy" -> NpyFile.of(d).write(file("directions.npy"), true);
            default -> { }
        }
    }

    /** How the directions are saved: h5, npy or none ({@code --save-directions}). */
    void directionsFormat(String format) {
        this.directionsFormat = format;
    }

    private static Map<String, double[][]> lossesOf(Surface s) {
        Map<String, double[][]> out = new LinkedHashMap<>();
        for (String set : s.keys().sets()) {
            out.put(set + " loss", s.values(set, "loss"));
        }
        return out;
    }

    private void plotSurface(double[] xs, double[] ys, Map<String, double[][]> losses) throws IOException {
        for (Map.Entry<String, double[][]> e : losses.entrySet()) {
            String name = e.getKey().replace(' ', '_');
            Grid grid = Grid.of(xs, ys, e.getValue(), e.getKey());
            ChartFiles.png(withTrajectory(new SurfaceChart(grid, e.getKey(), style)).chart(),
                    file(name + "-heatmap.png"), 900, 720);
            ChartFiles.png(SurfaceChart3D.of(grid, e.getKey(), Double.NaN), file(name + "-3d.png"), 900, 720);
        }
    }

    /**
     * A heatmap per curvature map ({@code --curvature}): linear colours (eigenvalues take both signs), the contour
     * levels asked for, the colour range automatic (--vmin and --vmax are the loss's).
     */
    private void plotCurvature(double[] xs, double[] ys, Map<String, double[][]> maps) throws IOException {
        for (Map.Entry<String, double[][]> e : maps.entrySet()) {
            Grid grid = Grid.of(xs, ys, e.getValue(), e.getKey());
            ChartFiles.png(withTrajectory(new SurfaceChart(grid, e.getKey(), HeatmapStyle.DEFAULT
                    .withLevels(style.levels()))).chart(), file(e.getKey().replace(' ', '_') + "-heatmap.png"), 900,
                    720);
        }
    }

    private SurfaceChart withTrajectory(SurfaceChart chart) {
        if (trajectory != null) {
            chart.addPath("trajectory", trajectory.xs(), trajectory.ys());
            chart.addPoint(trajectory.names().get(0), trajectory.xs()[0], trajectory.ys()[0]);
        }
        return chart;
    }

    private void writeTrajectory() throws IOException {
        StringBuilder csv = new StringBuilder("snapshot,x,y,relative_residual\n");
        for (int i = 0; i < trajectory.xs().length; i++) {
            csv.append(trajectory.names().get(i).replace(',', '_')).append(',').append(trajectory.xs()[i]).append(',')
                    .append(trajectory.ys()[i]).append(',').append(trajectory.relativeResiduals()[i]).append('\n');
        }
        Files.writeString(file(TRAJECTORY), csv);
        TrajectoryHdf5.write(file("trajectory.h5"), trajectory.xs(), trajectory.ys());
    }

    /** The trajectory a run wrote ({@code trajectory.csv}), to draw it again; {@code null} if there is none. */
    private Trajectory savedTrajectory() throws IOException {
        Path csv = dir.resolve(TRAJECTORY);
        if (!Files.isRegularFile(csv)) {
            return null;
        }
        List<String> rows = Files.readAllLines(csv);
        int n = rows.size() - 1;
        List<String> names = new ArrayList<>();
        double[][] v = new double[3][n];
        try {
            for (int i = 0; i < n; i++) {
                String[] cells = rows.get(i + 1).split(",");
                names.add(cells[0]);
                for (int c = 0; c < 3; c++) {
                    v[c][i] = Double.parseDouble(cells[c + 1]);
                }
            }
        } catch (RuntimeException e) {
            throw new BadInput(csv + " is not a trajectory this CLI wrote (" + ModelFile.firstLine(e) + ")");
        }
        return n == 0 ? null : new Trajectory(names, v[0], v[1], v[2]);
    }

    private void plotProfile(Profile p) throws IOException {
        ChartFiles.png(ProfileChart.of(p, "loss along the direction", false), file("profile.png"), 900, 540);
    }

    /**
     * Draws the charts of the results saved in this directory ({@code surface.h5} or {@code line.h5}).
     *
     * @throws BadInput when the directory holds neither
     */
    void plot() throws IOException {
        Path surface = dir.resolve(SURFACE);
        Path line = dir.resolve(LINE);
        if (Files.isRegularFile(surface)) {
            SurfaceHdf5.Contents c = SurfaceHdf5.read(surface);
            if (c.y() == null) {
                throw new BadInput(surface + " has no /ycoordinates: not a surface");
            }
            int nx = c.x().length;
            int ny = c.y().length;
            trajectory = savedTrajectory();
            Map<String, double[][]> losses = new LinkedHashMap<>();
            savedLosses(c).forEach((set, flat) -> losses.put(set + " loss", grid(flat, nx, ny)));
            plotSurface(c.x(), c.y(), losses);
            Map<String, double[][]> curvature = new LinkedHashMap<>();
            c.datasets().forEach((name, flat) -> CURVATURE.stream().filter(m -> name.endsWith("_" + m)).findFirst()
                    .ifPresent(m -> curvature.put(name.substring(0, name.length() - m.length() - 1) + " " + m,
                            grid(Arrays.stream(flat).map(v -> v == SurfaceHdf5.UNFINISHED ? Double.NaN : v)
                                    .toArray(), nx, ny))));
            plotCurvature(c.x(), c.y(), curvature);
        } else if (Files.isRegularFile(line)) {
            SurfaceHdf5.Contents c = SurfaceHdf5.read(line);
            Map<String, double[]> losses = savedLosses(c);
            if (losses.isEmpty()) {
                throw new BadInput(line + " holds no *_loss dataset to plot");
            }
            double[] x = c.x();
            Axis axis = Axis.linear(x[0], x[x.length - 1], x.length);
            plotProfile(Profile.of(axis, new MetricKeys(List.copyOf(losses.keySet()), List.of("loss")),
                    losses.values().toArray(double[][]::new),
                    new Provenance("read from " + line, 0, List.of(axis), "unknown", 0, "unknown", List.of())));
        } else {
            throw new BadInput(dir + " holds no " + SURFACE + " or " + LINE + " to plot (run `landscape surface --out "
                    + dir + "` first)");
        }
    }

    /** {@code flat} (row-major, {@code k = iy * nx + ix}) as {@code [iy][ix]}. */
    private static double[][] grid(double[] flat, int nx, int ny) {
        double[][] z = new double[ny][nx];
        for (int k = 0; k < flat.length; k++) {
            z[k / nx][k % nx] = flat[k];
        }
        return z;
    }

    /** Each set's loss in a saved file (its {@code <set>_loss} datasets, flat), unfinished points as NaN. */
    private static Map<String, double[]> savedLosses(SurfaceHdf5.Contents c) {
        Map<String, double[]> losses = new LinkedHashMap<>();
        c.datasets().forEach((name, flat) -> {
            if (name.endsWith("_loss")) {
                losses.put(name.substring(0, name.length() - "_loss".length()),
                        Arrays.stream(flat).map(v -> v == SurfaceHdf5.UNFINISHED ? Double.NaN : v).toArray());
            }
        });
        return losses;
    }
}

package org.landscape4j.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import org.landscape4j.engine.LandscapeResult;
import org.landscape4j.engine.MetricKeys;
import org.landscape4j.engine.Profile;
import org.landscape4j.engine.Surface;

/**
 * A surface or profile as an HDF5 file in the layout of the reference implementation (tomgoldstein/loss-landscape,
 * {@code plot_surface.py}), so its plotting scripts and its ParaView converter read our results:
 * <ul>
 *   <li>{@code /xcoordinates} {@code [nx]} and, for a surface, {@code /ycoordinates} {@code [ny]}, f64;</li>
 *   <li>one f64 dataset per (set, metric): {@code /train_loss}, {@code /test_loss}; accuracy as
 *       {@code /train_acc}, {@code /test_acc} in <b>percent</b>; any other metric as {@code /set_metric};</li>
 *   <li>shaped {@code [nx]} for a profile and {@code [nx, ny]} for a surface, holding the flat grid order of the
 *       reference: row-major element {@code k = iy·nx + ix} is the value at {@code (x[ix], y[iy])} (the reference
 *       fills {@code losses.ravel()} in the order of {@code meshgrid(x, y)}, it does not transpose);</li>
 *   <li>unfinished entries (NaN in our results) are {@code -1}, the reference's marker for "not computed yet".</li>
 * </ul>
 * The root group carries a {@code landscape4j_provenance} string attribute.
 *
 * <pre>{@code
 * SurfaceHdf5.write(landscape.surface(), Path.of("surface.h5"));
 * SurfaceHdf5.Contents c = SurfaceHdf5.read(Path.of("surface.h5"));
 * double[] trainLoss = c.datasets().get("train_loss");      // flat, k = iy * nx + ix
 * }</pre>
 *
 * <p>Written with jHDF (pure Java); never hand-written.
 */
public final class SurfaceHdf5 {

    /** The reference's marker for an entry that is not computed yet. */
    public static final double UNFINISHED = -1.0;

    private SurfaceHdf5() {
    }

    /**
     * What a surface file holds, as read back.
     *
     * @param x        the x coordinates
     * @param y        the y coordinates, or {@code null} for a profile (a file without {@code /ycoordinates})
     * @param datasets every other dataset by name, flattened in row-major order, sorted by name
     *                 (unmodifiable)
     * @param shape    the shape of the value datasets: {@code [nx]} or {@code [nx, ny]}
     */
    public record Contents(double[] x, double[] y, Map<String, double[]> datasets, int[] shape) {
        public Contents {
            if (x == null) {
                throw new IllegalArgumentException("x must not be null");
            }
            // sorted, so that what is drawn from a file comes out in one order (Map.copyOf's order changes per JVM)
            datasets = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(datasets));
            shape = shape.clone();
        }
    }

    /** The dataset name of value {@code k} of {@code keys}: {@code train_loss}, {@code train_acc}, {@code set_metric}. */
    public static String datasetName(MetricKeys keys, int k) {
        String set = keys.sets().get(k / keys.metrics().size());
        String metric = keys.metrics().get(k % keys.metrics().size());
        return set + "_" + switch (metric) {
            case "accuracy" -> "acc";
            default -> metric;
        };
    }

    /**
     * Writes {@code result} to {@code file} (replaced if it exists).
     *
     * @return {@code file}
     */
    public static Path write(LandscapeResult result, Path file) throws IOException {
        if (result == null) {
            throw new IllegalArgumentException("result must not be null");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        MetricKeys keys = result.keys();
        try (WritableHdfFile h5 = HdfFile.write(file)) {
            int nx;
            int ny;
            if (result instanceof Surface s) {
                nx = s.x().points();
                ny = s.y().points();
                h5.putDataset("xcoordinates", s.x().values());
                h5.putDataset("ycoordinates", s.y().values());
            } else {
                Profile p = (Profile) result;
                nx = p.axis().points();
                ny = 0;
                h5.putDataset("xcoordinates", p.coordinates());
            }
            for (int k = 0; k < keys.size(); k++) {
                String metric = keys.metrics().get(k % keys.metrics().size());
                double scale = metric.equals("accuracy") ? 100.0 : 1.0;
                double[] flat = result.flatValues(keys.sets().get(k / keys.metrics().size()), metric);
                for (int i = 0; i < flat.length; i++) {
                    flat[i] = Double.isNaN(flat[i]) ? UNFINISHED : flat[i] * scale;
                }
                h5.putDataset(datasetName(keys, k), ny == 0 ? flat : rows(flat, nx, ny));
            }
            h5.putAttribute("landscape4j_provenance", result.provenance().toString());
        }
        return file;
    }

    /** The flat values as {@code [nx][ny]}, row-major: element {@code [a][b]} is {@code flat[a * ny + b]}. */
    private static double[][] rows(double[] flat, int nx, int ny) {
        double[][] out = new double[nx][ny];
        for (int a = 0; a < nx; a++) {
            System.arraycopy(flat, a * ny, out[a], 0, ny);
        }
        return out;
    }

    /**
     * Reads a surface file (ours or the reference's).
     *
     * @throws IOException when the file is missing, not HDF5, or has no {@code /xcoordinates}
     */
    public static Contents read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such file: " + file);
        }
        try (HdfFile h5 = new HdfFile(file)) {
            Map<String, double[]> datasets = new LinkedHashMap<>();
            double[] x = null;
            double[] y = null;
            int[] shape = null;
            for (Map.Entry<String, Node> e : h5.getChildren().entrySet()) {
                if (!(e.getValue() instanceof Dataset d)) {
                    continue;
                }
                double[] flat = flatDoubles(d);
                switch (e.getKey()) {
                    case "xcoordinates" -> x = flat;
                    case "ycoordinates" -> y = flat;
                    default -> {
                        datasets.put(e.getKey(), flat);
                        shape = d.getDimensions();
                    }
                }
            }
            if (x == null) {
                throw new IOException(file + " has no /xcoordinates: not a loss-surface file");
            }
            return new Contents(x, y, datasets, shape == null ? new int[] {x.length} : shape);
        } catch (RuntimeException e) {
            throw new IOException("cannot read " + file + " as HDF5: " + e.getMessage(), e);
        }
    }

    static double[] flatDoubles(Dataset d) throws IOException {
        Object data = d.getDataFlat();
        if (data instanceof double[] v) {
            return v;
        }
        if (data instanceof float[] v) {
            double[] out = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = v[i];
            }
            return out;
        }
        throw new IOException("dataset " + d.getPath() + " holds " + d.getJavaType() + ", expected f64 or f32 "
                + Arrays.toString(d.getDimensions()));
    }
}

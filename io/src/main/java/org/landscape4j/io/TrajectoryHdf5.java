package org.landscape4j.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;

/**
 * A training trajectory projected onto a plane, in the layout of tomgoldstein/loss-landscape's projection file
 * ({@code projection.py: project_trajectory}): the datasets {@code /proj_xcoord} and {@code /proj_ycoord}, one
 * coordinate per model snapshot in order, which its {@code plot_2D.plot_contour_trajectory} draws on the contour.
 */
public final class TrajectoryHdf5 {

    private TrajectoryHdf5() {
    }

    /**
     * Writes {@code xs} and {@code ys} to {@code file}.
     *
     * @throws IllegalArgumentException when they differ in length or are empty
     */
    public static Path write(Path file, double[] xs, double[] ys) throws IOException {
        if (xs == null || ys == null || xs.length != ys.length || xs.length == 0) {
            throw new IllegalArgumentException("a trajectory needs as many x as y coordinates (> 0)");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (WritableHdfFile h5 = HdfFile.write(file)) {
            h5.putDataset("proj_xcoord", xs);
            h5.putDataset("proj_ycoord", ys);
        }
        return file;
    }

    /** The {@code {xs, ys}} of a projection file. */
    public static double[][] read(Path file) {
        try (HdfFile h5 = new HdfFile(file)) {
            return new double[][] {(double[]) h5.getDatasetByPath("proj_xcoord").getData(),
                (double[]) h5.getDatasetByPath("proj_ycoord").getData()};
        }
    }
}

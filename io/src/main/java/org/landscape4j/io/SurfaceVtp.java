package org.landscape4j.io;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.landscape4j.engine.Surface;

/**
 * A surface as VTK XML PolyData ({@code .vtp}) for ParaView, like the reference implementation's
 * {@code h5_to_vtp.py}: one point {@code (x, y, z)} per grid point, one quad per grid cell, and the values as point
 * data ({@code z}, what is drawn; {@code value}, the raw metric).
 *
 * <p>{@code z} is the value clipped at {@code zClip} (when {@code zClip > 0}), then, with {@code logScale},
 * {@code ln(z + 0.1)} — the reference's order and offset. Points whose value is not finite (unfinished or
 * diverged) are kept at {@code z = 0} but no quad touches them.
 *
 * <pre>{@code
 * new SurfaceVtp(true, 10).write(surface, "train", "loss", Path.of("train_loss.vtp"));
 * }</pre>
 *
 * @param logScale whether z is {@code ln(value + 0.1)}
 * @param zClip    values above it are clipped to it; {@code <= 0} or NaN means no clipping
 */
public record SurfaceVtp(boolean logScale, double zClip) {

    /** Linear z, no clipping. */
    public static final SurfaceVtp PLAIN = new SurfaceVtp(false, 0);

    public SurfaceVtp {
        if (Double.isInfinite(zClip)) {
            throw new IllegalArgumentException("zClip must be finite (<= 0 or NaN for none), was " + zClip);
        }
    }

    /** The z drawn for {@code value}, or NaN when the value is not finite. */
    public double z(double value) {
        if (!Double.isFinite(value)) {
            return Double.NaN;
        }
        double z = zClip > 0 && value > zClip ? zClip : value;
        return logScale ? Math.log(z + 0.1) : z;
    }

    /** Writes (set, metric) of {@code surface} to {@code file}, replacing it; returns {@code file}. */
    public Path write(Surface surface, String set, String metric, Path file) throws IOException {
        int nx = surface.x().points();
        int ny = surface.y().points();
        double[] xs = surface.x().values();
        double[] ys = surface.y().values();
        double[] v = surface.flatValues(set, metric);
        double[] z = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            z[i] = z(v[i]);
        }
        StringBuilder connectivity = new StringBuilder();
        StringBuilder offsets = new StringBuilder();
        int quads = 0;
        for (int iy = 0; iy + 1 < ny; iy++) {
            for (int ix = 0; ix + 1 < nx; ix++) {
                int a = iy * nx + ix;
                int[] corners = {a, a + 1, a + 1 + nx, a + nx};
                boolean finite = true;
                for (int c : corners) {
                    finite &= !Double.isNaN(z[c]);
                }
                if (finite) {
                    connectivity.append(corners[0]).append(' ').append(corners[1]).append(' ').append(corners[2])
                            .append(' ').append(corners[3]).append('\n');
                    quads++;
                    offsets.append(4 * quads).append('\n');
                }
            }
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("<?xml version=\"1.0\"?>\n");
            out.write("<VTKFile type=\"PolyData\" version=\"0.1\" byte_order=\"LittleEndian\">\n<PolyData>\n");
            out.write(String.format(Locale.ROOT, "<Piece NumberOfPoints=\"%d\" NumberOfVerts=\"0\" NumberOfLines=\"0\""
                    + " NumberOfStrips=\"0\" NumberOfPolys=\"%d\">%n", v.length, quads));
            out.write("<Points>\n<DataArray type=\"Float64\" NumberOfComponents=\"3\" format=\"ascii\">\n");
            for (int i = 0; i < v.length; i++) {
                double zi = Double.isNaN(z[i]) ? 0 : z[i];
                out.write(String.format(Locale.ROOT, "%.17g %.17g %.17g%n", xs[i % nx], ys[i / nx], zi));
            }
            out.write("</DataArray>\n</Points>\n");
            out.write("<PointData Scalars=\"z\">\n<DataArray type=\"Float64\" Name=\"z\" format=\"ascii\">\n");
            for (double zi : z) {
                out.write(String.format(Locale.ROOT, "%.17g%n", Double.isNaN(zi) ? 0 : zi));
            }
            out.write("</DataArray>\n<DataArray type=\"Float64\" Name=\"value\" format=\"ascii\">\n");
            for (double vi : v) {
                out.write(String.format(Locale.ROOT, "%.17g%n", Double.isFinite(vi) ? vi : -1.0));
            }
            out.write("</DataArray>\n</PointData>\n");
            out.write("<Polys>\n<DataArray type=\"Int64\" Name=\"connectivity\" format=\"ascii\">\n");
            out.write(connectivity.toString());
            out.write("</DataArray>\n<DataArray type=\"Int64\" Name=\"offsets\" format=\"ascii\">\n");
            out.write(offsets.toString());
            out.write("</DataArray>\n</Polys>\n</Piece>\n</PolyData>\n</VTKFile>\n");
        }
        return file;
    }
}

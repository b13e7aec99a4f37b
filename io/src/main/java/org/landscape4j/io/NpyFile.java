package org.landscape4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.landscape4j.engine.Profile;
import org.landscape4j.engine.Surface;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A float64 array in NumPy's {@code .npy} format (version 1.0, little-endian {@code <f8}, C order): what
 * {@code numpy.load} reads.
 *
 * <pre>{@code
 * NpyFile.of(surface, "train", "loss").write(Path.of("train_loss.npy"));   // shape [ny, nx]: z[iy][ix]
 * NpyFile.of(landscape.directions()).write(Path.of("directions.npy"));    // shape [k, P], DL4J flat layout
 * }</pre>
 *
 * @param shape  the array's shape, every size {@code >= 0}
 * @param values the values in C (row-major) order, as many as the shape holds
 */
public record NpyFile(long[] shape, double[] values) {


    public NpyFile {
        if (shape == null || values == null) {
            throw new IllegalArgumentException("shape and values must not be null");
        }
        long n = 1;
        for (long s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("shape sizes must be >= 0, was " + Arrays.toString(shape));
            }
            n *= s;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " values, was given "
                    + values.length);
        }
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** One (set, metric) of a surface as {@code [ny, nx]}: {@code z[iy][ix]}, as matplotlib's contour expects. */
    public static NpyFile of(Surface surface, String set, String metric) {
        return new NpyFile(new long[] {surface.y().points(), surface.x().points()},
                surface.flatValues(set, metric));
    }

    /** One (set, metric) of a profile as {@code [n]}. */
    public static NpyFile of(Profile profile, String set, String metric) {
        return new NpyFile(new long[] {profile.axis().points()}, profile.flatValues(set, metric));
    }

    /** Directions as {@code [k, P]}: one row per direction, in the layout of DL4J's flat {@code net.params()}. */
    public static NpyFile of(INDArray[] directions) {
        if (directions == null || directions.length == 0) {
            throw new IllegalArgumentException("directions must hold at least one vector");
        }
        long p = directions[0].length();
        double[] all = new double[Math.toIntExact(directions.length * p)];
        for (int i = 0; i < directions.length; i++) {
            if (directions[i].length() != p) {
                throw new IllegalArgumentException("direction " + i + " has " + directions[i].length()
                        + " entries, direction 0 has " + p);
            }
            System.arraycopy(directions[i].toDoubleVector(), 0, all, (int) (i * p), (int) p);
        }
        return new NpyFile(new long[] {directions.length, p}, all);
    }

    /** Writes this array to {@code file} as float64 ({@code <f8}), replacing it; returns {@code file}. */
    public Path write(Path file) throws IOException {
        return write(file, false);
    }

    /** Writes this array to {@code file}, as float32 ({@code <f4}) when {@code float32}, replacing it. */
    public Path write(Path file, boolean float32) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (long s : shape) {
            dims.append(s).append(", ");
        }
        if (shape.length > 1) {
            dims.setLength(dims.length() - 2);
        } else if (shape.length == 1) {
            dims.setLength(dims.length() - 1); // "(n,)"
        }
        String dict = "{'descr': '" + (float32 ? "<f4" : "<f8") + "', 'fortran_order': False, 'shape': (" + dims
                + "), }";
        // magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in \n.
        int unpadded = 10 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(NumpyArrays.MAGIC);
            out.write(new byte[] {1, 0});
            out.write(header.length() & 0xff);
            out.write(header.length() >>> 8);
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            ByteBuffer buf = ByteBuffer.allocate(8 * 1024).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : values) {
                if (!buf.hasRemaining()) {
                    out.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                if (float32) {
                    buf.putFloat((float) v);
                } else {
                    buf.putDouble(v);
                }
            }
            out.write(buf.array(), 0, buf.position());
        }
        return file;
    }

    /**
     * Reads a version 1.x or 2.x {@code .npy} file of little-endian float64 or float32 ({@code <f8}, {@code <f4}) in
     * C order; float32 values are widened exactly.
     *
     * @throws IOException for anything else, naming what was found
     */
    public static NpyFile read(Path file) throws IOException {
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            NumpyArrays.Header h = NumpyArrays.header(in, file.toString());
            if (!h.descr().equals("<f8") && !h.descr().equals("<f4")) {
                throw new IOException(file + ": dtype " + h.descr() + ", expected <f8 or <f4");
            }
            if (h.fortran()) {
                throw new IOException(file + ": Fortran order is not supported");
            }
            int width = h.descr().equals("<f8") ? 8 : 4;
            long n = h.elements();
            if (n < 0 || n * width > Files.size(file)) {
                throw new IOException(file + ": shape " + Arrays.toString(h.shape()) + " needs more bytes than the"
                        + " file holds");
            }
            byte[] data = in.readNBytes(Math.toIntExact(n * width));
            if (data.length != n * width) {
                throw new IOException(file + ": truncated, " + data.length + " of " + n * width + " data bytes");
            }
            double[] values = new double[(int) n];
            ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                values[i] = width == 8 ? buf.getDouble() : buf.getFloat();
            }
            return new NpyFile(h.shape(), values);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyFile n && Arrays.equals(shape, n.shape) && Arrays.equals(values, n.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "NpyFile <f8 " + Arrays.toString(shape);
    }
}

package org.landscape4j.io;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * IDX image and label files (the MNIST / FashionMNIST format, gzipped or not) as a DL4J {@link DataSet}: features
 * {@code [n, rows * cols]} scaled to [0, 1], one-hot labels {@code [n, classes]}, float32.
 */
public final class IdxFiles {

    private IdxFiles() {
    }

    /**
     * Reads the first {@code limit} examples of {@code <prefix>-images-idx3-ubyte[.gz]} and
     * {@code <prefix>-labels-idx1-ubyte[.gz]} in {@code dir}.
     *
     * @param prefix  {@code train} or {@code t10k} in the MNIST naming
     * @param classes the number of classes (label columns); labels must be below it
     * @param limit   at most this many examples, at least 1
     * @throws IllegalArgumentException naming the file when one is missing, not IDX, inconsistent or has a label out of
     *                                  range
     * @throws UncheckedIOException     when a file cannot be read
     */
    public static DataSet read(Path dir, String prefix, int classes, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, was " + classes);
        }
        Path images = find(dir, prefix + "-images-idx3-ubyte");
        Path labels = find(dir, prefix + "-labels-idx1-ubyte");
        try (DataInputStream img = open(images); DataInputStream lab = open(labels)) {
            int imageMagic = img.readInt();
            int count = img.readInt();
            int rows = img.readInt();
            int cols = img.readInt();
            int labelMagic = lab.readInt();
            int labelCount = lab.readInt();
            if (imageMagic != 0x803 || labelMagic != 0x801) {
                throw new IllegalArgumentException(images + " and " + labels + " are not IDX image and label files"
                        + " (magic " + Integer.toHexString(imageMagic) + ", " + Integer.toHexString(labelMagic) + ")");
            }
            if (count != labelCount) {
                throw new IllegalArgumentException(images + " has " + count + " images but " + labels + " has "
                        + labelCount + " labels");
            }
            int n = Math.min(limit, count);
            int size = rows * cols;
            float[] pixels = new float[n * size];
            float[] onehot = new float[n * classes];
            byte[] buf = new byte[size];
            for (int i = 0; i < n; i++) {
                img.readFully(buf);
                for (int j = 0; j < size; j++) {
                    pixels[i * size + j] = (buf[j] & 0xff) / 255f;
                }
                int label = lab.readUnsignedByte();
                if (label >= classes) {
                    throw new IllegalArgumentException("label " + label + " of example " + i + " in " + labels
                            + " is not below " + classes + " classes");
                }
                onehot[i * classes + label] = 1f;
            }
            return new DataSet(Nd4j.create(pixels, new long[] {n, size}, DataType.FLOAT),
                    Nd4j.create(onehot, new long[] {n, classes}, DataType.FLOAT));
        } catch (EOFException e) {
            throw new IllegalArgumentException("IDX files in " + dir + " are truncated", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IDX files in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** {@code name.gz} or {@code name} in {@code dir}. */
    private static Path find(Path dir, String name) {
        for (String candidate : new String[] {name + ".gz", name}) {
            if (Files.isRegularFile(dir.resolve(candidate))) {
                return dir.resolve(candidate);
            }
        }
        throw new IllegalArgumentException(dir + " has no " + name + "[.gz]");
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return new DataInputStream(file.toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in);
    }
}

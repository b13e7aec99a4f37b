package org.landscape4j.examples;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * FashionMNIST from Debian's {@code dataset-fashion-mnist} package: gzipped IDX files in
 * {@code /usr/share/datasets/fashion-mnist/}. Nothing is downloaded: when the files are missing the error names the
 * path and the install command, and {@link #install()} runs it when we are root.
 */
public final class FashionMnist {

    /** Where Debian's package puts the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** The command that installs them. */
    public static final String INSTALL_COMMAND = "apt-get install -y dataset-fashion-mnist";

    /** The two splits of the data set. */
    public enum Split {
        /** 60,000 training images. */
        TRAIN("train"),
        /** 10,000 test images. */
        TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    private FashionMnist() {
    }

    /** Whether the Debian package's files are present. */
    public static boolean available() {
        return available(DEBIAN_DIR);
    }

    static boolean available(Path dir) {
        return Files.isRegularFile(images(dir, Split.TRAIN)) && Files.isRegularFile(labels(dir, Split.TEST));
    }

    /**
     * Installs Debian's package when the files are missing and this process runs as root; returns whether the files
     * are present afterwards. Prints what it does.
     */
    public static boolean install() {
        if (available()) {
            return true;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            System.out.println("FashionMNIST is not installed and we are not root: run `sudo " + INSTALL_COMMAND + "`");
            return false;
        }
        System.out.println("installing FashionMNIST: " + INSTALL_COMMAND);
        try {
            Process p = new ProcessBuilder("sh", "-c", "apt-get install -y -q dataset-fashion-mnist >/dev/null 2>&1"
                    + " || (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q dataset-fashion-mnist"
                    + " >/dev/null 2>&1)").inheritIO().start();
            p.waitFor();
        } catch (IOException e) {
            System.out.println("could not run apt-get: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return available();
    }

    /**
     * The first {@code limit} examples of a split: features {@code [n, 784]} scaled to [0, 1], one-hot labels
     * {@code [n, 10]}, float32.
     *
     * @throws IllegalStateException naming the path and the install command when the files are missing
     */
    public static DataSet load(Split split, int limit) {
        return load(DEBIAN_DIR, split, limit);
    }

    static DataSet load(Path dir, Split split, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        Path imageFile = images(dir, split);
        Path labelFile = labels(dir, split);
        for (Path f : new Path[] {imageFile, labelFile}) {
            if (!Files.isRegularFile(f)) {
                throw new IllegalStateException("FashionMNIST file " + f + " is missing: install Debian's package with `"
                        + INSTALL_COMMAND + "` (as root)");
            }
        }
        try (DataInputStream img = open(imageFile); DataInputStream lab = open(labelFile)) {
            int imageMagic = img.readInt();
            int count = img.readInt();
            int rows = img.readInt();
            int cols = img.readInt();
            int labelMagic = lab.readInt();
            int labelCount = lab.readInt();
            if (imageMagic != 0x803 || labelMagic != 0x801) {
                throw new IllegalStateException("not IDX image/label files: magic " + Integer.toHexString(imageMagic)
                        + " in " + imageFile + ", " + Integer.toHexString(labelMagic) + " in " + labelFile);
            }
            if (count != labelCount) {
                throw new IllegalStateException(imageFile + " has " + count + " images but " + labelFile + " has "
                        + labelCount + " labels");
            }
            int n = Math.min(limit, count);
            int size = rows * cols;
            float[] pixels = new float[n * size];
            byte[] buf = new byte[size];
            float[] onehot = new float[n * 10];
            for (int i = 0; i < n; i++) {
                img.readFully(buf);
                for (int j = 0; j < size; j++) {
                    pixels[i * size + j] = (buf[j] & 0xff) / 255f;
                }
                int label = lab.readUnsignedByte();
                if (label > 9) {
                    throw new IllegalStateException("label " + label + " of example " + i + " in " + labelFile
                            + " is not in 0..9");
                }
                onehot[i * 10 + label] = 1f;
            }
            INDArray x = Nd4j.create(pixels, new long[] {n, size}, DataType.FLOAT);
            INDArray y = Nd4j.create(onehot, new long[] {n, 10}, DataType.FLOAT);
            return new DataSet(x, y);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read FashionMNIST from " + dir + ": " + e.getMessage(), e);
        }
    }

    private static DataInputStream open(Path f) throws IOException {
        InputStream in = Files.newInputStream(f);
        return new DataInputStream(new java.io.BufferedInputStream(new GZIPInputStream(in, 1 << 16)));
    }

    private static Path images(Path dir, Split split) {
        return dir.resolve(split.prefix + "-images-idx3-ubyte.gz");
    }

    private static Path labels(Path dir, Split split) {
        return dir.resolve(split.prefix + "-labels-idx1-ubyte.gz");
    }
}

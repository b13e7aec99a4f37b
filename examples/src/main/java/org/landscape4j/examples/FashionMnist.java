package org.landscape4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.landscape4j.io.IdxFiles;
import org.nd4j.linalg.dataset.DataSet;

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
        for (Path f : new Path[] {images(dir, split), labels(dir, split)}) {
            if (!Files.isRegularFile(f)) {
                throw new IllegalStateException("FashionMNIST file " + f + " is missing: install Debian's package with `"
                        + INSTALL_COMMAND + "` (as root)");
            }
        }
        return IdxFiles.read(dir, split.prefix, 10, limit);
    }

    private static Path images(Path dir, Split split) {
        return dir.resolve(split.prefix + "-images-idx3-ubyte.gz");
    }

    private static Path labels(Path dir, Split split) {
        return dir.resolve(split.prefix + "-labels-idx1-ubyte.gz");
    }
}

package org.landscape4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

class FashionMnistTest {

    private static void idx(Path file, int magic, int[] dims, byte[] data) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
    }

    @Test
    void readsIdxImagesAndLabels(@TempDir Path dir) throws IOException {
        byte[] pixels = new byte[3 * 2 * 2];
        pixels[0] = (byte) 255;
        pixels[5] = (byte) 51;
        idx(dir.resolve("train-images-idx3-ubyte.gz"), 0x803, new int[] {3, 2, 2}, pixels);
        idx(dir.resolve("train-labels-idx1-ubyte.gz"), 0x801, new int[] {3}, new byte[] {9, 0, 4});

        DataSet d = FashionMnist.load(dir, FashionMnist.Split.TRAIN, 2);

        assertThat(d.getFeatures().shape()).containsExactly(2, 4);
        assertThat(d.getFeatures().getFloat(0, 0)).isEqualTo(1f);
        assertThat(d.getFeatures().getFloat(1, 1)).isEqualTo(0.2f);
        assertThat(d.getLabels().getFloat(0, 9)).isEqualTo(1f);
        assertThat(d.getLabels().getFloat(1, 0)).isEqualTo(1f);
        assertThat(d.getLabels().sumNumber().intValue()).isEqualTo(2);
    }

    @Test
    void missingFilesNameThePathAndTheInstallCommand(@TempDir Path dir) {
        assertThatThrownBy(() -> FashionMnist.load(dir, FashionMnist.Split.TEST, 10))
                .hasMessageContaining(dir.resolve("t10k-images-idx3-ubyte.gz").toString())
                .hasMessageContaining("apt-get install -y dataset-fashion-mnist");
    }

    @Test
    void realDebianFilesLoadWhenInstalled() {
        org.junit.jupiter.api.Assumptions.assumeTrue(FashionMnist.available(), "dataset-fashion-mnist not installed");
        DataSet test = FashionMnist.load(FashionMnist.Split.TEST, 500);

        assertThat(test.numExamples()).isEqualTo(500);
        assertThat(test.getFeatures().maxNumber().floatValue()).isLessThanOrEqualTo(1f);
        assertThat(test.getLabels().sum(0).minNumber().intValue()).isGreaterThan(20);
    }
}

package org.landscape4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.landscape4j.engine.Surface;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NpyFileTest {

    @TempDir
    Path dir;

    @Test
    void headerAndDataAreWhatNumpyWrites() throws IOException {
        byte[] bytes = Files.readAllBytes(new NpyFile(new long[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6.5})
                .write(dir.resolve("a.npy")));
        assertThat(bytes[0] & 0xff).isEqualTo(0x93);
        assertThat(new String(bytes, 1, 5, StandardCharsets.US_ASCII)).isEqualTo("NUMPY");
        assertThat(bytes[6]).isEqualTo((byte) 1);
        assertThat(bytes[7]).isEqualTo((byte) 0);
        int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        assertThat((10 + headerLength) % 64).isZero();
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertThat(header).startsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }").endsWith("\n");
        assertThat(bytes.length).isEqualTo(10 + headerLength + 6 * 8);
        ByteBuffer data = ByteBuffer.wrap(bytes, 10 + headerLength, 48).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(data.getDouble()).isEqualTo(1);
        data.position(10 + headerLength + 40);
        assertThat(data.getDouble()).isEqualTo(6.5);
    }

    @Test
    void oneDimensionalShapeHasNumpysTrailingComma() throws IOException {
        Path f = new NpyFile(new long[] {3}, new double[] {1, 2, 3}).write(dir.resolve("v.npy"));
        assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).contains("'shape': (3,)");
        assertThat(NpyFile.read(f).shape()).containsExactly(3);
    }

    @Test
    void surfaceIsWrittenAsNyByNxAndReadsBack() throws IOException {
        Surface s = TestSurfaces.surface();
        NpyFile read = NpyFile.read(NpyFile.of(s, "test", "loss").write(dir.resolve("s.npy")));
        assertThat(read.shape()).containsExactly(3, 5);
        double[][] z = s.values("test", "loss");
        assertThat(read.values()[2 * 5 + 4]).isEqualTo(z[2][4]);
        assertThat(read).isEqualTo(NpyFile.of(s, "test", "loss"));
    }

    @Test
    void directionsAreOneRowEach() throws IOException {
        INDArray a = Nd4j.createFromArray(1.0, 2.0, 3.0);
        INDArray b = Nd4j.createFromArray(-1.0, 0.5, 7.0);
        NpyFile read = NpyFile.read(NpyFile.of(new INDArray[] {a, b}).write(dir.resolve("d.npy")));
        assertThat(read.shape()).containsExactly(2, 3);
        assertThat(read.values()).containsExactly(1, 2, 3, -1, 0.5, 7);
    }

    @Test
    void truncatedFileIsReportedAsTruncated() throws IOException {
        Path f = new NpyFile(new long[] {4}, new double[] {1, 2, 3, 4}).write(dir.resolve("t.npy"));
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        assertThatThrownBy(() -> NpyFile.read(f)).isInstanceOf(IOException.class).hasMessageContaining("truncated");
    }

    @Test
    void shapeThatDoesNotMatchTheValuesIsRefused() {
        assertThatThrownBy(() -> new NpyFile(new long[] {2, 2}, new double[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("shape [2, 2] holds 4 values, was given 3");
    }
}

package org.landscape4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class NumpyArraysTest {

    @TempDir
    Path dir;

    /** The bytes of a version 1.0 {@code .npy} file, as {@code np.save} writes them. */
    static byte[] npy(String descr, boolean fortran, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': ("
                + shape + "), }";
        int padding = (64 - (10 + dict.length() + 1) % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(NumpyArrays.MAGIC);
        out.writeBytes(new byte[] {1, 0, (byte) header.length(), (byte) (header.length() >>> 8)});
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] floats(ByteOrder order, float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(order);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    static byte[] longs(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long l : v) {
            b.putLong(l);
        }
        return b.array();
    }

    /** A {@code .npz} archive of {@code entries} (name, bytes), stored or deflated as {@code np.savez(_compressed)}. */
    static Path npz(Path file, boolean compressed, Object... entries) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.setLevel(compressed ? 6 : 0);
            for (int i = 0; i < entries.length; i += 2) {
                zip.putNextEntry(new ZipEntry(entries[i] + ".npy"));
                zip.write((byte[]) entries[i + 1]);
                zip.closeEntry();
            }
        }
        return file;
    }

    @Test
    void float32InCOrderKeepsItsTypeShapeAndValues() throws IOException {
        Path f = Files.write(dir.resolve("a.npy"), npy("<f4", false, "2, 3",
                floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6.5f)));
        INDArray a = NumpyArrays.readNpy(f);
        assertThat(a.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(a.shape()).containsExactly(2, 3);
        assertThat(a.getFloat(1, 2)).isEqualTo(6.5f);
        assertThat(a.getFloat(0, 1)).isEqualTo(2f);
    }

    @Test
    void fortranOrderBigEndianIntegersAndBytesAreRead() throws IOException {
        // [[1, 2, 3], [4, 5, 6]] stored column by column, big-endian float32
        INDArray f = NumpyArrays.readNpy(Files.write(dir.resolve("f.npy"), npy(">f4", true, "2, 3",
                floats(ByteOrder.BIG_ENDIAN, 1, 4, 2, 5, 3, 6))));
        assertThat(f.toFloatMatrix()).isDeepEqualTo(new float[][] {{1, 2, 3}, {4, 5, 6}});
        INDArray u8 = NumpyArrays.readNpy(Files.write(dir.resolve("u.npy"), npy("|u1", false, "3,",
                new byte[] {0, (byte) 200, (byte) 255})));
        assertThat(u8.dataType()).isEqualTo(DataType.LONG);
        assertThat(u8.toLongVector()).containsExactly(0, 200, 255);
        INDArray i8 = NumpyArrays.readNpy(Files.write(dir.resolve("i.npy"), npy("<i8", false, "2,", longs(-3, 9))));
        assertThat(i8.toLongVector()).containsExactly(-3, 9);
    }

    @Test
    void anArchiveGivesItsArraysByNameInOrderStoredOrDeflated() throws IOException {
        for (boolean compressed : new boolean[] {false, true}) {
            Path f = npz(dir.resolve("d" + compressed + ".npz"), compressed,
                    "x", npy("<f4", false, "2, 2", floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4)),
                    "y", npy("<i8", false, "2,", longs(0, 1)));
            Map<String, INDArray> arrays = NumpyArrays.readNpz(f);
            assertThat(arrays.keySet()).containsExactly("x", "y");
            assertThat(arrays.get("x").getFloat(1, 0)).isEqualTo(3f);
            assertThat(arrays.get("y").toLongVector()).containsExactly(0, 1);
        }
    }

    @Test
    void hostileOrForeignFilesAreRefusedNamingWhatIsWrong() throws IOException {
        Path huge = Files.write(dir.resolve("huge.npy"), npy("<f8", false, "1000000000, 1000", new byte[16]));
        assertThatThrownBy(() -> NumpyArrays.readNpy(huge)).isInstanceOf(IOException.class)
                .hasMessageContaining("huge.npy: shape [1000000000, 1000] of <f8 needs");
        Path overflow = Files.write(dir.resolve("o.npy"), npy("<f8", false,
                "4611686018427387904, 4611686018427387904", new byte[0]));
        assertThatThrownBy(() -> NumpyArrays.readNpy(overflow)).hasMessageContaining("more than 2^63");
        Path complex = Files.write(dir.resolve("c.npy"), npy("<c16", false, "1,", new byte[16]));
        assertThatThrownBy(() -> NumpyArrays.readNpy(complex)).hasMessageContaining("NumPy type <c16 is not read");
        Path objects = Files.write(dir.resolve("s.npy"), npy("|O", false, "1,", new byte[8]));
        assertThatThrownBy(() -> NumpyArrays.readNpy(objects)).hasMessageContaining("NumPy type |O is not read");
        Path truncated = Files.write(dir.resolve("t.npy"), npy("<f4", false, "4,", new byte[5]));
        assertThatThrownBy(() -> NumpyArrays.readNpy(truncated)).hasMessageContaining("t.npy: truncated, 5 of 16 data bytes");
        Path text = Files.writeString(dir.resolve("x.npy"), "not numpy at all");
        assertThatThrownBy(() -> NumpyArrays.readNpy(text)).hasMessageContaining("is not a .npy file (bad magic)");
        Path notZip = Files.writeString(dir.resolve("n.npz"), "PK but no zip");
        assertThatThrownBy(() -> NumpyArrays.readNpz(notZip)).isInstanceOf(IOException.class)
                .hasMessageContaining("n.npz is not a .npz archive");
        byte[] good = npy("<f4", false, "64,", new byte[256]);
        Path cut = Files.write(dir.resolve("cut.npz"), java.util.Arrays.copyOf(
                Files.readAllBytes(npz(dir.resolve("whole.npz"), true, "x", good)), 60));
        assertThatThrownBy(() -> NumpyArrays.readNpz(cut)).isInstanceOf(IOException.class);
    }

    @Test
    void npyFileReadsFloat64AndFloat32Only() throws IOException {
        Path f = Files.write(dir.resolve("f4.npy"), npy("<f4", false, "1,", floats(ByteOrder.LITTLE_ENDIAN, 1)));
        NpyFile read = NpyFile.read(f);
        assertThat(read.shape()).containsExactly(1);
        Path written = new NpyFile(new long[] {3}, new double[] {0.5, -2, 1e-3}).write(dir.resolve("w4.npy"), true);
        assertThat(NpyFile.read(written).values()).containsExactly(0.5, -2, (double) 1e-3f);
        Path i4 = Files.write(dir.resolve("i4.npy"), npy("<i4", false, "1,", new byte[4]));
        assertThatThrownBy(() -> NpyFile.read(i4)).hasMessageContaining("dtype <i4, expected <f8 or <f4");
    }
}

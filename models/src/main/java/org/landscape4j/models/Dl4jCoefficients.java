package org.landscape4j.models;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Set;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.shape.options.ArrayOptionsHelper;

/**
 * A check of a DL4J zip's {@code coefficients.bin} before ND4J reads it. ND4J's {@code Nd4j.read} allocates native
 * memory of whatever length the file states and builds the array from whatever shape it states: a corrupt length
 * aborted the JVM in the allocation, and a shape larger than its data would make native code read past the buffer.
 * So the two buffers the file holds (ND4J's {@code BaseDataBuffer.readHeader} format: allocation mode, length, data
 * type, then the values; first the shape information, then the data) are walked here first, in Java, and their
 * lengths, types and shape checked against the bytes that are actually there.
 */
final class Dl4jCoefficients {

    private static final Set<DataType> VALUES = Set.of(DataType.DOUBLE, DataType.FLOAT, DataType.HALF,
            DataType.BFLOAT16);
    private static final int MAX_RANK = 32;

    private Dl4jCoefficients() {
    }

    /** Refuses {@code coefficients} (the entry's bytes) unless ND4J can read it within its bytes. */
    static void check(byte[] coefficients, String source) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(coefficients));
            Header shapeHeader = header(in, coefficients.length);
            if (shapeHeader.type != DataType.LONG && shapeHeader.type != DataType.INT) {
                throw corrupt(source, "its shape information is " + shapeHeader.type + ", not LONG");
            }
            long[] info = new long[(int) Math.min(shapeHeader.length, 2 * MAX_RANK + 4)];
            for (int i = 0; i < info.length; i++) {
                info[i] = shapeHeader.type == DataType.LONG ? in.readLong() : in.readInt();
            }
            long rank = info.length == 0 ? -1 : info[0];
            if (rank < 0 || rank > MAX_RANK || shapeHeader.length != 2 * rank + 4) {
                throw corrupt(source, "its shape information of " + shapeHeader.length + " values has rank " + rank);
            }
            Header data = header(in, in.available());
            if (!VALUES.contains(data.type)) {
                throw corrupt(source, "its parameters are of type " + data.type);
            }
            if (data.length * data.type.width() != in.available()) {
                throw corrupt(source, "it states " + data.length + " " + data.type + " values in "
                        + in.available() + " bytes");
            }
            long lastOffset = 0;
            for (int d = 0; d < rank; d++) {
                long size = info[1 + d];
                long stride = info[1 + (int) rank + d];
                if (size < 0 || stride < 0 || size > data.length) {
                    throw corrupt(source, "its shape has the size " + size + " and stride " + stride);
                }
                lastOffset += size == 0 ? 0 : (size - 1) * stride;
                if (lastOffset >= Math.max(1, data.length)) {
                    throw corrupt(source, "its shape reaches past its " + data.length + " values");
                }
            }
            DataType stated = ArrayOptionsHelper.dataType(info);
            if (stated != data.type) {
                throw corrupt(source, "its shape information says " + stated + ", its values are " + data.type);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ModelImportException m) {
                throw m;
            }
            throw corrupt(source, e.toString());
        }
    }

    private record Header(long length, DataType type) {
    }

    /** One buffer header; its length must fit in {@code bytes} at one byte per value at least. */
    private static Header header(DataInputStream in, long bytes) throws IOException {
        DataBuffer.AllocationMode mode = DataBuffer.AllocationMode.valueOf(in.readUTF());
        // BaseDataBuffer.readHeader: the first three modes wrote the length as an int
        long length = mode.ordinal() < 3 ? in.readInt() : in.readLong();
        DataType type = DataType.valueOf(in.readUTF());
        if (length < 0 || length > bytes) {
            throw new IllegalArgumentException("a buffer length of " + length + " in " + bytes + " bytes");
        }
        return new Header(length, type);
    }

    private static ModelImportException corrupt(String source, String why) {
        return new ModelImportException(source + " is a corrupt DL4J model: coefficients.bin cannot be read (" + why
                + ")");
    }
}

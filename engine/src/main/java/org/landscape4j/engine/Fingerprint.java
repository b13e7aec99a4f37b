package org.landscape4j.engine;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Short fingerprints of parameter vectors and data, for provenance and checkpoint headers. */
final class Fingerprint {

    private Fingerprint() {
    }

    /** SHA-256 of the vectors' bits in their data types, one after the other, first 16 hex digits. */
    static String of(INDArray... vectors) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(8 * 1024);
            for (INDArray params : vectors) {
                if (params.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE) {
                    for (double v : params.toDoubleVector()) {
                        if (buf.remaining() < 8) {
                            sha.update(buf.flip());
                            buf.clear();
                        }
                        buf.putLong(Double.doubleToRawLongBits(v));
                    }
                } else {
                    for (float v : params.toFloatVector()) {
                        if (buf.remaining() < 4) {
                            sha.update(buf.flip());
                            buf.clear();
                        }
                        buf.putInt(Float.floatToRawIntBits(v));
                    }
                }
            }
            sha.update(buf.flip());
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}

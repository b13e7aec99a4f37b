package org.landscape4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads what NumPy writes: a {@code .npy} array ({@code np.save}) or the arrays of a {@code .npz} archive
 * ({@code np.savez}, {@code np.savez_compressed}), as ND4J arrays: floating-point data keeps its type (float32 or
 * float64), integers and booleans become int64. Little- and big-endian, C and Fortran order.
 *
 * <pre>{@code
 * # Python: np.savez("data.npz", x=features.astype(np.float32), y=labels)
 * Map<String, INDArray> arrays = NumpyArrays.readNpz(Path.of("data.npz"));   // {x=[n, 784] float, y=[n] int64}
 * }</pre>
 *
 * <p>Hand-written on purpose: ND4J's own readers ({@code Nd4j.createFromNpyFile}, {@code createFromNpzFile}) parse
 * in native code, and a user's file must be refused with a message, never crash the JVM. Every size in a header is
 * checked against the bytes the file holds before anything is allocated.
 */
public final class NumpyArrays {

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final Pattern TYPE = Pattern.compile("([<>|=])([fiub])(\\d+)");
    /** The largest header NumPy writes is a few hundred bytes; anything near this is not a NumPy file. */
    private static final int MAX_HEADER = 1 << 16;

    private NumpyArrays() {
    }

    /**
     * A {@code .npy} header: the type string ({@code <f4}), the storage order and the shape.
     *
     * @param descr   NumPy's type string
     * @param fortran whether the data is in Fortran (column-major) order
     * @param shape   the sizes, each {@code >= 0}
     */
    record Header(String descr, boolean fortran, long[] shape) {

        /** The number of elements, or -1 when it overflows. */
        long elements() {
            long n = 1;
            for (long s : shape) {
                if (s != 0 && n > Long.MAX_VALUE / s) {
                    return -1;
                }
                n *= s;
            }
            return n;
        }
    }

    /**
     * Reads the header of a {@code .npy} stream, leaving {@code in} at the first data byte.
     *
     * @param what names the file in messages
     * @throws IOException naming {@code what} when it is not a {@code .npy} header
     */
    static Header header(InputStream in, String what) throws IOException {
        byte[] magic = in.readNBytes(6);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException(what + " is not a .npy file (bad magic)");
        }
        int major = in.read();
        in.read();
        long headerLength;
        if (major == 1) {
            headerLength = in.read() | in.read() << 8;
        } else if (major == 2 || major == 3) {
            byte[] b = in.readNBytes(4);
            headerLength = b.length < 4 ? -1 : ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
        } else {
            throw new IOException(what + ": unsupported .npy version " + major);
        }
        if (headerLength < 0 || headerLength > MAX_HEADER) {
            throw new IOException(what + ": malformed .npy header (length " + headerLength + ")");
        }
        byte[] bytes = in.readNBytes((int) headerLength);
        String header = new String(bytes, StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        if (bytes.length != headerLength || !descr.find() || !fortran.find() || !shape.find()) {
            throw new IOException(what + ": malformed .npy header " + header.trim());
        }
        long[] sizes;
        try {
            sizes = Arrays.stream(shape.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .mapToLong(Long::parseLong).toArray();
        } catch (NumberFormatException e) {
            throw new IOException(what + ": malformed .npy shape (" + shape.group(1) + ")");
        }
        if (Arrays.stream(sizes).anyMatch(s -> s < 0)) {
            throw new IOException(what + ": negative size in the .npy shape (" + shape.group(1) + ")");
        }
        return new Header(descr.group(1), fortran.group(1).equals("True"), sizes);
    }

    /**
     * Reads a {@code .npy} file.
     *
     * @throws IOException naming the file when it is not one this reads (type, truncation, size)
     */
    public static INDArray readNpy(Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            return read(in, size, file.toString());
        }
    }

    /**
     * Reads every array of a {@code .npz} archive, by name ({@code np.savez(f, x=...)} names it {@code x}), in the
     * archive's order.
     *
     * @throws IOException naming the archive and the entry when anything is not one this reads
     */
    public static Map<String, INDArray> readNpz(Path file) throws IOException {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4)
                        : e.getName();
                String what = file + " entry " + e.getName();
                // the central directory's size bounds what is read; a lying entry ends in a truncation message
                long size = e.getSize() >= 0 ? e.getSize() : Long.MAX_VALUE;
                try (InputStream in = zip.getInputStream(e)) {
                    arrays.put(name, read(in, size, what));
                }
            }
        } catch (ZipException e) {
            throw new IOException(file + " is not a .npz archive (" + e.getMessage() + ")", e);
        }
        if (arrays.isEmpty()) {
            throw new IOException(file + " holds no arrays");
        }
        return arrays;
    }

    /** One array from {@code in}, which holds at most {@code available} bytes in all. */
    static INDArray read(InputStream in, long available, String what) throws IOException {
        Header h = header(in, what);
        Matcher t = TYPE.matcher(h.descr());
        if (!t.matches()) {
            throw new IOException(what + ": NumPy type " + h.descr() + " is not read (floating-point, integer or"
                    + " boolean arrays only)");
        }
        char kind = t.group(2).charAt(0);
        int width = Integer.parseInt(t.group(3));
        boolean supported = switch (kind) {
            case 'f' -> width == 4 || width == 8;
            case 'i', 'u' -> width == 1 || width == 2 || width == 4 || width == 8;
            default -> width == 1;
        };
        long n = h.elements();
        if (!supported) {
            throw new IOException(what + ": NumPy type " + h.descr() + " is not read");
        }
        if (n < 0 || n > Integer.MAX_VALUE || n * width > available) {
            throw new IOException(what + ": shape " + Arrays.toString(h.shape()) + " of " + h.descr() + " needs "
                    + (n < 0 ? "more than 2^63" : String.valueOf(n * width)) + " bytes, the file holds fewer");
        }
        byte[] data = in.readNBytes((int) (n * width));
        if (data.length != n * width) {
            throw new IOException(what + ": truncated, " + data.length + " of " + n * width + " data bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(t.group(1).equals(">") ? ByteOrder.BIG_ENDIAN
                : ByteOrder.LITTLE_ENDIAN);
        INDArray flat;
        if (kind == 'f') {
            if (width == 8) {
                double[] v = new double[(int) n];
                b.asDoubleBuffer().get(v);
                flat = Nd4j.createFromArray(v);
            } else {
                float[] v = new float[(int) n];
                b.asFloatBuffer().get(v);
                flat = Nd4j.createFromArray(v);
            }
        } else {
            long[] v = new long[(int) n];
            for (int i = 0; i < n; i++) {
                v[i] = integer(b, kind, width);
            }
            flat = Nd4j.createFromArray(v);
        }
        long[] shape = h.shape().length == 0 ? new long[] {1} : h.shape();
        return h.fortran() ? flat.reshape('f', shape).dup('c') : flat.reshape('c', shape);
    }

    private static long integer(ByteBuffer b, char kind, int width) {
        boolean unsigned = kind == 'u' || kind == 'b';
        return switch (width) {
            case 1 -> unsigned ? b.get() & 0xffL : b.get();
            case 2 -> unsigned ? b.getShort() & 0xffffL : b.getShort();
            case 4 -> unsigned ? b.getInt() & 0xffffffffL : b.getInt();
            default -> b.getLong();
        };
    }
}

package org.landscape4j.engine;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The append-only file a resumable run writes its finished points to.
 *
 * <p>Layout, big-endian: the magic {@code "L4JCKPT1"}; the header length (int), the header (UTF-8 lines
 * {@code key=value}: the fingerprints of spec, model and directions, the number of points and values) and the
 * header's CRC-32 (int); then one fixed-size record per finished point: grid index (int), its values (doubles) and
 * the record's CRC-32 (int).
 *
 * <p>Every record is written to the file as soon as its point is finished (a process killed afterwards keeps it) and
 * forced to the disk in small batches ({@link #FORCE_EVERY} records or {@link #FORCE_AFTER_NANOS}, and on close).
 * On open, records are read until the first one that is short or fails its CRC — a torn last record, from a kill or
 * a crash during a write — and the file is truncated there, so the next records append after the last good one; how
 * many records were dropped is logged as a warning and kept ({@link #droppedRecords()}).
 *
 * <p>An open checkpoint holds an exclusive lock on the file ({@link FileChannel#tryLock()}) until it is closed: a
 * second run on the same file, in this process or another, is refused before it reads or writes anything. A file
 * lock belongs to the whole process, and on Linux and other POSIX systems closing any channel on the file releases it
 * (see {@link java.nio.channels.FileLock}): so the checkpoints this JVM holds are also kept in {@link #HELD}, and a
 * second run in this JVM is refused from there without opening the file, which would let a run in another process
 * take the lock from the first one. A newly created file's directory is forced to disk too, so the file's entry
 * survives a crash.
 */
final class CheckpointFile implements Closeable {

    /** Records per {@link FileChannel#force}. */
    public static final int FORCE_EVERY = 16;
    /** Longest time between two {@link FileChannel#force}s while records arrive. */
    public static final long FORCE_AFTER_NANOS = 1_000_000_000L;

    private static final byte[] MAGIC = "L4JCKPT1".getBytes(StandardCharsets.US_ASCII);

    private final Path path;
    private final FileChannel channel;
    private final int values;
    private final List<Record> recovered;
    private final long droppedBytes;
    private final ByteBuffer record;
    private int unforced;
    private long lastForce = System.nanoTime();

    /** A finished point as stored: its grid index and values. */
    public record Record(int index, double[] values) {
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CheckpointFile.class);

    /**
     * The files of the checkpoints open in this JVM, by {@link #key}; guarded by itself, which is held while a
     * checkpoint is checked, opened and locked, or closed, so that no channel on a held file is ever opened here.
     */
    private static final java.util.Set<Object> HELD = new java.util.HashSet<>();

    private final Object key;

    private CheckpointFile(Path path, Object key, FileChannel channel, int values, List<Record> recovered,
                           long droppedBytes) {
        this.path = path;
        this.key = key;
        this.channel = channel;
        this.values = values;
        this.recovered = recovered;
        this.droppedBytes = droppedBytes;
        this.record = ByteBuffer.allocate(recordSize(values));
    }

    private static int recordSize(int values) {
        return 4 + 8 * values + 4;
    }

    /**
     * Checks that the file at {@code path}, if it exists, was written for a run with {@code header}; nothing is
     * modified.
     *
     * @throws IllegalArgumentException naming what differs, or saying the file is not a checkpoint or its header is
     *                                  corrupt
     * @throws UncheckedIOException     when the file cannot be read
     */
    public static void check(Path path, Map<String, String> header) {
        synchronized (HELD) {
            if (!Files.exists(path)) {
                return;
            }
            try {
                refuseIfHeld(path);
                try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                    compare(path, readHeader(path, ch), header);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read checkpoint " + path + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * What identifies a file however it is named: its file key (device and inode on Unix) or, where the platform has
     * none, its real path. Reads the file's attributes only; the file is not opened.
     */
    private static Object key(Path path) throws IOException {
        Object key = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        return key != null ? key : path.toRealPath();
    }

    /** Refuses a checkpoint file that a run in this JVM holds open; to be called holding {@link #HELD}. */
    private static void refuseIfHeld(Path path) throws IOException {
        if (HELD.contains(key(path))) {
            throw inUse(path);
        }
    }

    private static IllegalArgumentException inUse(Path path) {
        return new IllegalArgumentException("checkpoint " + path + " is in use by another run; wait for it to finish"
                + " or use another output directory");
    }

    /**
     * Opens (creating it if needed) the checkpoint at {@code path} for a run with {@code header}: recovers the
     * finished points, drops a torn tail, and positions for appending.
     *
     * @param values number of values per point
     * @throws IllegalArgumentException as {@link #check}
     */
    public static CheckpointFile open(Path path, Map<String, String> header, int values) {
        synchronized (HELD) {
            CheckpointFile file = openUnlocked(path, header, values);
            HELD.add(file.key);
            return file;
        }
    }

    /** {@link #open}, holding {@link #HELD}. */
    private static CheckpointFile openUnlocked(Path path, Map<String, String> header, int values) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            boolean created = !Files.exists(path);
            if (!created) {
                refuseIfHeld(path);
            }
            FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE);
            try {
                lock(path, ch);
                Object key = key(path);
                if (created && parent != null) {
                    forceDirectory(parent);
                }
                if (ch.size() == 0) {
                    writeHeader(ch, header);
                    return new CheckpointFile(path, key, ch, values, List.of(), 0);
                }
                compare(path, readHeader(path, ch), header);
                List<Record> records = new ArrayList<>();
                java.util.Set<Integer> seen = new java.util.HashSet<>();
                int size = recordSize(values);
                ByteBuffer buf = ByteBuffer.allocate(size);
                long good = ch.position();
                int total = Integer.parseInt(header.get("points"));
                while (true) {
                    buf.clear();
                    while (buf.hasRemaining() && ch.read(buf) > 0) {
                        // read the whole record or up to the end of the file
                    }
                    if (buf.hasRemaining()) {
                        break;
                    }
                    buf.flip();
                    CRC32 crc = new CRC32();
                    crc.update(buf.array(), 0, size - 4);
                    int index = buf.getInt();
                    double[] v = new double[values];
                    for (int k = 0; k < values; k++) {
                        v[k] = buf.getDouble();
                    }
                    if (buf.getInt() != (int) crc.getValue() || index < 0 || index >= total) {
                        break;
                    }
                    if (seen.add(index)) {
                        records.add(new Record(index, v));
                    }
                    good += size;
                }
                long dropped = ch.size() - good;
                if (dropped > 0) {
                    ch.truncate(good);
                    ch.force(true);
                    LOG.warn("checkpoint {}: dropped {} torn or corrupt point record(s) ({} bytes) after {} good"
                            + " one(s); those points are computed again", path, (dropped + size - 1) / size, dropped,
                            records.size());
                }
                ch.position(good);
                return new CheckpointFile(path, key, ch, values, List.copyOf(records), dropped);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open checkpoint " + path + ": " + e.getMessage(), e);
        }
    }

    /** Takes the file's exclusive lock or refuses: another run is writing this checkpoint. */
    private static void lock(Path path, FileChannel ch) throws IOException {
        java.nio.channels.FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null;                                  // held by this process, through a channel not opened here
        }
        if (lock == null) {
            throw inUse(path);
        }
    }

    /** Forces a directory's entries to disk, where the platform allows opening a directory (not on Windows). */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot force directory {} to disk: {}", dir, e.toString());
        }
    }

    private static void writeHeader(FileChannel ch, Map<String, String> header) throws IOException {
        StringBuilder text = new StringBuilder();
        header.forEach((k, v) -> text.append(k).append('=').append(v.replace('\n', ' ')).append('\n'));
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        ByteBuffer buf = ByteBuffer.allocate(MAGIC.length + 4 + bytes.length + 4);
        buf.put(MAGIC).putInt(bytes.length).put(bytes).putInt((int) crc.getValue()).flip();
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
        ch.force(true);
    }

    private static Map<String, String> readHeader(Path path, FileChannel ch) throws IOException {
        ByteBuffer start = ByteBuffer.allocate(MAGIC.length + 4);
        ch.read(start, 0);
        if (start.hasRemaining() || !java.util.Arrays.equals(java.util.Arrays.copyOf(start.array(), MAGIC.length),
                MAGIC)) {
            throw new IllegalArgumentException(path + " is not a landscape4j checkpoint (no L4JCKPT1 magic)");
        }
        int length = start.getInt(MAGIC.length);
        if (length < 0 || length > ch.size() - MAGIC.length - 8) {
            throw new IllegalArgumentException("checkpoint " + path + " has a corrupt header (length " + length + ")");
        }
        ByteBuffer body = ByteBuffer.allocate(length + 4);
        ch.read(body, MAGIC.length + 4);
        CRC32 crc = new CRC32();
        crc.update(body.array(), 0, length);
        if (body.getInt(length) != (int) crc.getValue()) {
            throw new IllegalArgumentException("checkpoint " + path + " has a corrupt header (CRC mismatch)");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : new String(body.array(), 0, length, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        ch.position(MAGIC.length + 4 + length + 4);
        return out;
    }

    private static void compare(Path path, Map<String, String> stored, Map<String, String> expected) {
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String was = stored.get(e.getKey());
            String now = e.getValue().replace('\n', ' ');
            if (!now.equals(was)) {
                differences.add(e.getKey() + " (checkpoint: " + (was == null ? "none" : was)
                        + "; this run: " + now + ")");
            }
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("checkpoint " + path + " was written for another run; what differs: "
                    + String.join("; ", differences) + ". Use another checkpoint file or delete this one");
        }
    }

    /** The checkpoint's path. */
    public Path path() {
        return path;
    }

    /** The points found on open, in file order, each index once. */
    public List<Record> recovered() {
        return recovered;
    }

    /** Bytes of a torn or corrupt tail dropped on open (0 for a clean file). */
    public long droppedBytes() {
        return droppedBytes;
    }

    /** Point records (whole or torn) dropped on open with the tail: 0 for a clean file. */
    public long droppedRecords() {
        long size = recordSize(values);
        return (droppedBytes + size - 1) / size;
    }

    /**
     * Appends one finished point; it is in the file when this returns. After {@link #close()} (a cancelled run whose
     * last point finished late) the point is not recorded.
     */
    public synchronized void append(int index, double[] v) {
        if (!channel.isOpen()) {
            return;
        }
        if (v.length != values) {
            throw new IllegalArgumentException("expected " + values + " values, got " + v.length);
        }
        record.clear();
        record.putInt(index);
        for (double x : v) {
            record.putDouble(x);
        }
        CRC32 crc = new CRC32();
        crc.update(record.array(), 0, record.position());
        record.putInt((int) crc.getValue()).flip();
        try {
            while (record.hasRemaining()) {
                channel.write(record);
            }
            if (++unforced >= FORCE_EVERY || System.nanoTime() - lastForce > FORCE_AFTER_NANOS) {
                force();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to checkpoint " + path + ": " + e.getMessage(), e);
        }
    }

    private void force() throws IOException {
        channel.force(false);
        unforced = 0;
        lastForce = System.nanoTime();
    }

    /** Forces what is written to the disk and closes the file. */
    @Override
    public synchronized void close() {
        synchronized (HELD) {
            try {
                if (channel.isOpen()) {
                    try {
                        force();
                    } finally {
                        channel.close();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close checkpoint " + path + ": " + e.getMessage(), e);
            } finally {
                HELD.remove(key);
            }
        }
    }
}

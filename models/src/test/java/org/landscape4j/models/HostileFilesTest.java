package org.landscape4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Corrupt and hostile model files, made by mutating the project's own fixtures (truncations, bit flips, inserted and
 * deleted runs, huge lengths written over four or eight bytes; for the DL4J zip also mutated entries re-zipped, since
 * the zip's checksums refuse most raw mutants early; the same for Keras 3's .keras zips), all loaded with {@link Models#load} in this one JVM: each is
 * imported or refused with a {@link ModelImportException} of one line, within seconds. A crash of the native
 * libraries would end the JVM and fail the run; any other throwable, a message of several lines or a hang fails the
 * test, naming the mutant (format, seed) so it can be made again.
 *
 * <p>{@code -Dlandscape4j.fuzz.mutants=N} sets the mutants per format (default 1000); {@code -Dlandscape4j.fuzz.from=K}
 * skips the first K; {@code -Dlandscape4j.fuzz.trace=true} names each mutant before loading it and collects garbage
 * after each, so a JVM crash (which ends the run before any report) can be traced to its mutant.
 */
class HostileFilesTest {

    private static final int MUTANTS = Integer.getInteger("landscape4j.fuzz.mutants", 1000);
    private static final int FROM = Integer.getInteger("landscape4j.fuzz.from", 0);
    private static final boolean TRACE = Boolean.getBoolean("landscape4j.fuzz.trace");
    private static final long SECONDS = 20;

    private static ExecutorService worker;

    @BeforeAll
    static void start() {
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hostile-file");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stop() {
        worker.shutdownNow();
    }

    @Test
    void onnxMutantsAreImportedOrRefusedInOneLine() throws Exception {
        List<byte[]> seeds = List.of(resource("onnx/mlp.onnx"), resource("onnx/cnn.onnx"),
                resource("onnx/activations.onnx"), resource("onnx/mobilenetv3-folded.onnx"),
                resource("onnx/shufflenet.onnx"), resource("onnx/convnext.onnx"));
        report("ONNX", run("onnx", seeds, ImportOptions.withLoss(Loss.CROSS_ENTROPY), false));
    }

    @Test
    void kerasHdf5MutantsAreImportedOrRefusedInOneLine() throws Exception {
        List<byte[]> seeds = List.of(resource("keras/dense.h5"), resource("keras/cnn.h5"),
                resource("keras/dense-uncompiled.h5"), resource("keras/cnn-keras3.h5"));
        report("Keras HDF5", run("keras", seeds, ImportOptions.withLoss(Loss.CROSS_ENTROPY), false));
    }

    @Test
    void kerasArchiveMutantsAreImportedOrRefusedInOneLine() throws Exception {
        List<byte[]> seeds = List.of(resource("keras/dense.keras"), resource("keras/cnn.keras"),
                resource("keras/residual.keras"));
        report("Keras 3 archive", run("keras3", seeds, ImportOptions.withLoss(Loss.CROSS_ENTROPY), true));
    }

    @Test
    void dl4jZipMutantsAreImportedOrRefusedInOneLine() throws Exception {
        report("DL4J zip", run("dl4j", List.of(dl4jModel()), ImportOptions.defaults(), true));
    }

    @Test
    void aKerasFileWithAGarbledBackendIsRefusedNamingIt() throws Exception {
        byte[] file = replaceAll(resource("keras/cnn.h5"), "tensorflow", "tensorflox");
        assertThatThrownBy(() -> Models.load(new ByteArrayInputStream(file), ImportOptions.defaults()))
                .isInstanceOf(ModelImportException.class).hasMessageContaining("backend 'tensorflox'");
    }

    @Test
    void kerasWeightsThatDoNotFitTheirLayerAreRefusedBeforeTheyAreCopied() throws Exception {
        // 17 units where the file's kernel holds 16 (DL4J's own copy would assign it anyway, past the parameter)
        byte[] file = replaceAll(resource("keras/dense.h5"), "\"units\": 16", "\"units\": 17");
        assertThatThrownBy(() -> Models.load(new ByteArrayInputStream(file), ImportOptions.defaults()))
                .isInstanceOf(ModelImportException.class).hasMessageContaining("needs W of [")
                .hasMessageContaining("but its weights give [");
    }

    @Test
    void aDl4jZipWhoseCoefficientsStateMoreValuesThanTheyHoldIsRefused() throws Exception {
        byte[] zip = dl4jModel();
        byte[] coefficients = entry(zip, "coefficients.bin");
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(coefficients);
        int shapeLength = skipHeader(b);
        b.position(b.position() + shapeLength * Long.BYTES);
        int lengthAt = b.position() + 2 + b.getShort(b.position());
        b.putLong(lengthAt, Long.MAX_VALUE / 4);
        assertThatThrownBy(() -> Models.load(new ByteArrayInputStream(withEntry(zip, "coefficients.bin",
                coefficients)), ImportOptions.defaults())).isInstanceOf(ModelImportException.class)
                .hasMessageContaining("coefficients.bin cannot be read");
    }

    @Test
    void aDl4jZipWhoseShapeReachesPastItsValuesIsRefused() throws Exception {
        byte[] zip = dl4jModel();
        byte[] coefficients = entry(zip, "coefficients.bin");
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(coefficients);
        skipHeader(b);
        b.putLong(b.position() + 2 * Long.BYTES, 1_000_000); // shape[1] of the [1, n] parameter row
        assertThatThrownBy(() -> Models.load(new ByteArrayInputStream(withEntry(zip, "coefficients.bin",
                coefficients)), ImportOptions.defaults())).isInstanceOf(ModelImportException.class)
                .hasMessageContaining("reaches past its");
    }

    /** Moves past one ND4J buffer header (mode, long length, type) and returns the length. */
    private static int skipHeader(java.nio.ByteBuffer b) {
        b.position(b.position() + 2 + b.getShort());
        long length = b.getLong();
        b.position(b.position() + 2 + b.getShort(b.position()));
        return (int) length;
    }

    private static byte[] replaceAll(byte[] bytes, String from, String to) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThat(text).contains(from);
        return text.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Imported and refused counts; fails on the first mutant with another outcome. */
    private static int[] run(String format, List<byte[]> seeds, ImportOptions options, boolean entries)
            throws Exception {
        int[] outcomes = new int[2];
        for (int i = 0; i < MUTANTS; i++) {
            byte[] seed = seeds.get(i % seeds.size());
            Random random = new Random(31L * i + format.hashCode());
            byte[] mutant = entries && i % 2 == 1 ? mutateEntry(seed, random) : mutate(seed, random);
            String which = format + " mutant " + i + " (of seed file " + i % seeds.size() + ")";
            if (i < FROM) {
                continue;
            }
            if (TRACE || i % 100 == 0) {
                // a native library that wrote past a buffer crashes the JVM when ND4J frees it: collect often, so
                // the crash comes near its mutant (and with the trace on, right after it)
                System.gc();
            }
            if (TRACE) {
                Thread.sleep(50);
                System.err.println("hostile file: " + which);
            }
            Future<?> load = worker.submit(() -> Models.load(new ByteArrayInputStream(mutant), options));
            try {
                load.get(SECONDS, TimeUnit.SECONDS);
                outcomes[0]++;
            } catch (TimeoutException e) {
                load.cancel(true);
                throw new AssertionError(which + " did not finish within " + SECONDS + " s", e);
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause();
                if (!(cause instanceof ModelImportException)) {
                    throw new AssertionError(which + " failed with " + cause, cause);
                }
                assertThat(cause.getMessage()).as(which).isNotBlank().doesNotContain("\n");
                outcomes[1]++;
            }
        }
        return outcomes;
    }

    private static void report(String format, int[] outcomes) {
        System.out.println(format + ": " + (outcomes[0] + outcomes[1]) + " mutants, " + outcomes[0] + " imported, "
                + outcomes[1] + " refused in one line");
        assertThat(outcomes[1]).as("mutants refused").isPositive();
    }

    /** One mutation of {@code seed}: a truncation, bit flips, an inserted or deleted run, or a huge length. */
    static byte[] mutate(byte[] seed, Random random) {
        byte[] b = seed.clone();
        int at = random.nextInt(b.length);
        switch (random.nextInt(5)) {
            case 0 -> {
                return java.util.Arrays.copyOf(b, at);
            }
            case 1 -> {
                int flips = 1 + random.nextInt(8);
                for (int k = 0; k < flips; k++) {
                    b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return b;
            }
            case 2 -> {
                byte[] run = new byte[1 + random.nextInt(64)];
                random.nextBytes(run);
                byte[] out = new byte[b.length + run.length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(run, 0, out, at, run.length);
                System.arraycopy(b, at, out, at + run.length, b.length - at);
                return out;
            }
            case 3 -> {
                int n = Math.min(1 + random.nextInt(64), b.length - at);
                byte[] out = new byte[b.length - n];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + n, out, at, b.length - at - n);
                return out;
            }
            default -> {
                int width = random.nextBoolean() ? 4 : 8;
                int start = Math.max(0, Math.min(b.length - width, at - at % width));
                byte fill = random.nextBoolean() ? (byte) 0xff : (byte) 0x7f;
                for (int k = 0; k < width && start + k < b.length; k++) {
                    b[start + k] = k == width - 1 && fill == 0x7f ? 0x7f : (byte) 0xff;
                }
                return b;
            }
        }
    }

    /** The zip {@code seed} with one entry mutated and the archive written again (valid checksums). */
    private static byte[] mutateEntry(byte[] seed, Random random) throws IOException {
        List<String> names = new ArrayList<>(entries(seed).keySet());
        String name = names.get(random.nextInt(names.size()));
        return withEntry(seed, name, mutate(entries(seed).get(name), random));
    }

    /** The entries of {@code zip}, by name, in order. */
    static Map<String, byte[]> entries(byte[] zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    private static byte[] entry(byte[] zip, String name) throws IOException {
        return entries(zip).get(name);
    }

    /** {@code zip} with the entry {@code name} replaced, written again. */
    static byte[] withEntry(byte[] zip, String name, byte[] content) throws IOException {
        Map<String, byte[]> entries = entries(zip);
        entries.put(name, content);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = HostileFilesTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    /** A small convolutional network saved by DL4J's ModelSerializer. */
    private static byte[] dl4jModel() throws IOException {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(8).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 1)).build());
        net.init();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, false);
        return bytes.toByteArray();
    }
}

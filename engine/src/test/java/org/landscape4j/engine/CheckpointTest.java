package org.landscape4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

class CheckpointTest {

    private static Landscape landscape;
    private static Surface uninterrupted;

    @TempDir
    Path dir;

    @BeforeAll
    static void reference() {
        landscape = CheckpointChild.landscape();
        uninterrupted = landscape.surface();
    }

    private static long[] bits(Surface s) {
        double[] v = s.flatValues("train", "loss");
        double[] a = s.flatValues("train", "accuracy");
        long[] out = new long[v.length * 2];
        for (int i = 0; i < v.length; i++) {
            out[i] = Double.doubleToRawLongBits(v[i]);
            out[v.length + i] = Double.doubleToRawLongBits(a[i]);
        }
        return out;
    }

    @Test
    void aRunKilledWithSigkillResumesWithEveryFinishedPointKeptAndNoneComputedTwice() throws Exception {
        Path checkpoint = dir.resolve("run/landscape.ckpt");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(javaBin, "-Xmx512m", "-cp", classpath, CheckpointChild.class.getName(),
                checkpoint.toString(), "40").redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Set<Integer> finishedBeforeKill = new HashSet<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (finishedBeforeKill.size() < 12 && (line = out.readLine()) != null) {
                if (line.startsWith("point ")) {
                    finishedBeforeKill.add(Integer.parseInt(line.split(" ")[1]));
                }
            }
            child.destroyForcibly();                                   // SIGKILL
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(finishedBeforeKill).hasSize(12);

        List<LandscapePoint> resumed = new ArrayList<>();
        Surface s = Surface.of(uninterrupted.x(), uninterrupted.y(), uninterrupted.keys(),
                collect(landscape.points(checkpoint), resumed), uninterrupted.provenance());

        List<Integer> restored = resumed.stream().filter(LandscapePoint::isRestored).map(LandscapePoint::index).toList();
        List<Integer> computed = resumed.stream().filter(p -> !p.isRestored()).map(LandscapePoint::index).toList();
        assertThat(restored).containsAll(finishedBeforeKill);
        assertThat(restored.size()).isLessThan(81);                    // killed mid-run
        assertThat(resumed.subList(0, restored.size())).allMatch(LandscapePoint::isRestored);  // old ones first
        assertThat(computed).doesNotContainAnyElementsOf(restored).doesNotHaveDuplicates();
        assertThat(restored.size() + computed.size()).isEqualTo(81);
        assertThat(resumed).extracting(LandscapePoint::sequence).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 81).boxed().toList());
        assertThat(bits(s)).containsExactly(bits(uninterrupted));

        // A third run finds everything done: all restored, nothing computed.
        assertThat(landscape.points(checkpoint).collectList().block()).hasSize(81).allMatch(LandscapePoint::isRestored);
    }

    private static double[][] collect(reactor.core.publisher.Flux<LandscapePoint> points, List<LandscapePoint> into) {
        double[][] values = new double[2][81];
        for (LandscapePoint p : points.toIterable()) {
            into.add(p);
            values[0][p.index()] = p.value(0);
            values[1][p.index()] = p.value(1);
        }
        return values;
    }

    @Test
    void aTornLastRecordIsDroppedAndItsPointRecomputed() throws IOException {
        Path checkpoint = dir.resolve("torn.ckpt");
        landscape.points(checkpoint).take(10).blockLast();
        long size = Files.size(checkpoint);
        try (var ch = java.nio.channels.FileChannel.open(checkpoint, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size - 5);                                     // the last record loses its tail
        }
        List<LandscapePoint> points = landscape.points(checkpoint).collectList().block();
        assertThat(points.stream().filter(LandscapePoint::isRestored).count()).isEqualTo(9);
        assertThat(points).hasSize(81);
        assertThat(bits(Surface.of(uninterrupted.x(), uninterrupted.y(), uninterrupted.keys(),
                collect(reactor.core.publisher.Flux.fromIterable(points), new ArrayList<>()),
                uninterrupted.provenance()))).containsExactly(bits(uninterrupted));
    }

    @Test
    void aRecordWithAFlippedBitEndsTheGoodPartOfTheFile() throws IOException {
        Path checkpoint = dir.resolve("flipped.ckpt");
        landscape.points(checkpoint).take(6).blockLast();
        byte[] bytes = Files.readAllBytes(checkpoint);
        int record = 4 + 8 * 2 + 4;
        bytes[bytes.length - 3 * record + 7] ^= 0x10;                  // inside record 4 of 6
        Files.write(checkpoint, bytes);
        try (org.landscape4j.engine.CheckpointFile file = org.landscape4j.engine.CheckpointFile
                .open(checkpoint, landscape.checkpointHeader(), 2)) {
            assertThat(file.recovered()).hasSize(3);
            assertThat(file.droppedBytes()).isEqualTo(3L * record);
        }
        assertThat(Files.size(checkpoint)).isEqualTo(bytes.length - 3L * record);
    }

    @Test
    void aFileThatIsNotACheckpointIsRefusedBeforeAnyWork() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.ckpt"), "hello, world");
        assertThatThrownBy(() -> landscape.points(junk)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(junk + " is not a landscape4j checkpoint (no L4JCKPT1 magic)");
    }

    @Test
    void aCorruptHeaderIsRefused() throws IOException {
        Path checkpoint = dir.resolve("header.ckpt");
        landscape.points(checkpoint).take(1).blockLast();
        byte[] bytes = Files.readAllBytes(checkpoint);
        bytes[20] ^= 0x01;
        Files.write(checkpoint, bytes);
        assertThatThrownBy(() -> landscape.points(checkpoint)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("checkpoint " + checkpoint + " has a corrupt header (CRC mismatch)");
    }

    @Test
    void aCheckpointOfAnotherSeedOrModelIsRefusedNamingWhatDiffers() {
        Path checkpoint = dir.resolve("other.ckpt");
        landscape.points(checkpoint).take(2).blockLast();
        DataSet data = Fixtures.blobs(150, 3);
        Landscape otherSeed = Landscape.compile(new LandscapeSpec(Fixtures.mlp(data, 3),
                RandomDirections.FILTER_NORMALIZED, 2, landscape.spec().axes(), List.of(EvaluationSet.of("train", data)),
                List.of()));
        assertThatThrownBy(() -> otherSeed.points(checkpoint)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was written for another run; what differs: directions (checkpoint: random "
                        + "filter-normalized, biases and batch-norm ignored, seed 1; this run: random filter-normalized, "
                        + "biases and batch-norm ignored, seed 2)")
                .hasMessageContaining("; direction vectors (checkpoint: ")
                .hasMessageNotContaining("model parameters");
        Landscape otherModel = Landscape.compile(new LandscapeSpec(Fixtures.mlp(data, 4),
                RandomDirections.FILTER_NORMALIZED, 1, landscape.spec().axes(), List.of(EvaluationSet.of("train", data)),
                List.of()));
        assertThatThrownBy(() -> otherModel.points(checkpoint)).hasMessageContaining("what differs: model parameters (checkpoint: ")
                .hasMessageNotContaining("grid");
    }
}

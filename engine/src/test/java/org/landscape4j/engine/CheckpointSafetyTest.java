package org.landscape4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** One writer per checkpoint, torn tails counted, a header that says what the run does (issue 11, items 10, 11). */
class CheckpointSafetyTest {

    private static Landscape landscape;

    @TempDir
    Path dir;

    @BeforeAll
    static void compile() {
        landscape = CheckpointChild.landscape();
    }

    @Test
    void aSecondWriterInThisProcessIsRefusedWithOneLine() {
        Path checkpoint = dir.resolve("one.ckpt");
        try (CheckpointFile first = CheckpointFile.open(checkpoint, landscape.checkpointHeader(), 2)) {
            assertThatThrownBy(() -> landscape.points(checkpoint).blockFirst())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("checkpoint " + checkpoint + " is in use by another run; wait for it to finish or use"
                            + " another output directory");
        }
        assertThat(landscape.points(checkpoint).take(3).collectList().block()).hasSize(3);
    }

    /**
     * A process's file lock is released when any of its channels on the file closes (POSIX): a second run in this JVM
     * must be refused without opening the file, or a run in another process could then take the first one's lock.
     */
    @Test
    void aSecondWriterRefusedInThisProcessLeavesTheFileLockedAgainstAnotherProcess() throws Exception {
        Path checkpoint = dir.resolve("held.ckpt");
        try (CheckpointFile first = CheckpointFile.open(checkpoint, landscape.checkpointHeader(), 2)) {
            first.append(0, new double[] {1, 2});
            long size = Files.size(checkpoint);
            assertThatThrownBy(() -> landscape.points(checkpoint).blockFirst())
                    .hasMessageContaining("is in use by another run");
            assertThatThrownBy(() -> CheckpointFile.open(checkpoint, landscape.checkpointHeader(), 2))
                    .hasMessageContaining("is in use by another run");
            assertThatThrownBy(() -> CheckpointFile.check(checkpoint, landscape.checkpointHeader()))
                    .hasMessageContaining("is in use by another run");

            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Process child = new ProcessBuilder(javaBin, "-Xmx512m", "-cp", classpath, CheckpointChild.class.getName(),
                    checkpoint.toString(), "0").redirectErrorStream(true).start();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as(output).isNotZero();
            assertThat(output).contains("is in use by another run").doesNotContainPattern("(?m)^point ");
            assertThat(Files.size(checkpoint)).isEqualTo(size);
        }
        assertThat(landscape.points(checkpoint).take(3).collectList().block()).hasSize(3);
    }

    @Test
    void aSecondWriterInAnotherProcessIsRefusedBeforeItWritesAnything() throws Exception {
        Path checkpoint = dir.resolve("run/landscape.ckpt");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(javaBin, "-Xmx512m", "-cp", classpath, CheckpointChild.class.getName(),
                checkpoint.toString(), "60000").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).startsWith("point ");                     // the child holds the checkpoint now
            long size = Files.size(checkpoint);

            assertThatThrownBy(() -> landscape.points(checkpoint).blockFirst())
                    .hasMessageContaining("is in use by another run");
            assertThat(Files.size(checkpoint)).isEqualTo(size);
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTornTailSaysHowManyPointsWereDropped() throws IOException {
        Path checkpoint = dir.resolve("torn.ckpt");
        landscape.points(checkpoint).take(6).blockLast();
        int record = 4 + 8 * 2 + 4;
        try (var ch = java.nio.channels.FileChannel.open(checkpoint, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(checkpoint) - record - 5);          // record 5 torn, record 6 gone
        }
        try (CheckpointFile file = CheckpointFile.open(checkpoint, landscape.checkpointHeader(), 2)) {
            assertThat(file.recovered()).hasSize(4);
            assertThat(file.droppedRecords()).isEqualTo(1);
        }
        try (CheckpointFile clean = CheckpointFile.open(checkpoint, landscape.checkpointHeader(), 2)) {
            assertThat(clean.droppedRecords()).isZero();
        }
    }

    @Test
    void theHeadersEvaluatorIsTheEvaluationPlansEvenWithBatchNormRecomputed() {
        DataSet data = Fixtures.blobs(30, 2);
        MultiLayerNetwork bn = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .dataType(DataType.FLOAT).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.TANH).build())
                .layer(new BatchNormalization.Builder().nIn(5).nOut(5).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build());
        bn.init();
        MultiLayerNetwork other = bn.clone();
        other.params().addi(0.1);
        Landscape recomputed = Landscape.compile(new LandscapeSpec(bn,
                Directions.interpolation(bn, other).withBatchNormRecomputedOn(data), 1,
                List.of(Axis.linear(0, 1, 3)), List.of(EvaluationSet.of("train", data)), List.of()));

        String evaluator = recomputed.checkpointHeader().get("evaluator");
        assertThat(evaluator).contains("batch-norm statistics recomputed");
        assertThat(recomputed.evaluationPlan()).startsWith(evaluator + ", ");
        assertThat(landscape.evaluationPlan()).startsWith(landscape.checkpointHeader().get("evaluator") + ", ");
    }

    @Test
    void theHeaderFingerprintsTheDataTheRunEvaluatesNotTheCallersArrays() {
        DataSet data = Fixtures.blobs(30, 2);
        Landscape l = Landscape.compile(Fixtures.spec(Fixtures.mlp(data, 2), data, 1, 3, 1));
        Map<String, String> before = l.checkpointHeader();
        DataSet original = data.copy();

        data.getFeatures().addi(1.0);                                  // the caller changes its arrays afterwards

        assertThat(l.checkpointHeader().get("evaluation data")).isEqualTo(before.get("evaluation data"));
        Landscape batched = Landscape.compile(new LandscapeSpec(l.spec().model(), RandomDirections.FILTER_NORMALIZED,
                1, l.spec().axes(), List.of(EvaluationSet.of("train", data).withBatchSize(7)), List.of()));
        assertThat(batched.checkpointHeader().get("evaluation data")).as("changed data, any batch size")
                .isNotEqualTo(before.get("evaluation data"));
        Landscape again = Landscape.compile(new LandscapeSpec(l.spec().model(), RandomDirections.FILTER_NORMALIZED,
                1, l.spec().axes(), List.of(EvaluationSet.of("train", original).withBatchSize(7)), List.of()));
        assertThat(again.checkpointHeader().get("evaluation data")).as("same data, other batch size")
                .isEqualTo(before.get("evaluation data"));
    }
}

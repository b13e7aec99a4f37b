package org.landscape4j.engine.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.landscape4j.engine.Fixtures;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

class TrajectoryRecorderTest {

    private static final DataSet DATA = Fixtures.blobs(60, 1);

    /** The parameters of a fresh fixture network after {@code updates} full-batch updates. */
    private static float[] paramsAfter(int updates) {
        MultiLayerNetwork net = Fixtures.mlp(DATA, 0);
        for (int i = 0; i < updates; i++) {
            net.fit(DATA);
        }
        return net.params().toFloatVector();
    }

    @Test
    void everyIterationsRecordsAfterEachKthUpdate() {
        MultiLayerNetwork net = Fixtures.mlp(DATA, 0);
        TrajectoryRecorder recorder = TrajectoryRecorder.everyIterations(2);
        net.addListeners(recorder);
        for (int i = 0; i < 5; i++) {
            net.fit(DATA);
        }

        assertThat(recorder.steps()).extracting(TrajectoryRecorder.Step::iteration).containsExactly(2L, 4L);
        List<INDArray> snapshots = recorder.snapshots();
        assertThat(snapshots).hasSize(2);
        assertThat(snapshots.get(0).toFloatVector()).containsExactly(paramsAfter(2));
        assertThat(snapshots.get(1).toFloatVector()).containsExactly(paramsAfter(4));
        assertThat(snapshots.get(1).toFloatVector()).isNotEqualTo(net.params().toFloatVector());
    }

    @Test
    void recordTakesTheCurrentParametersAndSnapshotsAreCopies() {
        MultiLayerNetwork net = Fixtures.mlp(DATA, 0);
        float[] initial = net.params().toFloatVector();
        TrajectoryRecorder recorder = TrajectoryRecorder.everyIterations(1);
        recorder.record(net);
        net.addListeners(recorder);
        net.fit(DATA);
        net.fit(DATA);

        assertThat(recorder.size()).isEqualTo(3);
        assertThat(recorder.steps().get(0)).isEqualTo(new TrajectoryRecorder.Step(0, 0, 0));
        assertThat(recorder.snapshot(0).toFloatVector()).containsExactly(initial);
        assertThat(recorder.snapshot(2).toFloatVector()).containsExactly(net.params().toFloatVector());
        recorder.snapshot(2).assign(0);
        assertThat(recorder.snapshot(2).toFloatVector()).containsExactly(net.params().toFloatVector());
    }

    @Test
    void everyEpochsRecordsAtTheEndOfEachKthEpoch() {
        MultiLayerNetwork net = Fixtures.mlp(DATA, 0);
        TrajectoryRecorder recorder = TrajectoryRecorder.everyEpochs(2);
        net.addListeners(recorder);
        // 60 examples in minibatches of 20: 3 updates per epoch
        net.fit(new ListDataSetIterator<>(DATA.asList(), 20), 4);

        assertThat(recorder.steps()).extracting(TrajectoryRecorder.Step::epoch).containsExactly(2, 4);
        assertThat(recorder.steps()).extracting(TrajectoryRecorder.Step::iteration).containsExactly(6L, 12L);
        assertThat(recorder.snapshot(1).toFloatVector()).containsExactly(net.params().toFloatVector());
        assertThat(recorder.snapshot(0).toFloatVector()).isNotEqualTo(recorder.snapshot(1).toFloatVector());
    }

    @Test
    void toDirectoryWritesNpyFilesAndReadsThemBackBitExact(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = Fixtures.mlp(DATA, 0);
        TrajectoryRecorder memory = TrajectoryRecorder.everyIterations(1);
        TrajectoryRecorder disk = TrajectoryRecorder.everyIterations(1).toDirectory(dir.resolve("run"));
        disk.record(net);
        memory.record(net);
        net.addListeners(memory, disk);
        for (int i = 0; i < 3; i++) {
            net.fit(DATA);
        }

        assertThat(disk.files()).hasSize(4);
        long p = net.numParams();
        for (Path f : disk.files()) {
            assertThat(f.getFileName().toString()).endsWith(".npy");
            byte[] bytes = Files.readAllBytes(f);
            assertThat(new String(bytes, 1, 5, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("NUMPY");
            assertThat(bytes[0] & 0xff).isEqualTo(0x93);
            assertThat(bytes.length - 4 * p).as("header bytes").isBetween(64L, 256L);
        }
        List<INDArray> fromDisk = disk.snapshots();
        List<INDArray> fromMemory = memory.snapshots();
        for (int i = 0; i < 4; i++) {
            assertThat(fromDisk.get(i).shape()).containsExactly(1, p);
            assertThat(fromDisk.get(i).toFloatVector()).containsExactly(fromMemory.get(i).toFloatVector());
        }
        assertThat(disk.steps()).isEqualTo(memory.steps());
    }

    @Test
    void aDirectoryWithSnapshotsIsRejected(@TempDir Path dir) {
        MultiLayerNetwork net = Fixtures.mlp(DATA, 0);
        TrajectoryRecorder.everyIterations(1).toDirectory(dir).record(net);
        assertThatThrownBy(() -> TrajectoryRecorder.everyIterations(1).toDirectory(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already holds snapshot files");
    }

    @Test
    void periodBelowOneIsRejected() {
        assertThatThrownBy(() -> TrajectoryRecorder.everyEpochs(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("k must be >= 1 epochs, was 0");
    }
}

package org.landscape4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.Surface;

/** A driver killed with SIGKILL mid-run, then resumed from its checkpoint on Spark. */
class DriverKillTest {

    @Test
    void aKilledDriverResumesKeepingEveryPointItReceivedAndComputingNoneOfThemAgain(@TempDir Path dir)
            throws Exception {
        Path checkpoint = dir.resolve("run.ckpt");
        Process child = ChildJvm.start(dir.resolve("child.log"), Map.of(), SparkChild.class.getName(),
                checkpoint.toString());
        Set<Integer> receivedBeforeKill = new HashSet<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (receivedBeforeKill.size() < 12 && (line = out.readLine()) != null) {
                if (line.startsWith("point ")) {
                    receivedBeforeKill.add(Integer.parseInt(line.split(" ")[1]));
                }
            }
        } finally {
            child.destroyForcibly();                                     // SIGKILL
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(receivedBeforeKill).as("points the child printed; its log is %s", dir.resolve("child.log"))
                .hasSize(12);

        Counting.EVALUATIONS.set(0);
        Set<Integer> restored = new HashSet<>();
        Set<Integer> computed = new HashSet<>();
        try (SparkExecutor spark = SparkExecutor.of(new SparkConf().setMaster("local[2]").setAppName("resume")
                .set("spark.ui.enabled", "false")).pointsPerTask(2)) {
            Landscape l = Landscape.compile(SparkChild.spec().withExecution(spark.execution()));
            l.points(checkpoint).doOnNext(p -> (p.isRestored() ? restored : computed).add(p.index())).blockLast();
        }
        assertThat(restored).containsAll(receivedBeforeKill);
        assertThat(computed).doesNotContainAnyElementsOf(restored);
        assertThat(restored.size() + computed.size()).isEqualTo(81);
        // Only the missing points were submitted: 3 metric calls (batches) per computed point, none for restored ones.
        assertThat(Counting.EVALUATIONS).hasValue(3 * computed.size());

        Surface local = Landscape.compile(SparkChild.spec()).surface();
        Surface resumed = Landscape.compile(SparkChild.spec()).surface(checkpoint);
        assertThat(resumed.flatValues("train", "loss")).containsExactly(local.flatValues("train", "loss"));
    }
}

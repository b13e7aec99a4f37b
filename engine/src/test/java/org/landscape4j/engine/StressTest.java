package org.landscape4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancel, GC and two landscapes at once never crash the JVM, and every point equals the clean one-worker run's
 * (issue 19). {@link StressChild} runs in a child JVM, so a native crash fails this test instead of killing the
 * suite: the test checks the exit code, the child's verdict and that no {@code hs_err} file was written.
 *
 * <p>About a minute by default; {@code -Dstress.seconds=600} for a developer's long run.
 */
class StressTest {

    @TempDir
    Path dir;

    @Test
    void cancelledAndConcurrentLandscapesUnderGcNeitherCrashNorDiffer() throws Exception {
        long seconds = Long.getLong("stress.seconds", 50);
        long seed = Long.getLong("stress.seed", System.currentTimeMillis() % 1000);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path out = dir.resolve("child.out");
        Process child = new ProcessBuilder(javaBin, "-Xmx1g", "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"),
                "-cp", classpath, StressChild.class.getName(), Long.toString(seconds), Long.toString(seed))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean ended = child.waitFor(seconds + 240, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        String tail = output.lines().filter(l -> !l.startsWith("[") && !l.contains(" INFO "))
                .reduce("", (a, b) -> a + "\n" + b);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("hs_err")))
                    .as("native crash logs (seed %d)%s", seed, tail).isEmpty();
        }
        assertThat(ended).as("the child finished within %d s (seed %d)%s", seconds + 240, seed, tail).isTrue();
        assertThat(child.exitValue()).as("the child's exit code (seed %d)%s", seed, tail).isZero();
        assertThat(output).as("seed %d", seed).containsPattern("(?m)^ok \\d+ \\d+$");
    }
}

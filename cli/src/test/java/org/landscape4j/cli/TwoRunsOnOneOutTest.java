package org.landscape4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.landscape4j.io.SurfaceHdf5;

/**
 * Two {@code landscape surface} runs on one {@code --out} while the first is still computing (issue 19, item 5): the
 * second exits 2 with one line, whether it runs in the first one's JVM (the JVM's own lock table refuses it) or in
 * another (the file lock refuses it), and the first finishes with every point.
 */
class TwoRunsOnOneOutTest {

    private static final long TIMEOUT_SECONDS = 120;

    @TempDir
    static Path shared;
    static LandscapeCommandTest.Inputs inputs;

    @TempDir
    Path dir;

    @BeforeAll
    static void files() throws IOException {
        inputs = LandscapeCommandTest.writeInputs(shared);
    }

    /** A 9 x 9 surface, one worker: the run stops at its first point and computes the other 80 when let go. */
    private static String[] surface(Path out) {
        return new String[] {"surface", "--model", inputs.model().toString(), "--data", inputs.csv().toString(),
                "--grid", "-1:1:9", "--workers", "1", "--out", out.toString()};
    }

    private static String inUse(Path out) {
        return "landscape: checkpoint " + out.resolve(RunDirectory.CHECKPOINT) + " is in use by another run; wait"
                + " for it to finish or use another output directory";
    }

    @Test
    void aSecondRunInTheSameJvmAndAThirdInAnotherAreRefusedWhileTheFirstComputesAndTheFirstFinishes()
            throws Exception {
        Path out = dir.resolve("run");
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        GatedRun.Gate gate = new GatedRun.Gate(() -> {
            stopped.countDown();
            await(letGo);
        });
        StringWriter firstOut = new StringWriter();
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> LandscapeCommand.execute(surface(out),
                new PrintWriter(firstOut), new PrintWriter(gate)));
        try {
            assertThat(stopped.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("first point of run 1").isTrue();
            long checkpointed = Files.size(out.resolve(RunDirectory.CHECKPOINT));

            LandscapeCommandTest.Result second = LandscapeCommandTest.run(surface(out));
            assertThat(second.code()).as(second.err()).isEqualTo(LandscapeCommand.EXIT_BAD_INPUT);
            assertThat(second.err().strip()).isEqualTo(inUse(out));

            Child third = Child.run(LandscapeCommand.class, surface(out));
            assertThat(third.code()).as(third.err()).isEqualTo(LandscapeCommand.EXIT_BAD_INPUT);
            assertThat(third.reasons()).containsExactly(inUse(out));

            assertThat(Files.size(out.resolve(RunDirectory.CHECKPOINT))).as("nobody else wrote to it")
                    .isEqualTo(checkpointed);
        } finally {
            letGo.countDown();
        }
        assertThat(first.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as(gate.toString()).isZero();
        assertEveryPoint(out, firstOut.toString(), gate.toString());
    }

    @Test
    void aSecondRunInThisJvmIsRefusedWhileTheFirstComputesInAnotherAndTheFirstFinishes() throws Exception {
        Path out = dir.resolve("run");
        Process first = Child.start(GatedRun.class, surface(out));
        try (BufferedReader firstOut = new BufferedReader(new InputStreamReader(first.getInputStream(),
                StandardCharsets.UTF_8)); Writer firstIn = first.outputWriter(StandardCharsets.UTF_8)) {
            CompletableFuture<String> firstErr = CompletableFuture.supplyAsync(() -> Child.read(first.getErrorStream()));
            assertThat(firstOut.readLine()).as("run 1 stops at its first point").isEqualTo("checkpointed");
            long checkpointed = Files.size(out.resolve(RunDirectory.CHECKPOINT));

            LandscapeCommandTest.Result second = LandscapeCommandTest.run(surface(out));
            assertThat(second.code()).as(second.err()).isEqualTo(LandscapeCommand.EXIT_BAD_INPUT);
            assertThat(second.err().strip()).isEqualTo(inUse(out));
            assertThat(Files.size(out.resolve(RunDirectory.CHECKPOINT))).isEqualTo(checkpointed);

            firstIn.write("go\n");
            firstIn.flush();
            String rest = String.join("\n", firstOut.lines().toList());
            assertThat(first.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            String err = firstErr.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(first.exitValue()).as(err).isZero();
            assertEveryPoint(out, rest, err);
        } finally {
            first.destroyForcibly();
            first.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Run 1 computed all 81 points into its checkpoint and wrote a full surface. */
    private static void assertEveryPoint(Path out, String stdout, String stderr) throws IOException {
        assertThat(stderr).contains("81/81").contains("100.0%").doesNotContain("restored");
        assertThat(stdout).contains("wrote " + out + " (").contains("): surface.h5");
        assertThat(SurfaceHdf5.read(out.resolve(RunDirectory.SURFACE)).datasets().get("train_loss")).hasSize(81)
                .doesNotContain(SurfaceHdf5.UNFINISHED);
        LandscapeCommandTest.Result again = LandscapeCommandTest.run(surface(out));
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("81 points restored, 0 computed");
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not let go in " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A program of the test class path in a child JVM. */
    record Child(int code, String out, String err) {

        static Process start(Class<?> main, String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx1g", "-cp", System.getProperty("surefire.test.class.path",
                    System.getProperty("java.class.path")), main.getName()));
            command.addAll(List.of(args));
            return new ProcessBuilder(command).start();
        }

        static Child run(Class<?> main, String... args) throws Exception {
            Process p = start(main, args);
            p.getOutputStream().close();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            String out = read(p.getInputStream());
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("child did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Child(p.exitValue(), out, err.get());
        }

        static String read(java.io.InputStream in) {
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** The command's own lines on stderr (a JVM may add warnings of its own). */
        List<String> reasons() {
            return err.lines().filter(l -> l.startsWith("landscape")).toList();
        }
    }
}

package org.landscape4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code surface --master local[2]}: the same files as a run in this JVM. */
class SparkMasterTest {

    @TempDir
    static Path shared;
    static LandscapeCommandTest.Inputs inputs;

    @TempDir
    Path dir;

    @BeforeAll
    static void files() throws IOException {
        inputs = LandscapeCommandTest.writeInputs(shared);
    }

    @Test
    void surfaceOnSparkLocal2WritesTheSameSurfaceCsvAsALocalRun() throws IOException {
        String[] common = {"surface", "--model", inputs.model().toString(), "--data",
                inputs.csv().toString(), "--grid", "-1:1:7", "--norm", "filter", "--seed", "3"};
        LandscapeCommandTest.Result local = LandscapeCommandTest.run(concat(common, "--out",
                dir.resolve("local").toString()));
        assertThat(local.code()).as(local.err()).isZero();
        LandscapeCommandTest.Result spark = LandscapeCommandTest.run(concat(common, "--out",
                dir.resolve("spark").toString(), "--master", "local[2]", "--points-per-task", "5"));
        assertThat(spark.code()).as(spark.err()).isZero();
        assertThat(spark.err()).contains("49/49");
        String expected = Files.readString(dir.resolve("local/surface.csv"));
        assertThat(expected.lines().count()).isGreaterThan(49);
        assertThat(Files.readString(dir.resolve("spark/surface.csv"))).isEqualTo(expected);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

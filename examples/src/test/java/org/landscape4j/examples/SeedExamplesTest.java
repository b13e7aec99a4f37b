package org.landscape4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.landscape4j.examples.seeds.HealthChecks;
import org.landscape4j.examples.seeds.InitialToTrained;
import org.landscape4j.examples.seeds.PathsBetweenMinima;
import org.landscape4j.examples.seeds.RandomVersusPca;

/**
 * Each seed example at its tiny size: it runs, writes its files, and its numbers make sense; and the same command run
 * again, in a fresh JVM, writes the same {@code findings.csv} and result CSVs byte for byte (issue 19: same command,
 * same numbers; the run here follows other tests in this JVM, the fresh one follows nothing).
 */
class SeedExamplesTest {

    private static ExampleOptions tiny(Path dir) {
        return new ExampleOptions(dir, ExampleOptions.Size.TINY);
    }

    /**
     * Runs {@code example}'s {@code main} with {@code --size tiny} in a fresh JVM and checks that it writes the same CSV
     * files as the run that wrote {@code dir}, byte for byte (compared as text, for a readable difference;
     * {@code timings.csv}, wall time, excepted).
     */
    private static void aFreshRunWritesTheSameNumbers(Path dir, Class<?> example) throws Exception {
        Path again = Files.createDirectories(dir.resolve("fresh-run"));
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = again.resolve("run.log");
        Process child = new ProcessBuilder(javaBin, "-Xmx2g", "-Djava.awt.headless=true", "-cp", classpath,
                example.getName(), "--size", "tiny", "--out", again.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!child.waitFor(15, java.util.concurrent.TimeUnit.MINUTES)) {
            child.destroyForcibly();
            throw new AssertionError(example.getSimpleName() + " did not finish in 15 minutes; " + log);
        }
        assertThat(child.exitValue()).as("exit code of %s; its output: %s", example.getSimpleName(), log).isZero();
        List<String> written = csvFiles(dir);
        assertThat(csvFiles(again)).as("CSV files").containsExactlyElementsOf(written);
        assertThat(written).contains("findings.csv");
        for (String f : written) {
            assertThat(Files.readString(again.resolve(f))).as("%s of %s, run again", f, example.getSimpleName())
                    .isEqualTo(Files.readString(dir.resolve(f)));
        }
    }

    private static List<String> csvFiles(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".csv") && !n.equals("timings.csv")).sorted().toList();
        }
    }

    private static void wrote(Path dir, String... files) {
        for (String f : files) {
            assertThat(dir.resolve(f)).as(f).isNotEmptyFile();
        }
    }

    @Test
    void initialToTrainedGoesDownhillForEveryBatchSize(@TempDir Path dir) throws Exception {
        List<InitialToTrained.Finding> findings = InitialToTrained.run(tiny(dir));

        assertThat(findings).extracting(InitialToTrained.Finding::batchSize).containsExactly(1, 100);
        assertThat(findings).allSatisfy(f -> assertThat(f.trainedLoss()).isLessThan(f.initialLoss()));
        wrote(dir, "initial-to-trained.png", "line-batch-1.csv", "findings.csv");
        assertThat(Files.readAllLines(dir.resolve("findings.csv"))).hasSize(4)
                .first().isEqualTo("claim,measured,holds");
        aFreshRunWritesTheSameNumbers(dir, InitialToTrained.class);
    }

    @Test
    void randomVersusPcaFindsThePathsPlane(@TempDir Path dir) throws Exception {
        RandomVersusPca.Finding f = RandomVersusPca.run(tiny(dir));

        assertThat(f.trainedLoss()).isLessThan(f.pathStartLoss());
        assertThat(f.explainedVariance()[0] + f.explainedVariance()[1]).isBetween(0.5, 1.0 + 1e-9);
        assertThat(f.explainedVariance()[0]).isGreaterThanOrEqualTo(f.explainedVariance()[1]);
        // the uncentred PCA plane is the best plane through the trained model: it holds the explained variance
        assertThat(f.pcaPlaneHolds()).isCloseTo(f.explainedVariance()[0] + f.explainedVariance()[1],
                org.assertj.core.data.Offset.offset(1e-6));
        assertThat(f.randomPlaneHolds()).isBetween(0.0, f.pcaPlaneHolds());
        wrote(dir, "random-plane.png", "pca-plane.png", "pca-plane.csv", "findings.csv");
        aFreshRunWritesTheSameNumbers(dir, RandomVersusPca.class);
    }

    @Test
    void theChainJoinsTheMinimaAndTheMinimaLieBelowRandomLines(@TempDir Path dir) throws Exception {
        PathsBetweenMinima.Finding f = PathsBetweenMinima.run(tiny(dir));

        // the chain is assembled from two segments: its ends are the two minima, as on the straight line
        assertThat(f.chainEnds()[0]).isCloseTo(f.lineEnds()[0], org.assertj.core.data.Offset.offset(1e-4));
        assertThat(f.chainEnds()[1]).isCloseTo(f.lineEnds()[1], org.assertj.core.data.Offset.offset(1e-4));
        assertThat(f.chainMax()).isGreaterThanOrEqualTo(Math.max(f.chainEnds()[0], f.chainEnds()[1]));
        assertThat(Math.max(f.minimaLosses()[0], f.minimaLosses()[1])).isLessThan(f.lineMaxLoss()[3]);
        wrote(dir, "line-1.png", "line-4.csv", "chain.png", "chain-plane.png", "findings.csv");
        aFreshRunWritesTheSameNumbers(dir, PathsBetweenMinima.class); // the trained chain too: chain.csv
    }

    @Test
    void healthChecksGiveFiniteSharpnessNumbers(@TempDir Path dir) throws Exception {
        List<HealthChecks.Finding> findings = HealthChecks.run(tiny(dir));

        assertThat(findings).hasSize(6);
        assertThat(findings).allSatisfy(f -> {
            assertThat(f.curvature()).isFinite().isPositive();
            assertThat(f.basinWidth()).isPositive();
            assertThat(f.testAccuracy()).isGreaterThan(0.1);
        });
        assertThat(findings).extracting(HealthChecks.Finding::check).containsExactly("batch size", "batch size",
                "weight decay", "weight decay", "optimizer", "optimizer");
        // the shared SGD arm is trained once: the same numbers in all three checks
        assertThat(findings.get(3).basinWidth()).isEqualTo(findings.get(0).basinWidth());
        assertThat(findings.get(4).trainLoss()).isEqualTo(findings.get(0).trainLoss());
        wrote(dir, "baseline-1d.png", "baseline-levels.png", "baseline-3d.png");
        assertThat(Files.readAllLines(dir.resolve("findings.csv"))).hasSize(9)
                .first().isEqualTo("claim,measured,holds");
        assertThat(findings.get(2).weightNorm()).as("weight decay shrinks the weights")
                .isLessThan(findings.get(3).weightNorm());
        wrote(dir, "arm-weight-decay-0.05-unnormalized.png", "arm-weight-decay-0.05-levels.png");
        aFreshRunWritesTheSameNumbers(dir, HealthChecks.class);
    }

    @Test
    void kotlinExampleComputesAndDrawsItsSurface(@TempDir Path dir) {
        org.landscape4j.engine.Surface s = KotlinLandscapeKt.runKotlinExample(dir, 9);

        assertThat(s.keys().sets()).containsExactly("train", "test");
        assertThat(s.argMin("test", "loss")).isNotNegative();
        wrote(dir, "kotlin-heatmap.png");
    }

    @Test
    void vggSurfacesAndTheDescentStayOnTheSurface(@TempDir Path dir) throws Exception {
        List<org.landscape4j.examples.seeds.VggSurface.Finding> findings =
                org.landscape4j.examples.seeds.VggSurface.run(tiny(dir));

        assertThat(findings).extracting(org.landscape4j.examples.seeds.VggSurface.Finding::normalization)
                .containsExactly("filter", "layer");
        assertThat(findings).allSatisfy(f -> {
            assertThat(f.minLoss()).isLessThanOrEqualTo(f.centreLoss());
            assertThat(f.descentEndLoss()).isFinite().isGreaterThanOrEqualTo(f.minLoss() - 1e-9);
        });
        wrote(dir, "filter-levels.png", "filter-3d.png", "layer-levels.png", "timings.csv");
        assertThat(Files.readString(dir.resolve("findings.csv"))).doesNotContain("faster");
        aFreshRunWritesTheSameNumbers(dir, org.landscape4j.examples.seeds.VggSurface.class);
    }

    @Test
    void depthStudyComparesFourNetworks(@TempDir Path dir) throws Exception {
        List<org.landscape4j.examples.seeds.DepthStudy.Finding> findings =
                org.landscape4j.examples.seeds.DepthStudy.run(tiny(dir));

        assertThat(findings).hasSize(4);
        assertThat(findings).extracting(org.landscape4j.examples.seeds.DepthStudy.Finding::skips)
                .containsExactly(false, true, false, true);
        assertThat(findings).allSatisfy(f -> {
            assertThat(f.areaBelow()).isBetween(0.0, 1.0);
            assertThat(f.negativeCurvature()).isBetween(0.0, 1.0);
            assertThat(f.meanCurvatureRatio()).isFinite().isNotNegative();
        });
        wrote(dir, "plain-depth-2.png", "residual-depth-4.png", "residual-depth-4-curvature.png",
                "plain-depth-4-curvature.csv", "findings.csv");
        aFreshRunWritesTheSameNumbers(dir, org.landscape4j.examples.seeds.DepthStudy.class);
    }
}

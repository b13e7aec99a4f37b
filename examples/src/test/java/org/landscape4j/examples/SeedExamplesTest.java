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

/** Each seed example at its tiny size: it runs, writes its files, and its numbers make sense. */
class SeedExamplesTest {

    private static ExampleOptions tiny(Path dir) {
        return new ExampleOptions(dir, ExampleOptions.Size.TINY);
    }

    private static void wrote(Path dir, String... files) {
        for (String f : files) {
            assertThat(dir.resolve(f)).as(f).isNotEmptyFile();
        }
    }

    @Test
    void initialToTrainedGoesDownhillForEveryBatchSize(@TempDir Path dir) {
        List<InitialToTrained.Finding> findings = InitialToTrained.run(tiny(dir));

        assertThat(findings).extracting(InitialToTrained.Finding::batchSize).containsExactly(1, 100);
        assertThat(findings).allSatisfy(f -> assertThat(f.trainedLoss()).isLessThan(f.initialLoss()));
        wrote(dir, "initial-to-trained.png", "line-batch-1.csv", "findings.csv");
    }

    @Test
    void randomVersusPcaFindsThePathsPlane(@TempDir Path dir) {
        RandomVersusPca.Finding f = RandomVersusPca.run(tiny(dir));

        assertThat(f.trainedLoss()).isLessThan(f.pathStartLoss());
        assertThat(f.explainedVariance()[0] + f.explainedVariance()[1]).isBetween(0.5, 1.0 + 1e-9);
        assertThat(f.explainedVariance()[0]).isGreaterThanOrEqualTo(f.explainedVariance()[1]);
        // the uncentred PCA plane is the best plane through the trained model: it holds the explained variance
        assertThat(f.pcaPlaneHolds()).isCloseTo(f.explainedVariance()[0] + f.explainedVariance()[1],
                org.assertj.core.data.Offset.offset(1e-6));
        assertThat(f.randomPlaneHolds()).isBetween(0.0, f.pcaPlaneHolds());
        wrote(dir, "random-plane.png", "pca-plane.png", "pca-plane.csv", "findings.csv");
    }

    @Test
    void theChainJoinsTheMinimaAndTheMinimaLieBelowRandomLines(@TempDir Path dir) {
        PathsBetweenMinima.Finding f = PathsBetweenMinima.run(tiny(dir));

        // the chain is assembled from two segments: its ends are the two minima, as on the straight line
        assertThat(f.chainEnds()[0]).isCloseTo(f.lineEnds()[0], org.assertj.core.data.Offset.offset(1e-4));
        assertThat(f.chainEnds()[1]).isCloseTo(f.lineEnds()[1], org.assertj.core.data.Offset.offset(1e-4));
        assertThat(f.chainMax()).isGreaterThanOrEqualTo(Math.max(f.chainEnds()[0], f.chainEnds()[1]));
        assertThat(Math.max(f.minimaLosses()[0], f.minimaLosses()[1])).isLessThan(f.lineMaxLoss()[3]);
        wrote(dir, "line-1.png", "line-4.csv", "chain.png", "chain-plane.png", "findings.csv");
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
        assertThat(Files.readAllLines(dir.resolve("findings.csv"))).hasSize(7)
                .first().isEqualTo("claim,measured,holds");
    }

    @Test
    void kotlinExampleComputesAndDrawsItsSurface(@TempDir Path dir) {
        org.landscape4j.engine.Surface s = KotlinLandscapeKt.runKotlinExample(dir, 9);

        assertThat(s.keys().sets()).containsExactly("train", "test");
        assertThat(s.argMin("test", "loss")).isNotNegative();
        wrote(dir, "kotlin-heatmap.png");
    }

    @Test
    void vggSurfacesAndTheDescentStayOnTheSurface(@TempDir Path dir) {
        List<org.landscape4j.examples.seeds.VggSurface.Finding> findings =
                org.landscape4j.examples.seeds.VggSurface.run(tiny(dir));

        assertThat(findings).extracting(org.landscape4j.examples.seeds.VggSurface.Finding::normalization)
                .containsExactly("filter", "layer");
        assertThat(findings).allSatisfy(f -> {
            assertThat(f.minLoss()).isLessThanOrEqualTo(f.centreLoss());
            assertThat(f.descentEndLoss()).isFinite().isGreaterThanOrEqualTo(f.minLoss() - 1e-9);
        });
        wrote(dir, "filter-levels.png", "filter-3d.png", "layer-levels.png");
    }

    @Test
    void depthStudyComparesFourNetworks(@TempDir Path dir) {
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
    }
}

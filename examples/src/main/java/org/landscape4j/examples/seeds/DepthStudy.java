package org.landscape4j.examples.seeds;

import static org.landscape4j.dsl.Landscapes.landscape;
import static org.landscape4j.engine.RandomDirections.FILTER_NORMALIZED;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.landscape4j.charts.Grid;
import org.landscape4j.charts.HeatmapStyle;
import org.landscape4j.charts.SurfaceChart;
import org.landscape4j.engine.Metric;
import org.landscape4j.engine.Surface;
import org.landscape4j.engine.curvature.Hessian;
import org.landscape4j.examples.ExampleData;
import org.landscape4j.examples.ExampleOptions;
import org.landscape4j.examples.ExampleOutput;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Seed 001's depth study (after Li et al. 2018's ResNet vs ResNet-noshort comparison): convolutional networks with
 * batch norm, plain and with identity shortcuts, at two depths, on 28x28 FashionMNIST, each trained to the same
 * train-loss criterion from the same seeds. Every network gets a filter-normalized loss plane and, on a coarse grid
 * of the same directions, a curvature map (smallest and largest Hessian eigenvalue at every point): "convex-looking"
 * is measured as the fraction of the plane with significant negative curvature, {@code λmin < −0.05·λmax}.
 *
 * <pre>DepthStudy [--out DIR] [--size tiny|cpu|full]</pre>
 */
public final class DepthStudy {

    /**
     * One network's surface, summarized.
     *
     * @param depth                convolution layers in the body
     * @param skips                with identity shortcuts
     * @param training             how its training ended
     * @param areaBelow            fraction of the loss plane below minimum + 0.5: larger is flatter
     * @param negativeCurvature    fraction of the curvature map with {@code λmin < −0.05·λmax}
     * @param meanCurvatureRatio   mean of {@code |λmin / λmax|} over the curvature map
     */
    public record Finding(int depth, boolean skips, CriterionTraining.Outcome training, double areaBelow,
                          double negativeCurvature, double meanCurvatureRatio) {
        /** Train loss at the end of training. */
        public double trainLoss() {
            return training.trainLoss();
        }

        String numbers() {
            return String.format(Locale.ROOT, "%s depth %d: negative-curvature fraction %.2f, mean |lmin/lmax| %.3f, "
                    + "train loss %.3f", skips ? "residual" : "plain", depth, negativeCurvature, meanCurvatureRatio,
                    trainLoss());
        }
    }

    private DepthStudy() {
    }

    public static void main(String[] args) {
        run(ExampleOptions.parse(args, "target/examples/depth-study"));
    }

    /** Runs the example and returns one finding per network: plain and residual at the shallow, then the deep depth. */
    public static List<Finding> run(ExampleOptions o) {
        ExampleOutput out = new ExampleOutput(o.out());
        ExampleData.TrainingImages images = ExampleData.trainingImages(o.pick(200, 800, 10000),
                o.pick(100, 500, 2000));
        DataSet train = images.train();
        DataSet curvatureData = ExampleData.head(train, o.pick(20, 50, 500));
        int channels = o.pick(4, 8, 16);
        // The seed's ResNet-20/56/110 at full size; at cpu size two depths at narrow width (2, 6, 12 would take about
        // twice the 10-minute budget on 2 cores).
        int[] depths = switch (o.size()) {
            case TINY -> new int[] {2, 4};
            case CPU -> new int[] {2, 8};
            case FULL -> new int[] {20, 56, 110};
        };
        int points = o.pick(7, 21, 41);
        int coarse = o.pick(3, 7, 11);
        // The curvature maps cover the central half of the loss plane: at this size a trained minimum's basin spans
        // about +-0.5 in filter-normalized units; on +-1 with a 5x5 grid every point but the centre had strong
        // negative curvature for all four networks (fractions 0.94-1.00), which measures nothing.
        double half = 0.5;
        // The Hessian's default stops Lanczos once lambda_min and lambda_max are converged (up to 100 steps); the study
        // caps the steps to fit its time budget, so its lambda_min may not be converged (lambda_max is, in a few steps).
        Hessian.Options lanczos = Hessian.Options.DEFAULT.withMaxLanczosSteps(o.pick(4, 6, 20));
        CriterionTraining.Criterion criterion = new CriterionTraining.Criterion(o.pick(2.0, 0.1, 0.05),
                o.pick(1, 40, 100));
        System.out.printf(Locale.ROOT, "seed 001 depth study: plain vs residual, %d channels, depths %s, on %d "
                + "28x28 images of %s; every network: Adam 2e-3, batch 64, initial weights seed 7, example order seed "
                + "1, %s; loss planes: %dx%d on [-1, 1]^2, %d images; curvature maps: %dx%d on [-%.1f, %.1f]^2 (the same "
                + "directions), at most %d Lanczos steps on %d images%n", channels, java.util.Arrays.toString(depths),
                train.numExamples(),
                images.source(), criterion, points, points, images.eval().numExamples(), coarse, coarse, half, half,
                lanczos.maxLanczosSteps(), curvatureData.numExamples());
        List<Finding> findings = new ArrayList<>();
        long started = System.nanoTime();
        for (int depth : depths) {
            for (boolean skips : new boolean[] {false, true}) {
                String name = (skips ? "residual" : "plain") + "-depth-" + depth;
                ComputationGraph net = SeedNetworks.depthNet(channels, depth, skips, new Adam(2e-3), 7);
                CriterionTraining.Outcome outcome = CriterionTraining.fit(name, net, train, 64, criterion, 1);
                Surface s = landscape(b -> b.model(net).directions(FILTER_NORMALIZED, 2).grid(-1, 1, points)
                        .evaluateOn("train", images.eval())).surface();
                out.csv(name, s);
                String title = (skips ? "Residual" : "Plain") + ", depth " + depth;
                out.png(name, new SurfaceChart(Grid.of(s, "train", "loss"), title + ": loss",
                        HeatmapStyle.DEFAULT.withLogScale()).chart());
                long t0 = System.nanoTime();
                Surface curvature = landscape(b -> b.model(net).directions(FILTER_NORMALIZED, 2)
                        .grid(-half, half, coarse).evaluateOn("train", curvatureData)
                        .metrics(Metric.hessianEigenvalues(lanczos).toArray(Metric[]::new))).surface();
                out.csv(name + "-curvature", curvature);
                out.png(name + "-curvature", SurfaceChart.curvatureRatio(curvature, "train").chart());
                double[] ratios = java.util.Arrays.stream(curvature.curvatureRatio("train"))
                        .flatMapToDouble(java.util.Arrays::stream).filter(Double::isFinite).toArray();
                Finding f = new Finding(depth, skips, outcome, s.areaFractionWithin("train", "loss", 0.5),
                        curvature.negativeCurvatureFraction("train", Surface.NEGATIVE_CURVATURE_EPSILON),
                        java.util.Arrays.stream(ratios).average().orElse(Double.NaN));
                System.out.printf(Locale.ROOT, "  %s; curvature map %.0f s%n", f.numbers(),
                        (System.nanoTime() - t0) / 1e9);
                findings.add(f);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Finding plainShallow = findings.get(0);
        Finding residualShallow = findings.get(1);
        Finding plainDeep = findings.get(findings.size() - 2);
        Finding residualDeep = findings.get(findings.size() - 1);
        for (boolean skips : new boolean[] {false, true}) {
            System.out.printf(Locale.ROOT, "trend, %s: negative-curvature fraction by depth %s%n",
                    skips ? "residual" : "plain", findings.stream().filter(f -> f.skips() == skips)
                            .map(f -> String.format(Locale.ROOT, "%d: %.2f", f.depth(), f.negativeCurvature()))
                            .toList());
        }
        if (o.size() != ExampleOptions.Size.FULL) {
            // The work grows with depth x channels^2 x training images x (plane points + curvature-map points x
            // Lanczos steps); scaled from this run's wall time (cores at this run's speed).
            double scale = (20.0 + 56 + 110) / java.util.Arrays.stream(depths).sum() * Math.pow(16.0 / channels, 2)
                    * 10000.0 / train.numExamples() * (41.0 * 41 + 11 * 11 * 20) / (points * points
                    + coarse * coarse * lanczos.maxLanczosSteps());
            System.out.printf(Locale.ROOT, "--size full (depths 20/56/110, 16 channels, 10,000 images) would take "
                    + "about %.0f h on these 2 cores, %.0f h on 16 such cores (if it scales linearly)%n",
                    seconds * scale / 3600, seconds * scale / 3600 / 8);
        }
        boolean reached = findings.stream().allMatch(f -> f.training().reached());
        out.claimsHeader();
        out.claim("plain networks grow chaotic with depth (more of the plane with significant negative curvature)",
                plainShallow.numbers() + "; " + plainDeep.numbers(),
                reached && plainDeep.negativeCurvature() > plainShallow.negativeCurvature());
        out.claim("residual networks stay convex-looking with depth (negative-curvature fraction does not grow)",
                residualShallow.numbers() + "; " + residualDeep.numbers(),
                reached && residualDeep.negativeCurvature() <= residualShallow.negativeCurvature());
        out.claim("at the larger depth the residual plane is more convex-looking than the plain one",
                residualDeep.numbers() + "; " + plainDeep.numbers(),
                reached && residualDeep.negativeCurvature() < plainDeep.negativeCurvature());
        System.out.println("every network: same criterion, optimizer, batch size, initial-weights and example-order "
                + "seeds; same directions seed for its loss plane and curvature map" + (reached ? ""
                : "; NOT every network reached the criterion, so the claims say no"));
        out.finish();
        return findings;
    }
}

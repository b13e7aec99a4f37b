package org.landscape4j.examples.seeds;

import static org.landscape4j.dsl.Landscapes.landscape;
import static org.landscape4j.engine.RandomDirections.FILTER_NORMALIZED;
import static org.landscape4j.engine.RandomDirections.UNNORMALIZED;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.charts.Grid;
import org.landscape4j.charts.HeatmapStyle;
import org.landscape4j.charts.ProfileChart;
import org.landscape4j.charts.SurfaceChart;
import org.landscape4j.charts.SurfaceChart3D;
import org.landscape4j.engine.Profile;
import org.landscape4j.engine.Surface;
import org.landscape4j.examples.ExampleData;
import org.landscape4j.examples.ExampleOptions;
import org.landscape4j.examples.ExampleOutput;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * Seed 001 (Keras loss-landscape) on a LeNet-like CNN and 28x28 FashionMNIST: a 1D filter-normalized profile with
 * train and test curves, the 2D contour ("levels") and 3D views of the baseline, then the three health checks —
 * batch size, weight decay, optimizer — each pair trained from the same initial weights and example order to the
 * same train-loss criterion, so the minima are compared at equal train loss. Sharpness by number: the basin width of
 * the 1D profile (where the loss stays below minimum + 0.1), its curvature at the centre, and the fraction of a 2D
 * filter-normalized plane below minimum + 0.1 (same directions' seed for every arm).
 *
 * <pre>HealthChecks [--out DIR] [--size tiny|cpu|full]</pre>
 */
public final class HealthChecks {

    /**
     * One trained arm and its sharpness numbers.
     *
     * @param check        which health check
     * @param variant      the arm
     * @param training     how its training ended
     * @param testAccuracy accuracy on the test images at the trained weights
     * @param curvature    second derivative of the train loss along the 1D filter-normalized direction at 0
     * @param basinWidth   width of the 1D basin below minimum + 0.1
     * @param areaBelow    fraction of the 2D plane below minimum + 0.1
     * @param weightNorm   Euclidean norm of the trained parameters
     * @param rawCurvature as {@code curvature}, along an unnormalized Gaussian direction (the same for every arm)
     * @param rawWidth     as {@code basinWidth}, along that direction, in its units
     */
    public record Finding(String check, String variant, CriterionTraining.Outcome training, double testAccuracy,
                          double curvature, double basinWidth, double areaBelow, double weightNorm,
                          double rawCurvature, double rawWidth) {
        /** Train loss at the end of training. */
        public double trainLoss() {
            return training.trainLoss();
        }

        boolean flatterThan(Finding other) {
            return basinWidth > other.basinWidth && curvature < other.curvature;
        }

        /** Flatter along the unnormalized direction. */
        boolean rawFlatterThan(Finding other) {
            return rawWidth > other.rawWidth && rawCurvature < other.rawCurvature;
        }

        String rawNumbers() {
            return String.format(Locale.ROOT, "%s: |theta| %.2f, unnormalized width %.3g, curvature %.3g", variant,
                    weightNorm, rawWidth, rawCurvature);
        }

        String numbers() {
            return String.format(Locale.ROOT, "%s: train loss %.3f, width %.3f, curvature %.3g, area %.3f, test acc "
                    + "%.3f", variant, trainLoss(), basinWidth, curvature, areaBelow, testAccuracy);
        }
    }

    private HealthChecks() {
    }

    public static void main(String[] args) {
        run(ExampleOptions.parse(args, "target/examples/health-checks"));
    }

    /** Runs the example and returns one finding per arm (batch small, batch large, decay, no decay, SGD, Adam). */
    public static List<Finding> run(ExampleOptions o) {
        ExampleOutput out = new ExampleOutput(o.out());
        ExampleData data = ExampleData.load(o.pick(256, 1000, 10000), o.pick(200, 1000, 10000), false);
        DataSet train = data.trainImages();
        DataSet test = data.testImages();
        DataSet trainEval = ExampleData.head(train, o.pick(200, 1000, 10000));
        int small = o.pick(32, 32, 128);
        int large = o.pick(128, 256, 2048);
        // The seed's 5e-4 at learning rate 0.1 over ~64k SGD steps of a ResNet-56 shrinks the weights by
        // exp(-5e-4 * 0.1 * 64k) = exp(-3.2) where gradients do not hold them; we take ~550 steps at rate 0.02, so a
        // far larger coefficient: exp(-0.05 * 0.02 * 550) = exp(-0.55). (5e-3 shrank |theta| by 0.5%: no effect to see.)
        double decay = 5e-2;
        CriterionTraining.Criterion criterion = new CriterionTraining.Criterion(o.pick(1.6, 0.15, 0.05),
                o.pick(3, 150, 300));
        int points = o.pick(9, 41, 51);
        int plane = o.pick(7, 21, 41);
        System.out.printf(Locale.ROOT, "seed 001 health checks: LeNet-like CNN on %d 28x28 images of %s; every arm "
                + "starts from the same weights (seed 1) and example order (seed 1) and trains to the same criterion, "
                + "%s%n", train.numExamples(), data.source(), criterion);

        Arm sgd = new Arm("SGD Nesterov 0.02, batch " + small, small, 0, new Nesterovs(0.02, 0.9));
        // The large batch's learning rate is scaled with the batch (Goyal et al. 2017's linear rule), so it reaches
        // the criterion within the same epoch budget: with the small batch's rate (square-root scaled), batch 512 on
        // 1,000 images makes two updates an epoch and was still above the criterion after two and a half minutes.
        double largeRate = 0.02 * large / small;
        Arm[][] checks = {
            {sgd, new Arm(String.format(Locale.ROOT, "SGD Nesterov %.2g, batch %d", largeRate, large), large, 0,
                    new Nesterovs(largeRate, 0.9))},
            {new Arm("weight decay " + decay, small, decay, new Nesterovs(0.02, 0.9)), sgd},
            {sgd, new Arm("Adam 1e-3", small, 0, new Adam(1e-3))},
        };
        String[] names = {"batch size", "weight decay", "optimizer"};
        List<Finding> findings = new ArrayList<>();
        Finding baseline = null;
        for (int c = 0; c < checks.length; c++) {
            for (Arm arm : checks[c]) {
                Finding f;
                if (arm == sgd && baseline != null) {
                    f = baseline; // the shared arm is trained and measured once
                } else {
                    f = measure(names[c], arm, train, trainEval, test, criterion, points, plane, out, arm == sgd);
                }
                if (arm == sgd) {
                    baseline = f;
                }
                findings.add(new Finding(names[c], arm.name(), f.training(), f.testAccuracy(), f.curvature(),
                        f.basinWidth(), f.areaBelow(), f.weightNorm(), f.rawCurvature(), f.rawWidth()));
            }
        }

        out.claimsHeader();
        boolean reached = findings.stream().allMatch(f -> f.training().reached());
        Finding smallBatch = findings.get(0);
        Finding largeBatch = findings.get(1);
        out.claim("batch " + small + " finds a flatter minimum than batch " + large + " at equal train loss "
                        + "(wider basin, lower curvature)", smallBatch.numbers() + "; " + largeBatch.numbers(),
                reached && smallBatch.flatterThan(largeBatch));
        out.claim("small batch generalizes better (test accuracy)", String.format(Locale.ROOT, "%.3f vs %.3f",
                smallBatch.testAccuracy(), largeBatch.testAccuracy()), smallBatch.testAccuracy() > largeBatch.testAccuracy());
        Finding withDecay = findings.get(2);
        Finding without = findings.get(3);
        out.claim("weight decay gives a wider minimum (filter-normalized)", withDecay.numbers() + "; "
                + without.numbers(), reached && withDecay.flatterThan(without));
        out.claim("weight decay gives smaller weights (Li et al. Sec. 6: why unnormalized plots mislead)",
                String.format(Locale.ROOT, "|theta| %.3f vs %.3f", withDecay.weightNorm(), without.weightNorm()),
                withDecay.weightNorm() < without.weightNorm());
        out.claim("without filter normalization the weight-decay minimum looks sharper (Li et al. Sec. 6)",
                withDecay.rawNumbers() + "; " + without.rawNumbers(), reached && without.rawFlatterThan(withDecay));
        out.claim("weight decay generalizes better (test accuracy)", String.format(Locale.ROOT, "%.3f vs %.3f",
                withDecay.testAccuracy(), without.testAccuracy()), withDecay.testAccuracy() > without.testAccuracy());
        Finding sgdArm = findings.get(4);
        Finding adam = findings.get(5);
        out.claim("SGD finds a wider minimum than Adam", sgdArm.numbers() + "; " + adam.numbers(),
                reached && sgdArm.flatterThan(adam));
        out.claim("SGD generalizes better than Adam (test accuracy)", String.format(Locale.ROOT, "%.3f vs %.3f",
                sgdArm.testAccuracy(), adam.testAccuracy()), sgdArm.testAccuracy() > adam.testAccuracy());
        System.out.println("both arms of every check: same initial weights, example order, criterion ("
                + criterion + ") and measurement (directions seed 1)" + (reached ? ""
                : "; NOT every arm reached the criterion, so the flatness claims say no"));
        out.finish();
        return findings;
    }

    /** An arm of a health check: batch size, weight decay and updater. */
    private record Arm(String name, int batchSize, double weightDecay, IUpdater updater) {
    }

    private static Finding measure(String check, Arm arm, DataSet train, DataSet trainEval, DataSet test,
                                   CriterionTraining.Criterion criterion, int points, int plane, ExampleOutput out,
                                   boolean pictures) {
        MultiLayerNetwork net = SeedNetworks.leNet(arm.updater(), arm.weightDecay(), 1);
        CriterionTraining.Outcome outcome = CriterionTraining.fit(arm.name(), net, train, arm.batchSize(), criterion,
                1);
        Profile p = landscape(b -> b.model(net).directions(FILTER_NORMALIZED, 1).grid(-1, 1, points)
                .evaluateOn("train", trainEval).evaluateOn("test", test)).profile();
        Surface s = landscape(b -> b.model(net).directions(FILTER_NORMALIZED, 2).grid(-1, 1, plane)
                .evaluateOn("train", trainEval)).surface();
        // Unnormalized: the same Gaussian direction for every arm (same seed and architecture), on one fixed range of
        // it, a typical weight scale |theta0| / sqrt(n) of the initial network, so arms of different
        // weight norms are compared on the same absolute steps, as Li et al.'s unnormalized plots do.
        double range = rawRange();
        Profile raw = landscape(b -> b.model(net).directions(UNNORMALIZED, 1).grid(-range, range, points)
                .evaluateOn("train", trainEval)).profile();
        String file = "arm-" + arm.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-");
        out.csv(file, p);
        out.png(file, ProfileChart.of(p, arm.name() + ": filter-normalized direction", false));
        out.csv(file + "-unnormalized", raw);
        out.png(file + "-unnormalized", ProfileChart.of(raw, arm.name() + ": unnormalized direction", false));
        if (arm.weightDecay() > 0 || pictures) {
            out.png(file + "-levels", new SurfaceChart(Grid.of(s, "train", "loss"), arm.name()
                    + ": filter-normalized plane", HeatmapStyle.DEFAULT.withLogScale()).chart());
        }
        if (pictures) {
            out.png("baseline-1d", ProfileChart.of(p, "Baseline (" + arm.name() + "): train and test", false));
            out.csv("baseline-2d", s);
            Grid grid = Grid.of(s, "train", "loss");
            out.png("baseline-levels", new SurfaceChart(grid, "Baseline: levels", HeatmapStyle.DEFAULT.withLogScale())
                    .chart());
            out.png("baseline-3d", SurfaceChart3D.of(grid, "Baseline: 3D", Double.NaN));
        }
        double acc = p.values("test", "accuracy")[points / 2];
        return new Finding(check, arm.name(), outcome, acc, p.curvatureAtCentre("train", "loss", 0.25),
                p.basin("train", "loss", 0.1).width(), s.areaFractionWithin("train", "loss", 0.1),
                net.params().norm2Number().doubleValue(), raw.curvatureAtCentre("train", "loss", range / 4),
                raw.basin("train", "loss", 0.1).width());
    }

    /** The unnormalized profiles' half range: {@code |theta0| / sqrt(n)} of the initial LeNet. */
    private static double rawRange() {
        MultiLayerNetwork initial = SeedNetworks.leNet(new Nesterovs(0.02, 0.9), 0, 1);
        return initial.params().norm2Number().doubleValue() / Math.sqrt(initial.numParams());
    }
}

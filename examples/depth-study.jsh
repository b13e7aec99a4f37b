// Seed 001 (DepthStudy): do plain CNNs grow chaotic with depth while residual ones stay convex-looking? Plain and
// residual CNNs (batch norm, ReLU, max pooling) at two depths, trained to the same train loss; for each a filter-normalized loss
// plane and, on the central half of the same plane, a curvature map (the Hessian's smallest and largest eigenvalue
// at every point): the fraction of the map with lambda_min < -0.05 lambda_max has significant negative curvature.
//   bin/jshell-landscape examples/depth-study.jsh     (from the repository root; about 30 s)
// Writes examples/target/jshell/depth-study/; the full example: `run DepthStudy` (docs/experiments.md).
// Small sizes, so that a test can run every script; the example's own (--size cpu) are in its run(). The results
// stay in the shell to explore.
import org.nd4j.linalg.learning.config.Adam;

var images = ExampleData.trainingImages(200, 100);        // 200 training images, landscapes on the first 100
var curvatureData = ExampleData.head(images.train(), 20);
var criterion = new CriterionTraining.Criterion(2.0, 1);  // train loss <= 2.0 within 1 epoch (the example: 0.1, 40)
var lanczos = Hessian.Options.DEFAULT.withMaxLanczosSteps(4);   // the default: up to 100, until converged
var out = new ExampleOutput(Path.of("examples/target/jshell/depth-study"));

Surface study(int depth, boolean residual) {
    var name = (residual ? "residual" : "plain") + "-depth-" + depth;
    var net = SeedNetworks.depthNet(4, depth, residual, new Adam(2e-3), 7);
    CriterionTraining.fit(name, net, images.train(), 64, criterion, 1);
    var loss = landscape(b -> b.model(net).directions(FILTER_NORMALIZED, 2).grid(-1, 1, 9)
            .evaluateOn("train", images.eval())).surface();
    var curvature = landscape(b -> b.model(net).directions(FILTER_NORMALIZED, 2).grid(-0.5, 0.5, 3)
            .evaluateOn("train", curvatureData).metrics(Metric.hessianEigenvalues(lanczos).toArray(Metric[]::new)))
            .surface();
    System.out.println("  " + name + ": negative-curvature fraction "
            + curvature.negativeCurvatureFraction("train", Surface.NEGATIVE_CURVATURE_EPSILON));
    out.png(name, new SurfaceChart(Grid.of(loss, "train", "loss"), name + ": loss", HeatmapStyle.DEFAULT.withLogScale())
            .chart());
    out.png(name + "-curvature", SurfaceChart.curvatureRatio(curvature, "train").chart());
    return curvature;
}

var plainShallow = study(2, false);
var residualShallow = study(2, true);
var plainDeep = study(4, false);
var residualDeep = study(4, true);
out.finish();

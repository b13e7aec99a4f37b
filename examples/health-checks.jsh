// Seed 001 (HealthChecks): do a small batch, weight decay and SGD find flatter minima than a large batch, no weight
// decay and Adam? A LeNet-like CNN on 28x28 FashionMNIST; every arm starts from the same weights and example order
// and trains to the same train loss; then a filter-normalized 1D profile through its minimum: the basin's width below
// minimum + 0.1 (wider is flatter) and the curvature at the centre (lower is flatter).
//   bin/jshell-landscape examples/health-checks.jsh     (from the repository root; about 15 s)
// Writes examples/target/jshell/health-checks/; the full example: `run HealthChecks` (docs/experiments.md).
// Small sizes, so that a test can run every script; the example's own (--size cpu) are in its run(). The results
// stay in the shell to explore.
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;

var data = ExampleData.load(256, 200, false);
var train = data.trainImages();
var test = data.testImages();
var criterion = new CriterionTraining.Criterion(1.6, 3);  // train loss <= 1.6 within 3 epochs (the example: 0.15, 150)
var out = new ExampleOutput(Path.of("examples/target/jshell/health-checks"));

Profile arm(String name, int batchSize, IUpdater updater, double weightDecay) {
    var net = SeedNetworks.leNet(updater, weightDecay, 1);
    CriterionTraining.fit(name, net, train, batchSize, criterion, 1);
    var p = landscape(b -> b.model(net).directions(FILTER_NORMALIZED, 1).grid(-1, 1, 21)
            .evaluateOn("train", train).evaluateOn("test", test)).profile();
    System.out.println("  " + name + ": basin width " + p.basin("train", "loss", 0.1).width() + ", curvature "
            + p.curvatureAtCentre("train", "loss", 0.25));
    out.png(name.replaceAll("[^A-Za-z0-9.]+", "-"), ProfileChart.of(p, name + ": filter-normalized direction", false));
    return p;
}

var smallBatch = arm("SGD batch 32", 32, new Nesterovs(0.02, 0.9), 0);
var largeBatch = arm("SGD batch 128", 128, new Nesterovs(0.08, 0.9), 0);   // learning rate scaled with the batch
var weightDecay = arm("SGD batch 32, weight decay 5e-3", 32, new Nesterovs(0.02, 0.9), 5e-3);
var adam = arm("Adam batch 32", 32, new Adam(1e-3), 0);
out.finish();

// Seed 002, task 3.2 (PathsBetweenMinima): two minima of a VGG-like network with batch norm and dropout, trained from
// different initial weights. Is there a loss barrier on the straight line between them, and none on a one-bend chain
// trained between them (Garipov et al. 2018)? Batch-norm statistics are recomputed at every point.
//   bin/jshell-landscape examples/paths-between-minima.jsh     (from the repository root; about 30 s)
// Writes examples/target/jshell/paths-between-minima/; the full example: `run PathsBetweenMinima` (docs/experiments.md).
// Small sizes, so that a test can run every script; the example's own (--size cpu) are in its run(). The results
// stay in the shell to explore.
import org.landscape4j.engine.geometry.CurveTrainer;
import org.landscape4j.engine.geometry.PolygonalChain;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;

var data = ExampleData.load(128, 100, false);
var train = data.trainImages();
var test = data.testImages();
var statistics = ExampleData.head(train, 64);             // the images batch-norm statistics are recomputed on
var criterion = new CriterionTraining.Criterion(2.0, 1);  // train loss <= 2.0 within 1 epoch (the example: 0.05, 80)
var out = new ExampleOutput(Path.of("examples/target/jshell/paths-between-minima"));

var min1 = SeedNetworks.vgg(new int[] {8, 16, 32}, 64, 0.25, Activation.RELU, new Adam(2e-3), 11);
var min2 = SeedNetworks.vgg(new int[] {8, 16, 32}, 64, 0.25, Activation.RELU, new Adam(2e-3), 22);
CriterionTraining.fit("minimum 1", min1, train, 32, criterion, 1);
CriterionTraining.fit("minimum 2", min2, train, 32, criterion, 1);

var line = landscape(b -> b.model(min1).directions(interpolation(min1, min2).withBatchNormRecomputedOn(statistics))
        .grid(0, 1.5, 7).evaluateOn("train", train).evaluateOn("test", test)).profile();  // t = 1 is point 4
System.out.println(line);
System.out.println("train loss barrier on the line: " + PathsBetweenMinima.barrier(line, "train", "loss", 4));
out.png("line", ProfileChart.of(line, "min1 (t = 0) to min2 (t = 1) and on", true));

var chain = CurveTrainer.train(PolygonalChain.ONE_BEND, min1, train, min1.params(), min2.params(),
        new CurveTrainer.Options(20, 0.005, 7));          // 20 Adam steps on the bend (the example: 400)
var alongChain = CurveTrainer.lossAlong(PolygonalChain.ONE_BEND, chain, min1, train, 5, statistics);
System.out.println("train loss along the chain: " + Arrays.toString(alongChain));

var plane = planeOfCurve(PolygonalChain.ONE_BEND, chain, 41).withBatchNormRecomputedOn(statistics);
var end = plane.marks().get(1).coordinates();             // marks: start (0, 0), end, bend
var bend = plane.marks().get(2).coordinates();
double lo = Math.min(0, bend[0]), hi = Math.max(end[0], bend[0]), top = Math.max(bend[1], 1e-3);
var surface = landscape(b -> b.model(min1).directions(plane)
        .axes(Axis.linear(lo - 0.25 * (hi - lo), hi + 0.25 * (hi - lo), 4), Axis.linear(-0.4 * top, 1.4 * top, 4))
        .evaluateOn("train", train)).surface();
System.out.println(surface);
var chart = new SurfaceChart(Grid.of(surface, "train", "loss"), "Plane of the chain: train loss",
        HeatmapStyle.DEFAULT.withLogScale()).addPath("chain", plane.path().stream().mapToDouble(p -> p[0]).toArray(),
        plane.path().stream().mapToDouble(p -> p[1]).toArray());
plane.marks().forEach(m -> chart.addPoint(m.label(), m.coordinates()[0], m.coordinates()[1]));
out.png("chain-plane", chart.chart());
out.finish();

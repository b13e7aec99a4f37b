// Seed 004 (RandomVersusPca): an MLP fits a noisy parabola. A random layer-normalized plane (cubic spacing, denser
// near the centre) shows the minimum; the plane of the training path's two principal components shows the path.
//   bin/jshell-landscape examples/random-versus-pca.jsh     (from the repository root; seconds)
// Writes examples/target/jshell/random-versus-pca/; the full example: `run RandomVersusPca` (docs/experiments.md).
// Small sizes, so that a test can run every script; the example's own (--size cpu) are in its run(). The results
// stay in the shell to explore.
import org.landscape4j.engine.geometry.TrajectoryRecorder;

var data = RandomVersusPca.parabola(256, 1);              // x ~ N(0, 1), y = x^2 + N(0, 0.25^2)
var net = RandomVersusPca.mlp(4);                         // 1-64-64-64-1, ReLU, Adam 0.01
var recorder = TrajectoryRecorder.everyIterations(4);     // a snapshot of the parameters every 4 updates
recorder.record(net);
net.setListeners(recorder);
for (int epoch = 0; epoch < 30; epoch++) {
    for (DataSet batch : data.batchBy(64)) {
        net.fit(batch);
    }
}
recorder.record(net);
net.setListeners();
var out = new ExampleOutput(Path.of("examples/target/jshell/random-versus-pca"));

var random = landscape(b -> b.model(net).directions(LAYER_NORMALIZED, 2).grid(-1, 1, 21).spacing(CUBIC)
        .evaluateOn("train", data)).surface();
System.out.println(random);
out.png("random-plane", new SurfaceChart(Grid.of(random, "train", "loss"),
        "Random layer-normalized plane, cubic spacing", HeatmapStyle.DEFAULT.withLogScale()).chart());

var directions = pca(recorder.snapshots());
System.out.println(directions.description());
var extent = directions.path().stream().mapToDouble(p -> Math.max(Math.abs(p[0]), Math.abs(p[1]))).max().orElse(1);
double range = 1.2 * extent;                              // the plane spans the projected path
var pcaPlane = landscape(b -> b.model(net).directions(directions).grid(-range, range, 21).evaluateOn("train", data));
var pcaSurface = pcaPlane.surface();
System.out.println(pcaSurface);
out.png("pca-plane", new SurfaceChart(Grid.of(pcaSurface, "train", "loss"),
        "Plane of the training path's principal components", HeatmapStyle.DEFAULT.withLogScale())
        .addPath("training path", pcaPlane.path().stream().mapToDouble(p -> p[0]).toArray(),
                pcaPlane.path().stream().mapToDouble(p -> p[1]).toArray())
        .addPoint("trained", 0, 0).chart());
out.finish();

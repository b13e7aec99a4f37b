// Seed 003 (VggSurface): a VGG-like network with batch norm, leaky ReLU and dropout on 28x28 FashionMNIST. Its
// filter- and layer-normalized loss planes (is layer norming "a bit faster but not as smooth"?), Nadam descending the
// rendered filter-normalized surface from a corner (SurfaceDescent), and the seed's asymmetric linear2x and
// barycentric planes.
//   bin/jshell-landscape examples/vgg-surface.jsh     (from the repository root; about 10 s)
// Writes examples/target/jshell/vgg-surface/; the full example: `run VggSurface` (docs/experiments.md).
// Small sizes, so that a test can run every script; the example's own (--size cpu) are in its run(). The results
// stay in the shell to explore.
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;

var images = ExampleData.trainingImages(200, 100);        // 200 training images, landscapes on the first 100
var net = SeedNetworks.vgg(new int[] {8, 16, 32}, 64, 0.5, Activation.LEAKYRELU, new Adam(2e-3), 9);
var criterion = new CriterionTraining.Criterion(2.0, 1);  // train loss <= 2.0 within 1 epoch (the example: 0.1, 60)
CriterionTraining.fit("VGG-like", net, images.train(), 64, criterion, 1);
var out = new ExampleOutput(Path.of("examples/target/jshell/vgg-surface"));

var filter = landscape(b -> b.model(net).directions(FILTER_NORMALIZED, 2).grid(-1, 1, 11)
        .evaluateOn("train", images.eval())).surface();
var layer = landscape(b -> b.model(net).directions(LAYER_NORMALIZED, 2).grid(-1, 1, 11)
        .evaluateOn("train", images.eval())).surface();
for (var s : List.of(filter, layer)) {
    var z = s.values("train", "loss");
    System.out.println(s + "\n  grid local minima " + VggSurface.localMinima(z) + ", roughness "
            + VggSurface.roughness(z));
}

var grid = Grid.of(filter, "train", "loss");
var path = SurfaceDescent.nadam(grid, grid.x(0) * 0.9, grid.y(grid.ny() - 1) * 0.9, 0.05, 150);
System.out.println("Nadam ends at loss " + SurfaceDescent.value(grid, path[0][150], path[1][150])
        + "; at the trained weights " + filter.value("train", "loss", 5, 5));
out.png("filter-levels", new SurfaceChart(grid, "Filter-normalized plane, log levels",
        HeatmapStyle.DEFAULT.withLogScale()).addPath("Nadam on the surface", path[0], path[1])
        .addPoint("trained", 0, 0).chart());
out.png("filter-3d", SurfaceChart3D.of(grid, "Filter-normalized surface", Double.NaN));
out.png("layer-levels", new SurfaceChart(Grid.of(layer, "train", "loss"), "Layer-normalized plane, log levels",
        HeatmapStyle.DEFAULT.withLogScale()).chart());

var linear2xPlane = landscape(b -> b.model(net).directions(linear2x()).grid(0, 1, 11)
        .evaluateOn("train", images.eval())).surface();
var barycentricPlane = landscape(b -> b.model(net).directions(barycentric()).grid(0, 1, 11)
        .evaluateOn("train", images.eval())).surface();
System.out.println(linear2xPlane);
System.out.println(barycentricPlane);
out.finish();

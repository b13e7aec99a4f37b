package org.landscape4j.examples.seeds;

import static org.landscape4j.dsl.Landscapes.landscape;
import static org.landscape4j.engine.RandomDirections.FILTER_NORMALIZED;
import static org.landscape4j.engine.RandomDirections.LAYER_NORMALIZED;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.charts.Grid;
import org.landscape4j.charts.HeatmapStyle;
import org.landscape4j.charts.SurfaceChart;
import org.landscape4j.charts.SurfaceChart3D;
import org.landscape4j.engine.Directions;
import org.landscape4j.engine.RandomDirections;
import org.landscape4j.engine.Surface;
import org.landscape4j.examples.ExampleData;
import org.landscape4j.examples.ExampleOptions;
import org.landscape4j.examples.ExampleOutput;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Seed 003 (Julia/Flux): a VGG-like network with batch norm, leaky ReLU and dropout on 28x28 FashionMNIST, trained
 * with Adam to a train-loss criterion; filter- and layer-normalized planes (log levels, 3D) with an optimizer (Nadam)
 * descending the rendered surface, and the seed's two asymmetric planes, {@code linear2x} and {@code barycentric}.
 * The seed's claim that layer norming is "a bit faster but not as smooth" is measured: time per plane, grid local
 * minima and the roughness of the log-loss surface (mean absolute discrete Laplacian over the log-loss range).
 *
 * <pre>VggSurface [--out DIR] [--size tiny|cpu|full]</pre>
 */
public final class VggSurface {

    /**
     * What the example found, per normalization.
     *
     * @param normalization  filter or layer
     * @param centreLoss     loss at the trained weights
     * @param minLoss        the surface's smallest loss
     * @param descentEndLoss the surface's value where the Nadam descent ended
     * @param localMinima    grid points lower than their 8 neighbours
     * @param roughness      mean |discrete Laplacian| of log loss over interior points, divided by the log-loss range
     * @param seconds        time to compute the plane
     */
    public record Finding(String normalization, double centreLoss, double minLoss, double descentEndLoss,
                          int localMinima, double roughness, double seconds) {
        String numbers() {
            return String.format(Locale.ROOT, "%s: %d local minima, roughness %.4f", normalization, localMinima,
                    roughness);
        }
    }

    private VggSurface() {
    }

    public static void main(String[] args) {
        run(ExampleOptions.parse(args, "target/examples/vgg-surface"));
    }

    /** Runs the example and returns one finding per normalization (filter, layer). */
    public static List<Finding> run(ExampleOptions o) {
        ExampleOutput out = new ExampleOutput(o.out());
        ExampleData.TrainingImages images = ExampleData.trainingImages(o.pick(200, 1000, 10000),
                o.pick(100, 500, 2000));
        int[] widths = o.size() == ExampleOptions.Size.FULL ? new int[] {32, 64, 128} : new int[] {8, 16, 32};
        MultiLayerNetwork net = SeedNetworks.vgg(widths, 64, 0.5, Activation.LEAKYRELU, new Adam(2e-3), 9);
        CriterionTraining.Criterion criterion = new CriterionTraining.Criterion(o.pick(2.0, 0.1, 0.05),
                o.pick(1, 60, 100));
        System.out.printf(Locale.ROOT, "seed 003: VGG-like network (conv %s, batch norm, leaky ReLU, dense 64 with "
                + "dropout 0.5; %d parameters) on %d 28x28 images of %s, Adam 2e-3, batch 64, %s%n",
                Arrays.toString(widths), net.numParams(), images.train().numExamples(), images.source(), criterion);
        CriterionTraining.fit("VGG-like", net, images.train(), 64, criterion, 1);

        int points = o.pick(7, 25, 51);
        List<Finding> findings = new ArrayList<>();
        for (RandomDirections kind : new RandomDirections[] {FILTER_NORMALIZED, LAYER_NORMALIZED}) {
            String name = kind.normalization().name().toLowerCase(Locale.ROOT);
            long t0 = System.nanoTime();
            Surface s = landscape(b -> b.model(net).directions(kind, 2).grid(-1, 1, points)
                    .evaluateOn("train", images.eval())).surface();
            double seconds = (System.nanoTime() - t0) / 1e9;
            out.csv(name + "-surface", s);
            Grid grid = Grid.of(s, "train", "loss");
            double[][] path = SurfaceDescent.nadam(grid, grid.x(0) * 0.9, grid.y(grid.ny() - 1) * 0.9, 0.05, 150);
            out.png(name + "-levels", new SurfaceChart(grid, name + "-normalized plane, log levels",
                    HeatmapStyle.DEFAULT.withLogScale())
                    .addPath("Nadam on the surface", path[0], path[1]).addPoint("trained", 0, 0).chart());
            out.png(name + "-3d", SurfaceChart3D.of(grid, name + "-normalized surface", Double.NaN));
            double[][] z = s.values("train", "loss");
            Finding f = new Finding(name, s.value("train", "loss", points / 2, points / 2),
                    Arrays.stream(s.flatValues("train", "loss")).filter(Double::isFinite).min().orElse(Double.NaN),
                    SurfaceDescent.value(grid, path[0][path[0].length - 1], path[1][path[1].length - 1]),
                    localMinima(z), roughness(z), seconds);
            System.out.printf(Locale.ROOT, "  %s, %.1f s; loss at the trained weights %.4f, Nadam ends at %.4f%n",
                    f.numbers(), f.seconds(), f.centreLoss(), f.descentEndLoss());
            findings.add(f);
        }
        double[] atOrigin = new double[2];
        Directions[] asymmetric = {Directions.linear2x(), Directions.barycentric()};
        for (int i = 0; i < asymmetric.length; i++) {
            Directions plane = asymmetric[i];
            String name = plane.toString().split(" ")[0];
            Surface s = landscape(b -> b.model(net).directions(plane).grid(0, 1, points)
                    .evaluateOn("train", images.eval())).surface();
            atOrigin[i] = s.value("train", "loss", 0, 0);
            out.csv(name + "-surface", s);
            out.png(name + "-levels", new SurfaceChart(Grid.of(s, "train", "loss"), name + " plane (alpha, beta "
                    + "in [0, 1]), log levels", HeatmapStyle.DEFAULT.withLogScale()).addPoint("trained", 0, 0)
                    .chart());
        }

        Finding filter = findings.get(0);
        Finding layer = findings.get(1);
        out.claimsHeader();
        for (int i = 0; i < asymmetric.length; i++) {
            String name = asymmetric[i].toString().split(" ")[0];
            // by the seed's formulas both maps give the model itself at (alpha, beta) = (0, 0)
            out.claim("the " + name + " plane passes through the trained model at (0, 0)", String.format(Locale.ROOT,
                    "loss at (0, 0) %.4f, at the trained weights %.4f", atOrigin[i], filter.centreLoss()),
                    Math.abs(atOrigin[i] - filter.centreLoss()) < 1e-3);
        }
        out.claim("layer-normalized planes are not as smooth as filter-normalized ones (more grid local minima or "
                + "rougher log loss)", filter.numbers() + "; " + layer.numbers(),
                layer.localMinima() > filter.localMinima() || layer.localMinima() == filter.localMinima()
                        && layer.roughness() > filter.roughness());
        out.timingClaim("layer norming is a bit faster than filter norming", String.format(Locale.ROOT,
                "%.1f s (layer) vs %.1f s (filter) a plane", layer.seconds(), filter.seconds()),
                layer.seconds() < filter.seconds());
        for (Finding f : findings) {
            out.claim("Nadam started near a corner descends the " + f.normalization() + "-normalized surface into the "
                    + "trained minimum's basin (ends within 0.1 of the loss at the trained weights)",
                    String.format(Locale.ROOT, "ends at %.4f, trained %.4f", f.descentEndLoss(), f.centreLoss()),
                    f.descentEndLoss() <= f.centreLoss() + 0.1);
        }
        out.finish();
        return findings;
    }

    /** Grid points strictly lower than all their (up to 8) neighbours. */
    public static int localMinima(double[][] z) {
        int count = 0;
        for (int iy = 0; iy < z.length; iy++) {
            for (int ix = 0; ix < z[iy].length; ix++) {
                boolean lowest = Double.isFinite(z[iy][ix]);
                for (int dy = -1; dy <= 1 && lowest; dy++) {
                    for (int dx = -1; dx <= 1 && lowest; dx++) {
                        int y = iy + dy;
                        int x = ix + dx;
                        if ((dx != 0 || dy != 0) && y >= 0 && y < z.length && x >= 0 && x < z[y].length) {
                            lowest = z[y][x] > z[iy][ix];
                        }
                    }
                }
                if (lowest) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Mean |discrete Laplacian| of log loss over interior points, over the range of log loss (scale-free). */
    public static double roughness(double[][] z) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double[][] log = new double[z.length][];
        for (int iy = 0; iy < z.length; iy++) {
            log[iy] = new double[z[iy].length];
            for (int ix = 0; ix < z[iy].length; ix++) {
                log[iy][ix] = Math.log(Math.max(z[iy][ix], 1e-12));
                lo = Math.min(lo, log[iy][ix]);
                hi = Math.max(hi, log[iy][ix]);
            }
        }
        double sum = 0;
        int n = 0;
        for (int iy = 1; iy < z.length - 1; iy++) {
            for (int ix = 1; ix < z[iy].length - 1; ix++) {
                double lap = log[iy - 1][ix] + log[iy + 1][ix] + log[iy][ix - 1] + log[iy][ix + 1] - 4 * log[iy][ix];
                sum += Math.abs(lap);
                n++;
            }
        }
        return n == 0 || hi == lo ? 0 : sum / n / (hi - lo);
    }
}

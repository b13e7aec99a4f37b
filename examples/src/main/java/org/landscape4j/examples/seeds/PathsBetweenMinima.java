package org.landscape4j.examples.seeds;

import static org.landscape4j.dsl.Landscapes.interpolation;
import static org.landscape4j.dsl.Landscapes.landscape;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.charts.Grid;
import org.landscape4j.charts.HeatmapStyle;
import org.landscape4j.charts.ProfileChart;
import org.landscape4j.charts.SurfaceChart;
import org.landscape4j.engine.Directions;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.Profile;
import org.landscape4j.engine.Surface;
import org.landscape4j.engine.geometry.CurveTrainer;
import org.landscape4j.engine.geometry.PolygonalChain;
import org.landscape4j.examples.ExampleData;
import org.landscape4j.examples.ExampleOptions;
import org.landscape4j.examples.ExampleOutput;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Seed 002 (the lab on paths between minima): straight lines between two minima found by SGD, a minimum and its
 * initialisation, a minimum and another initialisation, two random points — loss and accuracy on train and test for
 * t in [0, 1.5]; then a one-bend chain trained between the two minima (Garipov et al. 2018), and the Gram–Schmidt
 * plane of the chain with the chain drawn on its contour plot.
 *
 * <pre>PathsBetweenMinima [--out DIR] [--size tiny|cpu|full]</pre>
 */
public final class PathsBetweenMinima {

    /**
     * What the example found.
     *
     * @param lineMaxLoss  per straight line, the largest train loss for t in [0, 1]
     * @param minimaLine   the largest train loss on the straight line between the two minima
     * @param chainMax     the largest train loss along the trained chain
     * @param minimaLosses the train losses of the two minima
     */
    public record Finding(List<String> lines, double[] lineMaxLoss, double minimaLine, double chainMax,
                          double[] minimaLosses) {
    }

    private PathsBetweenMinima() {
    }

    public static void main(String[] args) {
        run(ExampleOptions.parse(args, "target/examples/paths-between-minima"));
    }

    /** Runs the example and returns its findings. */
    public static Finding run(ExampleOptions o) {
        ExampleData data = ExampleData.load(o.pick(300, 3000, 60000), o.pick(100, 1000, 10000), false);
        DataSet train = data.train();
        DataSet trainEval = ExampleData.head(train, o.pick(100, 1000, 10000));
        ExampleOutput out = new ExampleOutput(o.out());
        System.out.println("seed 002: paths between minima; data: " + data.source());

        MultiLayerNetwork init1 = network(11);
        MultiLayerNetwork init2 = network(22);
        MultiLayerNetwork init3 = network(33);
        MultiLayerNetwork init4 = network(44);
        int epochs = o.pick(2, 5, 20);
        MultiLayerNetwork min1 = trained(init1, train, epochs);
        MultiLayerNetwork min2 = trained(init2, train, epochs);

        String[] names = {"min1 - min2", "min1 - its init", "min1 - other init", "random - random"};
        MultiLayerNetwork[][] ends = {{min1, min2}, {min1, init1}, {min1, init3}, {init3, init4}};
        double[] lineMax = new double[names.length];
        out.header("line", "loss t=0", "loss t=1", "max loss t in [0,1]", "test acc t=0", "test acc t=1");
        int points = o.pick(7, 31, 61);
        for (int i = 0; i < names.length; i++) {
            MultiLayerNetwork from = ends[i][0];
            MultiLayerNetwork to = ends[i][1];
            Profile p = landscape(b -> b.model(from).directions(interpolation(from, to)).grid(0, 1.5, points)
                    .evaluateOn("train", trainEval).evaluateOn("test", data.test())).profile();
            double[] loss = p.values("train", "loss");
            double[] t = p.coordinates();
            int atOne = nearest(t, 1.0);
            double max = 0;
            for (int k = 0; k <= atOne; k++) {
                max = Math.max(max, loss[k]);
            }
            lineMax[i] = max;
            double[] testAcc = p.values("test", "accuracy");
            out.row(names[i], loss[0], loss[atOne], max, testAcc[0], testAcc[atOne]);
            String file = "line-" + (i + 1);
            out.csv(file, p);
            out.png(file, ProfileChart.of(p, names[i] + " (t = 0 .. 1.5)", true));
        }

        CurveTrainer.Options options = new CurveTrainer.Options(o.pick(60, 400, 2000), 0.01, 7);
        DataSet curveData = ExampleData.head(train, o.pick(200, 1000, 5000));
        List<INDArray> chain = CurveTrainer.train(PolygonalChain.ONE_BEND, min1, curveData, min1.params(),
                min2.params(), options);
        Profile alongChain = landscape(b -> b.model(min1)
                .directions(Directions.curve(PolygonalChain.ONE_BEND, chain)).grid(0, 1, points)
                .evaluateOn("train", trainEval).evaluateOn("test", data.test())).profile();
        out.csv("chain", alongChain);
        out.png("chain", ProfileChart.of(alongChain, "One-bend chain between the minima (t = 0 .. 1)", true));
        double chainMax = max(alongChain.values("train", "loss"));
        out.row("one-bend chain min1 - min2", alongChain.values("train", "loss")[0],
                alongChain.values("train", "loss")[points - 1], chainMax,
                alongChain.values("test", "accuracy")[0], alongChain.values("test", "accuracy")[points - 1]);

        Directions.Given plane = Directions.planeOfCurve(PolygonalChain.ONE_BEND, chain, 41);
        double[][] marks = plane.marks().stream().map(Directions.Mark::coordinates).toArray(double[][]::new);
        double lo = Math.min(0, Math.min(marks[1][0], marks[2][0]));
        double hi = Math.max(marks[1][0], marks[2][0]);
        double top = Math.max(marks[2][1], 1e-3);
        double padX = 0.25 * (hi - lo);
        double padY = 0.5 * top;
        Landscape planeLandscape = landscape(b -> b.model(min1).directions(plane)
                .axes(org.landscape4j.engine.Axis.linear(lo - padX, hi + padX, o.pick(7, 31, 51)),
                        org.landscape4j.engine.Axis.linear(-padY, top + padY, o.pick(7, 25, 41)))
                .evaluateOn("train", trainEval));
        Surface surface = planeLandscape.surface();
        out.csv("chain-plane", surface);
        SurfaceChart chart = new SurfaceChart(Grid.of(surface, "train", "loss"),
                "Plane of the chain (Gram-Schmidt), chain in red", HeatmapStyle.DEFAULT.withLogScale())
                .addPath("chain", plane.path().stream().mapToDouble(p -> p[0]).toArray(),
                        plane.path().stream().mapToDouble(p -> p[1]).toArray());
        for (Directions.Mark m : plane.marks()) {
            chart.addPoint(m.label(), m.coordinates()[0], m.coordinates()[1]);
        }
        out.png("chain-plane", chart.chart());

        System.out.printf(java.util.Locale.ROOT, "straight line between the minima peaks at loss %.4g; the trained chain at %.4g%n",
                lineMax[0], chainMax);
        out.finish();
        return new Finding(List.of(names), lineMax, lineMax[0], chainMax,
                new double[] {min1.score(trainEval, false), min2.score(trainEval, false)});
    }

    /** A fresh Xavier initialisation of the MLP from {@code seed}. */
    private static MultiLayerNetwork network(long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(InitialToTrained.mlp(seed));
        net.init();
        return net;
    }

    private static MultiLayerNetwork trained(MultiLayerNetwork init, DataSet train, int epochs) {
        MultiLayerNetwork net = init.clone();
        List<DataSet> batches = new ArrayList<>(train.batchBy(64));
        for (int e = 0; e < epochs; e++) {
            for (DataSet b : batches) {
                net.fit(b);
            }
        }
        return net;
    }

    private static int nearest(double[] t, double v) {
        int best = 0;
        for (int i = 1; i < t.length; i++) {
            if (Math.abs(t[i] - v) < Math.abs(t[best] - v)) {
                best = i;
            }
        }
        return best;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }
}

package org.landscape4j.examples.seeds;

import static org.landscape4j.dsl.Landscapes.landscape;
import static org.landscape4j.engine.Directions.interpolation;

import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.charts.Grid;
import org.landscape4j.charts.HeatmapStyle;
import org.landscape4j.charts.ProfileChart;
import org.landscape4j.charts.SurfaceChart;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Directions;
import org.landscape4j.engine.Profile;
import org.landscape4j.engine.Surface;
import org.landscape4j.engine.geometry.CurveTrainer;
import org.landscape4j.engine.geometry.PolygonalChain;
import org.landscape4j.examples.ExampleData;
import org.landscape4j.examples.ExampleOptions;
import org.landscape4j.examples.ExampleOutput;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Seed 002, task 3.2 (the lab on paths between minima, on "a serious convolutional architecture with batch-norms and
 * dropouts"): a VGG-like network with batch norm and dropout, trained twice to a train-loss criterion on 28x28
 * FashionMNIST; straight lines between the two minima, a minimum and its initialisation, a minimum and another
 * initialisation, two initialisations — loss and accuracy on train and test for t in [0, 1.5]; then a one-bend chain
 * trained between the minima (Garipov et al. 2018) and the plane of the chain with the chain drawn on it. Batch-norm
 * running statistics are recomputed at every point on training images (as Garipov et al. do), so a point's loss is
 * that of its weights, not of interpolated statistics.
 *
 * <pre>PathsBetweenMinima [--out DIR] [--size tiny|cpu|full]</pre>
 */
public final class PathsBetweenMinima {

    /** Train/test loss barriers larger than this count as a barrier (nats). */
    static final double LOSS_BARRIER = 0.1;
    /** Accuracy dips larger than this count as a barrier (fraction). */
    static final double ACCURACY_BARRIER = 0.02;

    /**
     * What the example found.
     *
     * @param lines        the straight lines' names
     * @param lineMaxLoss  per straight line, the largest train loss for t in [0, 1]
     * @param minimaLine   the largest train loss on the straight line between the two minima
     * @param chainMax     the largest train loss along the trained chain
     * @param minimaLosses the train losses of the two minima
     * @param lineEnds     train loss at t = 0 and t = 1 of the straight line between the minima
     * @param chainEnds    train loss at t = 0 and t = 1 of the chain (the same two models, so the same numbers)
     */
    public record Finding(List<String> lines, double[] lineMaxLoss, double minimaLine, double chainMax,
                          double[] minimaLosses, double[] lineEnds, double[] chainEnds) {
    }

    private PathsBetweenMinima() {
    }

    public static void main(String[] args) {
        run(ExampleOptions.parse(args, "target/examples/paths-between-minima"));
    }

    /** Runs the example and returns its findings. */
    public static Finding run(ExampleOptions o) {
        ExampleOutput out = new ExampleOutput(o.out());
        ExampleData data = ExampleData.load(o.pick(128, 300, 10000), o.pick(100, 300, 10000), false);
        DataSet train = data.trainImages();
        DataSet test = data.testImages();
        // Recomputing batch-norm statistics at a point sends the landscape to DL4J's own forward pass (about 2 s a
        // point here instead of 0.1 s): the grids below are sized for that.
        DataSet statistics = ExampleData.head(train, o.pick(64, 300, 2000));
        int[] widths = o.size() == ExampleOptions.Size.FULL ? new int[] {32, 64, 128} : new int[] {8, 16, 32};
        CriterionTraining.Criterion criterion = new CriterionTraining.Criterion(o.pick(2.0, 0.05, 0.02),
                o.pick(1, 80, 200));
        System.out.printf(Locale.ROOT, "seed 002 task 3.2: VGG-like network (conv %s, batch norm, ReLU, dense 64 with "
                + "dropout 0.25) on %d 28x28 images of %s; both minima: Adam 2e-3, batch 32, example order seed 1, "
                + "%s; initial weights seeds 11 and 22 (33 and 44: two more initialisations)%n",
                java.util.Arrays.toString(widths), train.numExamples(), data.source(), criterion);

        MultiLayerNetwork init1 = network(widths, 11);
        MultiLayerNetwork init2 = network(widths, 22);
        MultiLayerNetwork init3 = network(widths, 33);
        MultiLayerNetwork init4 = network(widths, 44);
        MultiLayerNetwork min1 = init1.clone();
        MultiLayerNetwork min2 = init2.clone();
        CriterionTraining.Outcome first = CriterionTraining.fit("minimum 1", min1, train, 32, criterion, 1);
        CriterionTraining.Outcome second = CriterionTraining.fit("minimum 2", min2, train, 32, criterion, 1);

        String[] names = {"min1 - min2", "min1 - its init", "min1 - other init", "init - init"};
        MultiLayerNetwork[][] ends = {{min1, min2}, {min1, init1}, {min1, init3}, {init3, init4}};
        double[] lineMax = new double[names.length];
        int points = o.pick(7, 16, 61);
        System.out.println("straight lines (t in [0, 1.5]; t = 0 is the first model):");
        System.out.println("line | train loss t=0 | t=1 | max t in [0,1] | train acc t=0 | t=1 | test acc t=0 | t=1");
        Profile minimaLine = null;
        for (int i = 0; i < names.length; i++) {
            MultiLayerNetwork from = ends[i][0];
            MultiLayerNetwork to = ends[i][1];
            Profile p = landscape(b -> b.model(from).directions(interpolation(from, to)
                            .withBatchNormRecomputedOn(statistics)).grid(0, 1.5, points)
                    .evaluateOn("train", train).evaluateOn("test", test)).profile();
            int atOne = nearest(p.coordinates(), 1.0);
            double[] loss = p.values("train", "loss");
            lineMax[i] = max(loss, 0, atOne);
            System.out.printf(Locale.ROOT, "%s | %.4f | %.4f | %.4f | %.3f | %.3f | %.3f | %.3f%n", names[i], loss[0],
                    loss[atOne], lineMax[i], p.values("train", "accuracy")[0], p.values("train", "accuracy")[atOne],
                    p.values("test", "accuracy")[0], p.values("test", "accuracy")[atOne]);
            out.csv("line-" + (i + 1), p);
            out.png("line-" + (i + 1), ProfileChart.of(p, names[i] + " (t = 0 .. 1.5)", true));
            if (i == 0) {
                minimaLine = p;
            }
        }

        // The chains are trained on the whole training subset (trained on 128 of 500 images, a bend fitted those and
        // reached train loss 1.75 on all 500, a barrier made by over-fitting), Garipov et al.'s way: epochs of shuffled
        // batches of 32, a new t per batch, Adam's rate decaying to 1% over the second half. With a constant rate the
        // last iterate is wherever the last noisy steps left it (a sampled loss of 0.03 at step 300 and 0.10 at 400).
        long[] seeds = o.size() == ExampleOptions.Size.TINY ? new long[] {7} : new long[] {7, 8, 9};
        CurveTrainer.Options options = new CurveTrainer.Options(o.pick(2, 60, 200), 32, 0.005,
                CurveTrainer.Schedule.DECAYING, seeds[0]);
        Profile alongChain = null;
        List<INDArray> chain = null;
        double[] seedBarriers = new double[seeds.length];
        for (int k = 0; k < seeds.length; k++) {
            CurveTrainer.Options seeded = options.withSeed(seeds[k]);
            long t0 = System.nanoTime();
            int report = Math.max(1, seeded.epochs() / 6);
            CurveTrainer.Progress last = CurveTrainer.training(PolygonalChain.ONE_BEND, min1, train, min1.params(),
                    min2.params(), seeded).doOnNext(p -> {
                        if (p.endOfEpoch() && (p.epoch() % report == 0 || p.epoch() == p.epochs())) {
                            System.out.printf(Locale.ROOT, "  chain seed %d epoch %d/%d: mean sampled train loss "
                                    + "%.4f (learning rate %.2g)%n", seeded.seed(), p.epoch(), p.epochs(),
                                    p.epochLoss(), p.learningRate());
                        }
                    }).blockLast();
            Profile along = alongChain(min1, last.anchors().get(1), min2, statistics, train, test, points / 2 + 1);
            seedBarriers[k] = barrier(along, "train", "loss", along.size() - 1);
            System.out.printf(Locale.ROOT, "one-bend chain, seed %d: %d epochs (%d Adam steps, batch %d, rate %.3g "
                    + "decaying) on %d training images, %.0f s; train loss barrier %.4f, test loss barrier %.4f%n",
                    seeded.seed(), seeded.epochs(), last.steps(), seeded.batchSize(), seeded.learningRate(),
                    train.numExamples(), (System.nanoTime() - t0) / 1e9, seedBarriers[k],
                    barrier(along, "test", "loss", along.size() - 1));
            if (k == 0) {
                alongChain = along;
                chain = last.anchors();
            }
        }
        out.csv("chain", alongChain);
        out.png("chain", ProfileChart.of(alongChain, "One-bend chain min1 - bend - min2: train and test (t = 0 .. 1)",
                true));
        double chainMax = max(alongChain.values("train", "loss"), 0, alongChain.size() - 1);

        Directions.Given plane = Directions.planeOfCurve(PolygonalChain.ONE_BEND, chain, 41)
                .withBatchNormRecomputedOn(statistics);
        double[][] marks = plane.marks().stream().map(Directions.Mark::coordinates).toArray(double[][]::new);
        double lo = Math.min(0, Math.min(marks[1][0], marks[2][0]));
        double hi = Math.max(marks[1][0], marks[2][0]);
        double top = Math.max(Math.max(marks[1][1], marks[2][1]), 1e-3);
        double padX = 0.25 * (hi - lo);
        double padY = 0.4 * top;
        Surface surface = landscape(b -> b.model(min1).directions(plane)
                .axes(Axis.linear(lo - padX, hi + padX, o.pick(5, 13, 51)),
                        Axis.linear(-padY, top + padY, o.pick(5, 11, 41)))
                .evaluateOn("train", train)).surface();
        out.csv("chain-plane", surface);
        SurfaceChart chart = new SurfaceChart(Grid.of(surface, "train", "loss"),
                "Plane of the chain: train loss, chain in red", HeatmapStyle.DEFAULT.withLogScale())
                .addPath("chain", plane.path().stream().mapToDouble(p -> p[0]).toArray(),
                        plane.path().stream().mapToDouble(p -> p[1]).toArray());
        for (Directions.Mark m : plane.marks()) {
            chart.addPoint(m.label(), m.coordinates()[0], m.coordinates()[1]);
        }
        out.png("chain-plane", chart.chart());

        boolean reached = first.reached() && second.reached();
        out.claimsHeader();
        for (String set : new String[] {"train", "test"}) {
            for (String metric : new String[] {"loss", "accuracy"}) {
                double line = barrier(minimaLine, set, metric, nearest(minimaLine.coordinates(), 1.0));
                double onChain = barrier(alongChain, set, metric, alongChain.size() - 1);
                double threshold = metric.equals("loss") ? LOSS_BARRIER : ACCURACY_BARRIER;
                out.claim("a " + set + " " + metric + " barrier on the straight line between the minima, none on the "
                        + "trained chain (barrier > " + threshold + ")", String.format(Locale.ROOT,
                        "line barrier %.4f, chain barrier %.4f", line, onChain),
                        reached && line > threshold && onChain <= threshold);
            }
        }
        long held = java.util.Arrays.stream(seedBarriers).filter(x -> x <= LOSS_BARRIER).count();
        out.claim("the trained chain has no train loss barrier whatever its training seed (barrier > " + LOSS_BARRIER
                + ")", held + " of " + seeds.length + " seeds; barriers " + java.util.Arrays.stream(seedBarriers)
                .mapToObj(x -> String.format(Locale.ROOT, "%.4f", x)).toList(), reached && held == seeds.length);
        System.out.println("both minima: same architecture, optimizer, batch size, example order and criterion"
                + (reached ? "" : "; NOT both reached the criterion, so the claims say no")
                + "; barrier = largest rise of the loss (or fall of the accuracy) above the worse end point, t in [0, 1]");
        out.finish();
        double[] lineLoss = minimaLine.values("train", "loss");
        double[] chainLoss = alongChain.values("train", "loss");
        return new Finding(List.of(names), lineMax, lineMax[0], chainMax,
                new double[] {first.trainLoss(), second.trainLoss()},
                new double[] {lineLoss[0], lineLoss[nearest(minimaLine.coordinates(), 1.0)]},
                new double[] {chainLoss[0], chainLoss[chainLoss.length - 1]});
    }

    /** A fresh initialisation of the VGG-like network from {@code seed}. */
    private static MultiLayerNetwork network(int[] widths, long seed) {
        return SeedNetworks.vgg(widths, 64, 0.25, Activation.RELU, new Adam(2e-3), seed);
    }

    /**
     * The chain min1 - bend - min2 as one profile over t in [0, 1]: its two straight segments, each with batch-norm
     * statistics recomputed at every point (a curve landscape interpolates them instead).
     */
    private static Profile alongChain(MultiLayerNetwork min1, INDArray bend, MultiLayerNetwork min2,
                                      DataSet statistics, DataSet train, DataSet test, int perSegment) {
        MultiLayerNetwork bendNet = min1.clone();
        bendNet.setParams(bend.castTo(min1.params().dataType()));
        Profile first = segment(min1, bendNet, statistics, train, test, perSegment);
        Profile second = segment(bendNet, min2, statistics, train, test, perSegment);
        org.landscape4j.engine.MetricKeys keys = first.keys();
        double[][] values = new double[keys.size()][2 * perSegment - 1];
        for (String set : keys.sets()) {
            for (String metric : keys.metrics()) {
                int k = keys.indexOf(set, metric);
                System.arraycopy(first.values(set, metric), 0, values[k], 0, perSegment);
                System.arraycopy(second.values(set, metric), 0, values[k], perSegment - 1, perSegment);
            }
        }
        return Profile.of(Axis.linear(0, 1, 2 * perSegment - 1), first.keys(), values, first.provenance());
    }

    private static Profile segment(MultiLayerNetwork from, MultiLayerNetwork to, DataSet statistics, DataSet train,
                                   DataSet test, int points) {
        return landscape(b -> b.model(from).directions(interpolation(from, to).withBatchNormRecomputedOn(statistics))
                .grid(0, 1, points).evaluateOn("train", train).evaluateOn("test", test)).profile();
    }

    /** The rise of loss (fall of accuracy) above the worse of the two ends, over indices 0..end. */
    public static double barrier(Profile p, String set, String metric, int end) {
        double[] v = p.values(set, metric);
        boolean accuracy = metric.equals("accuracy");
        double worstEnd = accuracy ? Math.min(v[0], v[end]) : Math.max(v[0], v[end]);
        double worst = accuracy ? -max(negate(v), 0, end) : max(v, 0, end);
        return accuracy ? worstEnd - worst : worst - worstEnd;
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

    private static double[] negate(double[] v) {
        double[] n = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            n[i] = -v[i];
        }
        return n;
    }

    private static double max(double[] v, int from, int to) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = from; i <= to; i++) {
            m = Math.max(m, v[i]);
        }
        return m;
    }
}

package org.landscape4j.examples.seeds;

import static org.landscape4j.dsl.Landscapes.FILTER_NORMALIZED;
import static org.landscape4j.dsl.Landscapes.landscape;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
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
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Seed 001 (Keras loss-landscape): a 1D filter-normalized profile with train and test curves, the 2D contour
 * ("levels") and 3D views, then the three health checks — batch size (128 vs 2048), weight decay (5e-4 vs none) and
 * optimizer (SGD vs Adam) — compared by number: curvature at the trained weights, basin width, test accuracy.
 *
 * <pre>HealthChecks [--out DIR] [--size tiny|cpu|full]</pre>
 */
public final class HealthChecks {

    /** One trained variant and its sharpness numbers. */
    public record Finding(String check, String variant, double trainLoss, double testAccuracy, double curvature,
                          double basinWidth) {
    }

    private HealthChecks() {
    }

    public static void main(String[] args) {
        run(ExampleOptions.parse(args, "target/examples/health-checks"));
    }

    /** Runs the example and returns one finding per variant. */
    public static List<Finding> run(ExampleOptions o) {
        ExampleData data = ExampleData.load(o.pick(400, 6000, 60000), o.pick(200, 2000, 10000), false);
        DataSet eval = ExampleData.head(data.train(), o.pick(200, 2000, 10000));
        ExampleOutput out = new ExampleOutput(o.out());
        System.out.println("seed 001: 1D/2D/3D views and health checks; data: " + data.source());
        int epochs = o.pick(1, 3, 20);
        int points = o.pick(9, 41, 51);

        MultiLayerNetwork base = train(data.train(), 128, 0, new Adam(1e-3), epochs);
        Profile profile = profile(base, eval, data.test(), points);
        out.csv("baseline-1d", profile);
        out.png("baseline-1d", ProfileChart.of(profile, "Baseline: filter-normalized direction", false));
        Surface surface = landscape(b -> b.model(base).directions(FILTER_NORMALIZED, 2).grid(-1, 1, points)
                .evaluateOn("train", eval)).surface();
        out.csv("baseline-2d", surface);
        out.png("baseline-levels", new SurfaceChart(Grid.of(surface, "train", "loss"), "Baseline: levels",
                HeatmapStyle.DEFAULT.withLogScale()).chart());
        out.png("baseline-3d", SurfaceChart3D.of(Grid.of(surface, "train", "loss"), "Baseline: 3D", Double.NaN));

        int large = o.pick(200, 2048, 2048);
        Object[][] variants = {
            {"batch size", "128", 128, 0.0, new Adam(1e-3)},
            {"batch size", Integer.toString(large), large, 0.0, new Adam(1e-3)},
            {"weight decay", "none", 128, 0.0, new Adam(1e-3)},
            {"weight decay", "5e-4", 128, 5e-4, new Adam(1e-3)},
            {"optimizer", "SGD 0.1", 128, 0.0, new Sgd(0.1)},
            {"optimizer", "Adam 1e-3", 128, 0.0, new Adam(1e-3)},
        };
        out.header("check", "variant", "train loss", "test accuracy", "curvature at minimum", "basin width (+0.1)");
        List<Finding> findings = new ArrayList<>();
        for (Object[] v : variants) {
            MultiLayerNetwork net = train(data.train(), (Integer) v[2], (Double) v[3], (IUpdater) v[4], epochs);
            Profile p = profile(net, eval, data.test(), points);
            double curvature = p.curvatureAtCentre("train", "loss", 0.25);
            double width = p.basin("train", "loss", 0.1).width();
            double loss = p.values("train", "loss")[points / 2];
            double acc = p.values("test", "accuracy")[points / 2];
            Finding f = new Finding((String) v[0], (String) v[1], loss, acc, curvature, width);
            findings.add(f);
            out.row(f.check(), f.variant(), f.trainLoss(), f.testAccuracy(), f.curvature(), f.basinWidth());
            out.csv("check-" + v[0].toString().replace(' ', '-') + "-" + v[1].toString().replace(' ', '-'), p);
        }
        out.finish();
        return findings;
    }

    private static Profile profile(MultiLayerNetwork net, DataSet train, DataSet test, int points) {
        return landscape(b -> b.model(net).directions(FILTER_NORMALIZED, 1).grid(-1, 1, points)
                .evaluateOn("train", train).evaluateOn("test", test)).profile();
    }

    /** The MLP 784-128-64-10 trained from the same initialisation with the given settings. */
    static MultiLayerNetwork train(DataSet data, int batchSize, double weightDecay, IUpdater updater, int epochs) {
        NeuralNetConfiguration.Builder builder = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT)
                .updater(updater).weightInit(WeightInit.XAVIER);
        if (weightDecay > 0) {
            builder.weightDecay(weightDecay);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(builder.list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(128).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(128).nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(64).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        List<DataSet> batches = data.batchBy(batchSize);
        for (int e = 0; e < epochs; e++) {
            for (DataSet b : batches) {
                net.fit(b);
            }
        }
        return net;
    }
}

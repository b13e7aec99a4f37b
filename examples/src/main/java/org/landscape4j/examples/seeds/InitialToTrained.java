package org.landscape4j.examples.seeds;

import static org.landscape4j.dsl.Landscapes.landscape;
import static org.landscape4j.engine.Directions.interpolation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.landscape4j.examples.ExampleData;
import org.landscape4j.examples.ExampleOptions;
import org.landscape4j.examples.ExampleOutput;
import org.landscape4j.engine.Profile;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Seed 000: the loss along the straight line from the initial to the trained weights of an MLP, for a network trained
 * with batch size 1 and the same network trained with a large batch (the notebook's batch-size study — without its
 * ZeroDivisionError: every batch size, 1 included, works). Both train one epoch from the same initial weights. Claims:
 * the loss falls monotonically along each line (Goodfellow et al. 2014), and one epoch of batch size 1 ends lower.
 *
 * <pre>InitialToTrained [--out DIR] [--size tiny|cpu|full]</pre>
 */
public final class InitialToTrained {

    /** What the example found, per batch size: loss at the initial weights, at the trained ones, max on the line. */
    public record Finding(int batchSize, double initialLoss, double trainedLoss, double maxLoss, boolean monotone) {
    }

    private InitialToTrained() {
    }

    public static void main(String[] args) {
        run(ExampleOptions.parse(args, "target/examples/initial-to-trained"));
    }

    /** Runs the example and returns its findings. */
    public static List<Finding> run(ExampleOptions o) {
        ExampleData data = ExampleData.load(o.pick(300, 3000, 60000), o.pick(100, 1000, 10000), false);
        DataSet eval = ExampleData.head(data.train(), o.pick(100, 1000, 10000));
        int large = o.pick(100, 1000, 6000);
        ExampleOutput out = new ExampleOutput(o.out());
        System.out.println("seed 000: initial -> trained interpolation, batch size 1 vs " + large + "; data: "
                + data.source());
        System.out.println("batch size | updates | loss at init | loss trained | max loss on line | monotone decrease");

        XYSeriesCollection curves = new XYSeriesCollection();
        List<Finding> findings = new java.util.ArrayList<>();
        for (int batch : new int[] {1, large}) {
            MultiLayerNetwork initial = new MultiLayerNetwork(mlp(3));
            initial.init();
            MultiLayerNetwork trained = initial.clone();
            for (DataSet b : data.train().batchBy(batch)) {
                trained.fit(b);
            }
            Profile p = landscape(b -> b.model(initial).directions(interpolation(initial, trained))
                    .grid(0, 1, o.pick(11, 41, 101)).evaluateOn("train", eval)).profile();
            double[] loss = p.values("train", "loss");
            boolean monotone = true;
            double max = loss[0];
            for (int i = 1; i < loss.length; i++) {
                monotone &= loss[i] <= loss[i - 1] + 1e-6;
                max = Math.max(max, loss[i]);
            }
            Finding f = new Finding(batch, loss[0], loss[loss.length - 1], max, monotone);
            findings.add(f);
            System.out.printf(Locale.ROOT, "%d | %d | %.4f | %.4f | %.4f | %s%n", batch,
                    (data.train().numExamples() + batch - 1) / batch, f.initialLoss(), f.trainedLoss(), f.maxLoss(),
                    f.monotone());
            out.csv("line-batch-" + batch, p);
            XYSeries s = new XYSeries("batch size " + batch);
            double[] t = p.coordinates();
            for (int i = 0; i < t.length; i++) {
                s.add(t[i], loss[i]);
            }
            curves.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Loss from initial (t=0) to trained (t=1) weights",
                "t", "train loss", curves, PlotOrientation.VERTICAL, true, false, false);
        chart.getXYPlot().getRenderer().setSeriesStroke(0, new BasicStroke(2f));
        chart.getXYPlot().getRenderer().setSeriesStroke(1, new BasicStroke(2f));
        chart.getXYPlot().setBackgroundPaint(Color.WHITE);
        out.png("initial-to-trained", chart);
        out.claimsHeader();
        for (Finding f : findings) {
            out.claim("the train loss decreases monotonically from the initial to the trained weights, batch size "
                    + f.batchSize() + " (Goodfellow et al. 2014)", String.format(Locale.ROOT,
                    "%.4f -> %.4f, max on the line %.4f", f.initialLoss(), f.trainedLoss(), f.maxLoss()), f.monotone());
        }
        Finding one = findings.get(0);
        Finding big = findings.get(1);
        out.claim("after one epoch, batch size 1 ends at a lower train loss than batch size " + big.batchSize()
                + " (seed 000: many small steps against few large ones)", String.format(Locale.ROOT,
                "%.4f vs %.4f", one.trainedLoss(), big.trainedLoss()), one.trainedLoss() < big.trainedLoss());
        out.finish();
        return findings;
    }

    /** A scaled-down version of the notebook's MLP (784-512-256-128-64-10): 784-128-64-10, ReLU. */
    public static MultiLayerConfiguration mlp(long seed) {
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT).updater(new Adam(1e-3))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(128).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(128).nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(64).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }
}

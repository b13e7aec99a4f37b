package org.landscape4j.examples.seeds;

import static org.landscape4j.dsl.Landscapes.landscape;
import static org.landscape4j.engine.Directions.pca;
import static org.landscape4j.engine.RandomDirections.LAYER_NORMALIZED;
import static org.landscape4j.engine.Spacing.CUBIC;

import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.landscape4j.charts.Grid;
import org.landscape4j.charts.HeatmapStyle;
import org.landscape4j.charts.SurfaceChart;
import org.landscape4j.engine.Directions;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.Surface;
import org.landscape4j.engine.geometry.TrajectoryPca;
import org.landscape4j.engine.geometry.TrajectoryRecorder;
import org.landscape4j.examples.ExampleOptions;
import org.landscape4j.examples.ExampleOutput;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Seed 004 (the blog post): an MLP fits a noisy parabola; a random layer-normalized plane with cubic spacing shows
 * the minimum, and the plane of the training path's two principal components shows the path itself, projected by
 * least squares.
 *
 * <pre>RandomVersusPca [--out DIR] [--size tiny|cpu|full]</pre>
 */
public final class RandomVersusPca {

    /**
     * What the example found.
     *
     * @param explainedVariance    the two components' explained variance ratios
     * @param randomCentreLoss     loss at the random plane's centre (the trained model)
     * @param pathStartLoss        loss at the first snapshot's projection in the PCA plane
     * @param trainedLoss          the trained model's loss
     * @param randomPlaneHolds     fraction of the training path's squared displacement from the trained model that
     *                             lies in the random plane
     * @param pcaPlaneHolds        the same for the PCA plane
     */
    public record Finding(double[] explainedVariance, double randomCentreLoss, double pathStartLoss,
                          double trainedLoss, double randomPlaneHolds, double pcaPlaneHolds) {
    }

    private RandomVersusPca() {
    }

    public static void main(String[] args) {
        run(ExampleOptions.parse(args, "target/examples/random-vs-pca"));
    }

    /** Runs the example and returns its findings. */
    public static Finding run(ExampleOptions o) {
        ExampleOutput out = new ExampleOutput(o.out());
        DataSet data = parabola(256, 1);
        MultiLayerNetwork net = mlp(4);
        TrajectoryRecorder recorder = TrajectoryRecorder.everyIterations(4);
        recorder.record(net);
        net.setListeners(recorder);
        // the criterion: near the noise floor (MSE 0.0625 for noise of standard deviation 0.25)
        double criterion = o.pick(0.5, 0.07, 0.066);
        int maxEpochs = o.pick(20, 400, 1000);
        int epochs = 0;
        double trained = net.score(data, false);
        while (trained > criterion && epochs < maxEpochs) {
            for (DataSet b : data.batchBy(64)) {
                net.fit(b);
            }
            epochs++;
            trained = net.score(data, false);
        }
        recorder.record(net);
        net.setListeners();
        System.out.printf(Locale.ROOT, "seed 004: MLP 1-64-64-64-1 fit a parabola to MSE %.4f in %d epochs "
                + "(criterion MSE <= %.3g within %d epochs: %s); %d snapshots%n", trained, epochs, criterion,
                maxEpochs, trained <= criterion ? "reached" : "NOT reached", recorder.snapshots().size());

        int points = o.pick(9, 30, 51);
        Landscape random = landscape(b -> b.model(net).directions(LAYER_NORMALIZED, 2).grid(-1, 1, points)
                .spacing(CUBIC).evaluateOn("train", data));
        Surface randomSurface = random.surface();
        out.csv("random-plane", randomSurface);
        out.png("random-plane", new SurfaceChart(Grid.of(randomSurface, "train", "loss"),
                "Random layer-normalized plane, cubic spacing", HeatmapStyle.DEFAULT.withLogScale()).chart());

        List<INDArray> snapshots = recorder.snapshots();
        Directions.Given pcaDirections = pca(snapshots);
        double extent = 0;
        for (double[] p : pcaDirections.path()) {
            extent = Math.max(extent, Math.max(Math.abs(p[0]), Math.abs(p[1])));
        }
        double range = 1.2 * extent;
        Landscape pcaPlane = landscape(b -> b.model(net).directions(pcaDirections).grid(-range, range, points)
                .evaluateOn("train", data));
        Surface pcaSurface = pcaPlane.surface();
        out.csv("pca-plane", pcaSurface);
        double[] xs = pcaPlane.path().stream().mapToDouble(p -> p[0]).toArray();
        double[] ys = pcaPlane.path().stream().mapToDouble(p -> p[1]).toArray();
        out.png("pca-plane", new SurfaceChart(Grid.of(pcaSurface, "train", "loss"),
                "Plane of the training path's principal components", HeatmapStyle.DEFAULT.withLogScale())
                .addPath("training path", xs, ys).addPoint("trained", 0, 0).chart());

        MultiLayerNetwork start = net.clone();
        start.params().assign(snapshots.get(0));
        INDArray centre = snapshots.get(snapshots.size() - 1);
        Finding f = new Finding(TrajectoryPca.of(snapshots, 2).explainedVarianceRatios(),
                randomSurface.value("train", "loss", points / 2, points / 2), start.score(data, false), trained,
                heldFraction(snapshots, centre, random.directions()),
                heldFraction(snapshots, centre, pcaPlane.directions()));
        System.out.println("PCA plane: " + pcaDirections.description());
        System.out.printf(Locale.ROOT, "loss at the start of training %.4f, of the trained model %.4f%n",
                f.pathStartLoss(), f.trainedLoss());
        out.claimsHeader();
        out.claim("the PCA plane holds the training path better than a random plane (fraction of the path's squared "
                + "displacement from the trained model lying in the plane)", String.format(Locale.ROOT,
                "PCA plane %.4f (explained variance PC1 %.4f, PC2 %.4f), random layer-normalized plane %.2e",
                f.pcaPlaneHolds(), f.explainedVariance()[0], f.explainedVariance()[1], f.randomPlaneHolds()),
                f.pcaPlaneHolds() > f.randomPlaneHolds());
        out.claim("the training path goes downhill to the minimum at the plane's centre", String.format(Locale.ROOT,
                "start loss %.4f, trained loss %.4f", f.pathStartLoss(), f.trainedLoss()),
                f.trainedLoss() < f.pathStartLoss());
        out.finish();
        return f;
    }

    /**
     * The fraction of {@code sum_i |s_i - centre|^2} that lies in the span of {@code directions}: each snapshot's
     * displacement projected on an orthonormal basis of the plane (Gram-Schmidt, in double).
     */
    public static double heldFraction(List<INDArray> snapshots, INDArray centre, INDArray[] directions) {
        INDArray[] basis = new INDArray[directions.length];
        for (int i = 0; i < directions.length; i++) {
            INDArray v = directions[i].castTo(DataType.DOUBLE).reshape(-1).dup();
            for (int j = 0; j < i; j++) {
                v.subi(basis[j].mul(v.mul(basis[j]).sumNumber().doubleValue()));
            }
            basis[i] = v.divi(v.norm2Number().doubleValue());
        }
        INDArray c = centre.castTo(DataType.DOUBLE).reshape(-1);
        double total = 0;
        double held = 0;
        for (INDArray s : snapshots) {
            INDArray d = s.castTo(DataType.DOUBLE).reshape(-1).sub(c);
            total += d.mul(d).sumNumber().doubleValue();
            for (INDArray b : basis) {
                double p = d.mul(b).sumNumber().doubleValue();
                held += p * p;
            }
        }
        return total == 0 ? 0 : held / total;
    }

    /** The blog's network, initialised from {@code seed}: MLP 1-64-64-64-1, ReLU, mean squared error, Adam 0.01. */
    public static MultiLayerNetwork mlp(long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed)
                .dataType(DataType.FLOAT).updater(new Adam(0.01)).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(1).nOut(64).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(64).nOut(64).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(64).nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(64).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }

    /** The blog's data: x ~ N(0, 1), y = x^2 + N(0, 0.25^2). */
    public static DataSet parabola(int n, long seed) {
        Random r = new Random(seed);
        INDArray x = Nd4j.create(DataType.FLOAT, n, 1);
        INDArray y = Nd4j.create(DataType.FLOAT, n, 1);
        for (int i = 0; i < n; i++) {
            double v = r.nextGaussian();
            x.putScalar(i, 0, v);
            y.putScalar(i, 0, v * v + 0.25 * r.nextGaussian());
        }
        return new DataSet(x, y);
    }
}

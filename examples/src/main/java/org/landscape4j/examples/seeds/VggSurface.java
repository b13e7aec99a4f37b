package org.landscape4j.examples.seeds;

import static org.landscape4j.dsl.Landscapes.FILTER_NORMALIZED;
import static org.landscape4j.dsl.Landscapes.LAYER_NORMALIZED;
import static org.landscape4j.dsl.Landscapes.landscape;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.landscape4j.charts.Grid;
import org.landscape4j.charts.HeatmapStyle;
import org.landscape4j.charts.SurfaceChart;
import org.landscape4j.charts.SurfaceChart3D;
import org.landscape4j.engine.RandomDirections;
import org.landscape4j.engine.Surface;
import org.landscape4j.examples.ExampleData;
import org.landscape4j.examples.ExampleOptions;
import org.landscape4j.examples.ExampleOutput;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Seed 003 (Julia/Flux): a VGG-like network with batch norm and leaky ReLU on FashionMNIST; filter- and
 * layer-normalized surfaces, log-scaled contours and the 3D surface, and an optimizer (Nadam) descending the rendered
 * surface, drawn as a path on it. Sized for CPU by default (narrow layers, 14x14 images, a 15x15 grid); {@code --size
 * full} runs the seed's 51x51 grid with wider layers on 28x28 images (for a GPU or a long run).
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
     */
    public record Finding(String normalization, double centreLoss, double minLoss, double descentEndLoss) {
    }

    private VggSurface() {
    }

    public static void main(String[] args) {
        run(ExampleOptions.parse(args, "target/examples/vgg-surface"));
    }

    /** Runs the example and returns one finding per normalization. */
    public static List<Finding> run(ExampleOptions o) {
        boolean full = o.size() == ExampleOptions.Size.FULL;
        ExampleData data = ExampleData.load(o.pick(200, 2000, 60000), o.pick(50, 100, 2000), !full);
        DataSet eval = ExampleData.head(data.train(), o.pick(50, 100, 2000));
        ExampleOutput out = new ExampleOutput(o.out());
        int width = full ? 32 : 4;
        MultiLayerNetwork net = new MultiLayerNetwork(vgg(data.side(), width));
        net.init();
        for (int e = 0; e < o.pick(1, 1, 1); e++) {
            for (DataSet b : data.train().batchBy(64)) {
                net.fit(b);
            }
        }
        System.out.printf(java.util.Locale.ROOT, "seed 003: VGG-like network with batch norm (%d parameters) on %s: train loss %.4f%n",
                net.numParams(), data.source(), net.score(eval, false));

        int points = o.pick(5, 15, 51);
        out.header("normalization", "loss at trained weights", "min loss on surface", "Nadam descent ends at");
        List<Finding> findings = new ArrayList<>();
        for (RandomDirections kind : new RandomDirections[] {FILTER_NORMALIZED, LAYER_NORMALIZED}) {
            String name = kind.normalization().name().toLowerCase();
            Surface s = landscape(b -> b.model(net).directions(kind, 2).grid(-1, 1, points)
                    .evaluateOn("train", eval)).surface();
            out.csv(name + "-surface", s);
            Grid grid = Grid.of(s, "train", "loss");
            double[][] path = SurfaceDescent.nadam(grid, grid.x(0) * 0.9, grid.y(grid.ny() - 1) * 0.9, 0.05, 150);
            SurfaceChart chart = new SurfaceChart(grid, name + "-normalized plane, log levels",
                    HeatmapStyle.DEFAULT.withLogScale())
                    .addPath("Nadam on the surface", path[0], path[1]).addPoint("trained", 0, 0);
            out.png(name + "-levels", chart.chart());
            out.png(name + "-3d", SurfaceChart3D.of(grid, name + "-normalized surface", Double.NaN));
            double[] flat = s.flatValues("train", "loss");
            double min = java.util.Arrays.stream(flat).filter(Double::isFinite).min().orElse(Double.NaN);
            Finding f = new Finding(name, s.value("train", "loss", points / 2, points / 2), min,
                    SurfaceDescent.value(grid, path[0][path[0].length - 1], path[1][path[1].length - 1]));
            findings.add(f);
            out.row(f.normalization(), f.centreLoss(), f.minLoss(), f.descentEndLoss());
        }
        out.finish();
        return findings;
    }

    /** Conv-BN-conv-BN-pool, conv-BN-pool, dense, softmax; leaky ReLU as in the seed; {@code width} channels. */
    static MultiLayerConfiguration vgg(int side, int width) {
        return new NeuralNetConfiguration.Builder().seed(9).dataType(DataType.FLOAT).updater(new Adam(2e-3))
                .weightInit(WeightInit.RELU).convolutionMode(ConvolutionMode.Same).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(width).activation(Activation.LEAKYRELU).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(width).activation(Activation.LEAKYRELU).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(2 * width).activation(Activation.LEAKYRELU).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new DenseLayer.Builder().nOut(32).activation(Activation.LEAKYRELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(side, side, 1))
                .build();
    }
}

package org.landscape4j.examples.seeds;

import static org.landscape4j.dsl.Landscapes.FILTER_NORMALIZED;
import static org.landscape4j.dsl.Landscapes.landscape;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.landscape4j.charts.Grid;
import org.landscape4j.charts.HeatmapStyle;
import org.landscape4j.charts.SurfaceChart;
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
 * Seed 001's depth study (after Li et al. 2018's ResNet/VGG comparison): plain convolutional networks against the same
 * depth with skip connections ({@code ComputationGraph}), at two depths, on FashionMNIST. Sized for 2 CPU cores by
 * default (14x14 images, 8 channels, depths 2 and 4, 11x11 grids, 2 epochs on 1,500 images); {@code --size full} uses 28x28 images, 16 channels,
 * depths 6 and 20 and 51x51 grids (for a GPU or a long run).
 *
 * <pre>DepthStudy [--out DIR] [--size tiny|cpu|full]</pre>
 */
public final class DepthStudy {

    /**
     * One network's surface, summarized.
     *
     * @param depth          convolution layers in the body
     * @param skips          with skip connections
     * @param trainLoss      loss at the trained weights
     * @param areaBelow      fraction of the plane below (minimum + 0.5): larger is flatter
     */
    public record Finding(int depth, boolean skips, double trainLoss, double areaBelow) {
    }

    private DepthStudy() {
    }

    public static void main(String[] args) {
        run(ExampleOptions.parse(args, "target/examples/depth-study"));
    }

    /** Runs the example and returns one finding per network. */
    public static List<Finding> run(ExampleOptions o) {
        boolean full = o.size() == ExampleOptions.Size.FULL;
        ExampleData data = ExampleData.load(o.pick(200, 1500, 60000), o.pick(50, 100, 2000), !full);
        DataSet eval = ExampleData.head(data.train(), o.pick(50, 100, 2000));
        ExampleOutput out = new ExampleOutput(o.out());
        int channels = full ? 16 : 8;
        int[] depths = {o.pick(2, 2, 6), o.pick(4, 4, 20)};
        int points = o.pick(5, 11, 51);
        System.out.println("seed 001 depth study: plain vs skip connections, depths " + depths[0] + " and "
                + depths[1] + "; data: " + data.source());
        out.header("depth", "skip connections", "train loss", "area fraction below min + 0.5");
        List<Finding> findings = new ArrayList<>();
        for (int depth : depths) {
            for (boolean skips : new boolean[] {false, true}) {
                ComputationGraph net = new ComputationGraph(network(data.side(), channels, depth, skips));
                net.init();
                for (int e = 0; e < o.pick(1, 2, 10); e++) {
                    for (DataSet b : data.train().batchBy(64)) {
                        net.fit(b);
                    }
                }
                Surface s = landscape(b -> b.model(net).directions(FILTER_NORMALIZED, 2).grid(-1, 1, points)
                        .evaluateOn("train", eval)).surface();
                String name = (skips ? "skip" : "plain") + "-depth-" + depth;
                out.csv(name, s);
                out.png(name, new SurfaceChart(Grid.of(s, "train", "loss"), (skips ? "With skip connections" : "Plain")
                        + ", depth " + depth, HeatmapStyle.DEFAULT.withLogScale()).chart());
                Finding f = new Finding(depth, skips, s.value("train", "loss", points / 2, points / 2),
                        s.areaFractionBelow("train", "loss", 0.5));
                findings.add(f);
                out.row(f.depth(), f.skips(), f.trainLoss(), f.areaBelow());
            }
        }
        out.finish();
        return findings;
    }

    /**
     * A stem convolution, then {@code depth} 3x3 convolutions (with {@code skips}: pairs of them bridged by an
     * identity shortcut, as in a ResNet block), global average pooling and a softmax.
     */
    static ComputationGraphConfiguration network(int side, int channels, int depth, boolean skips) {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(13)
                .dataType(DataType.FLOAT).updater(new Adam(5e-3)).weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same).graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutionalFlat(side, side, 1))
                .addLayer("stem", new ConvolutionLayer.Builder(3, 3).nOut(channels).activation(Activation.RELU)
                        .build(), "in");
        String last = "stem";
        for (int i = 0; i < depth; i += 2) {
            String a = "conv" + i;
            String b = "conv" + (i + 1);
            g.addLayer(a, new ConvolutionLayer.Builder(3, 3).nOut(channels).activation(Activation.RELU).build(), last);
            if (i + 1 < depth) {
                g.addLayer(b, new ConvolutionLayer.Builder(3, 3).nOut(channels)
                        .activation(skips ? Activation.IDENTITY : Activation.RELU).build(), a);
                if (skips) {
                    g.addVertex("add" + i, new ElementWiseVertex(ElementWiseVertex.Op.Add), b, last);
                    g.addLayer("relu" + i, new org.deeplearning4j.nn.conf.layers.ActivationLayer(Activation.RELU),
                            "add" + i);
                    last = "relu" + i;
                } else {
                    last = b;
                }
            } else {
                last = a;
            }
        }
        g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last);
        g.addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                .activation(Activation.SOFTMAX).build(), "pool");
        g.setOutputs("out");
        return g.build();
    }
}

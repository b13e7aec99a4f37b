package org.landscape4j.engine;

import java.util.Random;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.landscape4j.engine.curvature.Extremes;
import org.landscape4j.engine.curvature.Hessian;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small networks and data made by code, so tests are fast and need no download. */
public final class Fixtures {

    private Fixtures() {
    }

    /** Three Gaussian blobs in 4 dimensions, one-hot labels. */
    public static DataSet blobs(int n, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[n][4];
        float[][] y = new float[n][3];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            for (int j = 0; j < 4; j++) {
                x[i][j] = (float) (r.nextGaussian() * 0.8 + (j == c ? 2.0 : 0.0));
            }
            y[i][c] = 1f;
        }
        return new DataSet(Nd4j.create(x), Nd4j.create(y));
    }

    /** Dense(4 -> 8, tanh) -> Output(8 -> 3, softmax, MCXENT), trained a little on {@code data}. */
    public static MultiLayerNetwork mlp(DataSet data, int epochs) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(7).dataType(DataType.FLOAT).updater(new Adam(0.05)).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().name("hidden").nIn(4).nOut(8).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nIn(8).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        for (int i = 0; i < epochs; i++) {
            net.fit(data);
        }
        return net;
    }

    /** 1x6x6 images, 2 classes: whether the bright pixels are in the top half. */
    public static DataSet images(int n, long seed) {
        Random r = new Random(seed);
        INDArray x = Nd4j.create(DataType.FLOAT, n, 36);
        INDArray y = Nd4j.create(DataType.FLOAT, n, 2);
        for (int i = 0; i < n; i++) {
            int c = i % 2;
            for (int p = 0; p < 36; p++) {
                boolean top = p < 18;
                double v = r.nextGaussian() * 0.3 + ((top == (c == 0)) ? 1.0 : 0.0);
                x.putScalar(i, p, v);
            }
            y.putScalar(i, c, 1.0);
        }
        return new DataSet(x, y);
    }

    /** Convolution -> batch norm -> max pool -> dense -> dropout -> output, on flat 6x6 images. */
    public static MultiLayerNetwork cnn(DataSet data, int epochs) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(11).dataType(DataType.FLOAT).updater(new Adam(0.02)).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv").nOut(4).activation(Activation.RELU).build())
                .layer(new BatchNormalization.Builder().name("bn").build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("pool")
                        .kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().name("dense").nOut(5).activation(Activation.RELU).build())
                .layer(new DropoutLayer.Builder(0.5).name("dropout").build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(6, 6, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        for (int i = 0; i < epochs; i++) {
            net.fit(data);
        }
        return net;
    }

    /** A graph with a skip connection: in -> a -> b, (a + b) -> out. */
    public static ComputationGraph residualGraph(DataSet data, int epochs) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(5).dataType(DataType.FLOAT).updater(new Adam(0.05)).weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("in")
                .addLayer("a", new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.TANH).build(), "in")
                .addLayer("b", new DenseLayer.Builder().nIn(6).nOut(6).activation(Activation.TANH).build(), "a")
                .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "a", "b")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(6).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "sum")
                .setOutputs("out")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        for (int i = 0; i < epochs; i++) {
            graph.fit(data);
        }
        return graph;
    }

    /** The extremes of {@code model}'s Hessian on {@code data} with {@code options}, the Hessian closed after. */
    public static Extremes extremes(org.deeplearning4j.nn.api.Model model, DataSet data, Hessian.Options options) {
        try (Hessian h = Hessian.of(model, data, options)) {
            return h.extremes();
        }
    }

    /** A bit-exact copy of a network's parameters, for before/after comparisons. */
    public static float[] parameterBits(org.deeplearning4j.nn.api.Model model) {
        return model.params().toFloatVector();
    }

    /** A spec over one or two axes with default directions and metrics. */
    public static LandscapeSpec spec(org.deeplearning4j.nn.api.Model model, DataSet data, int dims, int points,
                                     long seed) {
        java.util.List<Axis> axes = new java.util.ArrayList<>();
        for (int i = 0; i < dims; i++) {
            axes.add(Axis.linear(-1, 1, points));
        }
        return new LandscapeSpec(model, RandomDirections.FILTER_NORMALIZED, seed, axes,
                java.util.List.of(EvaluationSet.of("train", data)), java.util.List.of());
    }
}

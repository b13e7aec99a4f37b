package org.landscape4j.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The cancel/GC/concurrency stress of issue 19, as a program for a child JVM ({@link StressTest} runs it and checks
 * its exit code and that no {@code hs_err} file appears): many landscapes one after another on two MLPs (on flat
 * and on image-shaped input), a LeNet-like CNN, a conv + batch-norm + pool CNN and a small residual convolutional graph (300 images of 28x28, 9x9 planes);
 * for each a random worker count 1-4, a random {@link Order}, and three times in four a cancel ({@code take(k)}, k in
 * 1..12 or 13..40), {@code System.gc()} after every third point, and two such landscapes at once on two threads. Every point
 * must equal, bit for bit, the same point of a clean one-worker run.
 *
 * <p>Arguments: seconds to run, seed. Prints {@code ok <landscapes> <points>} and exits 0, or prints the mismatch or
 * error and exits 1. A native crash kills the JVM (exit 134, an {@code hs_err} file).
 */
public final class StressChild {

    private static final int SIDE = 28;
    private static final int EXAMPLES = 300;
    private static final int POINTS = 9;

    private StressChild() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = Long.parseLong(args[0]);
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        DataSet images = images(EXAMPLES, 3);
        DataSet flat = new DataSet(images.getFeatures().reshape(EXAMPLES, SIDE * SIDE), images.getLabels());
        List<Model> nets = List.of(flatMlp(), mlp(), lenet(), batchNormCnn(), residual());
        List<DataSet> sets = List.of(flat, images, images, images, images);
        List<double[][]> clean = new ArrayList<>();
        for (int i = 0; i < nets.size(); i++) {        // a little training, so batch norm has statistics
            if (nets.get(i) instanceof MultiLayerNetwork m) {
                m.fit(sets.get(i));
            } else {
                ((ComputationGraph) nets.get(i)).fit(sets.get(i));
            }
            clean.add(cleanRun(nets.get(i), sets.get(i)));
        }
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger landscapes = new AtomicInteger();
        AtomicInteger points = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Random random = new Random(seed * 31 + t);
            Thread thread = new Thread(() -> {
                try {
                    while (System.nanoTime() < end && failure.get() == null) {
                        int which = random.nextInt(nets.size());
                        points.addAndGet(stressOnce(nets.get(which), sets.get(which), clean.get(which), random));
                        landscapes.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "stress-" + t);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            System.out.println("failed: " + failure.get());
            failure.get().printStackTrace(System.out);
            System.exit(1);
        }
        System.out.println("ok " + landscapes.get() + " " + points.get());
        System.exit(0);
    }

    private static Landscape landscape(Model net, DataSet data, int workers, Order order) {
        return Landscape.builder().model(net).directions(RandomDirections.FILTER_NORMALIZED, 2).seed(7)
                .grid(-1, 1, POINTS).evaluateOn("train", data).workers(workers).order(order).build();
    }

    /** Values by grid index of a one-worker, raster, uncancelled run. */
    private static double[][] cleanRun(Model net, DataSet data) {
        double[][] values = new double[POINTS * POINTS][];
        for (LandscapePoint p : landscape(net, data, 1, Order.RASTER).points().toIterable()) {
            values[p.index()] = valuesOf(p);
        }
        return values;
    }

    private static double[] valuesOf(LandscapePoint p) {
        double[] v = new double[p.keys().size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = p.value(k);
        }
        return v;
    }

    /** One landscape with random workers, order and early cancel; returns the points it checked. */
    private static int stressOnce(Model net, DataSet data, double[][] clean, Random random) {
        int workers = 1 + random.nextInt(4);
        Order order = Order.values()[random.nextInt(Order.values().length)];
        int take = switch (random.nextInt(4)) {
            case 0 -> POINTS * POINTS;                   // the whole plane
            case 1 -> 13 + random.nextInt(28);           // a late cancel
            default -> 1 + random.nextInt(12);           // an early cancel
        };
        AtomicInteger seen = new AtomicInteger();
        List<LandscapePoint> got = landscape(net, data, workers, order).points()
                .doOnNext(p -> {
                    if (seen.incrementAndGet() % 3 == 0) {
                        System.gc();
                    }
                })
                .take(take).collectList().block();
        for (LandscapePoint p : got) {
            double[] expected = clean[p.index()];
            double[] actual = valuesOf(p);
            if (!Arrays.equals(expected, actual)) {
                throw new AssertionError(String.format(Locale.ROOT, "%s, %d workers, %s, take %d: point %d is %s,"
                                + " the clean run's %s", net.getClass().getSimpleName(), workers, order, take,
                        p.index(), Arrays.toString(actual), Arrays.toString(expected)));
            }
        }
        return got.size();
    }

    /** Images with a class-dependent bright band, one-hot labels over 10 classes, as [n, 1, 28, 28]. */
    static DataSet images(int n, long seed) {
        Random r = new Random(seed);
        INDArray x = Nd4j.create(DataType.FLOAT, n, 1, SIDE, SIDE);
        INDArray y = Nd4j.create(DataType.FLOAT, n, 10);
        float[] pixels = new float[SIDE * SIDE];
        for (int i = 0; i < n; i++) {
            int c = i % 10;
            for (int p = 0; p < pixels.length; p++) {
                int row = p / SIDE;
                pixels[p] = (float) (r.nextGaussian() * 0.3 + (row / 3 == c ? 1.0 : 0.0));
            }
            x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).assign(Nd4j.create(pixels, 1, SIDE, SIDE));
            y.putScalar(i, c, 1.0);
        }
        return new DataSet(x, y);
    }

    private static NeuralNetConfiguration.Builder base(long seed) {
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER)
                .updater(new org.nd4j.linalg.learning.config.Adam(0.01));
    }

    private static MultiLayerNetwork init(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static OutputLayer softmaxOut(int nOut) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(nOut).activation(Activation.SOFTMAX)
                .build();
    }

    /** The benchmark's MLP, 784-128-10 on flat images: its first layer is factorized. */
    static MultiLayerNetwork flatMlp() {
        return init(base(5).list()
                .layer(new DenseLayer.Builder().nIn(SIDE * SIDE).nOut(128).activation(Activation.RELU).build())
                .layer(softmaxOut(10))
                .build());
    }

    static MultiLayerNetwork mlp() {
        return init(base(1).list()
                .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(32).activation(Activation.RELU).build())
                .layer(softmaxOut(10))
                .setInputType(InputType.convolutional(SIDE, SIDE, 1)).build());
    }

    static MultiLayerNetwork lenet() {
        return init(base(2).list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(6).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(32).activation(Activation.RELU).build())
                .layer(softmaxOut(10))
                .setInputType(InputType.convolutional(SIDE, SIDE, 1)).build());
    }

    static MultiLayerNetwork batchNormCnn() {
        return init(base(3).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new org.deeplearning4j.nn.conf.layers.ActivationLayer(Activation.RELU))
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(softmaxOut(10))
                .setInputType(InputType.convolutional(SIDE, SIDE, 1)).build());
    }

    static ComputationGraph residual() {
        ComputationGraphConfiguration conf = base(4).graphBuilder()
                .addInputs("in")
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.RELU).build(), "in")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(8).convolutionMode(
                        org.deeplearning4j.nn.conf.ConvolutionMode.Same).activation(Activation.RELU).build(), "c1")
                .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "c1", "c2")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "sum")
                .addLayer("out", softmaxOut(10), "gap")
                .setOutputs("out")
                .setInputTypes(InputType.convolutional(SIDE, SIDE, 1))
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }
}

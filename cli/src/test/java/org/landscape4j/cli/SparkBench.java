package org.landscape4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.apache.spark.SparkConf;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.EvaluationSet;
import org.landscape4j.engine.Execution;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapeSpec;
import org.landscape4j.engine.RandomDirections;
import org.landscape4j.engine.Surface;
import org.landscape4j.spark.SparkExecutor;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * One run each, in one JVM, of the bench MLP (784-128-10, the examples' {@code BenchNetworks.mlp(128)}, trained 2 epochs on
 * 2,000 FashionMNIST images) over a 41x41 plane on 2,000 test images: the local engine with 1 and 2 workers, then
 * Spark {@code local[1]} and {@code local[2]}. Prints points/s from subscription to the last point, Spark's context
 * start-up separately, and checks that every surface has the local run's bits.
 *
 * <p>Usage: {@code SparkBench [fashion-mnist directory]} (default {@code /usr/share/datasets/fashion-mnist}).
 */
public final class SparkBench {

    private SparkBench() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist");
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .dataType(DataType.FLOAT).updater(new Adam(1e-3)).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(128).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(128).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        DataSet train = EvaluationData.load(dir, "train", net, 2000);
        for (int e = 0; e < 2; e++) {
            for (DataSet b : train.batchBy(100)) {
                net.fit(b);
            }
        }
        DataSet eval = EvaluationData.load(dir, "t10k", net, 2000);
        LandscapeSpec spec = new LandscapeSpec(net, RandomDirections.FILTER_NORMALIZED, 1,
                List.of(Axis.linear(-1, 1, 41), Axis.linear(-1, 1, 41)), List.of(EvaluationSet.of("eval", eval)),
                List.of());
        System.out.println("MLP 784-128-10, 2,000 FashionMNIST test images, 41x41 = 1681 points, loss + accuracy");
        double[] reference = null;
        double oneWorker = 0;
        for (int workers : new int[] {1, 2}) {
            long t0 = System.nanoTime();
            Surface s = Landscape.compile(spec.withExecution(Execution.DEFAULT.withWorkers(workers))).surface();
            double seconds = (System.nanoTime() - t0) / 1e9;
            oneWorker = workers == 1 ? seconds : oneWorker;
            reference = workers == 1 ? s.flatValues("eval", "loss") : reference;
            report("engine, " + workers + (workers == 1 ? " worker" : " workers"), seconds, 0, reference, s);
        }
        for (String master : new String[] {"local[1]", "local[2]"}) {
            long c0 = System.nanoTime();
            try (SparkExecutor spark = SparkExecutor.of(new SparkConf().setMaster(master).setAppName("bench")
                    .set("spark.ui.enabled", "false"))) {
                spark.context();
                double startup = (System.nanoTime() - c0) / 1e9;
                long t0 = System.nanoTime();
                Surface s = Landscape.compile(spec.withExecution(spark.execution())).surface();
                double seconds = (System.nanoTime() - t0) / 1e9;
                report("Spark " + master, seconds, startup, reference, s);
                if (master.equals("local[1]")) {
                    System.out.printf(Locale.ROOT, "  overhead per point of Spark local[1] over the 1-worker engine: "
                            + "%.3f ms%n", (seconds - oneWorker) * 1000 / 1681);
                }
            }
        }
    }

    private static void report(String what, double seconds, double startup, double[] reference, Surface s) {
        double[] loss = s.flatValues("eval", "loss");
        boolean same = java.util.Arrays.equals(reference, loss);
        System.out.printf(Locale.ROOT, "%-22s %7.1f points/s  (%.2f s%s)  bits equal to the engine: %s%n", what,
                1681 / seconds, seconds, startup > 0 ? String.format(Locale.ROOT, ", + %.2f s context start-up",
                        startup) : "", same);
    }
}

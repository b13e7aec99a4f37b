package org.landscape4j.examples;

import static org.landscape4j.dsl.Landscapes.FILTER_NORMALIZED;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.landscape4j.dsl.LandscapeBuilder;
import org.landscape4j.dsl.Landscapes;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapePoint;
import org.landscape4j.engine.Metric;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The benchmark (README): one JVM, every method measured side by side on the same grid points.
 *
 * <ul>
 *   <li>naive: the loop a DL4J user writes — {@code setParams(θ + a·d1 + b·d2)} then {@code score()} per point;</li>
 *   <li>engine, plain forward pass, 1 worker;</li>
 *   <li>engine, first layer factorized, 1 and 2 workers.</li>
 * </ul>
 * For an MLP 784-128-10 and a small CNN on 2,000 FashionMNIST samples; then scaling with samples and width, and memory
 * against grid size. Rates are steady-state: points per second between a run's first and last point, so one-off
 * set-up (network copies, first-layer products) is not counted. Prints a table and writes {@code bench.csv} and
 * {@code bench.md}.
 *
 * <pre>Bench [--out DIR] [--seconds S]   (S: time per measurement, default 4)</pre>
 */
public final class Bench {

    private final double seconds;
    private final List<String[]> rows = new ArrayList<>();
    private final StringBuilder md = new StringBuilder();

    private Bench(double seconds) {
        this.seconds = seconds;
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of("target/bench");
        double seconds = 4;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[i + 1]);
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --out DIR, --seconds S");
            }
        }
        new Bench(seconds).run(out);
    }

    private void run(Path out) throws IOException {
        boolean real = FashionMnist.install();
        DataSet train = real ? FashionMnist.load(FashionMnist.Split.TRAIN, 10_000) : synthetic(10_000, 1);
        DataSet eval = real ? FashionMnist.load(FashionMnist.Split.TEST, 8_000) : synthetic(8_000, 2);
        String header = header(real);
        System.out.println(header);
        md.append("# landscape4j benchmark\n\n").append(header.replace("\n", "  \n")).append("\n\n");

        DataSet eval2k = ExampleData.head(eval, 2000);
        MultiLayerNetwork mlp = train(mlp(128), train, 2);
        MultiLayerNetwork cnn = train(cnn(), ExampleData.head(train, 5000), 1);

        table("Points per second, 41x41 plane, 2,000 evaluation samples (loss + accuracy)",
                "model", "method", "points", "points/s", "vs naive", "max rel |Δloss| vs naive");
        compare("MLP 784-128-10", mlp, eval2k);
        compare("CNN 2 conv + pool + dense", cnn, eval2k);

        table("Scaling (engine, first layer factorized, 1 worker)", "model", "samples", "points/s");
        for (int n : new int[] {1000, 2000, 4000, 8000}) {
            row("MLP 784-128-10", Integer.toString(n), fmt(rate(mlp, ExampleData.head(eval, n), true, 1)));
        }
        for (int width : new int[] {128, 256, 512, 1024}) {
            MultiLayerNetwork wide = train(mlp(width), ExampleData.head(train, 2000), 1);
            row("MLP 784-" + width + "-10", "2000", fmt(rate(wide, eval2k, true, 1)));
        }

        table("Memory against grid size (MLP, factorized, 1 worker)", "grid", "points/s", "peak heap used MB",
                "peak process RSS MB");
        for (int g : new int[] {21, 41, 81}) {
            memory(mlp, eval2k, g);
        }

        Files.createDirectories(out);
        StringBuilder csv = new StringBuilder();
        for (String[] r : rows) {
            csv.append(String.join(",", r)).append('\n');
        }
        Files.writeString(out.resolve("bench.csv"), csv);
        Files.writeString(out.resolve("bench.md"), md);
        System.out.println("\nwrote " + out.resolve("bench.csv").toAbsolutePath() + " and "
                + out.resolve("bench.md").toAbsolutePath());
    }

    // ---- measurements -------------------------------------------------------------------------------------------

    private void compare(String model, MultiLayerNetwork net, DataSet data) {
        Landscape l = landscape(net, data, 41, false, 1);
        INDArray[] d = l.directions();
        INDArray center = net.params().dup();
        double[] xs = l.spec().axes().get(0).values();

        // naive: what a DL4J user writes
        MultiLayerNetwork copy = net.clone();
        List<Double> naive = new ArrayList<>();
        copy.score(data, false); // warm-up
        long t0 = System.nanoTime();
        int n = 0;
        while (n < 41 * 41 && (n < 2 || (System.nanoTime() - t0) < seconds * 1e9)) {
            double a = xs[n % 41];
            double b = xs[n / 41];
            copy.setParams(center.add(d[0].mul(a)).addi(d[1].mul(b)));
            naive.add(copy.score(data, false));
            n++;
        }
        double naiveRate = n / ((System.nanoTime() - t0) / 1e9);
        row(model, "naive DL4J loop (setParams + score)", Integer.toString(n), fmt(naiveRate), "1.0", "-");
        measure(model, "engine, plain forward, 1 worker", net, data, false, 1, naive, naiveRate);
        measure(model, "engine, first layer factorized, 1 worker", net, data, true, 1, naive, naiveRate);
        measure(model, "engine, first layer factorized, 2 workers", net, data, true, 2, naive, naiveRate);
    }

    private void measure(String model, String method, MultiLayerNetwork net, DataSet data, boolean factorize,
                         int workers, List<Double> naive, double naiveRate) {
        Landscape l = landscape(net, data, 41, factorize, workers);
        List<LandscapePoint> points = new ArrayList<>();
        double rate = steadyRate(l, points);
        double maxDiff = 0;
        for (LandscapePoint p : points) {
            if (p.index() < naive.size()) {
                double ref = naive.get(p.index());
                maxDiff = Math.max(maxDiff, Math.abs(p.value("eval", "loss") - ref) / Math.max(1e-12, Math.abs(ref)));
            }
        }
        row(model, method, Integer.toString(points.size()), fmt(rate), String.format(Locale.ROOT, "%.1f",
                rate / naiveRate), String.format(Locale.ROOT, "%.1e", maxDiff));
    }

    /**
     * Points per second between the first and the last point of a run of about {@link #seconds}: the steady state,
     * without the run's one-off set-up (network copies, first-layer products, JIT).
     */
    private double steadyRate(Landscape l, List<LandscapePoint> into) {
        long[] first = new long[1];
        long[] last = new long[1];
        l.points().takeUntil(p -> into.size() >= 3 && (System.nanoTime() - first[0]) >= seconds * 1e9)
                .doOnNext(p -> {
                    last[0] = System.nanoTime();
                    if (into.isEmpty()) {
                        first[0] = last[0];
                    }
                    into.add(p);
                }).blockLast();
        return (into.size() - 1) / ((last[0] - first[0]) / 1e9);
    }

    private double rate(MultiLayerNetwork net, DataSet data, boolean factorize, int workers) {
        return steadyRate(landscape(net, data, 41, factorize, workers), new ArrayList<>());
    }

    private void memory(MultiLayerNetwork net, DataSet data, int grid) {
        Landscape l = landscape(net, data, grid, true, 1);
        System.gc();
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        AtomicLong peakHeap = new AtomicLong();
        AtomicLong peakOff = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                peakHeap.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
                peakOff.accumulateAndGet(Pointer.physicalBytes(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        long t0 = System.nanoTime();
        long n = l.points().count().block();
        double rate = n / ((System.nanoTime() - t0) / 1e9);
        running.set(false);
        row(grid + "x" + grid, fmt(rate), fmt(peakHeap.get() / 1e6), fmt(peakOff.get() / 1e6));
    }

    private static Landscape landscape(MultiLayerNetwork net, DataSet data, int points, boolean factorize,
                                       int workers) {
        LandscapeBuilder b = Landscapes.builder().model(net).directions(FILTER_NORMALIZED, 2).seed(1)
                .grid(-1, 1, points).evaluateOn("eval", data).metrics(Metric.loss(), Metric.accuracy())
                .factorizeFirstLayer(factorize).workers(workers);
        return b.build();
    }

    // ---- models and data ----------------------------------------------------------------------------------------

    /** The benchmark MLP 784-width-10 (relu, softmax). */
    public static MultiLayerConfiguration mlp(int width) {
        return new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).updater(new Adam(1e-3))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(width).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(width).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    /** The benchmark CNN: conv 5x5x8, max pool, conv 5x5x16, max pool, dense 64, softmax 10. */
    public static MultiLayerConfiguration cnn() {
        return new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).updater(new Adam(1e-3))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(8).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1))
                .build();
    }

    private static MultiLayerNetwork train(MultiLayerConfiguration conf, DataSet data, int epochs) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        List<DataSet> batches = data.batchBy(100);
        for (int e = 0; e < epochs; e++) {
            for (DataSet b : batches) {
                net.fit(b);
            }
        }
        return net;
    }

    private static DataSet synthetic(int n, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, 784);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 10);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % 10, 1);
        }
        return new DataSet(x, y);
    }

    // ---- output -------------------------------------------------------------------------------------------------

    private static String header(boolean real) {
        String classifier = "?";
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            String f = Path.of(e).getFileName().toString();
            if (f.startsWith("nd4j-native-") && f.contains("linux")) {
                classifier = f.substring(f.indexOf("linux"), f.length() - 4);
            }
        }
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (IOException e) {
            // not Linux: leave it unknown
        }
        return String.format(Locale.ROOT, "backend %s, natives %s%s; OMP_NUM_THREADS=%s, OPENBLAS_NUM_THREADS=%s, "
                        + "ND4J max threads %d; %d cores, %s; Java %s; data: %s",
                Nd4j.getBackend().getClass().getSimpleName(), classifier,
                System.getProperty("javacpp.platform.extension", ""),
                System.getenv("OMP_NUM_THREADS"), System.getenv("OPENBLAS_NUM_THREADS"),
                Nd4j.getEnvironment().maxThreads(), Runtime.getRuntime().availableProcessors(), cpu,
                System.getProperty("java.version"),
                real ? "FashionMNIST (Debian dataset-fashion-mnist)" : "SYNTHETIC (FashionMNIST not installed)");
    }

    private void table(String title, String... columns) {
        rows.add(new String[] {"#", title});
        rows.add(columns);
        System.out.printf(Locale.ROOT, "%n%s%n", title);
        System.out.println(String.join(" | ", columns));
        md.append("\n## ").append(title).append("\n\n| ").append(String.join(" | ", columns)).append(" |\n|");
        md.append(" --- |".repeat(columns.length)).append('\n');
    }

    private void row(String... cells) {
        rows.add(cells);
        System.out.println(String.join(" | ", cells));
        md.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
    }
}

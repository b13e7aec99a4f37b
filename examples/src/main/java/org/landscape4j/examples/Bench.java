package org.landscape4j.examples;

import static org.landscape4j.engine.RandomDirections.FILTER_NORMALIZED;

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
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
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
import org.landscape4j.engine.LandscapeBuilder;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapePoint;
import org.landscape4j.engine.Metric;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.internal.plan.FirstLayerProducts;
import org.landscape4j.engine.internal.plan.InferencePlan;
import org.landscape4j.engine.internal.plan.PlanWorker;
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
 *   <li>the engine through the public API with default settings (what a user gets), then with 1 worker, and with 1
 *   worker without first-layer factorization.</li>
 * </ul>
 * For an MLP 784-128-10, the LeNet-like CNN of the speed issue, a VGG-like network with batch norm and a ResNet-like
 * graph, on 2,000 FashionMNIST samples; then workers x ND4J threads, and memory against grid size. Rates are steady-state: points per second between a run's first and last point, so one-off
 * set-up (network copies, first-layer products) is not counted. Prints a table and writes {@code bench.csv} and
 * {@code bench.md}.
 *
 * <pre>Bench [--out DIR] [--seconds S] [--models mlp,lenet,vgg,resnet]   (S: time per measurement, default 4)</pre>
 */
public final class Bench {

    private final double seconds;
    private final List<String[]> rows = new ArrayList<>();
    private final StringBuilder md = new StringBuilder();

    private final java.util.Set<String> models;

    private Bench(double seconds, java.util.Set<String> models) {
        this.seconds = seconds;
        this.models = models;
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of("target/bench");
        double seconds = 4;
        java.util.Set<String> models = java.util.Set.of("mlp", "lenet", "vgg", "resnet");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[i + 1]);
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--models" -> models = java.util.Set.of(args[i + 1].split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --out DIR, --seconds S, --models mlp,lenet,vgg,resnet");
            }
        }
        for (String m : models) {
            if (!java.util.Set.of("mlp", "lenet", "vgg", "resnet").contains(m)) {
                throw new IllegalArgumentException("unknown model '" + m + "'; models: mlp, lenet, vgg, resnet");
            }
        }
        new Bench(seconds, models).run(out);
    }

    private void run(Path out) throws IOException {
        boolean real = FashionMnist.install();
        DataSet train = real ? FashionMnist.load(FashionMnist.Split.TRAIN, 10_000) : synthetic(10_000, 1);
        DataSet eval = real ? FashionMnist.load(FashionMnist.Split.TEST, 8_000) : synthetic(8_000, 2);
        String header = header(real);
        System.out.println(header);
        md.append("# landscape4j benchmark\n\n").append(header.replace("\n", "  \n")).append("\n\n");

        DataSet eval2k = ExampleData.head(eval, 2000);
        DataSet images2k = ExampleData.images(eval2k, 28);
        MultiLayerNetwork mlp = models.contains("mlp") ? train(mlp(128), train, 2) : null;
        MultiLayerNetwork leNet = models.contains("lenet")
                ? train(leNet(), ExampleData.images(ExampleData.head(train, 5000), 28), 1) : null;
        MultiLayerNetwork vgg = models.contains("vgg")
                ? train(vgg(), ExampleData.images(ExampleData.head(train, 1000), 28), 1) : null;
        ComputationGraph resNet = null;
        if (models.contains("resnet")) {
            resNet = new ComputationGraph(resNet(8, 16));
            resNet.init();
            resNet.fit(ExampleData.images(ExampleData.head(train, 200), 28));
        }

        table("Points per second, 41x41 plane, 2,000 evaluation samples (loss + accuracy), the same points for every "
                        + "method", "model", "method", "points", "points/s", "vs naive", "peak RSS MB",
                "max rel |Δloss| vs naive");
        if (models.contains("mlp")) {
            compare("MLP 784-128-10", mlp, eval2k);
        }
        if (models.contains("lenet")) {
            compare("LeNet-like CNN (conv 5x5x8, pool, conv 5x5x16, pool, dense 64)", leNet, images2k);
        }
        if (models.contains("vgg")) {
            compare("VGG-like + batch norm (16-32-64, 28x28)", vgg, images2k);
        }
        if (models.contains("resnet")) {
            compare("ResNet-like graph (8 layers, 16 channels, 28x28)", resNet, images2k);
        }

        table("Per-step time of one point (1 worker, 2,000 samples in one batch, after 3 warm-up points)", "model",
                "step", "time");
        if (models.contains("lenet")) {
            profile("LeNet-like CNN", leNet, images2k);
        }
        if (models.contains("vgg")) {
            profile("VGG-like + batch norm", vgg, images2k);
        }
        if (models.contains("resnet")) {
            profile("ResNet-like graph", resNet, images2k);
        }

        table("Workers x ND4J threads per op (engine, default settings otherwise)", "model", "workers",
                "ND4J threads", "points/s");
        int defaultThreads = Nd4j.getEnvironment().maxThreads();
        for (int threads : new int[] {1, 2}) {
            Nd4j.getEnvironment().setMaxThreads(threads);
            for (int workers : new int[] {1, 2}) {
                if (mlp != null) {
                    row("MLP 784-128-10", Integer.toString(workers), Integer.toString(threads),
                            fmt(rate(landscape(mlp, eval2k, 41, true, workers))));
                }
                if (leNet != null) {
                    row("LeNet-like CNN", Integer.toString(workers), Integer.toString(threads),
                            fmt(rate(landscape(leNet, images2k, 41, true, workers))));
                }
            }
        }
        Nd4j.getEnvironment().setMaxThreads(defaultThreads);

        table("Memory against grid size (MLP, default settings)", "grid", "points/s", "peak heap used MB",
                "peak process RSS MB");
        for (int g : mlp == null ? new int[0] : new int[] {21, 41, 81}) {
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

    private void compare(String model, Model net, DataSet data) {
        Landscape l = landscape(net, data, 41, true);
        INDArray[] d = l.directions();
        INDArray center = net.params().dup();
        double[] xs = l.spec().axes().get(0).values();

        // naive: what a DL4J user writes
        Model copy = net instanceof MultiLayerNetwork m ? m.clone() : ((ComputationGraph) net).clone();
        List<Double> naive = new ArrayList<>();
        Peak peak = new Peak();
        score(copy, data); // warm-up
        long t0 = System.nanoTime();
        int n = 0;
        while (n < 41 * 41 && (n < 2 || (System.nanoTime() - t0) < seconds * 1e9)) {
            double a = xs[n % 41];
            double b = xs[n / 41];
            copy.setParams(center.add(d[0].mul(a)).addi(d[1].mul(b)));
            naive.add(score(copy, data));
            n++;
        }
        double naiveRate = n / ((System.nanoTime() - t0) / 1e9);
        row(model, "naive DL4J loop (setParams + score)", Integer.toString(n), fmt(naiveRate), "1.0", peak.stop(), "-");
        // warm-up (JIT of the plan's code paths), so that the first engine row is not measured colder than the rest
        l.points().take(java.time.Duration.ofMillis((long) (seconds * 500)))
                .blockLast();
        measure(model, "engine, default settings: " + l.evaluationPlan(), l, naive, naiveRate);
        measure(model, "engine, 1 worker", landscape(net, data, 41, true, 1), naive, naiveRate);
        measure(model, "engine, 1 worker, first layer not factorized", landscape(net, data, 41, false, 1), naive,
                naiveRate);
    }

    /** One point through the engine's inference plan with every step timed (internal API, for this table only). */
    private void profile(String model, Model net, DataSet data) {
        Landscape l = landscape(net, data, 41, true, 1);
        List<List<Batch>> batches = List.of(List.of(new Batch(new INDArray[] {data.getFeatures()},
                new INDArray[] {data.getLabels()}, data.numExamples())));
        InferencePlan plan = InferencePlan.compile(net, batches.get(0).get(0));
        INDArray[] d = l.directions();
        INDArray[] anchors = {net.params(), d[0], d[1]};
        int step = plan.factorizableStep();
        FirstLayerProducts products = step < 0 ? null
                : FirstLayerProducts.compute(plan, step, net, anchors, batches);
        Model copy = net instanceof MultiLayerNetwork m ? m.clone() : ((ComputationGraph) net).clone();
        PlanWorker worker = plan.newWorker(copy, batches, false, step, products);
        double[] w = {1, 0.3, -0.2};
        copy.params().assign(anchors[0].add(anchors[1].mul(w[1])).addi(anchors[2].mul(w[2])));
        worker.pointChanged();
        for (int i = 0; i < 3; i++) {
            worker.run(0, 0, w);
        }
        for (PlanWorker.StepTime t : worker.profile(0, 0, w)) {
            row(model, t.kind() + " " + t.source(), String.format(Locale.ROOT, "%.2f ms", t.nanos() / 1e6));
        }
    }

    private static double score(Model net, DataSet data) {
        return net instanceof MultiLayerNetwork m ? m.score(data, false) : ((ComputationGraph) net).score(data, false);
    }

    private void measure(String model, String method, Landscape l, List<Double> naive, double naiveRate) {
        List<LandscapePoint> points = new ArrayList<>();
        Peak peak = new Peak();
        double rate = steadyRate(l, points);
        String rss = peak.stop();
        double maxDiff = 0;
        for (LandscapePoint p : points) {
            if (p.index() < naive.size()) {
                double ref = naive.get(p.index());
                maxDiff = Math.max(maxDiff, Math.abs(p.value("eval", "loss") - ref) / Math.max(1e-12, Math.abs(ref)));
            }
        }
        row(model, method, Integer.toString(points.size()), fmt(rate), String.format(Locale.ROOT, "%.1f",
                rate / naiveRate), rss, String.format(Locale.ROOT, "%.1e", maxDiff));
    }

    /** The peak resident memory of the process (JavaCPP's count of physical bytes) while a measurement runs. */
    private static final class Peak {
        private final AtomicLong peak = new AtomicLong(Pointer.physicalBytes());
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread sampler = new Thread(() -> {
            while (running.get()) {
                peak.accumulateAndGet(Pointer.physicalBytes(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        Peak() {
            sampler.setDaemon(true);
            sampler.start();
        }

        String stop() {
            running.set(false);
            return fmt(peak.get() / 1e6);
        }
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

    private double rate(Landscape l) {
        return steadyRate(l, new ArrayList<>());
    }

    private void memory(MultiLayerNetwork net, DataSet data, int grid) {
        Landscape l = landscape(net, data, grid, true);
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

    /** Through the public API, with the default workers. */
    private static Landscape landscape(Model net, DataSet data, int points, boolean factorize) {
        return builder(net, data, points, factorize).build();
    }

    /** Through the public API, with {@code workers} workers. */
    private static Landscape landscape(Model net, DataSet data, int points, boolean factorize, int workers) {
        return builder(net, data, points, factorize).workers(workers).build();
    }

    private static LandscapeBuilder builder(Model net, DataSet data, int points, boolean factorize) {
        return Landscape.builder().model(net).directions(FILTER_NORMALIZED, 2).seed(1)
                .grid(-1, 1, points).evaluateOn("eval", data).metrics(Metric.loss(), Metric.accuracy())
                .factorizeFirstLayer(factorize);
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

    /**
     * The LeNet-like CNN of the speed issue, exactly, so it can be compared outside: conv 5x5x8 ReLU, max pool 2,
     * conv 5x5x16 ReLU, max pool 2, dense 64 ReLU, dense 10 softmax, on 28x28x1 image tensors.
     */
    public static MultiLayerConfiguration leNet() {
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
                .setInputType(InputType.convolutional(28, 28, 1))
                .build();
    }

    /**
     * A VGG-like network with batch norm, the shape of seed 003 with narrow channels: three stages of two 3x3
     * convolutions (16, 32, 64 channels), each convolution followed by batch norm and ReLU, max pooling after each
     * stage; dense 128 with dropout; softmax 10; 28x28x1 images.
     */
    public static MultiLayerConfiguration vgg() {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(new Adam(1e-3)).weightInit(WeightInit.RELU).convolutionMode(ConvolutionMode.Same).list();
        for (int width : new int[] {16, 32, 64}) {
            for (int i = 0; i < 2; i++) {
                b.layer(new ConvolutionLayer.Builder(3, 3).nOut(width).activation(Activation.IDENTITY).build())
                        .layer(new BatchNormalization.Builder().build())
                        .layer(new ActivationLayer.Builder().activation(Activation.RELU).build());
            }
            b.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                    .build());
        }
        return b.layer(new DenseLayer.Builder().nOut(128).activation(Activation.RELU).dropOut(0.5).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1))
                .build();
    }

    /**
     * A ResNet-like graph, the shape of seed 001: a 3x3 stem convolution with batch norm and ReLU, then residual
     * blocks (conv, batch norm, ReLU, conv, batch norm, added to the skip path, ReLU), global average pooling,
     * softmax 10; {@code layers} counts the convolutions and the output layer (8: stem + 3 blocks + output).
     */
    public static ComputationGraphConfiguration resNet(int layers, int channels) {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(5)
                .dataType(DataType.FLOAT).updater(new Adam(1e-3)).weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same).graphBuilder().addInputs("in")
                .addLayer("stem", new ConvolutionLayer.Builder(3, 3).nOut(channels).activation(Activation.IDENTITY)
                        .build(), "in")
                .addLayer("stem-bn", new BatchNormalization.Builder().build(), "stem")
                .addLayer("stem-relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "stem-bn");
        String last = "stem-relu";
        for (int block = 0; block < (layers - 2) / 2; block++) {
            String p = "b" + block + "-";
            g.addLayer(p + "c1", new ConvolutionLayer.Builder(3, 3).nOut(channels).activation(Activation.IDENTITY)
                            .build(), last)
                    .addLayer(p + "bn1", new BatchNormalization.Builder().build(), p + "c1")
                    .addLayer(p + "relu1", new ActivationLayer.Builder().activation(Activation.RELU).build(), p + "bn1")
                    .addLayer(p + "c2", new ConvolutionLayer.Builder(3, 3).nOut(channels)
                            .activation(Activation.IDENTITY).build(), p + "relu1")
                    .addLayer(p + "bn2", new BatchNormalization.Builder().build(), p + "c2")
                    .addVertex(p + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), last, p + "bn2")
                    .addLayer(p + "relu2", new ActivationLayer.Builder().activation(Activation.RELU).build(), p + "add");
            last = p + "relu2";
        }
        return g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last)
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").setInputTypes(InputType.convolutional(28, 28, 1)).build();
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

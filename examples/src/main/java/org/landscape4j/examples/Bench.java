package org.landscape4j.examples;

import static org.landscape4j.engine.RandomDirections.FILTER_NORMALIZED;
import static org.landscape4j.examples.BenchReport.sig3;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.engine.Backend;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapeBuilder;
import org.landscape4j.engine.LandscapePoint;
import org.landscape4j.engine.Metric;
import org.landscape4j.engine.Precision;
import org.landscape4j.models.ImportedModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The benchmark (docs/speed.md): one JVM, every method measured side by side on the same 41x41 plane of the same network,
 * 2,000 FashionMNIST test images, loss + accuracy:
 *
 * <ul>
 *   <li>naive: the loop a DL4J user writes — {@code setParams(θ + a·d1 + b·d2)} then {@code score()} per point; its
 *   losses are the reference the engine's are compared with;</li>
 *   <li>the engine through the public API with default settings (what a user gets, "here"), then with 1 worker, and
 *   with 1 worker without first-layer factorization;</li>
 *   <li>the PyTorch peer ({@code bench_peer.py}, {@link PyTorchPeer}) on the same architectures, input shapes and grid,
 *   plain (NCHW) and channels_last, {@code torch.set_num_threads(cores)}, run right after each network's Java rows;
 *   "not measured" when no Python with PyTorch is found.</li>
 * </ul>
 * Networks: an MLP 784-128-10, the LeNet-like CNN of the speed issue, a VGG-like network with batch norm, a ResNet-like
 * graph, and ResNet-20 (CIFAR-shaped, on FashionMNIST padded to 32x32 and replicated to 3 channels), built here and
 * trained briefly; torchvision's MobileNetV2 and EfficientNet-B0 on the same 3x32x32 images, which the peer writes as
 * ONNX and the models module imports ({@link BenchNetworks#imported}; not trained; "not measured", with the reason,
 * when no Python with PyTorch and torchvision is found, and never in the way of the other rows). Protocol, the
 * same on both sides: a warm-up of at least S/2 seconds and 2 points, then points over the grid, repeated, until at
 * least S seconds ({@code --seconds}, default 10) and N points ({@code --min-points}, default 30); the rate is points
 * per second between the first and last point of each pass over the grid, so one-off set-up (network copies,
 * first-layer products) is not counted. GFLOP/s count the convolutions' and dense layers' 2·MACs per example
 * ({@link Flops}); the peak is measured in the same run with large GEMMs ({@link MachinePeak}). Then one point's time
 * by part and by step ({@link PlanProfile}), workers x ND4J threads, and memory against grid size. Prints the tables
 * and writes {@code bench.md} and {@code bench.csv}.
 *
 * <pre>Bench [--out DIR] [--seconds S] [--min-points N]
 *       [--models mlp,lenet,vgg,resnet,resnet20,mobilenet_v2,efficientnet_b0]
 *       [--sections summary,profile,threads,memory] [--python PYTHON] [--peer-batches 2000,250] [--no-peer]</pre>
 */
public final class Bench {

    static final List<String> SECTIONS = List.of("summary", "profile", "threads", "memory");
    private static final int SAMPLES = 2000;
    private static final int GRID = 41;

    private final Options options;
    private final BenchReport report = new BenchReport("landscape4j benchmark", true);
    private MachinePeak peak;
    /** The peer that measures, or {@code null} with {@code --no-peer}. */
    private PyTorchPeer peer;
    /** The peer's Python, which writes the imported networks' ONNX files (also with {@code --no-peer}). */
    private PyTorchPeer python;

    /** The command line, validated. */
    record Options(Path out, double seconds, int minPoints, Set<String> models, Set<String> sections, String python,
                   String peerBatches, boolean peerOn) {
        Options {
            if (!(seconds > 0)) {
                throw new IllegalArgumentException("--seconds must be > 0, was " + seconds);
            }
            if (minPoints < 2) {
                throw new IllegalArgumentException("--min-points must be >= 2, was " + minPoints);
            }
            models.forEach(BenchNetworks::checkModel);
            for (String s : sections) {
                if (!SECTIONS.contains(s)) {
                    throw new IllegalArgumentException("unknown section '" + s + "'; sections: "
                            + String.join(", ", SECTIONS));
                }
            }
        }

        static Options parse(String... args) {
            Path out = Path.of("target/bench");
            double seconds = 10;
            int minPoints = 30;
            Set<String> models = new LinkedHashSet<>(BenchNetworks.MODELS);
            Set<String> sections = new LinkedHashSet<>(SECTIONS);
            String python = null;
            String batches = "2000,250";
            boolean peerOn = true;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--no-peer")) {
                    peerOn = false;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + a + " needs a value; " + USAGE);
                }
                String v = args[++i];
                switch (a) {
                    case "--out" -> out = Path.of(v);
                    case "--seconds" -> seconds = Double.parseDouble(v);
                    case "--min-points" -> minPoints = Integer.parseInt(v);
                    case "--models" -> models = new LinkedHashSet<>(List.of(v.split(",")));
                    case "--sections" -> sections = new LinkedHashSet<>(List.of(v.split(",")));
                    case "--python" -> python = v;
                    case "--peer-batches" -> batches = v;
                    default -> throw new IllegalArgumentException("unknown option " + a + "; " + USAGE);
                }
            }
            return new Options(out, seconds, minPoints, models, sections, python, batches, peerOn);
        }
    }

    static final String USAGE = "options: --out DIR, --seconds S, --min-points N, --models "
            + String.join(",", BenchNetworks.MODELS) + ", --sections " + String.join(",", SECTIONS)
            + ", --python PYTHON, --peer-batches 2000,250, --no-peer";

    private Bench(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws IOException {
        new Bench(Options.parse(args)).run();
    }

    /** The networks' names in the tables. */
    static String title(String model) {
        return switch (model) {
            case "mlp" -> "MLP 784-128-10";
            case "lenet" -> "LeNet-like CNN (conv 5x5x8, pool, conv 5x5x16, pool, dense 64)";
            case "vgg" -> "VGG-like + batch norm (16-32-64, 28x28)";
            case "resnet" -> "ResNet-like graph (8 layers, 16 channels, 28x28)";
            case "resnet20" -> "ResNet-20 (16/32/64 x 3 blocks, 1x1 projections, 3x32x32)";
            case "mobilenet_v2" -> "MobileNetV2 (torchvision, imported through ONNX, untrained, 3x32x32)";
            case "efficientnet_b0" -> "EfficientNet-B0 (torchvision, imported through ONNX, untrained, 3x32x32)";
            default -> throw new IllegalArgumentException(BenchNetworks.checkModel(model));
        };
    }

    private void run() throws IOException {
        Set<String> models = options.models();
        boolean real = FashionMnist.install();            // once; evaluationData then reads what is there
        header(real);

        if (options.sections().contains("summary")) {
            summary(real);
        }
        if (options.sections().contains("profile")) {
            BenchReport.Table groups = report.table(PlanProfile.GROUPS_TITLE, PlanProfile.GROUP_COLUMNS);
            BenchReport.Table steps = report.table(PlanProfile.STEPS_TITLE, PlanProfile.STEP_COLUMNS);
            for (String m : models) {
                if (!m.equals("mlp") && !BenchNetworks.isImported(m)) {
                    PlanProfile.inChild(m, SAMPLES).addTo(groups, steps);
                }
            }
            if (models.stream().anyMatch(BenchNetworks::isImported)) {
                groups.note("the imported networks are not profiled (PlanProfile builds its networks itself)");
            }
        }
        if (options.sections().contains("threads") || options.sections().contains("memory")) {
            DataSet train = BenchNetworks.trainingData(real);
            DataSet eval2k = BenchNetworks.evaluationData("mlp", SAMPLES);
            MultiLayerNetwork mlp = models.contains("mlp") ? (MultiLayerNetwork) BenchNetworks.trained("mlp", train) : null;
            MultiLayerNetwork leNet = models.contains("lenet") ? (MultiLayerNetwork) BenchNetworks.trained("lenet", train) : null;
            if (options.sections().contains("threads")) {
                threads(mlp, leNet, eval2k);
            }
            if (options.sections().contains("memory") && mlp != null) {
                BenchReport.Table t = report.table("Memory against grid size (MLP, default settings)", "grid",
                        "points/s", "peak heap used MB", "peak process RSS MB");
                for (int g : new int[] {21, 41, 81}) {
                    memory(t, mlp, eval2k, g);
                }
            }
        }
        report.header("load average at the end: " + loadAverage());

        Path out = options.out();
        Files.createDirectories(out);
        Files.writeString(out.resolve("bench.csv"), report.csv());
        Files.writeString(out.resolve("bench.md"), report.markdown());
        System.out.println("\nwrote " + out.resolve("bench.csv").toAbsolutePath() + " and "
                + out.resolve("bench.md").toAbsolutePath());
    }

    private void header(boolean real) throws IOException {
        report.header(String.format(Locale.ROOT, "backend %s, natives %s; OMP_NUM_THREADS=%s, OPENBLAS_NUM_THREADS=%s, "
                        + "ND4J max threads %d; Java %s; data: %s", Backend.loaded(), nativeClassifier(),
                System.getenv("OMP_NUM_THREADS"), System.getenv("OPENBLAS_NUM_THREADS"),
                Nd4j.getEnvironment().maxThreads(), System.getProperty("java.version"),
                real ? "FashionMNIST test images (Debian dataset-fashion-mnist)"
                        : "SYNTHETIC (FashionMNIST not installed: " + FashionMnist.INSTALL_COMMAND + ")"));
        report.header("load average at the start: " + loadAverage());
        report.header(String.format(Locale.ROOT, "protocol: 41x41 plane, %d evaluation images, loss + accuracy; "
                        + "warm-up >= %s s and 2 points, then >= %s s and >= %d points repeating the grid; rate between "
                        + "the first and last point of each pass", SAMPLES, sig3(options.seconds() / 2),
                sig3(options.seconds()), options.minPoints()));
        if (options.sections().contains("summary")) {
            peak = MachinePeak.measure(2048, 4, 3);
            report.header(peak.describe());
            // the imported networks need the peer's Python for their ONNX files, also with --no-peer
            boolean exports = options.models().stream().anyMatch(BenchNetworks::isImported);
            python = options.peerOn() || exports
                    ? PyTorchPeer.find(PyTorchPeer.candidates(options.python()), options.out()) : null;
            peer = options.peerOn() ? python : null;
            report.header(peer == null ? "PyTorch peer: not measured (--no-peer)" : peer.describe());
        }
    }

    // ---- the summary: here, naive DL4J, PyTorch ----------------------------------------------------------------

    private void summary(boolean real) {
        DataSet train = BenchNetworks.trainingData(real);
        BenchReport.Table summary = report.table("Summary: the engine here (default settings) against the naive "
                + "DL4J loop and PyTorch (best of plain and channels_last), 41x41 plane, 2,000 images", NetworkSummary.COLUMNS);
        BenchReport.Table methods = report.table("Points per second by method, 41x41 plane, 2,000 evaluation samples "
                        + "(loss + accuracy), the same points for every method", "model", "method", "points",
                "points/s", "vs naive", "peak RSS MB", "max rel |Δloss| vs naive");
        BenchReport.Table peers = report.table("PyTorch peer (bench_peer.py: eval(), no_grad, θ + a·d1 + b·d2 per "
                        + "tensor, forward, cross-entropy, accuracy; its own random filter-normalized directions)",
                "model", "layout", "batch", "points", "points/s", "GFLOP per point", "threads", "torch", "dense layers on");
        bf16Table = report.table("Opt-in Precision.BF16 (convolutions in bfloat16, float accumulation): the engine's"
                + " rate against its float run, and the loss against float point by point", "model", "float points/s",
                "BF16 points/s", "BF16 / float", "max rel |Δloss| vs float", "points compared", "BF16 evaluation plan");
        bf16Table.note("the float and BF16 rates are the steady-state protocol's, each in its own passes; the losses are"
                + " compared on the grid named, computed in both precisions");
        List<NetworkSummary> rows = new ArrayList<>();
        List<String> notMeasured = new ArrayList<>();
        for (String m : options.models()) {
            if (!BenchNetworks.isImported(m)) {
                rows.add(network(m, BenchNetworks.trained(m, train), methods, peers));
                continue;
            }
            try {   // an imported network never breaks the other rows: it is "not measured", with the reason
                ImportedModel imported = BenchNetworks.imported(m, python, options.out());
                methods.note(m + " imported (" + imported.model().numParams() + " parameters): "
                        + conversions(imported.description()));
                rows.add(network(m, imported.model(), methods, peers));
            } catch (RuntimeException e) {
                System.out.println(m + " not measured: " + e);
                notMeasured.add(m);
                summary.note(title(m) + " not measured: " + e.getMessage());
            }
        }
        // the peak again after the networks: a busy machine shows as two different numbers; the higher one counts
        MachinePeak end = MachinePeak.measure(2048, 4, 3);
        report.header("after the networks, " + end.describe());
        double gflops = Math.max(peak.gflops(), end.gflops());
        rows.forEach(r -> summary.row(r.cells(gflops)));
        notMeasured.forEach(m -> summary.row(NetworkSummary.notMeasured(title(m))));
        for (NetworkSummary r : rows) {
            Double rate = bf16Rates.get(r.network());
            PyTorchPeer.Result best = r.bestPeer();
            if (rate != null && best != null) {
                bf16Table.note(String.format(Locale.ROOT, "%s: BF16 %s points/s = %sx the best PyTorch (fp32), %s"
                                + " float-equivalent GFLOP/s = %.1f%% of the fp32 peak", r.network(), sig3(rate),
                        sig3(rate / best.pointsPerSecond()), sig3(rate * r.hereFlops() * (double) SAMPLES / 1e9),
                        100 * rate * r.hereFlops() * (double) SAMPLES / 1e9 / gflops));
            }
        }
        summary.note(String.format(Locale.ROOT, "%% of peak: of %.1f GFLOP/s, the higher of the GEMM peaks measured "
                + "before (%.1f) and after (%.1f) the networks", gflops, peak.gflops(), end.gflops()));
        summary.note("GFLOP/s = points/s x the network's FLOP per point (convolutions and dense layers, 2·MACs); here "
                + NetworkSummary.FACTORIZED_MARK + ": without the factorized first layer, whose products are computed "
                + "once per run");
        if (peer != null && peer.unavailable() != null) {
            summary.note("PyTorch peer not measured: " + peer.unavailable());
        }
        summary.note("ResNet-20 shortcuts: 1x1 convolution + batch norm where a block strides or widens "
                + "(projection, 'option B', as Li et al.'s reference code), identity elsewhere");
        if (options.models().stream().anyMatch(BenchNetworks::isImported)) {
            summary.note("MobileNetV2, EfficientNet-B0: torchvision 0.14's, 10 classes, written as ONNX by the peer "
                    + "(bench_peer.py --export: seeded, batch-norm statistics drawn, not trained) and imported with "
                    + "Models.load; the peer measures the same network");
        }
    }

    /**
     * One network's rows: its FLOP count, the Java methods ({@link #compare}), the peer's measurements with an
     * architecture check (the peer's FLOP count against {@link Flops}'), and its summary row.
     */
    private NetworkSummary network(String m, Model net, BenchReport.Table methods, BenchReport.Table peers) {
        DataSet data = BenchNetworks.evaluationData(m, SAMPLES);
        java.util.Map<String, Long> layers = Flops.perLayer(net, data.getFeatures());
        long flops = layers.values().stream().mapToLong(Long::longValue).sum();
        Compared c = compare(methods, title(m), net, data);
        long hereFlops = flops - layers.getOrDefault(factorizedLayer(c.plan()), 0L);
        List<PyTorchPeer.Result> results = peer == null ? List.of()
                : peer.measure(m, options.seconds(), options.seconds() / 2, options.minPoints(),
                        Runtime.getRuntime().availableProcessors(), options.peerBatches());
        for (PyTorchPeer.Result r : results) {
            peers.row(m, r.layout(), Integer.toString(r.batch()), Integer.toString(r.points()),
                    sig3(r.pointsPerSecond()), sig3(r.flopsPerExample() * (double) SAMPLES / 1e9),
                    Integer.toString(r.threads()), r.torch(), r.blas());
            if (r.flopsPerExample() != flops) {
                peers.note("ARCHITECTURE MISMATCH: " + m + " counts " + flops + " FLOP per example here, "
                        + r.flopsPerExample() + " in the peer");
            }
        }
        return new NetworkSummary(title(m), flops, hereFlops, SAMPLES, c.here(), c.naive(),
                PyTorchPeer.best(results, "plain"), PyTorchPeer.best(results, "channels_last"), !results.isEmpty(),
                c.maxRelDiff());
    }

    /** The {@code converted: ...} line of an import's description: which ONNX ops became which DL4J layers. */
    static String conversions(String description) {
        return description.lines().filter(l -> l.startsWith("converted: ")).findFirst()
                .orElse(description.lines().findFirst().orElse(""));
    }

    /** The BF16 rows: the engine with {@code precision(BF16)}, against its float run; filled by {@link #compare}. */
    private BenchReport.Table bf16Table;

    /**
     * The engine in {@link Precision#BF16} on {@code net}: its steady rate against the float run's {@code floatRate},
     * and the largest relative |Δloss| against float over the plane: every point of the 41x41 plane for the networks
     * that compute it in seconds, a 5x5 lattice over the same plane (corners and centre included) for the others. A
     * network BF16 cannot run gets a row saying why.
     */
    private void bf16(String model, Model net, DataSet data, double floatRate) {
        Landscape l;
        try {
            l = builder(net, data, true).precision(Precision.BF16).build();
        } catch (IllegalArgumentException e) {
            bf16Table.row(model, sig3(floatRate), "-", "-", "-", "-", e.getMessage());
            return;
        }
        warmUp(l);
        double rate = rate(l);
        int lattice = floatRate * options.seconds() >= GRID * GRID ? GRID : 5;
        double[] f = builder(net, data, true).grid(-1, 1, lattice).build().surface().flatValues("eval", "loss");
        double[] b = builder(net, data, true).grid(-1, 1, lattice).precision(Precision.BF16).build().surface()
                .flatValues("eval", "loss");
        double maxDiff = 0;
        for (int i = 0; i < f.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(b[i] - f[i]) / Math.max(1e-12, Math.abs(f[i])));
        }
        bf16Table.row(model, sig3(floatRate), sig3(rate), sig3(rate / floatRate) + "x",
                String.format(Locale.ROOT, "%.1e", maxDiff), lattice + "x" + lattice + " over [-1, 1]²",
                l.evaluationPlan());
        bf16Rates.put(model, rate);
    }

    /** points/s in BF16 per network title, for the summary's ratio to PyTorch. */
    private final java.util.Map<String, Double> bf16Rates = new java.util.LinkedHashMap<>();

    /** What {@link #compare} measured for the summary. */
    private record Compared(double here, double naive, double maxRelDiff, String plan) {
    }

    private static final java.util.regex.Pattern FACTORIZED = java.util.regex.Pattern.compile(
            "first layer factorized \\((?:layer \\d+|vertex) '([^']+)'");

    /** The name of the layer an evaluation plan factorizes, or "" when none. */
    static String factorizedLayer(String plan) {
        java.util.regex.Matcher m = FACTORIZED.matcher(plan);
        return m.find() ? m.group(1) : "";
    }

    private Compared compare(BenchReport.Table t, String model, Model net, DataSet data) {
        Landscape l = landscape(net, data, true, 0);
        INDArray[] d = l.directions();
        INDArray center = net.params().dup();
        double[] xs = l.spec().axes().get(0).values();

        // naive: what a DL4J user writes
        Model copy = net instanceof MultiLayerNetwork m ? m.clone() : ((ComputationGraph) net).clone();
        List<Double> naive = new ArrayList<>();
        Peak peakRss = new Peak();
        score(copy, data); // warm-up
        long t0 = System.nanoTime();
        int n = 0;
        while (n < GRID * GRID && (n < 2 || (System.nanoTime() - t0) < options.seconds() * 1e9)) {
            copy.setParams(center.add(d[0].mul(xs[n % GRID])).addi(d[1].mul(xs[n / GRID])));
            naive.add(score(copy, data));
            n++;
        }
        double naiveRate = n / ((System.nanoTime() - t0) / 1e9);
        t.row(model, "naive DL4J loop (setParams + score)", Integer.toString(n), sig3(naiveRate), "1.0",
                peakRss.stop(), "-");
        // warm-up (JIT of the plan's code paths), so that the first engine row is not measured colder than the rest
        warmUp(l);
        double[] here = measure(t, model, "engine, default settings: " + l.evaluationPlan(), l, naive, naiveRate);
        bf16(model, net, data, here[0]);
        measure(t, model, "engine, 1 worker", landscape(net, data, true, 1), naive, naiveRate);
        measure(t, model, "engine, 1 worker, first layer not factorized", landscape(net, data, false, 1), naive,
                naiveRate);
        return new Compared(here[0], naiveRate, here[1], l.evaluationPlan());
    }

    private static double score(Model net, DataSet data) {
        return net instanceof MultiLayerNetwork m ? m.score(data, false) : ((ComputationGraph) net).score(data, false);
    }

    /** One engine row; returns its rate and its max relative loss difference from the naive loop. */
    private double[] measure(BenchReport.Table t, String model, String method, Landscape l, List<Double> naive,
                             double naiveRate) {
        List<LandscapePoint> points = new ArrayList<>();
        Peak peakRss = new Peak();
        double rate = steadyRate(l, points);
        String rss = peakRss.stop();
        double maxDiff = 0;
        for (LandscapePoint p : points) {
            if (p.index() < naive.size()) {
                double ref = naive.get(p.index());
                maxDiff = Math.max(maxDiff, Math.abs(p.value("eval", "loss") - ref) / Math.max(1e-12, Math.abs(ref)));
            }
        }
        t.row(model, method, Integer.toString(points.size()), sig3(rate), sig3(rate / naiveRate) + "x", rss,
                String.format(Locale.ROOT, "%.1e", maxDiff));
        return new double[] {rate, maxDiff};
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
            return sig3(peak.get() / 1e6);
        }
    }

    /** Points until at least S/2 seconds and 2 points have passed, not measured. */
    private void warmUp(Landscape l) {
        long t0 = System.nanoTime();
        int[] n = {0};
        l.points().takeUntil(p -> ++n[0] >= 2 && System.nanoTime() - t0 >= options.seconds() * 0.5e9).blockLast();
    }

    /**
     * The steady-state rate: passes over the grid until at least {@code --seconds} of measured time and
     * {@code --min-points} points; each pass counts its points after the first and the time from its first point to
     * its last, so one-off set-up per pass (network copies, first-layer products, JIT) is not counted. The first
     * pass's points go into {@code into}.
     */
    private double steadyRate(Landscape l, List<LandscapePoint> into) {
        long measured = 0;
        long intervals = 0;
        long points = 0;
        boolean firstPass = true;
        while (measured < options.seconds() * 1e9 || points < options.minPoints()) {
            long[] first = {0};
            long[] last = {0};
            long[] n = {0};
            long before = measured;
            long pointsBefore = points;
            boolean keep = firstPass;
            l.points().takeUntil(p -> n[0] >= 2 && before + (last[0] - first[0]) >= options.seconds() * 1e9
                            && pointsBefore + n[0] >= options.minPoints())
                    .doOnNext(p -> {
                        last[0] = System.nanoTime();
                        if (n[0]++ == 0) {
                            first[0] = last[0];
                        }
                        if (keep) {
                            into.add(p);
                        }
                    }).blockLast();
            measured += last[0] - first[0];
            intervals += n[0] - 1;
            points += n[0];
            firstPass = false;
        }
        return intervals / (measured / 1e9);
    }

    private double rate(Landscape l) {
        return steadyRate(l, new ArrayList<>());
    }

    private void threads(MultiLayerNetwork mlp, MultiLayerNetwork leNet, DataSet eval2k) {
        BenchReport.Table t = report.table("Workers x ND4J threads per op (engine, default settings otherwise)",
                "model", "workers", "ND4J threads", "points/s");
        DataSet images2k = ExampleData.images(eval2k, 28);
        int defaultThreads = Nd4j.getEnvironment().maxThreads();
        for (int threads : new int[] {1, 2}) {
            Nd4j.getEnvironment().setMaxThreads(threads);
            for (int workers : new int[] {1, 2}) {
                if (mlp != null) {
                    t.row("MLP 784-128-10", Integer.toString(workers), Integer.toString(threads),
                            sig3(rate(landscape(mlp, eval2k, true, workers))));
                }
                if (leNet != null) {
                    t.row("LeNet-like CNN", Integer.toString(workers), Integer.toString(threads),
                            sig3(rate(landscape(leNet, images2k, true, workers))));
                }
            }
        }
        Nd4j.getEnvironment().setMaxThreads(defaultThreads);
    }

    private void memory(BenchReport.Table t, MultiLayerNetwork net, DataSet data, int grid) {
        Landscape l = builder(net, data, true).grid(-1, 1, grid).build();
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
        t.row(grid + "x" + grid, sig3(rate), sig3(peakHeap.get() / 1e6), sig3(peakOff.get() / 1e6));
    }

    /** Through the public API on a 41x41 plane, with {@code workers} workers (0: the default). */
    private static Landscape landscape(Model net, DataSet data, boolean factorize, int workers) {
        LandscapeBuilder b = builder(net, data, factorize);
        return (workers > 0 ? b.workers(workers) : b).build();
    }

    private static LandscapeBuilder builder(Model net, DataSet data, boolean factorize) {
        return Landscape.builder().model(net).directions(FILTER_NORMALIZED, 2).seed(1)
                .grid(-1, 1, GRID).evaluateOn("eval", data).metrics(Metric.loss(), Metric.accuracy())
                .factorizeFirstLayer(factorize);
    }

    // ---- output -------------------------------------------------------------------------------------------------

    /** The ND4J natives' classifier on the class path ({@code linux-x86_64-onednn-avx2}). */
    private static String nativeClassifier() {
        String classifier = "?";
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            String f = Path.of(e).getFileName().toString();
            if (f.startsWith("nd4j-native-") && f.contains("linux")) {
                String c = f.substring(f.indexOf("linux"), f.length() - 4);
                classifier = c.length() > classifier.length() || classifier.equals("?") ? c : classifier;
            }
        }
        return classifier;
    }

    /** The 1, 5 and 15 minute load averages ({@code /proc/loadavg}); timings are comparable only at a low one. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2] + " (" + Runtime.getRuntime().availableProcessors() + " cores)";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}

package org.landscape4j.examples;

import static org.landscape4j.dsl.Landscapes.landscape;
import static org.landscape4j.engine.RandomDirections.FILTER_NORMALIZED;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.landscape4j.charts.ChartFiles;
import org.landscape4j.charts.Grid;
import org.landscape4j.charts.HeatmapStyle;
import org.landscape4j.charts.Explorer;
import org.landscape4j.charts.ProfileChart;
import org.landscape4j.charts.SurfaceChart;
import org.landscape4j.charts.SurfaceChart3D;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.Profile;
import org.landscape4j.engine.LandscapePoint;
import org.landscape4j.engine.Surface;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * README command 1: trains a small MLP on FashionMNIST (installing Debian's package when it can; otherwise embedded
 * stand-in data, with a message), streams a 41x41 filter-normalized loss surface
 * around the trained weights with a progress line, and writes it as CSV with a short summary, plus PNG charts: the
 * heatmap with contours, the 3D surface and a 1D profile (train and test). When a display is present it then opens
 * the {@link Explorer} on the surface: drag a rectangle to compute a region, click for profiles (close it to exit).
 *
 * <pre>
 * Demo [--out DIR] [--points N] [--epochs N] [--seed S] [--window auto|no]
 * </pre>
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws IOException {
        Options o = Options.parse(args);
        Files.createDirectories(o.out);

        ExampleData data = ExampleData.load(10_000, 1_000, false);
        DataSet train = ExampleData.head(data.train(), 1_000);
        DataSet test = data.test();
        long t0 = System.nanoTime();
        MultiLayerNetwork net = trainMlp(data.train(), o.epochs, o.seed);
        System.out.printf(Locale.ROOT, "trained MLP 784-64-10 on %s (%d examples, %d epochs) in %.1f s: "
                        + "train loss %.4f, test loss %.4f%n", data.source(), data.train().numExamples(), o.epochs,
                seconds(t0), net.score(train, false), net.score(test, false));

        Landscape l = landscape(b -> b.model(net)
                .directions(FILTER_NORMALIZED, 2)
                .seed(o.seed)
                .grid(-1, 1, o.points)
                .evaluateOn("train", train)
                .evaluateOn("test", test));

        long t1 = System.nanoTime();
        Progress progress = new Progress(l.totalPoints(), t1);
        double[][] values = new double[l.keys().size()][l.totalPoints()];
        l.points().doOnNext(p -> {
            for (int k = 0; k < values.length; k++) {
                values[k][p.index()] = p.value(k);
            }
            progress.update(p);
        }).blockLast();
        progress.finish();
        Surface surface = Surface.of(l.spec().axes().get(0), l.spec().axes().get(1), l.keys(), values,
                l.provenance());
        double secs = seconds(t1);

        Profile profile = landscape(b -> b.model(net)
                .directions(FILTER_NORMALIZED, 1)
                .seed(o.seed)
                .grid(-1, 1, o.points)
                .evaluateOn("train", train)
                .evaluateOn("test", test)).profile();
        Path heatmap = ChartFiles.png(new SurfaceChart(Grid.of(surface, "train", "loss"),
                "train loss, filter-normalized plane", HeatmapStyle.DEFAULT.withLogScale()).chart(),
                o.out.resolve("surface-heatmap.png"), 900, 720);
        Path surface3d = ChartFiles.png(SurfaceChart3D.of(Grid.of(surface, "train", "loss"),
                "train loss", Double.NaN), o.out.resolve("surface-3d.png"), 900, 720);
        Path line = ChartFiles.png(ProfileChart.of(profile, "1D profile along direction 1", false),
                o.out.resolve("profile.png"), 900, 540);

        Path csv = o.out.resolve("surface.csv");
        try (Writer w = Files.newBufferedWriter(csv)) {
            surface.writeCsv(w);
        }
        String summary = surface + String.format(Locale.ROOT, "%n  computed %d points in %.1f s (%.0f points/s)",
                l.totalPoints(), secs, l.totalPoints() / secs);
        Files.writeString(o.out.resolve("summary.txt"), summary + System.lineSeparator());
        System.out.println(summary);
        System.out.println("wrote " + csv.toAbsolutePath() + ", " + o.out.resolve("summary.txt").toAbsolutePath());
        System.out.println("      " + heatmap.toAbsolutePath() + ", " + surface3d.toAbsolutePath() + ", "
                + line.toAbsolutePath());

        if (o.window && !java.awt.GraphicsEnvironment.isHeadless() && System.getenv("CI") == null) {
            System.out.println("opening the Explorer on the surface (drag a rectangle to zoom, click for profiles;"
                    + " close it to exit)");
            Explorer w = Explorer.open(l, Explorer.Options.DEFAULT.withOverview(surface)
                    .withStyle(HeatmapStyle.DEFAULT.withLogScale()));
            try {
                w.awaitClosed();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The demo's image classifier: MLP 784-64-10 (ReLU, softmax), Adam, minibatches of 100. */
    static MultiLayerNetwork trainMlp(DataSet data, int epochs, long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(DataType.FLOAT).updater(new Adam(1e-3)).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(64).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        java.util.List<DataSet> batches = data.batchBy(100);
        for (int e = 0; e < epochs; e++) {
            for (DataSet b : batches) {
                net.fit(b);
            }
        }
        return net;
    }

    /**
     * The spirals MLP 2-32-32-3 (tanh, softmax), trained with Adam on {@code data} for {@code epochs} full-batch
     * steps (used by the JShell script).
     */
    public static MultiLayerNetwork train(DataSet data, int epochs, long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(DataType.FLOAT).updater(new Adam(0.01)).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(2).nOut(32).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(32).nOut(32).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(32).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        for (int e = 0; e < epochs; e++) {
            net.fit(data);
        }
        return net;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /**
     * A one-line progress bar with an estimate of the time left, redrawn at most ten times a second on a terminal;
     * without one (CI logs), a plain line every 10%.
     */
    static final class Progress {
        private final int total;
        private final long start;
        private final boolean terminal = System.console() != null;
        private final AtomicReference<Long> lastDraw = new AtomicReference<>(0L);
        private int lastDecile;

        Progress(int total, long start) {
            this.total = total;
            this.start = start;
        }

        void update(LandscapePoint p) {
            long now = System.nanoTime();
            int done = p.index() + 1;
            if (!terminal) {
                int decile = (int) (10L * done / total);
                if (decile == lastDecile) {
                    return;
                }
                lastDecile = decile;
            } else if (now - lastDraw.get() < 100_000_000L && done < total) {
                return;
            }
            lastDraw.set(now);
            double elapsed = (now - start) / 1e9;
            double eta = elapsed / done * (total - done);
            int width = 30;
            int filled = (int) ((long) done * width / total);
            char[] bar = new char[width];
            Arrays.fill(bar, 0, filled, '#');
            Arrays.fill(bar, filled, width, '.');
            System.err.printf(Locale.ROOT, "%s[%s] %d/%d points, %.1f s elapsed, ~%.1f s left   %s",
                    terminal ? "\r" : "", new String(bar), done, total, elapsed, eta, terminal ? "" : "\n");
        }

        void finish() {
            if (terminal) {
                System.err.println();
            }
        }
    }

    record Options(Path out, int points, int epochs, long seed, boolean window) {
        static Options parse(String[] args) {
            Path out = Path.of("target/demo");
            int points = 41;
            int epochs = 2;
            long seed = 1;
            boolean window = true;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + a + " needs a value");
                }
                switch (a) {
                    case "--out" -> out = Path.of(args[++i]);
                    case "--points" -> points = Integer.parseInt(args[++i]);
                    case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    case "--window" -> window = !args[++i].equals("no");
                    default -> throw new IllegalArgumentException("unknown option " + a
                            + "; options: --out DIR, --points N, --epochs N, --seed S, --window auto|no");
                }
            }
            return new Options(out, points, epochs, seed, window);
        }
    }
}

package org.landscape4j.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.engine.Backend;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.Precision;
import org.landscape4j.engine.LandscapePoint;
import org.landscape4j.engine.RandomDirections;
import org.landscape4j.engine.Surface;
import org.nd4j.linalg.dataset.DataSet;
import reactor.core.Disposable;

/**
 * The device check of the CUDA back end, for the GPU machine (docs/gpu-check.md), through the public API only:
 * <ul>
 *   <li>{@code fidelity}: FP32 points on the GPU against the CPU plan on the same parameters, a 5×5 plane per network
 *       (MLP classifier, MSE regression, flattened images); pass: relative loss ≤ 1e-5, accuracy within one example;</li>
 *   <li>{@code stress}: cancels after a few points, {@code System.gc()}, two landscapes at once, every point equal to
 *       a clean one-worker run's, device memory free before = after;</li>
 *   <li>{@code bench}: points/s on the GPU (1, 2, 4 workers) against the CPU plan, MNIST-sized MLP, 10,000 examples;
 *       and on one worker with the first layer factorized (the default, {@link FirstLayer}) and computed per point;</li>
 *   <li>{@code conv}: the bench's convolutional networks (LeNet-like, VGG-like + batch norm on 28×28×1 images,
 *       ResNet-20 on 32×32×3), FP32 GPU points against the CPU plan on 2,000 images, 5×5 planes, as {@code fidelity};</li>
 *   <li>{@code conv-bench}: the same networks on 10,000 images, points/s on the GPU (1, 2 workers, 11×11) against the
 *       CPU plan (5×5);</li>
 *   <li>{@code flux}: the Julia/Flux write-up's VGG-13 ({@link ConvNetworks#fluxVgg13}) on 10,000 FashionMNIST test
 *       images, a 51×51 plane through the public API with its defaults: the wall time in {@code Precision.TF32}, and
 *       in float the time of the first 90 seconds' points, extrapolated to the plane (said so);</li>
 *   <li>{@code zoo}: the blocks of torchvision's newer classifiers ({@link ZooNetworks}: MobileNet/EfficientNet,
 *       ShuffleNet/ResNeXt, ConvNeXt) on 32×32 images, FP32 GPU points against the CPU plan on 2,000 images, as
 *       {@code fidelity};</li>
 *   <li>{@code imported}: the networks PyTorch exported through ONNX (the models module's fixtures: a CNN, MobileNet
 *       V2/V3, MNASNet, EfficientNet, GoogLeNet, ResNeXt, RegNet, ShuffleNet, ConvNeXt, width-reduced) along
 *       PyTorch's own directions ({@link ImportedCheck}): GPU planes against PyTorch's float64 ones and the CPU
 *       plan's, as {@code fidelity}.</li>
 * </ul>
 * Prints one line per finding and writes them to {@code $OUT/cuda-check.txt}; exit status 0 when every check passed,
 * 1 when one failed, 2 when CUDA cannot run here (the refusal is printed).
 */
public final class CudaCheck {

    private static final List<String> LINES = new ArrayList<>();
    private static int failed;

    private CudaCheck() {
    }

    public static void main(String[] args) throws Exception {
        List<String> modes = args.length == 0 ? List.of("fidelity", "stress", "bench", "conv", "conv-bench",
                "zoo", "imported")
                : List.of(args);
        String why = CudaFacts.machine().refusal(false);
        say("machine", why == null ? CudaFacts.machine().describe() : "CUDA cannot run here: " + why);
        int status = 2;
        if (why == null) {
            for (String mode : modes) {
                long t0 = System.nanoTime();
                try {
                    switch (mode) {
                        case "fidelity" -> fidelity();
                        case "stress" -> stress();
                        case "bench" -> bench();
                        case "conv" -> convolutions();
                        case "conv-bench" -> convolutionBench();
                        case "zoo" -> zoo();
                        case "flux" -> flux();
                        case "imported" -> ImportedCheck.run();
                        default -> throw new IllegalArgumentException("mode must be fidelity, stress, bench, conv,"
                                + " conv-bench, zoo, flux or imported");
                    }
                } catch (Throwable t) {
                    failed++;
                    say(mode, "FAILED: " + t);
                    t.printStackTrace(System.out);
                }
                say(mode, String.format(Locale.ROOT, "took %.1f s", (System.nanoTime() - t0) / 1e9));
            }
            status = failed == 0 ? 0 : 1;
        }
        say("check", status == 0 ? "all passed" : status == 2 ? "skipped: no usable GPU" : failed + " failed");
        String out = System.getenv("OUT");
        if (out != null && Files.isDirectory(Path.of(out))) {
            Files.write(Path.of(out, "cuda-check.txt"), LINES);
        }
        System.exit(status);
    }

    private static Landscape plane(Model net, DataSet data, Backend backend, int workers, int points) {
        return Landscape.builder().model(net).directions(RandomDirections.FILTER_NORMALIZED, 2).seed(11)
                .grid(-1, 1, points).evaluateOn("train", data).backend(backend).workers(workers).build();
    }

    private static void fidelity() {
        compare("mlp 784-256-128-10", Networks.classifier(784, 256, 10, 1), Networks.data(10_000, 784, 10, 2));
        compare("regression mse", Networks.regression(10, 3, 5), Networks.data(5_000, 10, 3, 6));
        compare("flattened images", Networks.flattened(4, 7), Networks.images(5_000, 4, 8));
    }

    /** The bench's convolutional networks, at their bench sizes. */
    private static List<Map.Entry<String, Model>> convolutional() {
        return List.of(Map.entry("lenet-like 28x28x1", ConvNetworks.leNet(28, 5, 8, 16, 64)),
                Map.entry("vgg-like + bn 28x28x1", ConvNetworks.vgg(28, new int[] {16, 32, 64}, 128)),
                Map.entry("resnet-20 32x32x3", ConvNetworks.resNet(32, 3, new int[] {16, 32, 64}, 3)));
    }

    private static DataSet imagesFor(String name, int n) {
        return name.startsWith("resnet") ? ConvNetworks.images(n, 3, 32, 10, 21) : ConvNetworks.images(n, 1, 28, 10, 22);
    }

    private static void convolutions() {
        for (Map.Entry<String, Model> e : convolutional()) {
            compare(e.getKey(), e.getValue(), imagesFor(e.getKey(), 2_000));
        }
    }

    private static void zoo() {
        compare("mobilenet/efficientnet blocks 32x32x3", ZooNetworks.mobile(32), ConvNetworks.images(2_000, 3, 32, 10,
                23));
        compare("shufflenet/resnext blocks 32x32x2", ZooNetworks.shuffled(32), ConvNetworks.images(2_000, 2, 32, 10,
                24));
        compare("convnext block 32x32x3", ZooNetworks.convNeXt(32), ConvNetworks.images(2_000, 3, 32, 10, 25));
    }

    /**
     * FashionMNIST's first {@code n} test images as {@code [n, 1, 28, 28]}, from {@code $L4J_FASHION_MNIST},
     * {@code .gpu/data} (where docs/gpu-check.md has the payload carry them) or Debian's
     * {@code /usr/share/datasets/fashion-mnist}; random images of that shape when none has them (said so: the times
     * do not depend on the pixels).
     */
    private static DataSet fashionMnist(int n) {
        List<Path> dirs = new ArrayList<>();
        if (System.getenv("L4J_FASHION_MNIST") != null) {
            dirs.add(Path.of(System.getenv("L4J_FASHION_MNIST")));
        }
        dirs.add(Path.of(".gpu/data"));
        dirs.add(Path.of("/usr/share/datasets/fashion-mnist"));
        for (Path dir : dirs) {
            if (Files.isRegularFile(dir.resolve("t10k-images-idx3-ubyte.gz"))) {
                DataSet d = org.landscape4j.io.IdxFiles.read(dir, "t10k", 10, n);
                say("flux", "FashionMNIST from " + dir.toAbsolutePath());
                return new DataSet(d.getFeatures().reshape('c', n, 1, 28, 28), d.getLabels());
            }
        }
        say("flux", "FashionMNIST not found in " + dirs + ": random images of the same shape");
        return ConvNetworks.images(n, 1, 28, 10, 26);
    }

    private static void flux() {
        MultiLayerNetwork net = ConvNetworks.fluxVgg13();
        DataSet data = fashionMnist(10_000);
        long flops = Roofline.flopsPerExample(net, data);
        for (Precision precision : new Precision[] {Precision.TF32, Precision.FLOAT}) {
            long t0 = System.nanoTime();
            Landscape l = Landscape.builder().model(net).directions(RandomDirections.FILTER_NORMALIZED, 2).seed(11)
                    .grid(-1, 1, 51).evaluateOn("test", data).backend(Backend.CUDA).precision(precision).build();
            double compile = (System.nanoTime() - t0) / 1e9;
            say("flux", precision + ": " + l.evaluationPlan());
            long t1 = System.nanoTime();
            long points = precision == Precision.FLOAT
                    ? l.points().take(java.time.Duration.ofSeconds(90)).count().blockOptional().orElse(0L)
                    : l.points().count().blockOptional().orElse(0L);
            double s = (System.nanoTime() - t1) / 1e9;
            l.idle().block();
            double plane = s * l.totalPoints() / Math.max(points, 1);
            say("flux", String.format(Locale.ROOT, "VGG-13 (Flux write-up), 10000 images, 51x51 plane in %s: %s %.1f s"
                    + " (%d points in %.1f s, %.2f points/s, %s; compile %.1f s)", precision, points == l.totalPoints()
                    ? "wall time" : "extrapolated", plane, points, s, points / s,
                    Roofline.share(points / s, flops, data.numExamples(), precision), compile));
        }
    }

    private static void convolutionBench() {
        for (Map.Entry<String, Model> e : convolutional()) {
            DataSet data = imagesFor(e.getKey(), 10_000);
            double cpu = rate(plane(e.getValue(), data, Backend.AUTO, 0, 5), "cpu " + e.getKey());
            long flops = Roofline.flopsPerExample(e.getValue(), data);
            for (int workers : new int[] {1, 2}) {
                double gpu = rate(plane(e.getValue(), data, Backend.CUDA, workers, 11), "gpu " + e.getKey() + " "
                        + workers + " workers");
                say("conv-bench", String.format(Locale.ROOT, "%s, 10000 images: GPU %d workers %.2f points/s (%s), CPU"
                        + " plan %.3f points/s (%.1fx)", e.getKey(), workers, gpu,
                        Roofline.share(gpu, flops, 10_000, Precision.FLOAT), cpu, gpu / cpu));
            }
        }
    }

    private static void compare(String name, Model net, DataSet data) {
        Landscape gpu = plane(net, data, Backend.CUDA, 2, 5);
        say("fidelity", name + ": " + gpu.evaluationPlan());
        Surface g = gpu.surface();
        Surface c = plane(net, data, Backend.AUTO, 1, 5).surface();
        double loss = 0;
        double accuracy = 0;
        for (String metric : g.keys().metrics()) {
            double[][] want = c.values("train", metric);
            double[][] have = g.values("train", metric);
            for (int iy = 0; iy < want.length; iy++) {
                for (int ix = 0; ix < want[iy].length; ix++) {
                    double d = Math.abs(have[iy][ix] - want[iy][ix]);
                    if (metric.equals("loss")) {
                        loss = Math.max(loss, d / Math.abs(want[iy][ix]));
                    } else {
                        accuracy = Math.max(accuracy, d * data.numExamples());
                    }
                }
            }
        }
        verdict("fidelity", String.format(Locale.ROOT, "%s: max relative loss difference %.2e, max accuracy"
                + " difference %.0f examples over 25 points", name, loss, accuracy), loss <= 1e-5 && accuracy <= 1);
    }

    private static void stress() throws InterruptedException {
        MultiLayerNetwork net = Networks.classifier(784, 256, 10, 1);
        DataSet data = Networks.data(4_000, 784, 10, 2);
        long free = CudaDevice.memory()[0];
        Landscape one = plane(net, data, Backend.CUDA, 1, 7);
        Surface clean = one.surface();
        one.idle().block();
        for (int round = 0; round < 5; round++) {
            Landscape l = plane(net, data, Backend.CUDA, 4, 7);
            Disposable d = l.points().take(3 + round).subscribe();
            Thread.sleep(50);
            d.dispose();
            l.idle().block();
            System.gc();
        }
        Landscape a = plane(net, data, Backend.CUDA, 3, 7);
        Landscape b = plane(net, data, Backend.CUDA, 2, 7);
        List<LandscapePoint> pa = java.util.Collections.synchronizedList(new ArrayList<>());
        List<LandscapePoint> pb = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(2);
        a.points().doFinally(s -> done.countDown()).subscribe(pa::add);
        b.points().doFinally(s -> done.countDown()).subscribe(pb::add);
        if (!done.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("two landscapes at once did not finish in 5 minutes");
        }
        a.idle().block();
        b.idle().block();
        System.gc();
        int differ = 0;
        for (List<LandscapePoint> run : List.of(pa, pb)) {
            for (LandscapePoint p : run) {
                int ix = p.index() % 7;
                int iy = p.index() / 7;
                if (p.value(0) != clean.values("train", "loss")[iy][ix]) {
                    differ++;
                }
            }
        }
        long after = CudaDevice.memory()[0];
        verdict("stress", String.format(Locale.ROOT, "5 cancelled runs, then two landscapes at once: %d + %d points,"
                + " %d differ from a clean one-worker run; device memory free before %d MiB, after %d MiB",
                pa.size(), pb.size(), differ, free >> 20, after >> 20), differ == 0 && pa.size() == 49
                && pb.size() == 49 && after == free);
    }

    private static void bench() {
        MultiLayerNetwork net = Networks.classifier(784, 1024, 10, 1);
        DataSet data = Networks.data(10_000, 784, 10, 2);
        double cpu = rate(plane(net, data, Backend.AUTO, 0, 5), "cpu");
        long flops = Roofline.flopsPerExample(net, data);
        for (int workers : new int[] {1, 2, 4}) {
            double gpu = rate(plane(net, data, Backend.CUDA, workers, 11), "gpu " + workers + " workers");
            say("bench", String.format(Locale.ROOT, "mlp 784-1024-1024-10, 10000 examples: GPU %d workers %.1f"
                    + " points/s (%s), CPU plan %.2f points/s (%.0fx)", workers, gpu,
                    Roofline.share(gpu, flops, 10_000, Precision.FLOAT), cpu, gpu / cpu));
        }
        // whether the default first-layer factorization pays on this GPU (FirstLayer's rule is a data-sheet estimate)
        double factorized = rate(plane(net, data, Backend.CUDA, 1, 11), "gpu 1 worker, first layer factorized");
        double perPoint = rate(Landscape.builder().model(net).directions(RandomDirections.FILTER_NORMALIZED, 2)
                .seed(11).grid(-1, 1, 11).evaluateOn("train", data).backend(Backend.CUDA).workers(1)
                .factorizeFirstLayer(false).build(), "gpu 1 worker, first layer per point");
        say("bench", String.format(Locale.ROOT, "mlp 784-1024-1024-10, 1 worker: first layer factorized %.1f points/s,"
                + " per point %.1f points/s (factorization %.2fx)", factorized, perPoint, factorized / perPoint));
    }

    private static double rate(Landscape l, String what) {
        l.points().take(2).blockLast();                  // warm-up: kernels loaded, data resident once
        long t0 = System.nanoTime();
        l.points().blockLast();
        double s = (System.nanoTime() - t0) / 1e9;
        say("bench", String.format(Locale.ROOT, "%s: %d points in %.2f s (%s)", what, l.totalPoints(), s,
                l.evaluationPlan()));
        return l.totalPoints() / s;
    }

    static void verdict(String section, String text, boolean ok) {
        if (!ok) {
            failed++;
        }
        say(section, text + (ok ? " (ok)" : " (FAILED)"));
    }

    static void say(String section, String text) {
        String line = section + ": " + text;
        LINES.add(line);
        System.out.println(line);
        System.out.flush();
    }
}

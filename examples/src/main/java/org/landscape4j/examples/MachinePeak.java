package org.landscape4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.Stream;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The machine's fp32 peak as the benchmark's percentages use it: measured with large GEMMs in the same run, and the
 * theoretical number from the CPU's clock where it can be read.
 *
 * @param gflops        measured: {@code threads} threads each multiplying its own {@code n x n} float matrices with
 *                      {@code Nd4j.gemm} at once (one ND4J thread per op, as the engine's workers run), the best of
 *                      {@code repeats} rounds, in GFLOP/s over all threads ({@code 2·n³} per product)
 * @param oneThread     the same with one thread
 * @param threads       threads of the measured peak (the cores)
 * @param n             the matrices' size
 * @param theoretical   cores x clock x 32 FLOP per cycle, or NaN when the clock is unknown
 * @param theoryBasis   how {@code theoretical} was made
 */
record MachinePeak(double gflops, double oneThread, int threads, int n, double theoretical, String theoryBasis) {

    /**
     * fp32 FLOP per cycle and core assumed for the theoretical peak: 2 FMA units x 8 lanes (256-bit, AVX2) x 2. True
     * of the AVX2 cores ND4J's {@code -onednn-avx2} natives target, AMD Zen 2-4 and Intel client cores; Intel server
     * cores with two 512-bit units reach twice that with AVX-512 code.
     */
    static final int FLOP_PER_CYCLE = 32;

    /** Measures with {@code n x n} matrices, {@code repeats} products per round, best of {@code rounds}. */
    static MachinePeak measure(int n, int repeats, int rounds) {
        int cores = Runtime.getRuntime().availableProcessors();
        double all = 0;
        double one = 0;
        for (int r = 0; r < rounds; r++) {
            all = Math.max(all, concurrent(cores, n, repeats));
            one = Math.max(one, concurrent(1, n, repeats));
        }
        double mhz = clockMhz();
        return new MachinePeak(all, one, cores, n, Double.isNaN(mhz) ? Double.NaN
                : cores * mhz * 1e-3 * FLOP_PER_CYCLE, Double.isNaN(mhz) ? "clock unknown"
                : String.format(Locale.ROOT, "%d cores x %.0f MHz x %d FLOP/cycle (2 FMA units x 8 fp32 lanes, "
                        + "assumed; the clock the kernel reports, which under a hypervisor is the nominal one: boost "
                        + "clocks go beyond it)", cores, mhz, FLOP_PER_CYCLE));
    }

    /** GFLOP/s of {@code threads} threads running {@code repeats} GEMMs each at the same time. */
    private static double concurrent(int threads, int n, int repeats) {
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
                INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
                INDArray c = Nd4j.create(DataType.FLOAT, n, n);
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);          // warm-up
                await(start);
                for (int i = 0; i < repeats; i++) {
                    Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
                }
            });
            w.start();
            workers.add(w);
        }
        await(start);
        long t0 = System.nanoTime();
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring the GEMM peak", e);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return 2.0 * n * n * n * repeats * threads / seconds / 1e9;
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException("GEMM peak threads did not start together", e);
        }
    }

    /** The CPU's maximum clock (cpufreq), else its current one (/proc/cpuinfo), in MHz; NaN when neither is there. */
    static double clockMhz() {
        try {
            Path max = Path.of("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
            if (Files.isReadable(max)) {
                return Double.parseDouble(Files.readString(max).trim()) / 1000;
            }
            try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
                return lines.filter(l -> l.startsWith("cpu MHz")).findFirst()
                        .map(l -> Double.parseDouble(l.substring(l.indexOf(':') + 1).trim())).orElse(Double.NaN);
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** One line for the report's header. */
    String describe() {
        return String.format(Locale.ROOT, "fp32 peak measured: %.1f GFLOP/s (%d threads, each its own %dx%d "
                        + "Nd4j.gemm, best round), %.1f GFLOP/s on 1 thread; theoretical: %s", gflops, threads, n, n,
                oneThread, Double.isNaN(theoretical) ? "unknown (" + theoryBasis + ")"
                        : String.format(Locale.ROOT, "%.1f GFLOP/s = %s", theoretical, theoryBasis));
    }
}

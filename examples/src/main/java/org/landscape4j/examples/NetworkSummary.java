package org.landscape4j.examples;

import static org.landscape4j.examples.BenchReport.sig3;

import java.util.Locale;

/**
 * One row of the benchmark's summary: a network measured here (the engine with default settings), by the naive DL4J
 * loop and by the PyTorch peer, in points per second, GFLOP/s and percent of the machine's measured fp32 peak.
 *
 * @param network          the network's name
 * @param flopsPerExample  {@link Flops#perExample} of the network
 * @param hereFlops        the FLOPs per example the engine computes per point: less than {@code flopsPerExample} by
 *                         the first layer's when that is factorized (its products are computed once per run)
 * @param examples         evaluation examples per point
 * @param here             points/s of the engine, default settings
 * @param naive            points/s of the naive DL4J loop
 * @param plain            the peer's fastest plain (NCHW) result, or {@code null}
 * @param channelsLast     the peer's fastest channels_last result, or {@code null} (the MLP has none)
 * @param peerMeasured     whether the peer ran at all (otherwise its cells say "not measured")
 * @param maxRelDiff       max relative |loss − DL4J score| over the points both computed
 */
record NetworkSummary(String network, long flopsPerExample, long hereFlops, long examples, double here, double naive,
                      PyTorchPeer.Result plain, PyTorchPeer.Result channelsLast, boolean peerMeasured,
                      double maxRelDiff) {

    static final String NOT_MEASURED = "not measured";

    /** Marks the engine's GFLOP/s when they leave out a factorized first layer. */
    static final String FACTORIZED_MARK = "(f)";

    static final String[] COLUMNS = {"network", "GFLOP per point", "here points/s", "vs naive DL4J",
        "PyTorch plain points/s", "PyTorch channels_last points/s", "here / best PyTorch", "here GFLOP/s",
        "here % of peak", "best PyTorch GFLOP/s", "best PyTorch % of peak", "max rel |Δloss| vs DL4J score"};

    /** The cells of a network that could not be measured at all (an imported one without its ONNX file). */
    static String[] notMeasured(String network) {
        String[] cells = new String[COLUMNS.length];
        java.util.Arrays.fill(cells, NOT_MEASURED);
        cells[0] = network;
        return cells;
    }

    /** The peer's faster layout, or {@code null}. */
    PyTorchPeer.Result bestPeer() {
        if (plain == null || channelsLast == null) {
            return plain != null ? plain : channelsLast;
        }
        return channelsLast.pointsPerSecond() > plain.pointsPerSecond() ? channelsLast : plain;
    }

    double flopsPerPoint() {
        return (double) flopsPerExample * examples;
    }

    /** The row's cells, {@link #COLUMNS}; percentages of {@code peakGflops}. */
    String[] cells(double peakGflops) {
        PyTorchPeer.Result best = bestPeer();
        double hereGflops = here * hereFlops * (double) examples / 1e9;
        String factorized = hereFlops < flopsPerExample ? " " + FACTORIZED_MARK : "";
        double peerGflops = best == null ? Double.NaN : best.pointsPerSecond() * flopsPerPoint() / 1e9;
        return new String[] {network, sig3(flopsPerPoint() / 1e9), sig3(here), sig3(here / naive) + "x",
            peer(plain), channelsLast == null && plain != null ? "-" : peer(channelsLast),
            best == null ? missing() : sig3(here / best.pointsPerSecond()) + "x", sig3(hereGflops) + factorized,
            percent(hereGflops / peakGflops) + factorized, best == null ? missing() : sig3(peerGflops),
            best == null ? missing() : percent(peerGflops / peakGflops),
            String.format(Locale.ROOT, "%.1e", maxRelDiff)};
    }

    private String peer(PyTorchPeer.Result r) {
        return r == null ? missing() : sig3(r.pointsPerSecond()) + " (batch " + r.batch() + ")";
    }

    private String missing() {
        return peerMeasured ? "-" : NOT_MEASURED;
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }
}

package org.landscape4j.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.Precision;
import org.landscape4j.engine.device.DevicePlan;
import org.landscape4j.engine.device.DeviceWorker;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.internal.NetworkEvaluator;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A network compiled for the GPU once per landscape: its {@link DeviceOp}s, its {@link OutputHead}, the width of each
 * buffer, and the data the workers make resident. Holds no device memory: each {@link #newWorker} opens its own
 * device (stream, cuBLAS handle, kernel module) and owns what it allocates.
 */
final class CudaPlan implements DevicePlan {

    /** Relative agreement with DL4J's forward pass required on the probe (as the CPU plan's). */
    static final double PROBE_TOLERANCE = 1e-3;
    /**
     * The same in {@link Precision#TF32}: rounding to 10 bits of mantissa moves a step's output by up to a few 1e-3 of
     * its scale, while a wrong offset, layout or transpose moves it by its scale; the error that matters, the loss's at
     * the centre, is measured and stated ({@link #statePrecision}).
     */
    static final double TF32_PROBE_TOLERANCE = 3e-2;

    private final List<DeviceOp> ops;
    private final OutputHead head;
    private final List<Long> widths;
    private final List<Long> fixed;
    private final boolean channelsLast;
    private final long numParams;
    private final List<List<Batch>> batches;
    private final Function<Precision, Device> devices;
    private final Precision precision;
    /** The first step's factorization, or {@code null} when the step is not linear in its parameters. */
    private final FirstLayer firstLayer;
    private final String description;
    /** In an opt-in precision, its loss at the centre against float ({@link #statePrecision}); "" until then. */
    private String precisionError = "";

    /**
     * @param devices opens a device for a worker in a precision ({@link CudaDevice} on GPU 0; a plain-Java one in
     *                tests)
     */
    CudaPlan(CudaPlanBuilder b, Function<Precision, Device> devices) {
        this.ops = List.copyOf(b.ops);
        this.head = b.head();
        this.widths = List.copyOf(b.widths);
        this.fixed = List.copyOf(b.fixed);
        this.channelsLast = b.channelsLast;
        this.numParams = b.request.layout().numParams();
        this.batches = b.request.batches();
        this.devices = devices;
        this.precision = b.request.tf32() ? Precision.TF32 : Precision.FLOAT;
        this.firstLayer = FirstLayer.choose(ops, widths, b.request);
        List<String> kinds = new ArrayList<>();
        for (DeviceOp op : ops) {
            kinds.add(op.kind());
        }
        kinds.add(head.kind());
        String arithmetic = precision == Precision.TF32 ? "TF32 (tensor cores, float accumulation)"
                : "float (TF32 off)";
        int anchors = b.request.anchors();
        this.description = String.format(Locale.ROOT, "CUDA plan, %d steps (%s), SGEMM in %s%s, device memory %.0f MB"
                + " per worker with %d anchors%s", kinds.size(), String.join(", ", kinds), arithmetic,
                b.needsCudnn ? ", cuDNN convolutions and pooling over NHWC images in " + arithmetic : "",
                deviceBytes(anchors, batches) / 1e6, anchors, firstLayer == null ? "" : firstLayer.summary());
    }

    List<DeviceOp> ops() {
        return ops;
    }

    OutputHead head() {
        return head;
    }

    List<Long> widths() {
        return widths;
    }

    /** Per buffer: floats whatever the rows (a convolution's weights of the point). */
    List<Long> fixed() {
        return fixed;
    }

    /** Whether images are resident NHWC: the features are permuted once when they are uploaded. */
    boolean channelsLast() {
        return channelsLast;
    }

    long numParams() {
        return numParams;
    }

    /** The first step's products precomputed per worker, or {@code null} when that step runs per point. */
    FirstLayer factorized() {
        return firstLayer != null && firstLayer.factorized() ? firstLayer : null;
    }

    /**
     * The device bytes of one worker: anchors and θ, data, the first layer's products if factorized, activations for
     * {@code data}'s largest batch, results.
     */
    long deviceBytes(int anchors, List<List<Batch>> data) {
        long maxRows = data.stream().flatMap(List::stream).mapToLong(Batch::size).max().orElse(1);
        long bytes = 4L * numParams * (anchors + 1);
        for (List<Batch> set : data) {
            for (Batch b : set) {
                bytes += 4L * (b.features()[0].length() + b.labels()[0].length()) + 16;
                if (factorized() != null) {
                    bytes += firstLayer.productBytes(anchors, b.size());
                }
            }
        }
        for (int i = 1; i < widths.size(); i++) {
            bytes += 4L * (maxRows * widths.get(i) + fixed.get(i));
        }
        return bytes;
    }

    /**
     * Refuses in one line a worker on {@code data} with {@code anchors} anchors that would not fit in {@code free}
     * bytes of device memory: at compile for one worker (before any work), and again by each worker as it starts.
     */
    void requireMemory(long free, int anchors, List<List<Batch>> data) {
        long need = deviceBytes(anchors, data);
        if (need > free) {
            throw new IllegalStateException(CudaPlanBuilder.HEAD + "a worker needs " + (need >> 20) + " MiB of device"
                    + " memory (anchors, data, activations" + (factorized() != null ? ", the first layer's products"
                    : "") + ") and GPU 0 has " + (free >> 20) + " MiB free: use fewer workers or less evaluation data"
                    + (factorized() != null ? ", or a smaller Execution.firstLayerMemory" : ""));
        }
    }

    @Override
    public String description() {
        return description + precisionError;
    }

    @Override
    public DeviceWorker newWorker(INDArray[] anchors) {
        return new CudaWorker(this, devices.apply(precision), anchors, batches);
    }

    /**
     * In an opt-in precision: measures the loss at the centre on {@code first} (the first batch) in this precision and
     * in float, on the same device, and states both in {@link #description()}, as the CPU plan states bfloat16's. Does
     * nothing in float.
     */
    void statePrecision(Model prototype, Batch first) {
        if (precision == Precision.FLOAT) {
            return;
        }
        double[] loss = new double[2];
        Precision[] arithmetic = {Precision.FLOAT, precision};
        for (int i = 0; i < 2; i++) {
            try (CudaWorker w = new CudaWorker(this, devices.apply(arithmetic[i]),
                    new INDArray[] {prototype.params()}, List.of(List.of(first)))) {
                loss[i] = w.evaluate(new double[] {1})[0][0][0];
            }
        }
        precisionError = String.format(Locale.ROOT, ", %s: loss at the centre on %d examples %.6g against %.6g in"
                + " float on the same device (relative difference %.2g, measured)", precision, first.size(), loss[1],
                loss[0], Math.abs(loss[1] - loss[0]) / Math.max(Math.abs(loss[0]), 1e-30));
    }

    /**
     * Runs the plan on {@code probe} at {@code prototype}'s own parameters and compares every step's output with
     * DL4J's activation ({@code expected}, per buffer) and the loss with DL4J's score.
     *
     * @return where the device disagrees, or {@code null}
     */
    String check(Model prototype, Batch probe, java.util.Map<Integer, INDArray> expected) {
        int rows = Math.toIntExact(probe.size());
        double tolerance = precision == Precision.FLOAT ? PROBE_TOLERANCE : TF32_PROBE_TOLERANCE;
        try (CudaWorker w = new CudaWorker(this, devices.apply(precision), new INDArray[] {prototype.params()},
                List.of(List.of(probe)))) {
            double loss = w.evaluate(new double[] {1})[0][0][0];
            for (DeviceOp op : ops) {
                INDArray want = expected.get(op.output());
                if (want == null) {
                    continue;
                }
                double diff = relativeDifference(want.dup('c').data().asFloat(), w.read(op.output(), rows));
                if (!(diff <= tolerance)) {
                    return op.source() + " disagrees with DL4J's forward pass on a probe of the data (relative"
                            + " difference " + String.format(Locale.ROOT, "%.2g", diff) + ")";
                }
            }
            double want = NetworkEvaluator.over(NetworkEvaluator.copyOf(prototype)).forwardLoss(probe);
            double diff = Math.abs(want - loss) / Math.max(1e-6, Math.abs(want));
            if (!(diff <= tolerance) && Double.isFinite(want)) {
                return "the loss of the CUDA plan disagrees with DL4J's score on a probe of the data (" + loss + " vs "
                        + want + ")";
            }
        }
        return null;
    }

    private static double relativeDifference(float[] want, float[] have) {
        if (want.length != have.length) {
            return Double.POSITIVE_INFINITY;
        }
        double scale = 1e-6;
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            max = Math.max(max, Math.abs((double) want[i] - have[i]));
        }
        return max / scale;
    }
}

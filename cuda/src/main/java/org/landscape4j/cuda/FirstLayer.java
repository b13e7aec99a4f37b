package org.landscape4j.cuda;

import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

import org.landscape4j.engine.device.DeviceRequest;
import org.landscape4j.engine.internal.Batch;

/**
 * First-layer factorization on the device, as the CPU plan's {@code FirstLayerProducts}: the first dense layer or
 * convolution (without a folded batch norm) is linear in its parameters, so at a point {@code θ = Σ w_k v_k} its
 * pre-activation is {@code Σ w_k (X·W_k + b_k)}. Each worker computes the products {@code X·W_k + b_k} once, for
 * every anchor and batch, with the step's own GEMM or convolution, and keeps them resident; per point the step is
 * one combination over them and its activation.
 *
 * <p>It pays on the GPU only where the step's arithmetic outweighs reading the products: per output value the GEMM
 * does {@code 2 · fan-in} flops, the combination reads {@code 4 · anchors} bytes and writes 4. With {@link
 * #FLOPS_PER_BYTE} the machine balance (H200: 67 TFLOPS float over 4.8 TB/s ≈ 14; TF32's tensor cores ≈ 103), the
 * step is factorized when {@code 2 · fan-in > 4 · (anchors + 1) · balance}: an MNIST MLP's 784 inputs in float, not a
 * first convolution over 1 or 3 channels. An estimate from data sheets: the device check's {@code bench} mode runs
 * both ways ({@code Execution.factorizeFirstLayer(false)}) so that the measurement decides.
 *
 * @param op         the index of the factorized step in the plan's ops
 * @param linear     that step without its activation: what the products are computed by
 * @param activation the step's activation, applied after the combination
 * @param width      floats per example of the step's output
 * @param summary    what the plan's description says about it
 */
record FirstLayer(int op, DeviceOp linear, DeviceActivation.Use activation, long width, String summary) {

    /** Flops per byte of memory traffic at which the GPU's arithmetic and bandwidth balance: float, then TF32. */
    static final double[] FLOPS_PER_BYTE = {14, 103};

    /**
     * The factorization of {@code ops}' first step for {@code request}, or {@code null} when it is not factorized
     * (a step that could be, but does not pay or fit, says so in {@link #summary}).
     */
    static FirstLayer choose(List<DeviceOp> ops, List<Long> widths, DeviceRequest request) {
        if (ops.isEmpty() || request.firstLayerMemory() == 0) {
            return null;
        }
        DeviceOp first = ops.get(0);
        long fanIn;
        DeviceOp linear;
        DeviceActivation.Use activation;
        if (first instanceof DenseOp d && d.input() == 0) {
            fanIn = d.weights().nIn();
            linear = new DenseOp(d.source(), d.input(), d.output(), d.weights(), d.bias(), DeviceActivation.Use.NONE);
            activation = d.activation();
        } else if (first instanceof ConvOp c && c.input() == 0 && c.bn() == null) {
            Device.Conv g = c.geometry();
            fanIn = (long) g.groupC() * g.kh() * g.kw();
            linear = new ConvOp(c.source(), c.input(), c.output(), g, c.weights(), c.bias(), null, c.krsc(),
                    c.biasBuffer(), DeviceActivation.Use.NONE);
            activation = c.activation();
        } else {
            return null;
        }
        long examples = request.batches().stream().flatMap(List::stream).mapToLong(Batch::size).sum();
        long width = widths.get(first.output());
        long bytes = productBytes(request.anchors(), examples, width);
        double balance = FLOPS_PER_BYTE[request.tf32() ? 1 : 0];
        if (2.0 * fanIn <= 4.0 * (request.anchors() + 1) * balance) {
            return new FirstLayer(-1, linear, activation, width, String.format(Locale.ROOT, ", first layer"
                    + " computed per point (%s: fan-in %d, its GEMM costs less than reading %d anchors' products)",
                    first.source(), fanIn, request.anchors()));
        }
        if (bytes > request.firstLayerMemory()) {
            return new FirstLayer(-1, linear, activation, width, ", first layer computed per point: its"
                    + " products would take " + size(bytes) + ", over the budget of "
                    + size(request.firstLayerMemory()) + " (Execution.firstLayerMemory)");
        }
        return new FirstLayer(0, linear, activation, width, ", first layer factorized (" + first.source()
                + ", products " + size(bytes) + " per worker)");
    }

    /** The device bytes of the products of {@code anchors} anchors over {@code examples} examples. */
    long productBytes(int anchors, long examples) {
        return productBytes(anchors, examples, width);
    }

    private static long productBytes(int anchors, long examples, long width) {
        return 4L * anchors * examples * width;
    }

    /** Bytes as the CPU plan's description gives them: kB below a megabyte. */
    private static String size(long bytes) {
        return bytes < 1_000_000 ? (bytes + 999) / 1000 + " kB" : String.format(Locale.ROOT, "%.0f MB", bytes / 1e6);
    }

    /** Whether the step is factorized (else {@link #summary} says why not). */
    boolean factorized() {
        return op >= 0;
    }

    /**
     * The products of every set, batch and anchor ({@code [set][batch][anchor]}), computed on {@code d} by the
     * step without its activation, each in a buffer {@code own} takes ownership of.
     */
    Device.Buffer[][][] compute(Device d, Device.Buffer[] anchors, Device.Buffer[][] features, int[][] rows,
                                Device.Buffer[] buffers, UnaryOperator<Device.Buffer> own) {
        Device.Buffer[][][] out = new Device.Buffer[features.length][][];
        for (int s = 0; s < features.length; s++) {
            out[s] = new Device.Buffer[features[s].length][anchors.length];
        }
        int o = linear.output();
        Device.Buffer activations = buffers[o];
        try {
            for (int k = 0; k < anchors.length; k++) {
                linear.prepare(d, anchors[k], buffers);
                for (int s = 0; s < features.length; s++) {
                    for (int b = 0; b < features[s].length; b++) {
                        Device.Buffer p = own.apply(d.floats(rows[s][b] * width));
                        buffers[0] = features[s][b];
                        buffers[o] = p;
                        linear.run(d, anchors[k], buffers, rows[s][b]);
                        out[s][b][k] = p;
                    }
                }
            }
        } finally {
            buffers[o] = activations;
        }
        return out;
    }

    /** The step at point {@code w} for one batch: its output from the batch's {@code products}. */
    void run(Device d, Device.Buffer[] products, double[] w, Device.Buffer[] buffers, int rows) {
        Device.Buffer y = buffers[linear.output()];
        d.combine(y, products, w, rows * width);
        if (activation.kind() != DeviceActivation.IDENTITY) {
            d.biasActivation(y, y, rows, Math.toIntExact(width), null, 0, activation.kind(), activation.alpha());
        }
    }
}

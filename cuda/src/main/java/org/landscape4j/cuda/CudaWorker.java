package org.landscape4j.cuda;

import java.util.ArrayList;
import java.util.List;

import org.landscape4j.engine.device.DeviceWorker;
import org.landscape4j.engine.internal.Batch;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One worker of a {@link CudaPlan} on its own {@link Device}: the anchors, every batch's features and labels, θ, the
 * activation buffers (sized for the largest batch, which runs at once) and the results, all resident and owned here,
 * freed by {@link #close()} with the device's stream, handle and module. A point forms θ = Σ w_k anchors[k] on the
 * device, queues every batch's steps and head, and reads back two doubles per batch. With the first step factorized
 * ({@link FirstLayer}) its products per anchor and batch are computed here once and that step is their combination.
 */
final class CudaWorker implements DeviceWorker {

    private final CudaPlan plan;
    private final Device device;
    private final List<Device.Buffer> owned = new ArrayList<>();
    private final Device.Buffer[] anchors;
    private final Device.Buffer theta;
    private final Device.Buffer[][] features;
    private final Device.Buffer[][] labels;
    private final int[][] rows;
    private final Device.Buffer[] buffers;
    private final Device.Buffer results;
    /** The factorized first step's products ({@code [set][batch][anchor]}), or {@code null}. */
    private final FirstLayer first;
    private final Device.Buffer[][][] products;
    private final int batchCount;
    private boolean closed;

    /**
     * Makes the data resident on {@code device}, which the worker owns from now on (closed with it, also when this
     * constructor fails).
     *
     * @throws IllegalStateException when the device has too little free memory, saying how much is needed
     */
    CudaWorker(CudaPlan plan, Device device, INDArray[] anchorVectors, List<List<Batch>> batches) {
        this.plan = plan;
        this.device = device;
        boolean ok = false;
        try {
            plan.requireMemory(device.freeBytes(), anchorVectors.length, batches);
            long maxRows = batches.stream().flatMap(List::stream).mapToLong(Batch::size).max().orElse(1);
            anchors = new Device.Buffer[anchorVectors.length];
            for (int k = 0; k < anchors.length; k++) {
                anchors[k] = upload(anchorVectors[k]);
            }
            theta = own(device.floats(plan.numParams()));
            features = new Device.Buffer[batches.size()][];
            labels = new Device.Buffer[batches.size()][];
            rows = new int[batches.size()][];
            int count = 0;
            for (int s = 0; s < batches.size(); s++) {
                List<Batch> set = batches.get(s);
                features[s] = new Device.Buffer[set.size()];
                labels[s] = new Device.Buffer[set.size()];
                rows[s] = new int[set.size()];
                for (int b = 0; b < set.size(); b++) {
                    INDArray x = set.get(b).features()[0];
                    features[s][b] = upload(plan.channelsLast() && x.rank() == 4 ? x.permute(0, 2, 3, 1) : x);
                    labels[s][b] = upload(set.get(b).labels()[0]);
                    rows[s][b] = Math.toIntExact(set.get(b).size());
                    count++;
                }
            }
            batchCount = count;
            buffers = new Device.Buffer[plan.widths().size()];
            for (int i = 1; i < buffers.length; i++) {
                buffers[i] = own(device.floats(maxRows * plan.widths().get(i) + plan.fixed().get(i)));
            }
            results = own(device.doubles(2L * count));
            first = plan.factorized();
            products = first == null ? null : first.compute(device, anchors, features, rows, buffers, this::own);
            ok = true;
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    private Device.Buffer own(Device.Buffer b) {
        owned.add(b);
        return b;
    }

    private Device.Buffer upload(INDArray a) {
        float[] values = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
        Device.Buffer b = own(device.floats(values.length));
        device.upload(b, values);
        return b;
    }

    @Override
    public double[][][] evaluate(double[] w) {
        if (closed) {
            throw new IllegalStateException("this CUDA worker is closed");
        }
        device.combine(theta, anchors, w, plan.numParams());
        List<DeviceOp> ops = plan.ops();
        int factorized = first == null ? -1 : first.op();
        for (int i = 0; i < ops.size(); i++) {
            if (i != factorized) {
                ops.get(i).prepare(device, theta, buffers);
            }
        }
        int k = 0;
        for (int s = 0; s < features.length; s++) {
            for (int b = 0; b < features[s].length; b++) {
                buffers[0] = features[s][b];
                for (int i = 0; i < ops.size(); i++) {
                    if (i == factorized) {
                        first.run(device, products[s][b], w, buffers, rows[s][b]);
                    } else {
                        ops.get(i).run(device, theta, buffers, rows[s][b]);
                    }
                }
                plan.head().run(device, theta, buffers, labels[s][b], rows[s][b], results, k++);
            }
        }
        double[] r = device.read(results, 2 * batchCount);
        double[][][] out = new double[features.length][][];
        k = 0;
        for (int s = 0; s < features.length; s++) {
            out[s] = new double[features[s].length][];
            for (int b = 0; b < features[s].length; b++, k++) {
                double n = rows[s][b];
                out[s][b] = new double[] {r[2 * k] / n, plan.head().accuracy() ? r[2 * k + 1] / n : Double.NaN};
            }
        }
        return out;
    }

    /** The first {@code n} rows of buffer {@code buffer} after the last point (for the compile-time check). */
    float[] read(int buffer, int n) {
        return device.readFloats(buffers[buffer], Math.toIntExact(n * plan.widths().get(buffer)));
    }

    /** Frees every buffer, then the device's stream, handle and module; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (Device.Buffer b : owned) {
                device.free(b);
            }
            owned.clear();
        } finally {
            device.close();
        }
    }
}

package org.landscape4j.engine.device;

/**
 * One worker's share of a device: its resident anchors, data and buffers, its stream and handles. Used by one thread
 * at a time (not necessarily the same one from point to point); {@link #close()} is called once, after its last point.
 */
public interface DeviceWorker extends AutoCloseable {

    /**
     * Evaluates the point {@code Σ w_k anchors[k]} on every batch of every evaluation set, on the device, and returns
     * {@code [set][batch] = {mean loss, accuracy}} (accuracy {@code NaN} when none was asked for): a few bytes per batch
     * come back.
     */
    double[][][] evaluate(double[] w);

    /** Frees every device buffer, handle, stream and module of this worker; it must not be used afterwards. */
    @Override
    void close();
}

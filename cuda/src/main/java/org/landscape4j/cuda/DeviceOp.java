package org.landscape4j.cuda;

/**
 * One step of the CUDA plan: reads buffers, writes its output buffer, for {@code rows} examples at once. The
 * parameters are read from {@code theta}, the point's flat parameter vector on the device, at the offsets of the
 * model's parameter layout; buffers {@code 0 .. inputs-1} are the batch's features.
 */
interface DeviceOp {

    /** Once per point, before its batches: what the step derives from θ (a convolution's reordered weights). */
    default void prepare(Device device, Device.Buffer theta, Device.Buffer[] buffers) {
    }

    /** Queues the step on {@code device}. */
    void run(Device device, Device.Buffer theta, Device.Buffer[] buffers, int rows);

    /** The buffer it writes. */
    int output();

    /** How {@code evaluationPlan()} names it, e.g. {@code "dense+relu"}. */
    String kind();

    /** The layer it computes, as messages name it. */
    String source();
}

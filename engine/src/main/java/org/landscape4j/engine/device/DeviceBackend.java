package org.landscape4j.engine.device;

/**
 * A back end that computes a landscape's points on a device of its own (the GPU), found by
 * {@link java.util.ServiceLoader} when a landscape asks for its {@code Backend} constant. Implementations are
 * registered in {@code META-INF/services/org.landscape4j.engine.device.DeviceBackend} and need a public no-argument
 * constructor; the constructor must not touch native code (it runs on every lookup).
 */
public interface DeviceBackend {

    /** The name of the {@code Backend} constant this back end serves, e.g. {@code "CUDA"}. */
    String backend();

    /**
     * Why this back end cannot run on this machine, in one line naming the missing piece and what to install (e.g.
     * {@code "CUDA asked for, but the NVIDIA driver is not installed (libcuda.so.1: cannot open shared object file):
     * install an NVIDIA driver for CUDA 13 (580 or newer)"}), or {@code null} when it can. Never throws; may load
     * native libraries on its first call and then answers from memory.
     */
    String unavailableReason();

    /**
     * The device in the words results record it ({@code Provenance.backend()}), e.g.
     * {@code "CUDA (landscape4j-cuda, GPU 0 NVIDIA H200, compute capability 9.0, driver 580 for CUDA 13.0, runtime
     * 13.0, cuBLAS 13.0.0, cuDNN 9.13.0)"}. Called only when {@link #unavailableReason()} is {@code null}.
     */
    String describe();

    /**
     * Compiles a landscape's network for the device and checks it there against DL4J's activations on the first
     * examples, before any point is computed.
     *
     * @throws IllegalArgumentException naming the first layer, loss or setting the device does not run, or the layer
     *                                  where the device disagrees with DL4J
     */
    DevicePlan compile(DeviceRequest request);
}

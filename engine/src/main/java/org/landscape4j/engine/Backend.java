package org.landscape4j.engine;

/**
 * What computes a landscape's points: the one setting for the device, in the builder ({@code backend(...)}), the
 * Kotlin DSL ({@code backend(Backend.CUDA)}) and the command line ({@code --device cuda}, the word users of other
 * tools type for the same choice). {@link Landscape#compile} refuses, before any work and in one line naming the
 * missing piece and what to install, a backend that cannot run here; every result records what computed it
 * ({@link Provenance#backend()}).
 *
 * <pre>{@code
 * Landscape.builder().model(net)...backend(Backend.CUDA).build();
 * // without a GPU: IllegalStateException: CUDA asked for, but the NVIDIA driver is not installed (libcuda.so.1: ...)
 * }</pre>
 *
 * <p>{@link #CUDA} is the engine's own GPU back end, module {@code landscape4j-cuda} (JavaCPP's bindings of CUDA 13,
 * cuBLAS, cuDNN 9 and NVRTC): θ, the directions and the data stay on GPU 0 and each point comes back as a few bytes.
 * DL4J and ND4J keep running on the CPU to read the network and check the GPU's numbers at compile time. It needs that
 * module on the class path, an NVIDIA driver for CUDA 13, the CUDA 13 runtime libraries (cuDNN 9 for convolutions) and
 * a GPU of compute capability 7.5 or newer. What it runs and refuses: the module's {@code CudaBackend}.
 *
 * <p>{@link #ND4J_CUDA} is ND4J 1.0.0-M2.1's own {@code nd4j-cuda-11.6} (the {@code -Pcuda} profile, not in the
 * default build), which replaces ND4J's CPU backend: machine code for compute capability 3.7 to 8.6 only and the
 * CUDA 11 libraries, so it runs on no Hopper or newer GPU and on no machine with only CUDA 12 or 13.
 */
public enum Backend {
    /** ND4J's loaded backend runs the points, through the inference plan or DL4J's forward pass (the default). */
    AUTO,
    /** ND4J's native CPU backend ({@code nd4j-native}, with oneDNN in the default build) must be the loaded one. */
    CPU,
    /** The engine's CUDA back end on GPU 0 ({@code landscape4j-cuda}); see the class. */
    CUDA,
    /** ND4J's own CUDA backend ({@code nd4j-cuda-11.6}, the {@code -Pcuda} profile) must be the loaded one. */
    ND4J_CUDA;

    /**
     * The backend named on a command line ({@code --device cuda}): {@code auto}, {@code cpu}, {@code cuda},
     * {@code nd4j-cuda}, in any case.
     *
     * @throws IllegalArgumentException naming the value and the allowed ones
     */
    public static Backend named(String name) {
        String n = name == null ? "" : name.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        for (Backend b : values()) {
            if (b.name().equals(n)) {
                return b;
            }
        }
        throw new IllegalArgumentException("device must be one of auto, cpu, cuda, nd4j-cuda, was '" + name + "'");
    }

    /**
     * The backend ND4J loaded and its device, in the words results record it ({@link Provenance#backend()}), e.g.
     * {@code "CPU (ND4J CpuBackend, oneDNN + OpenBLAS, 2 cores, AMD EPYC)"}.
     */
    public static String loaded() {
        return BackendCheck.describe();
    }
}

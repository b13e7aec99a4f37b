package org.landscape4j.engine;

/**
 * The ND4J backend a landscape must run on. ND4J loads one backend per JVM, the first that can run among those on the
 * class path (CUDA before CPU), so this does not switch backends: it states what the caller needs, and
 * {@link Landscape#compile} refuses, before any work and in one line saying why, a landscape whose backend is not the
 * one loaded. Every result records the backend it was computed on ({@link Provenance#backend()}).
 *
 * <pre>{@code
 * Landscape.builder().model(net)...backend(Backend.CUDA).build();
 * // IllegalStateException: CUDA asked for, but no CUDA backend is on the class path: build with -Pcuda ...
 * }</pre>
 *
 * <p>CUDA is ND4J 1.0.0-M2.1's {@code nd4j-cuda-11.6}, the only CUDA backend of that release (the {@code -Pcuda} Maven
 * profile, not in the default build): it needs an NVIDIA GPU of compute capability 3.7 to 8.x (its machine code is for
 * sm_37 to sm_86, without PTX, so Hopper and newer GPUs cannot run it) and the CUDA 11 runtime libraries.
 */
public enum Backend {
    /** Whichever backend ND4J loaded (the default). */
    AUTO,
    /** ND4J's native CPU backend ({@code nd4j-native}, with oneDNN in the default build). */
    CPU,
    /** ND4J's CUDA backend ({@code nd4j-cuda-11.6}, the {@code -Pcuda} profile). */
    CUDA;

    /**
     * The backend ND4J loaded and its device, in the words results record it ({@link Provenance#backend()}), e.g.
     * {@code "CPU (ND4J CpuBackend, oneDNN + OpenBLAS, 2 cores, AMD EPYC)"}.
     */
    public static String loaded() {
        return BackendCheck.describe();
    }
}

package org.landscape4j.engine.internal.plan;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * oneDNN itself, through the JavaCPP presets ({@code org.bytedeco:dnnl}), for the plan's convolutions: one primitive
 * per shape made once per worker, the activation fused into it, and (opt-in) bfloat16 arithmetic. ND4J's own
 * {@code conv2d} reaches the same library but makes a primitive descriptor per call and runs the activation as a
 * separate pass; its natives link oneDNN statically with hidden symbols, so this copy loads beside them.
 *
 * <p>Used only on ND4J's CPU backend (its arrays are host memory oneDNN can read). When the natives do not load, the
 * plan runs ND4J's op, with the same numbers: {@link #unavailableReason()} says why.
 */
public final class OneDnn {

    private static final String UNAVAILABLE;
    private static final engine ENGINE;

    static {
        String reason = null;
        engine e = null;
        try {
            if (!Nd4j.getEnvironment().isCPU()) {
                reason = "ND4J's backend is not the CPU (its arrays are not host memory)";
            } else {
                Loader.load(dnnl.class);
                e = new engine(engine.kind.cpu, 0); // one per JVM, never closed: oneDNN's engines are thread-safe
            }
        } catch (Throwable t) { // UnsatisfiedLinkError, ExceptionInInitializerError, a native error in dnnl
            reason = "oneDNN's natives did not load: " + t;
            e = null;
        }
        UNAVAILABLE = reason;
        ENGINE = e;
    }

    private OneDnn() {
    }

    /** Whether the plan's convolutions call oneDNN directly. */
    public static boolean available() {
        return UNAVAILABLE == null;
    }

    /** Why {@link #available()} is false, or {@code null}. */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }

    static engine engine() {
        if (ENGINE == null) {
            throw new IllegalStateException(UNAVAILABLE);
        }
        return ENGINE;
    }

    /**
     * The instruction set oneDNN runs its kernels with on this CPU, e.g. {@code "avx512_core_bf16"}; {@code null}
     * without oneDNN.
     */
    public static String isa() {
        if (!available()) {
            return null;
        }
        int isa = dnnl.dnnl_get_effective_cpu_isa();
        return isa == dnnl.dnnl_cpu_isa_avx512_core_amx ? "avx512_core_amx"
                : isa == dnnl.dnnl_cpu_isa_avx512_core_bf16 ? "avx512_core_bf16"
                : isa == dnnl.dnnl_cpu_isa_avx512_core_vnni ? "avx512_core_vnni"
                : isa == dnnl.dnnl_cpu_isa_avx512_core ? "avx512_core"
                : isa == dnnl.dnnl_cpu_isa_avx2_vnni ? "avx2_vnni"
                : isa == dnnl.dnnl_cpu_isa_avx2 ? "avx2"
                : isa == dnnl.dnnl_cpu_isa_avx ? "avx"
                : isa == dnnl.dnnl_cpu_isa_sse41 ? "sse41" : "isa " + isa;
    }

    /**
     * Why bfloat16 convolutions cannot run here at full speed, or {@code null} when they can: oneDNN computes bf16
     * natively only with AVX512-BF16 or AMX (elsewhere it emulates them, slower than float).
     */
    public static String bf16UnavailableReason() {
        if (!available()) {
            return UNAVAILABLE;
        }
        int isa = dnnl.dnnl_get_effective_cpu_isa();
        return isa == dnnl.dnnl_cpu_isa_avx512_core_bf16 || isa == dnnl.dnnl_cpu_isa_avx512_core_amx ? null
                : "this CPU has no AVX512-BF16 (oneDNN's instruction set here: " + isa() + ")";
    }

    /**
     * Whether oneDNN can read and write {@code a} in place: a float array on the host, dense in C order from its
     * first element (a block of rows of a C-order buffer is).
     */
    static boolean readable(INDArray a) {
        if (a.dataType() != DataType.FLOAT || a.ordering() != 'c' || a.isEmpty()) {
            return false;
        }
        long expected = 1;
        for (int d = a.rank() - 1; d >= 0; d--) {
            if (a.size(d) != 1 && a.stride(d) != expected) {
                return false;
            }
            expected *= a.size(d);
        }
        return true;
    }
}

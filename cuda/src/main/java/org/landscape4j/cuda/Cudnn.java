package org.landscape4j.cuda;

import static org.bytedeco.cuda.global.cudnn.CUDNN_ACTIVATION_RELU;
import static org.bytedeco.cuda.global.cudnn.CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM;
import static org.bytedeco.cuda.global.cudnn.CUDNN_CROSS_CORRELATION;
import static org.bytedeco.cuda.global.cudnn.CUDNN_DATA_FLOAT;
import static org.bytedeco.cuda.global.cudnn.CUDNN_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cudnn.CUDNN_FMA_MATH;
import static org.bytedeco.cuda.global.cudnn.CUDNN_TENSOR_OP_MATH;
import static org.bytedeco.cuda.global.cudnn.CUDNN_NOT_PROPAGATE_NAN;
import static org.bytedeco.cuda.global.cudnn.CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING;
import static org.bytedeco.cuda.global.cudnn.CUDNN_POOLING_MAX;
import static org.bytedeco.cuda.global.cudnn.CUDNN_STATUS_NOT_SUPPORTED;
import static org.bytedeco.cuda.global.cudnn.CUDNN_STATUS_SUCCESS;
import static org.bytedeco.cuda.global.cudnn.CUDNN_TENSOR_NHWC;
import static org.bytedeco.cuda.global.cudnn.cudnnConvolutionBiasActivationForward;
import static org.bytedeco.cuda.global.cudnn.cudnnConvolutionForward;
import static org.bytedeco.cuda.global.cudnn.cudnnCreate;
import static org.bytedeco.cuda.global.cudnn.cudnnCreateActivationDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnCreateConvolutionDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnCreateFilterDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnCreatePoolingDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnCreateTensorDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroy;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroyActivationDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroyConvolutionDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroyFilterDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroyPoolingDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroyTensorDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnGetConvolutionForwardAlgorithm_v7;
import static org.bytedeco.cuda.global.cudnn.cudnnGetConvolutionForwardWorkspaceSize;
import static org.bytedeco.cuda.global.cudnn.cudnnGetErrorString;
import static org.bytedeco.cuda.global.cudnn.cudnnPoolingForward;
import static org.bytedeco.cuda.global.cudnn.cudnnSetActivationDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnSetConvolution2dDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnSetConvolutionMathType;
import static org.bytedeco.cuda.global.cudnn.cudnnSetConvolutionGroupCount;
import static org.bytedeco.cuda.global.cudnn.cudnnSetFilter4dDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnSetPooling2dDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnSetStream;
import static org.bytedeco.cuda.global.cudnn.cudnnSetTensor4dDescriptor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudnn.cudnnActivationStruct;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.cudnn.cudnnConvolutionFwdAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionStruct;
import org.bytedeco.cuda.cudnn.cudnnFilterStruct;
import org.bytedeco.cuda.cudnn.cudnnPoolingStruct;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * One worker's cuDNN: its handle on the worker's stream, the descriptors of each convolution and pooling per row count
 * (made on first use), and one workspace grown to the largest convolution's need; all of it owned here and freed by
 * {@link #close()}, which its {@link CudaDevice} calls. Tensors are NHWC floats, filters KRSC; in float, convolutions
 * compute with {@code CUDNN_FMA_MATH} (no tensor cores, so no TF32: {@code CUDNN_DEFAULT_MATH} permits TF32 for floats
 * on Ampere and newer) by the first algorithm cuDNN's heuristics ({@code cudnnGetConvolutionForwardAlgorithm_v7}) rank
 * that asks for no tensor cores ({@code IMPLICIT_PRECOMP_GEMM} if none does); in {@code Precision.TF32} with
 * {@code CUDNN_TENSOR_OP_MATH} (as PyTorch's {@code allow_tf32}) by the first algorithm ranked, in the math type it
 * was ranked for; with a ReLU, bias and activation
 * fused ({@code cudnnConvolutionBiasActivationForward}) where cuDNN supports it. Only functions of cuDNN 8 and 9.0 are
 * called (the legacy API: descriptors, {@code _v7} heuristics), none newer than the machine's libraries.
 */
final class Cudnn implements AutoCloseable {

    private final cudnnContext handle = new cudnnContext();
    private final List<Runnable> destroy = new ArrayList<>();
    private final Map<List<Object>, ConvPlan> convolutions = new HashMap<>();
    private final Map<List<Object>, PoolPlan> poolings = new HashMap<>();
    /** The convolutions whose fused bias + ReLU cuDNN did not support. */
    private final java.util.Set<ConvPlan> unfused = new java.util.HashSet<>();
    private final cudnnActivationStruct relu = new cudnnActivationStruct();
    private final FloatPointer one = new FloatPointer(1f);
    private final FloatPointer zero = new FloatPointer(0f);
    private final LongFunction<Pointer> allocate;
    private final java.util.function.Consumer<Pointer> free;
    private Pointer workspace;
    private long workspaceBytes;
    private boolean closed;

    private record ConvPlan(cudnnTensorStruct x, cudnnFilterStruct w, cudnnConvolutionStruct conv,
                            cudnnTensorStruct y, cudnnTensorStruct bias, int algo, long workspace) {
    }

    private record PoolPlan(cudnnTensorStruct x, cudnnPoolingStruct pool, cudnnTensorStruct y) {
    }

    /** Whether convolutions may run on the tensor cores in TF32. */
    private final boolean tf32;

    /**
     * @param tf32     convolutions in TF32 on the tensor cores ({@code Precision.TF32}); FMA math in float otherwise
     * @param allocate device memory of so many bytes (the workspace)
     * @param free     frees what {@code allocate} gave
     */
    Cudnn(CUstream_st stream, boolean tf32, LongFunction<Pointer> allocate, java.util.function.Consumer<Pointer> free) {
        this.tf32 = tf32;
        this.allocate = allocate;
        this.free = free;
        boolean ok = false;
        try {
            check(cudnnCreate(handle), "cudnnCreate");
            destroy.add(() -> cudnnDestroy(handle));
            check(cudnnSetStream(handle, stream), "cudnnSetStream");
            check(cudnnCreateActivationDescriptor(relu), "cudnnCreateActivationDescriptor");
            destroy.add(() -> cudnnDestroyActivationDescriptor(relu));
            check(cudnnSetActivationDescriptor(relu, CUDNN_ACTIVATION_RELU, CUDNN_NOT_PROPAGATE_NAN, 0.0),
                    "cudnnSetActivationDescriptor");
            ok = true;
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    /**
     * {@code y = conv(x, w)}, plus {@code bias} and a ReLU fused when {@code fuseRelu} and cuDNN runs that fusion for
     * this convolution; returns whether it did, else the caller adds the bias and activation (one kernel).
     */
    boolean convolution(Device.Conv g, int rows, Pointer x, Pointer w, Pointer bias, Pointer y, boolean fuseRelu) {
        ConvPlan p = convolutions.computeIfAbsent(List.of(g, rows), k -> convPlan(g, rows));
        if (p.workspace() > workspaceBytes) {
            if (workspace != null) {
                free.accept(workspace);
                workspace = null;
                workspaceBytes = 0;
            }
            workspace = allocate.apply(p.workspace());
            workspaceBytes = p.workspace();
        }
        if (fuseRelu && !unfused.contains(p)) {
            // z is y with alpha2 = 0: cuDNN reads nothing of it
            int rc = cudnnConvolutionBiasActivationForward(handle, one, p.x(), x, p.w(), w, p.conv(), p.algo(),
                    workspace, workspaceBytes, zero, p.y(), y, p.bias(), bias, relu, p.y(), y);
            if (rc == CUDNN_STATUS_SUCCESS) {
                return true;
            }
            if (rc != CUDNN_STATUS_NOT_SUPPORTED) {
                check(rc, "cudnnConvolutionBiasActivationForward");
            }
            unfused.add(p);                     // this convolution does not fuse: convolve, then one kernel
        }
        check(cudnnConvolutionForward(handle, one, p.x(), x, p.w(), w, p.conv(), p.algo(), workspace,
                workspaceBytes, zero, p.y(), y), "cudnnConvolutionForward");
        return false;
    }

    /** Pooling of {@code rows} NHWC examples. */
    void pooling(Device.Pool g, int rows, Pointer x, Pointer y) {
        PoolPlan p = poolings.computeIfAbsent(List.of(g, rows), k -> poolPlan(g, rows));
        check(cudnnPoolingForward(handle, p.pool(), one, p.x(), x, zero, p.y(), y), "cudnnPoolingForward");
    }

    private ConvPlan convPlan(Device.Conv g, int rows) {
        cudnnTensorStruct x = tensor(rows, g.inC(), g.inH(), g.inW());
        cudnnTensorStruct y = tensor(rows, g.outC(), g.outH(), g.outW());
        cudnnTensorStruct bias = tensor(1, g.outC(), 1, 1);
        cudnnFilterStruct w = new cudnnFilterStruct();
        check(cudnnCreateFilterDescriptor(w), "cudnnCreateFilterDescriptor");
        destroy.add(() -> cudnnDestroyFilterDescriptor(w));
        check(cudnnSetFilter4dDescriptor(w, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NHWC, g.outC(), g.groupC(), g.kh(),
                g.kw()), "cudnnSetFilter4dDescriptor");
        cudnnConvolutionStruct conv = new cudnnConvolutionStruct();
        check(cudnnCreateConvolutionDescriptor(conv), "cudnnCreateConvolutionDescriptor");
        destroy.add(() -> cudnnDestroyConvolutionDescriptor(conv));
        check(cudnnSetConvolution2dDescriptor(conv, g.ph(), g.pw(), g.sh(), g.sw(), g.dh(), g.dw(),
                CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT), "cudnnSetConvolution2dDescriptor");
        int math = tf32 ? CUDNN_TENSOR_OP_MATH : CUDNN_FMA_MATH;
        check(cudnnSetConvolutionMathType(conv, math), "cudnnSetConvolutionMathType");
        if (g.groups() > 1) {
            check(cudnnSetConvolutionGroupCount(conv, g.groups()), "cudnnSetConvolutionGroupCount");
        }
        int wanted = 8;
        int algo = -1;
        try (IntPointer count = new IntPointer(1);
             cudnnConvolutionFwdAlgoPerf_t perf = new cudnnConvolutionFwdAlgoPerf_t(wanted)) {
            check(cudnnGetConvolutionForwardAlgorithm_v7(handle, x, w, conv, y, wanted, count, perf),
                    "cudnnGetConvolutionForwardAlgorithm_v7");
            for (int i = 0; i < count.get() && algo < 0; i++) {
                cudnnConvolutionFwdAlgoPerf_t r = perf.getPointer(i);
                // in float the descriptor's FMA math governs the run and an entry asking for tensor cores is passed
                // over; in TF32 the first entry runs in the math type it was ranked for
                if (r.status() == CUDNN_STATUS_SUCCESS && (tf32 || r.mathType() == CUDNN_FMA_MATH
                        || r.mathType() == CUDNN_DEFAULT_MATH)) {
                    algo = r.algo();
                    if (tf32 && r.mathType() != math) {
                        check(cudnnSetConvolutionMathType(conv, r.mathType()), "cudnnSetConvolutionMathType");
                    }
                }
            }
        }
        if (algo < 0) {
            algo = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM;    // runs NHWC floats, FMA math included
        }
        long bytes;
        try (SizeTPointer size = new SizeTPointer(1)) {
            check(cudnnGetConvolutionForwardWorkspaceSize(handle, x, w, conv, y, algo, size),
                    "cudnnGetConvolutionForwardWorkspaceSize");
            bytes = size.get();
        }
        return new ConvPlan(x, w, conv, y, bias, algo, bytes);
    }

    private PoolPlan poolPlan(Device.Pool g, int rows) {
        cudnnPoolingStruct pool = new cudnnPoolingStruct();
        check(cudnnCreatePoolingDescriptor(pool), "cudnnCreatePoolingDescriptor");
        destroy.add(() -> cudnnDestroyPoolingDescriptor(pool));
        // max ignores the padding; the CUDA plan's average pooling never pads, so INCLUDE_PADDING divides by kh·kw
        check(cudnnSetPooling2dDescriptor(pool, g.max() ? CUDNN_POOLING_MAX
                : CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING, CUDNN_NOT_PROPAGATE_NAN, g.kh(), g.kw(), g.ph(), g.pw(),
                g.sh(), g.sw()), "cudnnSetPooling2dDescriptor");
        return new PoolPlan(tensor(rows, g.c(), g.inH(), g.inW()), pool, tensor(rows, g.c(), g.outH(), g.outW()));
    }

    private cudnnTensorStruct tensor(int n, int c, int h, int w) {
        cudnnTensorStruct t = new cudnnTensorStruct();
        check(cudnnCreateTensorDescriptor(t), "cudnnCreateTensorDescriptor");
        destroy.add(() -> cudnnDestroyTensorDescriptor(t));
        check(cudnnSetTensor4dDescriptor(t, CUDNN_TENSOR_NHWC, CUDNN_DATA_FLOAT, n, c, h, w),
                "cudnnSetTensor4dDescriptor");
        return t;
    }

    /** Frees the workspace, every descriptor and the handle (idempotent); the stream must be idle. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (workspace != null) {
            free.accept(workspace);
            workspace = null;
        }
        for (int i = destroy.size() - 1; i >= 0; i--) {
            destroy.get(i).run();
        }
        destroy.clear();
        convolutions.clear();
        poolings.clear();
        unfused.clear();
        one.close();
        zero.close();
    }

    static void check(int rc, String what) {
        if (rc != 0) {
            String text;
            try {
                text = cudnnGetErrorString(rc).getString();
            } catch (RuntimeException | LinkageError e) {
                text = "?";
            }
            throw new IllegalStateException(what + " returned " + rc + " (" + text + ")");
        }
    }
}

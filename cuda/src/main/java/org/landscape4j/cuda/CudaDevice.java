package org.landscape4j.cuda;

import static org.bytedeco.cuda.global.cublas.CUBLAS_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_N;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_T;
import static org.bytedeco.cuda.global.cublas.CUBLAS_TF32_TENSOR_OP_MATH;
import static org.bytedeco.cuda.global.cublas.cublasCreate_v2;
import static org.bytedeco.cuda.global.cublas.cublasDestroy_v2;
import static org.bytedeco.cuda.global.cublas.cublasSetMathMode;
import static org.bytedeco.cuda.global.cublas.cublasSetStream_v2;
import static org.bytedeco.cuda.global.cublas.cublasSgemm_v2;
import static org.bytedeco.cuda.global.cudart.cuLaunchKernel;
import static org.bytedeco.cuda.global.cudart.cuModuleGetFunction;
import static org.bytedeco.cuda.global.cudart.cuModuleLoadData;
import static org.bytedeco.cuda.global.cudart.cuModuleUnload;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaMemGetInfo;
import static org.bytedeco.cuda.global.cudart.cudaMemcpy;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamCreate;
import static org.bytedeco.cuda.global.cudart.cudaStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;

import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * GPU 0 as one worker sees it: its own stream, cuBLAS handle (in float TF32 is off: {@code CUBLAS_DEFAULT_MATH} never
 * uses it for SGEMM; in {@code Precision.TF32}, {@code CUBLAS_TF32_TENSOR_OP_MATH}) and kernel module, all on the
 * device's primary context. Every call first makes GPU 0 current on the calling thread (a stream's worker may change
 * threads between points). Calls only functions of CUDA 13.0 and older: the bindings are for 13.1, and a function
 * missing from the machine's 13.0 libraries would end the JVM.
 */
final class CudaDevice implements Device {

    /** Threads per block of the element-wise kernels, and the most blocks of their grid-stride loops. */
    private static final int THREADS = 256;
    private static final int MAX_BLOCKS = 4096;

    private final CUstream_st stream = new CUstream_st();
    private final cublasContext blas = new cublasContext();
    private final CUmod_st module = new CUmod_st();
    private final CUfunc_st biasActivation;
    private final CUfunc_st combine;
    private final CUfunc_st softmaxCrossEntropy;
    private final CUfunc_st squaredError;
    private final CUfunc_st convWeights;
    private final CUfunc_st addActivation;
    private final CUfunc_st toChannelsFirst;
    private final CUfunc_st pad;
    private final CUfunc_st copyChannels;
    private final CUfunc_st bnAffine;
    private final CUfunc_st channelAffine;
    private final CUfunc_st layerNorm;
    private final CUfunc_st gatherChannels;
    private final CUfunc_st upsample;
    /** cuDNN, made on the first convolution or pooling (a dense plan never loads it). */
    private Cudnn cudnn;
    private final FloatPointer one = new FloatPointer(1f);
    private final FloatPointer zero = new FloatPointer(0f);
    private boolean closed;

    /** A device buffer: its address, size and element width. */
    private record CudaBuffer(Pointer pointer, long length, int width) implements Buffer {
        /** The address of element {@code offset}, as cuBLAS takes it. */
        FloatPointer floats(long offset) {
            return new At(pointer.address() + offset * 4);
        }
    }

    /** A pointer to a device address, with no deallocator (the buffer's owner frees the memory). */
    private static final class At extends FloatPointer {
        At(long address) {
            this.address = address;
        }
    }

    /** Whether GEMMs and convolutions run on the tensor cores in TF32 ({@code Precision.TF32}). */
    private final boolean tf32;

    /**
     * Opens GPU 0 for one worker: stream, cuBLAS handle, and the kernels compiled for {@code arch} loaded as its
     * module. What was made before a failure is freed.
     *
     * @param tf32 GEMMs and convolutions in TF32 on the tensor cores ({@code Precision.TF32}); float otherwise
     */
    CudaDevice(int arch, boolean tf32) {
        this.tf32 = tf32;
        cuda(cudaSetDevice(0), "cudaSetDevice(0)");
        cuda(cudaFree(null), "cudaFree(null), which creates the primary context");
        boolean ok = false;
        try {
            cuda(cudaStreamCreate(stream), "cudaStreamCreate");
            check(cublasCreate_v2(blas), "cublasCreate");
            check(cublasSetStream_v2(blas, stream), "cublasSetStream");
            check(cublasSetMathMode(blas, tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH),
                    "cublasSetMathMode");
            byte[] cubin = Kernels.cubin(arch);
            check(cuModuleLoadData(module, new BytePointer(cubin)), "cuModuleLoadData");
            biasActivation = function("bias_activation");
            combine = function("combine");
            softmaxCrossEntropy = function("softmax_cross_entropy");
            squaredError = function("squared_error");
            convWeights = function("conv_weights");
            addActivation = function("add_activation");
            toChannelsFirst = function("to_channels_first");
            pad = function("pad");
            copyChannels = function("copy_channels");
            bnAffine = function("bn_affine");
            channelAffine = function("channel_affine");
            layerNorm = function("layer_norm");
            gatherChannels = function("gather_channels");
            upsample = function("upsample");
            ok = true;
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    private CUfunc_st function(String name) {
        CUfunc_st f = new CUfunc_st();
        check(cuModuleGetFunction(f, module, name), "cuModuleGetFunction " + name);
        return f;
    }

    private static void current() {
        cuda(cudaSetDevice(0), "cudaSetDevice(0)");
    }

    @Override
    public Buffer floats(long n) {
        return allocate(n, 4);
    }

    @Override
    public Buffer doubles(long n) {
        return allocate(n, 8);
    }

    private Buffer allocate(long n, int width) {
        current();
        Pointer p = new Pointer();
        int rc = cudaMalloc(p, Math.max(1, n) * width);
        if (rc != 0) {
            throw new IllegalStateException("cudaMalloc of " + n * width + " bytes failed (" + rc + ", "
                    + errorString(rc) + "), " + (freeBytes() >> 20) + " MiB free on GPU 0");
        }
        return new CudaBuffer(p, n, width);
    }

    @Override
    public long freeBytes() {
        return memory()[0];
    }

    /** {free, total} bytes of GPU 0. */
    static long[] memory() {
        current();
        SizeTPointer free = new SizeTPointer(1);
        SizeTPointer total = new SizeTPointer(1);
        cuda(cudaMemGetInfo(free, total), "cudaMemGetInfo");
        return new long[] {free.get(), total.get()};
    }

    @Override
    public void upload(Buffer dst, float[] src) {
        current();
        try (FloatPointer host = new FloatPointer(src)) {
            cuda(cudaMemcpy(((CudaBuffer) dst).pointer(), host, src.length * 4L, cudaMemcpyHostToDevice),
                    "cudaMemcpy to the device");
        }
    }

    @Override
    public void combine(Buffer target, Buffer[] sources, double[] w, long n) {
        current();
        try (PointerScope scope = new PointerScope()) {
            for (int k = 0; k < sources.length; k++) {
                if (k > 0 && w[k] == 0.0) {
                    continue;
                }
                launch(combine, blocks(n), THREADS, new LongPointer(1).put(n), arg(target), arg(sources[k]),
                        new FloatPointer(1).put((float) w[k]), new IntPointer(1).put(k == 0 ? 1 : 0));
            }
        }
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, Buffer a, long aOffset, int lda, Buffer b,
                     int ldb, Buffer c, int ldc) {
        current();
        check(cublasSgemm_v2(blas, transA ? CUBLAS_OP_T : CUBLAS_OP_N, transB ? CUBLAS_OP_T : CUBLAS_OP_N, m, n, k,
                one, ((CudaBuffer) a).floats(aOffset), lda, ((CudaBuffer) b).floats(0), ldb, zero,
                ((CudaBuffer) c).floats(0), ldc), "cublasSgemm");
    }

    @Override
    public void biasActivation(Buffer x, Buffer y, int rows, int cols, Buffer bias, long biasOffset,
                               DeviceActivation act, float alpha) {
        current();
        long n = (long) rows * cols;
        try (PointerScope scope = new PointerScope()) {
            launch(biasActivation, blocks(n), THREADS, new LongPointer(1).put(n), new IntPointer(1).put(cols), arg(x),
                    arg(y), arg(bias == null ? x : bias), new LongPointer(1).put(biasOffset),
                    new IntPointer(1).put(bias == null ? 0 : 1), new IntPointer(1).put(act.code),
                    new FloatPointer(1).put(alpha));
        }
    }

    @Override
    public void softmaxCrossEntropy(Buffer z, Buffer y, int rows, int cols, double clip, Buffer results, int index) {
        current();
        try (PointerScope scope = new PointerScope()) {
            launch(softmaxCrossEntropy, 1, Kernels.REDUCTION_THREADS, new IntPointer(1).put(rows),
                    new IntPointer(1).put(cols), arg(z), arg(y), new DoublePointer(1).put(clip),
                    new DoublePointer(1).put(clip > 0 ? Math.log(clip) : 0), new DoublePointer(1).put(clip > 0
                            ? Math.log1p(-clip) : 0), arg(results), new IntPointer(1).put(index));
        }
    }

    @Override
    public void squaredError(Buffer o, Buffer y, int rows, int cols, Buffer results, int index) {
        current();
        try (PointerScope scope = new PointerScope()) {
            launch(squaredError, 1, Kernels.REDUCTION_THREADS, new IntPointer(1).put(rows),
                    new IntPointer(1).put(cols), arg(o), arg(y), arg(results), new IntPointer(1).put(index));
        }
    }

    @Override
    public void convolutionWeights(Conv g, Buffer theta, long w, long bias, Fold bn, Buffer wOut, Buffer bOut) {
        current();
        boolean fold = bn != null;
        try (PointerScope scope = new PointerScope()) {
            launch(convWeights, blocks(g.weights()), THREADS, new IntPointer(1).put(g.outC()),
                    new IntPointer(1).put(g.groupC()), new IntPointer(1).put(g.kh()), new IntPointer(1).put(g.kw()),
                    new IntPointer(1).put(g.depthwiseWeights() ? 1 : 0), arg(theta), new LongPointer(1).put(w),
                    new LongPointer(1).put(bias), new IntPointer(1).put(fold ? 1 : 0),
                    new LongPointer(1).put(fold ? bn.gamma() : -1),
                    new LongPointer(1).put(fold ? bn.beta() : -1), new LongPointer(1).put(fold ? bn.mean() : 0),
                    new LongPointer(1).put(fold ? bn.var() : 0), new IntPointer(1).put(fold && bn.logStd() ? 1 : 0),
                    new DoublePointer(1).put(fold ? bn.eps() : 0), new FloatPointer(1).put(fold ? bn.fixedGamma() : 1),
                    new FloatPointer(1).put(fold ? bn.fixedBeta() : 0), arg(wOut), arg(bOut));
        }
    }

    @Override
    public void batchNormAffine(Fold bn, int c, Buffer theta, Buffer scaleOut, Buffer shiftOut) {
        current();
        try (PointerScope scope = new PointerScope()) {
            launch(bnAffine, blocks(c), THREADS, new IntPointer(1).put(c), arg(theta),
                    new LongPointer(1).put(bn.gamma()), new LongPointer(1).put(bn.beta()),
                    new LongPointer(1).put(bn.mean()), new LongPointer(1).put(bn.var()),
                    new IntPointer(1).put(bn.logStd() ? 1 : 0), new DoublePointer(1).put(bn.eps()),
                    new FloatPointer(1).put(bn.fixedGamma()), new FloatPointer(1).put(bn.fixedBeta()), arg(scaleOut),
                    arg(shiftOut));
        }
    }

    @Override
    public void channelAffine(Buffer x, Buffer y, int rows, long pixels, int c, Buffer scale, long scaleOffset,
                              long scaleRowStride, Buffer shift, long shiftOffset) {
        current();
        long n = rows * pixels * c;
        try (PointerScope scope = new PointerScope()) {
            launch(channelAffine, blocks(n), THREADS, new LongPointer(1).put(n), new IntPointer(1).put(c),
                    new LongPointer(1).put(pixels * c), arg(x), arg(y), arg(scale), new LongPointer(1).put(scaleOffset),
                    new LongPointer(1).put(scaleRowStride), arg(shift == null ? scale : shift),
                    new LongPointer(1).put(shiftOffset), new IntPointer(1).put(shift == null ? 0 : 1));
        }
    }

    @Override
    public void layerNorm(Buffer x, Buffer y, long pixels, int c, Buffer theta, long gamma, long beta, double eps) {
        current();
        try (PointerScope scope = new PointerScope()) {
            launch(layerNorm, blocks(pixels), THREADS, new LongPointer(1).put(pixels), new IntPointer(1).put(c),
                    arg(x), arg(y), arg(theta), new LongPointer(1).put(gamma), new LongPointer(1).put(beta),
                    new DoublePointer(1).put(eps));
        }
    }

    @Override
    public void sliceChannels(Buffer x, Buffer y, long pixels, int cIn, int from, int count) {
        gather(x, y, pixels, cIn, count, from, 0);
    }

    @Override
    public void shuffleChannels(Buffer x, Buffer y, long pixels, int c, int groups) {
        gather(x, y, pixels, c, c, 0, groups);
    }

    private void gather(Buffer x, Buffer y, long pixels, int cIn, int cOut, int from, int groups) {
        current();
        try (PointerScope scope = new PointerScope()) {
            launch(gatherChannels, blocks(pixels * cOut), THREADS, new LongPointer(1).put(pixels),
                    new IntPointer(1).put(cIn), new IntPointer(1).put(cOut), new IntPointer(1).put(from),
                    new IntPointer(1).put(groups), arg(x), arg(y));
        }
    }

    @Override
    public void upsample(Buffer x, Buffer y, int rows, int c, int inH, int inW, int sh, int sw) {
        current();
        try (PointerScope scope = new PointerScope()) {
            launch(upsample, blocks((long) rows * inH * sh * inW * sw * c), THREADS, new IntPointer(1).put(rows),
                    new IntPointer(1).put(c), new IntPointer(1).put(inH), new IntPointer(1).put(inW),
                    new IntPointer(1).put(sh), new IntPointer(1).put(sw), arg(x), arg(y));
        }
    }

    @Override
    public void convolution(Conv g, int rows, Buffer x, Buffer w, Buffer bias, Buffer y, DeviceActivation act,
                            float alpha) {
        current();
        boolean relu = act == DeviceActivation.RELU;
        if (!cudnn().convolution(g, rows, pointer(x), pointer(w), pointer(bias), pointer(y), relu)) {
            biasActivation(y, y, rows * g.outH() * g.outW(), g.outC(), bias, 0, act, alpha);
        }
    }

    @Override
    public void pooling(Pool p, int rows, Buffer x, Buffer y) {
        current();
        cudnn().pooling(p, rows, pointer(x), pointer(y));
    }

    @Override
    public void add(Buffer a, Buffer b, Buffer y, long n, DeviceActivation act) {
        current();
        try (PointerScope scope = new PointerScope()) {
            launch(addActivation, blocks(n), THREADS, new LongPointer(1).put(n), arg(a), arg(b), arg(y),
                    new IntPointer(1).put(act.code));
        }
    }

    @Override
    public void toChannelsFirst(Buffer x, Buffer y, int rows, int hw, int c) {
        current();
        try (PointerScope scope = new PointerScope()) {
            launch(toChannelsFirst, blocks((long) rows * hw * c), THREADS, new IntPointer(1).put(rows),
                    new IntPointer(1).put(hw), new IntPointer(1).put(c), arg(x), arg(y));
        }
    }

    @Override
    public void pad(Buffer x, Buffer y, int rows, int c, int inH, int inW, int outH, int outW, int top, int left,
                    float fill) {
        current();
        try (PointerScope scope = new PointerScope()) {
            launch(pad, blocks((long) rows * outH * outW * c), THREADS, new IntPointer(1).put(rows),
                    new IntPointer(1).put(c), new IntPointer(1).put(inH), new IntPointer(1).put(inW),
                    new IntPointer(1).put(outH), new IntPointer(1).put(outW), new IntPointer(1).put(top),
                    new IntPointer(1).put(left), new FloatPointer(1).put(fill), arg(x), arg(y));
        }
    }

    @Override
    public void copyChannels(Buffer x, Buffer y, long pixels, int cIn, int cOut, int offset) {
        current();
        try (PointerScope scope = new PointerScope()) {
            launch(copyChannels, blocks(pixels * cIn), THREADS, new LongPointer(1).put(pixels),
                    new IntPointer(1).put(cIn), new IntPointer(1).put(cOut), new IntPointer(1).put(offset), arg(x),
                    arg(y));
        }
    }

    private Cudnn cudnn() {
        if (cudnn == null) {
            cudnn = new Cudnn(stream, tf32, bytes -> ((CudaBuffer) allocate((bytes + 3) / 4, 4)).pointer(),
                    p -> cuda(cudaFree(p), "cudaFree of cuDNN's workspace"));
        }
        return cudnn;
    }

    private static Pointer pointer(Buffer b) {
        return ((CudaBuffer) b).pointer();
    }

    @Override
    public double[] read(Buffer b, int n) {
        current();
        try (DoublePointer host = new DoublePointer(n)) {
            cuda(cudaMemcpyAsync(host, ((CudaBuffer) b).pointer(), n * 8L, cudaMemcpyDeviceToHost, stream),
                    "cudaMemcpyAsync to the host");
            cuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
            double[] out = new double[n];
            host.get(out);
            return out;
        }
    }

    @Override
    public float[] readFloats(Buffer b, int n) {
        current();
        try (FloatPointer host = new FloatPointer(n)) {
            cuda(cudaMemcpyAsync(host, ((CudaBuffer) b).pointer(), n * 4L, cudaMemcpyDeviceToHost, stream),
                    "cudaMemcpyAsync to the host");
            cuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
            float[] out = new float[n];
            host.get(out);
            return out;
        }
    }

    @Override
    public void free(Buffer b) {
        current();
        cuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
        cuda(cudaFree(((CudaBuffer) b).pointer()), "cudaFree");
    }

    /** Frees the module, the cuBLAS handle and the stream (idempotent); the buffers must have been freed. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        current();
        if (!stream.isNull()) {
            cudaStreamSynchronize(stream);
        }
        if (cudnn != null) {
            cudnn.close();
        }
        if (!module.isNull()) {
            cuModuleUnload(module);
        }
        if (!blas.isNull()) {
            cublasDestroy_v2(blas);
        }
        if (!stream.isNull()) {
            cudaStreamDestroy(stream);
        }
        one.close();
        zero.close();
    }

    private static int blocks(long n) {
        return (int) Math.max(1, Math.min(MAX_BLOCKS, (n + THREADS - 1) / THREADS));
    }

    /** A host slot holding a buffer's device address: what cuLaunchKernel takes for a pointer argument. */
    private static Pointer arg(Buffer b) {
        return new PointerPointer<Pointer>(1).put(0, ((CudaBuffer) b).pointer());
    }

    private void launch(CUfunc_st f, int blocks, int threads, Pointer... args) {
        PointerPointer<Pointer> params = new PointerPointer<>(args.length);
        for (int i = 0; i < args.length; i++) {
            params.put(i, args[i]);
        }
        check(cuLaunchKernel(f, blocks, 1, 1, threads, 1, 1, 0, stream, params, (PointerPointer<?>) null),
                "cuLaunchKernel");
    }

    static void check(long rc, String what) {
        if (rc != 0) {
            throw new IllegalStateException(what + " returned " + rc);
        }
    }

    static void cuda(int rc, String what) {
        if (rc != 0) {
            throw new IllegalStateException(what + " returned " + rc + " (" + errorString(rc) + ")");
        }
    }

    private static String errorString(int rc) {
        try {
            return cudaGetErrorString(rc).getString();
        } catch (RuntimeException | LinkageError e) {
            return "?";
        }
    }
}

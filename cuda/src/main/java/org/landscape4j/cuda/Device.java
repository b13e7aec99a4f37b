package org.landscape4j.cuda;

/**
 * What the CUDA plan asks of a device, one worker's: buffers and the few operations its steps are made of. The plan
 * is written against this, so that the same steps, offsets and leading dimensions run on the GPU ({@link CudaDevice}:
 * cuBLAS and NVRTC kernels on the worker's stream) and, in the tests of this module, on a plain-Java device that runs
 * without a GPU. Matrices follow cuBLAS: column-major; a row-major {@code [rows, cols]} activation is a column-major
 * {@code cols × rows} matrix with leading dimension {@code cols}.
 */
interface Device extends AutoCloseable {

    /** A buffer on the device, of floats or doubles. */
    interface Buffer {
        /** Its number of elements. */
        long length();
    }

    /** A new buffer of {@code n} floats (contents undefined). */
    Buffer floats(long n);

    /** A new buffer of {@code n} doubles (contents undefined). */
    Buffer doubles(long n);

    /** The bytes still free on the device, for the refusal of a worker that would not fit. */
    long freeBytes();

    /** Copies {@code src} to the start of {@code dst}. */
    void upload(Buffer dst, float[] src);

    /**
     * {@code target = Σ w_k sources[k]} in float: {@code sources[0]} scaled by {@code w[0]} when it is not 1, then
     * {@code w_k · sources[k]} added for every non-zero {@code w_k} (the order of the CPU's combination).
     */
    void combine(Buffer target, Buffer[] sources, double[] w);

    /**
     * {@code C = op(A) · op(B)} in float, column-major ({@code m × n}, inner dimension {@code k}), {@code A} starting at
     * element {@code aOffset} of {@code a}: cuBLAS's SGEMM with alpha 1 and beta 0, no TF32.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, Buffer a, long aOffset, int lda, Buffer b, int ldb,
              Buffer c, int ldc);

    /**
     * {@code y[r, c] = act(x[r, c] + bias[biasOffset + c])} over row-major {@code [rows, cols]} ({@code bias null}:
     * no bias; {@code x} may be {@code y}).
     */
    void biasActivation(Buffer x, Buffer y, int rows, int cols, Buffer bias, long biasOffset, DeviceActivation act,
                        float alpha);

    /**
     * Softmax cross-entropy of the logits {@code z} ({@code [rows, cols]}) against the labels {@code y}, DL4J's
     * clipping {@code clip} (0: none): writes {@code results[2·index] = Σ_rows loss} and
     * {@code results[2·index + 1] =} the number of rows whose first arg-max agrees with the label's, both in double.
     */
    void softmaxCrossEntropy(Buffer z, Buffer y, int rows, int cols, double clip, Buffer results, int index);

    /**
     * Mean squared error of the outputs {@code o} ({@code [rows, cols]}) against {@code y}: writes
     * {@code results[2·index] = Σ_rows (Σ_cols (o − y)²) / cols} and {@code results[2·index + 1] =} the rows whose
     * arg-max agrees, in double.
     */
    void squaredError(Buffer o, Buffer y, int rows, int cols, Buffer results, int index);

    /** The first {@code n} doubles of {@code b}, after every operation queued before has finished. */
    double[] read(Buffer b, int n);

    /** The first {@code n} floats of {@code b}, after every operation queued before has finished. */
    float[] readFloats(Buffer b, int n);

    /** Frees {@code b}; it must not be used afterwards. */
    void free(Buffer b);

    /** Frees the device's own handles, stream and module (not the buffers: their owner frees them first). */
    @Override
    void close();
}

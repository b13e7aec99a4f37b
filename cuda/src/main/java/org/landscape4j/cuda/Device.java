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
     * {@code target = Σ w_k sources[k]} over the first {@code n} floats: {@code sources[0]} scaled by {@code w[0]} when
     * it is not 1, then {@code w_k · sources[k]} added for every non-zero {@code w_k} (the order of the CPU's
     * combination): a point's θ, or its first layer's pre-activation from the products.
     */
    void combine(Buffer target, Buffer[] sources, double[] w, long n);

    /**
     * {@code C = op(A) · op(B)} in float, column-major ({@code m × n}, inner dimension {@code k}), {@code A} starting at
     * element {@code aOffset} of {@code a}: cuBLAS's SGEMM with alpha 1 and beta 0, in the device's precision (no
     * TF32 unless the device was opened for {@code Precision.TF32}).
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

    /**
     * A 2D convolution's geometry over NHWC images: per example {@code [inH, inW, inC]} to {@code [outH, outW, outC]},
     * symmetric padding {@code ph, pw}, in {@code groups} groups (1: a plain convolution; {@code inC}: depthwise),
     * output channel {@code k} reading the {@code inC / groups} input channels of group {@code k / (outC / groups)};
     * its weights as the device reads them are KRSC ({@code [outC, kh, kw, inC / groups]}). In θ they are DL4J's
     * {@code [outC, inC / groups, kh, kw]} ('c' order), or with {@code depthwiseWeights} DL4J's depthwise
     * {@code [kh, kw, inC, outC / inC]}, whose output channel {@code c · multiplier + m} reads input channel {@code c}.
     */
    record Conv(int inC, int inH, int inW, int outC, int outH, int outW, int kh, int kw, int sh, int sw, int ph, int pw,
                int dh, int dw, int groups, boolean depthwiseWeights) {
        /** The input channels each filter reads. */
        int groupC() {
            return inC / groups;
        }

        /** The floats of its KRSC weights. */
        long weights() {
            return (long) outC * kh * kw * groupC();
        }
    }

    /**
     * A pooling window's geometry over NHWC images of {@code c} channels (a global pooling: the whole image, stride 1,
     * no padding); {@code max}: the maximum over the window without its padding, else the mean over the window.
     */
    record Pool(boolean max, int c, int inH, int inW, int outH, int outW, int kh, int kw, int sh, int sw, int ph,
                int pw) {
    }

    /**
     * Where a batch norm folded into a convolution reads its parameters in θ: γ, β ({@code -1}: the fixed values,
     * DL4J's locked γ and β), the mean, and the variance, or DL4J's log10 of the standard deviation when
     * {@code logStd}; {@code y = γ (x − mean) / sqrt(var + eps) + β}.
     */
    record Fold(long gamma, long beta, long mean, long var, boolean logStd, double eps, float fixedGamma,
                float fixedBeta) {
    }

    /**
     * The convolution's weights for this point: its DL4J layout ({@link Conv}) at {@code w} in θ,
     * reordered to KRSC into {@code wOut}, and its bias at {@code bias} in θ ({@code -1}: none, zero) into
     * {@code bOut}; with {@code bn} (or {@code null}) folded in: weights scaled by γ / sqrt(var + eps) per output
     * channel, bias {@code (b − mean)·scale + β}.
     */
    void convolutionWeights(Conv g, Buffer theta, long w, long bias, Fold bn, Buffer wOut, Buffer bOut);

    /**
     * {@code y = act(conv(x, w) + bias)} over {@code rows} NHWC examples, KRSC weights, in float (no TF32 unless the
     * device was opened for {@code Precision.TF32}): cuDNN on the GPU.
     */
    void convolution(Conv g, int rows, Buffer x, Buffer w, Buffer bias, Buffer y, DeviceActivation act, float alpha);

    /**
     * A batch norm that no convolution absorbs, as a per-channel affine map for this point: {@code scale[k] =
     * γ / sqrt(var + eps)}, {@code shift[k] = β − mean · scale} over {@code c} channels, into the first {@code c}
     * floats of {@code scaleOut} and {@code shiftOut} (the fold's formula, {@link #convolutionWeights}).
     */
    void batchNormAffine(Fold bn, int c, Buffer theta, Buffer scaleOut, Buffer shiftOut);

    /**
     * {@code y = x · scale + shift} per channel over {@code rows} examples of {@code pixels} pixels of {@code c}
     * channels (NHWC images, or rows of features): channel {@code k} of example {@code n} is scaled by
     * {@code scale[scaleOffset + n · scaleRowStride + k]} (stride 0: the same scale for every example, a batch norm's
     * or a layer scale's; {@code c}: a per-example gate) and shifted by {@code shift[shiftOffset + k]}
     * ({@code shift null}: none). {@code y} may be {@code x}.
     */
    void channelAffine(Buffer x, Buffer y, int rows, long pixels, int c, Buffer scale, long scaleOffset,
                       long scaleRowStride, Buffer shift, long shiftOffset);

    /**
     * Layer normalization over the {@code c} channels of each of {@code pixels} pixels (or rows of features):
     * {@code y = (x − mean) / sqrt(var + eps) · γ + β}, the biased variance, γ and β at {@code gamma}, {@code beta}
     * in θ.
     */
    void layerNorm(Buffer x, Buffer y, long pixels, int c, Buffer theta, long gamma, long beta, double eps);

    /**
     * Channels {@code from .. from + count - 1} of the {@code cIn} of each of {@code pixels} pixels of {@code x} into
     * {@code y} (a channel slice).
     */
    void sliceChannels(Buffer x, Buffer y, long pixels, int cIn, int from, int count);

    /**
     * ShuffleNet's channel shuffle of {@code pixels} pixels of {@code c} channels in {@code groups} groups: output
     * channel {@code a · groups + b} is input channel {@code b · (c / groups) + a}.
     */
    void shuffleChannels(Buffer x, Buffer y, long pixels, int c, int groups);

    /**
     * Nearest-neighbour upsampling of {@code rows} NHWC examples {@code [inH, inW, c]} by {@code sh × sw} (DL4J's
     * {@code Upsampling2D}).
     */
    void upsample(Buffer x, Buffer y, int rows, int c, int inH, int inW, int sh, int sw);

    /** Pooling of {@code rows} NHWC examples from {@code x} into {@code y}: cuDNN on the GPU. */
    void pooling(Pool p, int rows, Buffer x, Buffer y);

    /** {@code y = act(a + b)} over the first {@code n} floats ({@code y} may be {@code a} or {@code b}). */
    void add(Buffer a, Buffer b, Buffer y, long n, DeviceActivation act);

    /**
     * Padding of {@code rows} NHWC examples {@code [inH, inW, c]} into {@code [outH, outW, c]}, the input's first
     * pixel at {@code (top, left)}, every other value {@code fill} (0 for a zero padding layer or a convolution,
     * -∞ before a max pooling).
     */
    void pad(Buffer x, Buffer y, int rows, int c, int inH, int inW, int outH, int outW, int top, int left, float fill);

    /**
     * The {@code cIn} channels of {@code pixels} pixels of {@code x} (NHWC images, or rows of features) into
     * channels {@code offset .. offset + cIn - 1} of {@code y}'s {@code cOut}: a merge vertex's concatenation.
     */
    void copyChannels(Buffer x, Buffer y, long pixels, int cIn, int cOut, int offset);

    /** {@code rows} NHWC examples of {@code hw} pixels and {@code c} channels into NCHW order (DL4J's flattening). */
    void toChannelsFirst(Buffer x, Buffer y, int rows, int hw, int c);

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

package org.landscape4j.cuda;

/**
 * A {@link Device} in plain Java, for the tests of this module on machines without a GPU: the same operations with
 * the same arguments as {@link CudaDevice} (column-major GEMM with its transposes, offsets and leading dimensions; the
 * kernels' formulas), so that the CUDA plan's steps are checked against DL4J here. It counts live buffers, so tests
 * see that a worker frees what it allocated.
 */
final class HostDevice implements Device {

    /** Live buffers of all host devices. */
    static final java.util.concurrent.atomic.AtomicInteger LIVE = new java.util.concurrent.atomic.AtomicInteger();

    private record Floats(float[] v) implements Buffer {
        public long length() {
            return v.length;
        }
    }

    private record Doubles(double[] v) implements Buffer {
        public long length() {
            return v.length;
        }
    }

    boolean closed;

    /** Whether GEMM and convolution operands are rounded to TF32 first, as the tensor cores read them. */
    private final boolean tf32;

    /** A device in float. */
    HostDevice() {
        this(false);
    }

    /** @param tf32 GEMMs and convolutions read their operands rounded to TF32 ({@code Precision.TF32}) */
    HostDevice(boolean tf32) {
        this.tf32 = tf32;
    }

    /**
     * {@code v} as a TF32 tensor core reads it: rounded to 10 bits of mantissa, to nearest with ties away from zero
     * (PTX's {@code cvt.rna.tf32.f32}), in float {@code v} itself.
     */
    private float operand(float v) {
        if (!tf32 || !Float.isFinite(v)) {
            return v;
        }
        return Float.intBitsToFloat((Float.floatToRawIntBits(v) + 0x1000) & 0xFFFFE000);
    }

    @Override
    public Buffer floats(long n) {
        LIVE.incrementAndGet();
        return new Floats(new float[Math.toIntExact(n)]);
    }

    @Override
    public Buffer doubles(long n) {
        LIVE.incrementAndGet();
        return new Doubles(new double[Math.toIntExact(n)]);
    }

    @Override
    public long freeBytes() {
        return Long.MAX_VALUE;
    }

    @Override
    public void upload(Buffer dst, float[] src) {
        System.arraycopy(src, 0, f(dst), 0, src.length);
    }

    @Override
    public void combine(Buffer target, Buffer[] sources, double[] w, long n) {
        float[] t = f(target);
        for (int k = 0; k < sources.length; k++) {
            if (k > 0 && w[k] == 0.0) {
                continue;
            }
            float[] s = f(sources[k]);
            float wk = (float) w[k];
            for (int i = 0; i < n; i++) {
                t[i] = k == 0 ? (wk == 1f ? s[i] : s[i] * wk) : Math.fma(wk, s[i], t[i]);
            }
        }
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, Buffer a, long aOffset, int lda, Buffer b,
                     int ldb, Buffer c, int ldc) {
        float[] av = f(a);
        float[] bv = f(b);
        float[] cv = f(c);
        int ao = Math.toIntExact(aOffset);
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                float s = 0;
                for (int p = 0; p < k; p++) {
                    float x = operand(transA ? av[ao + p + i * lda] : av[ao + i + p * lda]);
                    float y = operand(transB ? bv[j + p * ldb] : bv[p + j * ldb]);
                    s += x * y;
                }
                cv[i + j * ldc] = s;
            }
        }
    }

    @Override
    public void biasActivation(Buffer x, Buffer y, int rows, int cols, Buffer bias, long biasOffset,
                               DeviceActivation act, float alpha) {
        float[] xv = f(x);
        float[] yv = f(y);
        float[] bv = bias == null ? null : f(bias);
        long n = (long) rows * cols;
        for (int i = 0; i < n; i++) {
            float v = xv[i];
            if (bv != null) {
                v += bv[Math.toIntExact(biasOffset + i % cols)];
            }
            yv[i] = activate(v, act, alpha);
        }
    }

    private static float activate(float v, DeviceActivation act, float alpha) {
        return switch (act) {
            case IDENTITY -> v;
            case RELU -> v > 0 ? v : 0;
            case LEAKY_RELU -> v > 0 ? v : alpha * v;
            case TANH -> (float) Math.tanh(v);
            case SIGMOID -> (float) (1 / (1 + Math.exp(-v)));
            case ELU -> v >= 0 ? v : (float) (alpha * (Math.exp(v) - 1));
            case SOFTPLUS -> (float) Math.log(1 + Math.exp(v));
            case HARD_TANH -> Math.min(1f, Math.max(-1f, v));
            case RELU6 -> Math.min(6f, Math.max(0f, v));
            case SWISH -> (float) (v / (1 + Math.exp(-v)));
            case GELU -> (float) (0.5 * v * (1 + org.apache.commons.math3.special.Erf.erf(v / Math.sqrt(2))));
            case HARD_SIGMOID -> Math.min(1f, Math.max(0f, v / 6f + 0.5f));
            case HARD_SWISH -> v * Math.min(1f, Math.max(0f, v / 6f + 0.5f));
        };
    }

    private static int argMax(float[] v, int from, int cols) {
        int best = 0;
        for (int c = 1; c < cols; c++) {
            if (v[from + c] > v[from + best]) {
                best = c;
            }
        }
        return best;
    }

    @Override
    public void softmaxCrossEntropy(Buffer z, Buffer y, int rows, int cols, double clip, Buffer results, int index) {
        float[] zv = f(z);
        float[] yv = f(y);
        double loss = 0;
        double correct = 0;
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            int best = argMax(zv, o, cols);
            if (best == argMax(yv, o, cols)) {
                correct++;
            }
            double max = zv[o + best];
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += Math.exp(zv[o + c] - max);
            }
            double logSum = Math.log(sum);
            for (int c = 0; c < cols; c++) {
                if (yv[o + c] != 0) {
                    double logP = (zv[o + c] - max) - logSum;
                    if (clip > 0) {
                        logP = Math.min(Math.max(logP, Math.log(clip)), Math.log1p(-clip));
                    }
                    loss -= yv[o + c] * logP;
                }
            }
        }
        d(results)[2 * index] = loss;
        d(results)[2 * index + 1] = correct;
    }

    @Override
    public void squaredError(Buffer o, Buffer y, int rows, int cols, Buffer results, int index) {
        float[] ov = f(o);
        float[] yv = f(y);
        double loss = 0;
        double correct = 0;
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            if (argMax(ov, off, cols) == argMax(yv, off, cols)) {
                correct++;
            }
            double s = 0;
            for (int c = 0; c < cols; c++) {
                double diff = (double) ov[off + c] - yv[off + c];
                s += diff * diff;
            }
            loss += s / cols;
        }
        d(results)[2 * index] = loss;
        d(results)[2 * index + 1] = correct;
    }

    /** {scale, shift} of batch norm {@code bn}'s channel {@code k}, the kernel's formula. */
    private static double[] scaleShift(Fold bn, float[] t, int k) {
        double gamma = bn.gamma() < 0 ? bn.fixedGamma() : t[Math.toIntExact(bn.gamma() + k)];
        double beta = bn.beta() < 0 ? bn.fixedBeta() : t[Math.toIntExact(bn.beta() + k)];
        double v = t[Math.toIntExact(bn.var() + k)];
        double var = bn.logStd() ? Math.pow(Math.pow(10, v), 2) : v;
        double scale = gamma / Math.sqrt(var + bn.eps());
        return new double[] {scale, beta - t[Math.toIntExact(bn.mean() + k)] * scale};
    }

    @Override
    public void convolutionWeights(Conv g, Buffer theta, long w, long bias, Fold bn, Buffer wOut, Buffer bOut) {
        float[] t = f(theta);
        float[] wo = f(wOut);
        float[] bo = f(bOut);
        int gc = g.groupC();
        int per = gc * g.kh() * g.kw();
        for (int k = 0; k < g.outC(); k++) {
            double[] ss = bn == null ? new double[] {1, 0} : scaleShift(bn, t, k);
            double b = bias < 0 ? 0 : t[Math.toIntExact(bias + k)];
            bo[k] = (float) (b * ss[0] + ss[1]);
            for (int c = 0; c < gc; c++) {
                for (int r = 0; r < g.kh(); r++) {
                    for (int q = 0; q < g.kw(); q++) {
                        long from = g.depthwiseWeights() ? w + ((long) r * g.kw() + q) * g.outC() + k
                                : w + (long) k * per + (c * g.kh() + r) * g.kw() + q;
                        wo[((k * g.kh() + r) * g.kw() + q) * gc + c] = (float) (t[Math.toIntExact(from)] * ss[0]);
                    }
                }
            }
        }
    }

    @Override
    public void convolution(Conv g, int rows, Buffer x, Buffer w, Buffer bias, Buffer y, DeviceActivation act,
                            float alpha) {
        float[] xv = f(x);
        float[] wv = f(w);
        float[] bv = f(bias);
        float[] yv = f(y);
        int gc = g.groupC();
        int perGroup = g.outC() / g.groups();
        int inPer = g.inH() * g.inW() * g.inC();
        int outPer = g.outH() * g.outW() * g.outC();
        for (int n = 0; n < rows; n++) {
            for (int oh = 0; oh < g.outH(); oh++) {
                for (int ow = 0; ow < g.outW(); ow++) {
                    for (int k = 0; k < g.outC(); k++) {
                        int first = (k / perGroup) * gc;
                        double s = 0;
                        for (int r = 0; r < g.kh(); r++) {
                            int ih = oh * g.sh() - g.ph() + r * g.dh();
                            if (ih < 0 || ih >= g.inH()) {
                                continue;
                            }
                            for (int q = 0; q < g.kw(); q++) {
                                int iw = ow * g.sw() - g.pw() + q * g.dw();
                                if (iw < 0 || iw >= g.inW()) {
                                    continue;
                                }
                                int xo = n * inPer + (ih * g.inW() + iw) * g.inC() + first;
                                int wo = ((k * g.kh() + r) * g.kw() + q) * gc;
                                for (int c = 0; c < gc; c++) {
                                    s += operand(xv[xo + c]) * operand(wv[wo + c]);
                                }
                            }
                        }
                        yv[n * outPer + (oh * g.outW() + ow) * g.outC() + k] = activate((float) s + bv[k], act, alpha);
                    }
                }
            }
        }
    }

    @Override
    public void batchNormAffine(Fold bn, int c, Buffer theta, Buffer scaleOut, Buffer shiftOut) {
        for (int k = 0; k < c; k++) {
            double[] ss = scaleShift(bn, f(theta), k);
            f(scaleOut)[k] = (float) ss[0];
            f(shiftOut)[k] = (float) ss[1];
        }
    }

    @Override
    public void channelAffine(Buffer x, Buffer y, int rows, long pixels, int c, Buffer scale, long scaleOffset,
                              long scaleRowStride, Buffer shift, long shiftOffset) {
        float[] xv = f(x);
        float[] yv = f(y);
        float[] sv = f(scale);
        long n = rows * pixels * c;
        for (int i = 0; i < n; i++) {
            int k = i % c;
            float v = xv[i] * sv[Math.toIntExact(scaleOffset + i / (pixels * c) * scaleRowStride + k)];
            if (shift != null) {
                v += f(shift)[Math.toIntExact(shiftOffset + k)];
            }
            yv[i] = v;
        }
    }

    @Override
    public void layerNorm(Buffer x, Buffer y, long pixels, int c, Buffer theta, long gamma, long beta, double eps) {
        float[] xv = f(x);
        float[] yv = f(y);
        float[] t = f(theta);
        for (int p = 0; p < pixels; p++) {
            double mean = 0;
            double var = 0;
            for (int k = 0; k < c; k++) {
                mean += xv[p * c + k];
            }
            mean /= c;
            for (int k = 0; k < c; k++) {
                var += (xv[p * c + k] - mean) * (xv[p * c + k] - mean);
            }
            double inv = 1 / Math.sqrt(var / c + eps);
            for (int k = 0; k < c; k++) {
                yv[p * c + k] = (float) ((xv[p * c + k] - mean) * inv * t[Math.toIntExact(gamma + k)]
                        + t[Math.toIntExact(beta + k)]);
            }
        }
    }

    @Override
    public void sliceChannels(Buffer x, Buffer y, long pixels, int cIn, int from, int count) {
        for (int p = 0; p < pixels; p++) {
            System.arraycopy(f(x), p * cIn + from, f(y), p * count, count);
        }
    }

    @Override
    public void shuffleChannels(Buffer x, Buffer y, long pixels, int c, int groups) {
        for (int p = 0; p < pixels; p++) {
            for (int j = 0; j < c; j++) {
                f(y)[p * c + j] = f(x)[p * c + (j % groups) * (c / groups) + j / groups];
            }
        }
    }

    @Override
    public void upsample(Buffer x, Buffer y, int rows, int c, int inH, int inW, int sh, int sw) {
        int outH = inH * sh;
        int outW = inW * sw;
        for (int n = 0; n < rows; n++) {
            for (int h = 0; h < outH; h++) {
                for (int w = 0; w < outW; w++) {
                    System.arraycopy(f(x), ((n * inH + h / sh) * inW + w / sw) * c, f(y),
                            ((n * outH + h) * outW + w) * c, c);
                }
            }
        }
    }

    @Override
    public void pooling(Pool p, int rows, Buffer x, Buffer y) {
        float[] xv = f(x);
        float[] yv = f(y);
        int inPer = p.inH() * p.inW() * p.c();
        int outPer = p.outH() * p.outW() * p.c();
        for (int n = 0; n < rows; n++) {
            for (int oh = 0; oh < p.outH(); oh++) {
                for (int ow = 0; ow < p.outW(); ow++) {
                    for (int c = 0; c < p.c(); c++) {
                        double s = p.max() ? Double.NEGATIVE_INFINITY : 0;
                        for (int r = 0; r < p.kh(); r++) {
                            int ih = oh * p.sh() - p.ph() + r;
                            for (int q = 0; q < p.kw(); q++) {
                                int iw = ow * p.sw() - p.pw() + q;
                                if (ih < 0 || ih >= p.inH() || iw < 0 || iw >= p.inW()) {
                                    continue;
                                }
                                float v = xv[n * inPer + (ih * p.inW() + iw) * p.c() + c];
                                s = p.max() ? Math.max(s, v) : s + v;
                            }
                        }
                        yv[n * outPer + (oh * p.outW() + ow) * p.c() + c] = (float) (p.max() ? s
                                : s / (p.kh() * p.kw()));
                    }
                }
            }
        }
    }

    @Override
    public void add(Buffer a, Buffer b, Buffer y, long n, DeviceActivation act) {
        float[] av = f(a);
        float[] bv = f(b);
        float[] yv = f(y);
        for (int i = 0; i < n; i++) {
            yv[i] = activate(av[i] + bv[i], act, 0f);
        }
    }

    @Override
    public void toChannelsFirst(Buffer x, Buffer y, int rows, int hw, int c) {
        float[] xv = f(x);
        float[] yv = f(y);
        for (int n = 0; n < rows; n++) {
            for (int p = 0; p < hw; p++) {
                for (int k = 0; k < c; k++) {
                    yv[(n * c + k) * hw + p] = xv[(n * hw + p) * c + k];
                }
            }
        }
    }

    @Override
    public void pad(Buffer x, Buffer y, int rows, int c, int inH, int inW, int outH, int outW, int top, int left,
                    float fill) {
        float[] xv = f(x);
        float[] yv = f(y);
        for (int n = 0; n < rows; n++) {
            for (int h = 0; h < outH; h++) {
                for (int w = 0; w < outW; w++) {
                    for (int k = 0; k < c; k++) {
                        int ih = h - top;
                        int iw = w - left;
                        yv[((n * outH + h) * outW + w) * c + k] = ih < 0 || ih >= inH || iw < 0 || iw >= inW ? fill
                                : xv[((n * inH + ih) * inW + iw) * c + k];
                    }
                }
            }
        }
    }

    @Override
    public void copyChannels(Buffer x, Buffer y, long pixels, int cIn, int cOut, int offset) {
        float[] xv = f(x);
        float[] yv = f(y);
        for (int p = 0; p < pixels; p++) {
            System.arraycopy(xv, p * cIn, yv, p * cOut + offset, cIn);
        }
    }

    @Override
    public double[] read(Buffer b, int n) {
        return java.util.Arrays.copyOf(d(b), n);
    }

    @Override
    public float[] readFloats(Buffer b, int n) {
        return java.util.Arrays.copyOf(f(b), n);
    }

    @Override
    public void free(Buffer b) {
        LIVE.decrementAndGet();
    }

    @Override
    public void close() {
        closed = true;
    }

    private static float[] f(Buffer b) {
        return ((Floats) b).v();
    }

    private static double[] d(Buffer b) {
        return ((Doubles) b).v();
    }
}

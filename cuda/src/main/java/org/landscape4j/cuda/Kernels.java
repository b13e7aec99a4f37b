package org.landscape4j.cuda;

import static org.bytedeco.cuda.global.nvrtc.nvrtcCompileProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcCreateProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcDestroyProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetCUBIN;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetCUBINSize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetProgramLog;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetProgramLogSize;

import java.util.HashMap;
import java.util.Map;

import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * The CUDA plan's own kernels, compiled by NVRTC once per process and GPU architecture into a cubin that each
 * worker's {@link CudaDevice} loads as its module. Element-wise kernels loop over a grid stride; the reductions run in
 * one block of {@value #REDUCTION_THREADS} threads, each summing its rows in double, then a tree in shared memory, so
 * the same inputs give the same bits on every run (no atomics).
 */
final class Kernels {

    /** Threads of a reduction's single block (a power of two: the tree halves it). */
    static final int REDUCTION_THREADS = 256;

    static final String SOURCE = """
            __device__ float activate(float v, int act, float alpha) {
              switch (act) {
                case 0: return v;
                case 1: return v > 0.f ? v : 0.f;
                case 2: return v > 0.f ? v : alpha * v;
                case 3: return tanhf(v);
                case 4: return 1.f / (1.f + expf(-v));
                case 5: return v >= 0.f ? v : alpha * (expf(v) - 1.f);
                case 6: return logf(1.f + expf(v));
                case 7: return fminf(1.f, fmaxf(-1.f, v));
                case 8: return fminf(6.f, fmaxf(0.f, v));
                case 9: return v / (1.f + expf(-v));
                case 10: return 0.5f * v * (1.f + erff(v * 0.70710678118654752f));
                case 11: return fminf(1.f, fmaxf(0.f, v / 6.f + 0.5f));
                case 12: return v * fminf(1.f, fmaxf(0.f, v / 6.f + 0.5f));
                default: return __int_as_float(0x7fc00000);
              }
            }

            extern "C" __global__ void bias_activation(long long n, int cols, const float* x, float* y,
                const float* bias, long long biasOffset, int hasBias, int act, float alpha) {
              for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
                   i += (long long) gridDim.x * blockDim.x) {
                float v = x[i];
                if (hasBias) v += bias[biasOffset + i % cols];
                y[i] = activate(v, act, alpha);
              }
            }

            extern "C" __global__ void combine(long long n, float* target, const float* source, float w, int first) {
              for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
                   i += (long long) gridDim.x * blockDim.x) {
                if (first) target[i] = w == 1.f ? source[i] : source[i] * w;
                else target[i] = fmaf(w, source[i], target[i]);
              }
            }

            __device__ void bn_scale_shift(const float* theta, int k, long long gamma, long long beta,
                long long mean, long long var, int logStd, double eps, float fixedGamma, float fixedBeta,
                double* scale, double* shift) {
              double g = gamma < 0 ? (double) fixedGamma : (double) theta[gamma + k];
              double b = beta < 0 ? (double) fixedBeta : (double) theta[beta + k];
              double v = theta[var + k];
              double variance = logStd ? pow(pow(10.0, v), 2.0) : v;
              *scale = g / sqrt(variance + eps);
              *shift = b - (double) theta[mean + k] * *scale;
            }

            // groupC: the input channels of one filter; depthwise: DL4J's [kh, kw, inC, multiplier] weights
            extern "C" __global__ void conv_weights(int outC, int groupC, int kh, int kw, int depthwise,
                const float* theta, long long w, long long bias, int fold, long long gamma, long long beta,
                long long mean, long long var, int logStd, double eps, float fixedGamma, float fixedBeta, float* wOut,
                float* bOut) {
              long long per = (long long) groupC * kh * kw;
              long long n = outC * per;
              for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
                   i += (long long) gridDim.x * blockDim.x) {
                int c = (int) (i % groupC);
                long long t = i / groupC;
                int q = (int) (t % kw);
                t /= kw;
                int r = (int) (t % kh);
                int k = (int) (t / kh);
                double scale = 1.0, shift = 0.0;
                if (fold) bn_scale_shift(theta, k, gamma, beta, mean, var, logStd, eps, fixedGamma, fixedBeta,
                    &scale, &shift);
                long long from = depthwise ? w + ((long long) r * kw + q) * outC + k
                    : w + k * per + ((long long) c * kh + r) * kw + q;
                wOut[i] = (float) ((double) theta[from] * scale);
                if (c == 0 && r == 0 && q == 0) {
                  double b0 = bias < 0 ? 0.0 : (double) theta[bias + k];
                  bOut[k] = (float) (b0 * scale + shift);
                }
              }
            }

            extern "C" __global__ void bn_affine(int c, const float* theta, long long gamma, long long beta,
                long long mean, long long var, int logStd, double eps, float fixedGamma, float fixedBeta,
                float* scaleOut, float* shiftOut) {
              for (int k = blockIdx.x * blockDim.x + threadIdx.x; k < c; k += gridDim.x * blockDim.x) {
                double scale, shift;
                bn_scale_shift(theta, k, gamma, beta, mean, var, logStd, eps, fixedGamma, fixedBeta, &scale, &shift);
                scaleOut[k] = (float) scale;
                shiftOut[k] = (float) shift;
              }
            }

            extern "C" __global__ void channel_affine(long long n, int c, long long perRow, const float* x, float* y,
                const float* scale, long long scaleOffset, long long scaleRowStride, const float* shift,
                long long shiftOffset, int hasShift) {
              for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
                   i += (long long) gridDim.x * blockDim.x) {
                int k = (int) (i % c);
                float v = x[i] * scale[scaleOffset + (i / perRow) * scaleRowStride + k];
                if (hasShift) v += shift[shiftOffset + k];
                y[i] = v;
              }
            }

            // one thread per pixel: mean and biased variance over its c channels in double
            extern "C" __global__ void layer_norm(long long pixels, int c, const float* x, float* y,
                const float* theta, long long gamma, long long beta, double eps) {
              for (long long p = blockIdx.x * (long long) blockDim.x + threadIdx.x; p < pixels;
                   p += (long long) gridDim.x * blockDim.x) {
                const float* xp = x + p * c;
                double mean = 0, var = 0;
                for (int k = 0; k < c; k++) mean += xp[k];
                mean /= c;
                for (int k = 0; k < c; k++) var += ((double) xp[k] - mean) * ((double) xp[k] - mean);
                double inv = 1.0 / sqrt(var / c + eps);
                for (int k = 0; k < c; k++) {
                  y[p * c + k] = (float) (((double) xp[k] - mean) * inv * theta[gamma + k] + theta[beta + k]);
                }
              }
            }

            // groups > 0: ShuffleNet's shuffle of cIn = cOut channels; else the slice from .. from + cOut - 1
            extern "C" __global__ void gather_channels(long long pixels, int cIn, int cOut, int from, int groups,
                const float* x, float* y) {
              long long n = pixels * cOut;
              for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
                   i += (long long) gridDim.x * blockDim.x) {
                int j = (int) (i % cOut);
                int src = groups > 0 ? (j % groups) * (cIn / groups) + j / groups : from + j;
                y[i] = x[(i / cOut) * cIn + src];
              }
            }

            extern "C" __global__ void upsample(int rows, int c, int inH, int inW, int sh, int sw, const float* x,
                float* y) {
              int outH = inH * sh, outW = inW * sw;
              long long n = (long long) rows * outH * outW * c;
              for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
                   i += (long long) gridDim.x * blockDim.x) {
                int k = (int) (i % c);
                long long t = i / c;
                int w = (int) (t % outW);
                t /= outW;
                int h = (int) (t % outH);
                long long e = t / outH;
                y[i] = x[((e * inH + h / sh) * inW + w / sw) * c + k];
              }
            }

            extern "C" __global__ void add_activation(long long n, const float* a, const float* b, float* y, int act) {
              for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
                   i += (long long) gridDim.x * blockDim.x) {
                y[i] = activate(a[i] + b[i], act, 0.f);
              }
            }

            extern "C" __global__ void to_channels_first(int rows, int hw, int c, const float* x, float* y) {
              long long n = (long long) rows * hw * c;
              for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
                   i += (long long) gridDim.x * blockDim.x) {
                int p = (int) (i % hw);
                int k = (int) ((i / hw) % c);
                long long e = i / ((long long) hw * c);
                y[i] = x[(e * hw + p) * c + k];
              }
            }

            extern "C" __global__ void pad(int rows, int c, int inH, int inW, int outH, int outW, int top,
                int left, float fill, const float* x, float* y) {
              long long n = (long long) rows * outH * outW * c;
              for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
                   i += (long long) gridDim.x * blockDim.x) {
                int k = (int) (i % c);
                long long t = i / c;
                int w = (int) (t % outW) - left;
                t /= outW;
                int h = (int) (t % outH) - top;
                long long e = t / outH;
                y[i] = h < 0 || h >= inH || w < 0 || w >= inW ? fill : x[((e * inH + h) * inW + w) * c + k];
              }
            }

            extern "C" __global__ void copy_channels(long long pixels, int cIn, int cOut, int offset, const float* x,
                float* y) {
              long long n = pixels * cIn;
              for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
                   i += (long long) gridDim.x * blockDim.x) {
                y[(i / cIn) * cOut + offset + i % cIn] = x[i];
              }
            }

            __device__ void reduce_pair(double a, double b, double* results, int index) {
              __shared__ double sa[256];
              __shared__ double sb[256];
              sa[threadIdx.x] = a;
              sb[threadIdx.x] = b;
              __syncthreads();
              for (int s = blockDim.x / 2; s > 0; s >>= 1) {
                if (threadIdx.x < s) {
                  sa[threadIdx.x] += sa[threadIdx.x + s];
                  sb[threadIdx.x] += sb[threadIdx.x + s];
                }
                __syncthreads();
              }
              if (threadIdx.x == 0) {
                results[2 * index] = sa[0];
                results[2 * index + 1] = sb[0];
              }
            }

            __device__ int arg_max(const float* v, int cols) {
              int best = 0;
              float max = v[0];
              for (int c = 1; c < cols; c++) if (v[c] > max) { max = v[c]; best = c; }
              return best;
            }

            extern "C" __global__ void softmax_cross_entropy(int rows, int cols, const float* z, const float* y,
                double clip, double logLow, double logHigh, double* results, int index) {
              double loss = 0, correct = 0;
              for (int r = threadIdx.x; r < rows; r += blockDim.x) {
                const float* zr = z + (long long) r * cols;
                const float* yr = y + (long long) r * cols;
                int best = arg_max(zr, cols);
                if (best == arg_max(yr, cols)) correct += 1;
                double max = zr[best];
                double sum = 0;
                for (int c = 0; c < cols; c++) sum += exp((double) zr[c] - max);
                double logSum = log(sum);
                for (int c = 0; c < cols; c++) {
                  if (yr[c] != 0.f) {
                    double logP = ((double) zr[c] - max) - logSum;
                    if (clip > 0) logP = fmin(fmax(logP, logLow), logHigh);
                    loss -= (double) yr[c] * logP;
                  }
                }
              }
              reduce_pair(loss, correct, results, index);
            }

            extern "C" __global__ void squared_error(int rows, int cols, const float* o, const float* y,
                double* results, int index) {
              double loss = 0, correct = 0;
              for (int r = threadIdx.x; r < rows; r += blockDim.x) {
                const float* orow = o + (long long) r * cols;
                const float* yr = y + (long long) r * cols;
                if (arg_max(orow, cols) == arg_max(yr, cols)) correct += 1;
                double s = 0;
                for (int c = 0; c < cols; c++) {
                  double d = (double) orow[c] - (double) yr[c];
                  s += d * d;
                }
                loss += s / cols;
              }
              reduce_pair(loss, correct, results, index);
            }
            """;

    private static final Map<Integer, byte[]> CUBINS = new HashMap<>();

    private Kernels() {
    }

    /**
     * The kernels compiled for {@code sm_<arch>} ({@code arch = 10·major + minor}), once per process.
     *
     * @throws IllegalStateException with NVRTC's log when they do not compile
     */
    static synchronized byte[] cubin(int arch) {
        byte[] cached = CUBINS.get(arch);
        if (cached != null) {
            return cached;
        }
        _nvrtcProgram program = new _nvrtcProgram();
        CudaDevice.check(nvrtcCreateProgram(program, new BytePointer(SOURCE), new BytePointer("landscape4j.cu"), 0,
                (PointerPointer<?>) null, (PointerPointer<?>) null), "nvrtcCreateProgram");
        try {
            int rc = nvrtcCompileProgram(program, 2, new PointerPointer<BytePointer>(
                    new BytePointer("--gpu-architecture=sm_" + arch), new BytePointer("--std=c++17")));
            if (rc != 0) {
                SizeTPointer size = new SizeTPointer(1);
                nvrtcGetProgramLogSize(program, size);
                BytePointer log = new BytePointer(size.get());
                nvrtcGetProgramLog(program, log);
                throw new IllegalStateException("NVRTC could not compile the CUDA plan's kernels for sm_" + arch
                        + " (" + rc + "): " + log.getString().trim());
            }
            SizeTPointer size = new SizeTPointer(1);
            CudaDevice.check(nvrtcGetCUBINSize(program, size), "nvrtcGetCUBINSize");
            BytePointer cubin = new BytePointer(size.get());
            CudaDevice.check(nvrtcGetCUBIN(program, cubin), "nvrtcGetCUBIN");
            byte[] bytes = new byte[(int) size.get()];
            cubin.get(bytes);
            CUBINS.put(arch, bytes);
            return bytes;
        } finally {
            nvrtcDestroyProgram(program);
        }
    }
}

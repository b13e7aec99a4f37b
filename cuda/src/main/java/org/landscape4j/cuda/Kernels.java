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

            extern "C" __global__ void conv_weights(int outC, int inC, int kh, int kw, const float* theta,
                long long w, long long bias, int fold, long long gamma, long long beta, long long mean, long long var,
                int logStd, double eps, float fixedGamma, float fixedBeta, float* wOut, float* bOut) {
              long long per = (long long) inC * kh * kw;
              long long n = outC * per;
              for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
                   i += (long long) gridDim.x * blockDim.x) {
                int c = (int) (i % inC);
                long long t = i / inC;
                int q = (int) (t % kw);
                t /= kw;
                int r = (int) (t % kh);
                int k = (int) (t / kh);
                double scale = 1.0, shift = 0.0;
                if (fold) {
                  double g = gamma < 0 ? (double) fixedGamma : (double) theta[gamma + k];
                  double b = beta < 0 ? (double) fixedBeta : (double) theta[beta + k];
                  double v = theta[var + k];
                  double variance = logStd ? pow(pow(10.0, v), 2.0) : v;
                  scale = g / sqrt(variance + eps);
                  shift = b - (double) theta[mean + k] * scale;
                }
                wOut[i] = (float) ((double) theta[w + k * per + ((long long) c * kh + r) * kw + q] * scale);
                if (c == 0 && r == 0 && q == 0) {
                  double b0 = bias < 0 ? 0.0 : (double) theta[bias + k];
                  bOut[k] = (float) (b0 * scale + shift);
                }
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

            extern "C" __global__ void zero_pad(int rows, int c, int inH, int inW, int outH, int outW, int top,
                int left, const float* x, float* y) {
              long long n = (long long) rows * outH * outW * c;
              for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
                   i += (long long) gridDim.x * blockDim.x) {
                int k = (int) (i % c);
                long long t = i / c;
                int w = (int) (t % outW) - left;
                t /= outW;
                int h = (int) (t % outH) - top;
                long long e = t / outH;
                y[i] = h < 0 || h >= inH || w < 0 || w >= inW ? 0.f : x[((e * inH + h) * inW + w) * c + k];
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

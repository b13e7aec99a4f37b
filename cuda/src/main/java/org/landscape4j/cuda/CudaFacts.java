package org.landscape4j.cuda;

import static org.bytedeco.cuda.global.cudart.cuDeviceGetName;
import static org.bytedeco.cuda.global.cudart.cudaDevAttrComputeCapabilityMajor;
import static org.bytedeco.cuda.global.cudart.cudaDevAttrComputeCapabilityMinor;
import static org.bytedeco.cuda.global.cudart.cudaDeviceGetAttribute;
import static org.bytedeco.cuda.global.cudart.cudaDriverGetVersion;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceCount;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaRuntimeGetVersion;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;

import java.util.Locale;

import org.bytedeco.javacpp.Loader;

/**
 * What this machine offers the CUDA back end, read once per JVM: whether JavaCPP's bindings load (they link the
 * driver's {@code libcuda.so.1} and the CUDA 13 runtime), the driver's CUDA version, GPU 0, and whether cuBLAS, NVRTC
 * and cuDNN load. Without a driver the first touch of the bindings throws {@link UnsatisfiedLinkError} naming
 * {@code libcuda.so.1} and every later touch {@link NoClassDefFoundError}: the first message is the one kept.
 *
 * @param loadError     why the CUDA runtime bindings did not load, or {@code null}
 * @param driver        the CUDA version the driver supports ({@code 13000} for 13.0), or 0
 * @param runtime       the CUDA runtime's version, or 0
 * @param deviceError   why no GPU is usable ({@code cudaGetDeviceCount}'s error, or "none found"), or {@code null}
 * @param name          GPU 0's name
 * @param major         GPU 0's compute capability, major
 * @param minor         GPU 0's compute capability, minor
 * @param memory        GPU 0's memory in bytes
 * @param cublasError   why cuBLAS did not load, or {@code null}
 * @param cublas        cuBLAS's version, e.g. {@code "13.0.0"}
 * @param nvrtcError    why NVRTC did not load, or {@code null}
 * @param nvrtc         NVRTC's version, e.g. {@code "13.0"}
 * @param cudnnError    why cuDNN did not load, or {@code null}
 * @param cudnn         cuDNN's version, e.g. {@code "9.13.0"}
 */
record CudaFacts(String loadError, int driver, int runtime, String deviceError, String name, int major, int minor,
                 long memory, String cublasError, String cublas, String nvrtcError, String nvrtc, String cudnnError,
                 String cudnn) {

    /** The oldest GPU the CUDA 13 libraries run on: compute capability 7.5 (Turing). */
    static final int MIN_ARCH = 75;
    private static final String HEAD = "CUDA asked for, but ";

    private static CudaFacts machine;

    /** This machine's facts, read on the first call (loading the bindings), then remembered. */
    static synchronized CudaFacts machine() {
        if (machine == null) {
            machine = read();
        }
        return machine;
    }

    /** The facts of a machine where the bindings did not load. */
    static CudaFacts notLoaded(String why) {
        return new CudaFacts(why, 0, 0, null, null, -1, -1, 0, null, null, null, null, null, null);
    }

    /** GPU 0's architecture number, {@code 10·major + minor} (90 for sm_90). */
    int arch() {
        return major * 10 + minor;
    }

    /**
     * Why the CUDA back end cannot run here, in one line naming the missing piece and what to install, or
     * {@code null}; {@code needsCudnn}: whether the plan convolves (cuDNN).
     */
    String refusal(boolean needsCudnn) {
        if (loadError != null) {
            return loadError.contains("libcuda.so")
                    ? HEAD + "the NVIDIA driver is not installed (" + loadError + "): install an NVIDIA driver for"
                    + " CUDA 13 (version 580 or newer) on a machine with an NVIDIA GPU"
                    : HEAD + "the CUDA 13 runtime did not load (" + loadError + "): install the CUDA 13 libraries"
                    + " (a CUDA 13 toolkit, or pip's nvidia-cuda-runtime, nvidia-cublas, nvidia-cuda-nvrtc for cu13) and"
                    + " put their lib folder on LD_LIBRARY_PATH";
        }
        if (driver < 13000) {
            return HEAD + "the NVIDIA driver supports CUDA " + version(driver) + " only: install a driver for CUDA 13"
                    + " (version 580 or newer)";
        }
        if (deviceError != null) {
            return HEAD + "no CUDA GPU is usable (" + deviceError + "): check the NVIDIA driver and"
                    + " CUDA_VISIBLE_DEVICES";
        }
        if (arch() < MIN_ARCH) {
            return HEAD + "GPU 0 '" + name + "' has compute capability " + major + "." + minor + ": the CUDA 13"
                    + " libraries run on compute capability 7.5 (Turing) and newer";
        }
        if (cublasError != null) {
            return HEAD + "cuBLAS did not load (" + cublasError + "): install cuBLAS 13 (libcublas.so.13,"
                    + " libcublasLt.so.13) and put its lib folder on LD_LIBRARY_PATH";
        }
        if (nvrtcError != null) {
            return HEAD + "NVRTC did not load (" + nvrtcError + "): install NVRTC 13 (libnvrtc.so.13) and put its lib"
                    + " folder on LD_LIBRARY_PATH";
        }
        if (needsCudnn && cudnnError != null) {
            return HEAD + "cuDNN did not load (" + cudnnError + "): install cuDNN 9 for CUDA 13 (libcudnn.so.9) and put"
                    + " its lib folder on LD_LIBRARY_PATH";
        }
        return null;
    }

    /** The device in the words results record it. */
    String describe() {
        return String.format(Locale.ROOT, "CUDA (landscape4j-cuda, GPU 0 %s, compute capability %d.%d, %.0f GB,"
                + " driver for CUDA %s, runtime %s, cuBLAS %s, NVRTC %s, %s)", name, major, minor, memory / 1e9,
                version(driver), version(runtime), cublas, nvrtc, cudnnError == null ? "cuDNN " + cudnn : "no cuDNN");
    }

    static String version(int v) {
        return v / 1000 + "." + v % 1000 / 10;
    }

    private static CudaFacts read() {
        try {
            Loader.load(org.bytedeco.cuda.global.cudart.class);
        } catch (LinkageError e) {
            return notLoaded(reason(e));
        }
        int[] v = new int[1];
        cudaDriverGetVersion(v);
        int driver = v[0];
        v[0] = 0;
        cudaRuntimeGetVersion(v);
        int runtime = v[0];
        String deviceError = null;
        String name = null;
        int[] major = {-1};
        int[] minor = {-1};
        long memory = 0;
        int rc = cudaGetDeviceCount(v);
        if (rc != 0 || v[0] == 0) {
            deviceError = rc != 0 ? "cudaGetDeviceCount returned " + rc + ", " + cudaGetErrorString(rc).getString()
                    : "cudaGetDeviceCount found none";
        } else if ((rc = cudaSetDevice(0)) != 0 || (rc = cudaFree(null)) != 0) {
            deviceError = "GPU 0 could not be opened: " + rc + ", " + cudaGetErrorString(rc).getString();
        } else {
            cudaDeviceGetAttribute(major, cudaDevAttrComputeCapabilityMajor, 0);
            cudaDeviceGetAttribute(minor, cudaDevAttrComputeCapabilityMinor, 0);
            byte[] bytes = new byte[256];
            cuDeviceGetName(bytes, bytes.length, 0);
            int end = 0;
            while (end < bytes.length && bytes[end] != 0) {
                end++;
            }
            name = new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8);
            memory = CudaDevice.memory()[1];
        }
        String cublasError = null;
        String cublas = null;
        try {
            Loader.load(org.bytedeco.cuda.global.cublas.class);
            int[] p = new int[3];
            for (int i = 0; i < 3; i++) {
                int[] one = new int[1];
                org.bytedeco.cuda.global.cublas.cublasGetProperty(i, one);   // MAJOR_VERSION, MINOR_VERSION, PATCH_LEVEL
                p[i] = one[0];
            }
            cublas = p[0] + "." + p[1] + "." + p[2];
        } catch (LinkageError e) {
            cublasError = reason(e);
        }
        String nvrtcError = null;
        String nvrtc = null;
        try {
            Loader.load(org.bytedeco.cuda.global.nvrtc.class);
            int[] a = new int[1];
            int[] b = new int[1];
            org.bytedeco.cuda.global.nvrtc.nvrtcVersion(a, b);
            nvrtc = a[0] + "." + b[0];
        } catch (LinkageError e) {
            nvrtcError = reason(e);
        }
        String cudnnError = null;
        String cudnn = null;
        try {
            Loader.load(org.bytedeco.cuda.global.cudnn.class);
            long d = org.bytedeco.cuda.global.cudnn.cudnnGetVersion();
            cudnn = d / 10000 + "." + d / 100 % 100 + "." + d % 100;
        } catch (LinkageError e) {
            cudnnError = reason(e);
        }
        return new CudaFacts(null, driver, runtime, deviceError, name, major[0], minor[0], memory, cublasError, cublas,
                nvrtcError, nvrtc, cudnnError, cudnn);
    }

    /** A failure's innermost message on one line, library folders left out ({@code libcuda.so.1: cannot open...}). */
    static String reason(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        message = message.replaceAll("/[^\\s:]*/(lib[^/\\s:]+)", "$1").replace('\n', ' ').trim();
        return message.length() > 200 ? message.substring(0, 200) + "..." : message;
    }
}

package org.landscape4j.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each missing piece of the machine is named in one line with what to install. */
class CudaFactsTest {

    private static CudaFacts gpu(int driver, String deviceError, int major, int minor, String cublas, String nvrtc,
                                 String cudnn) {
        return new CudaFacts(null, driver, 13000, deviceError, "NVIDIA H200", major, minor, 150_000_000_000L, cublas,
                "13.0.0", nvrtc, "13.0", cudnn, "9.13.0");
    }

    @Test
    void withoutADriverTheBindingsFirstMessageIsKept() {
        String ule = "no jnicudart in java.library.path: libcuda.so.1: cannot open shared object file";
        assertThat(CudaFacts.notLoaded(ule).refusal(false)).isEqualTo("CUDA asked for, but the NVIDIA driver is not"
                + " installed (" + ule + "): install an NVIDIA driver for CUDA 13 (version 580 or newer) on a machine"
                + " with an NVIDIA GPU");
        assertThat(CudaFacts.notLoaded("libcudart.so.13: cannot open shared object file").refusal(false))
                .startsWith("CUDA asked for, but the CUDA 13 runtime did not load (libcudart.so.13: cannot open")
                .contains("install the CUDA 13 libraries");
    }

    @Test
    void theFirstMissingPieceIsNamed() {
        assertThat(gpu(12080, null, 9, 0, null, null, null).refusal(false))
                .isEqualTo("CUDA asked for, but the NVIDIA driver supports CUDA 12.8 only: install a driver for CUDA"
                        + " 13 (version 580 or newer)");
        assertThat(gpu(13000, "cudaGetDeviceCount found none", -1, -1, null, null, null).refusal(false))
                .startsWith("CUDA asked for, but no CUDA GPU is usable (cudaGetDeviceCount found none)");
        assertThat(gpu(13000, null, 7, 0, null, null, null).refusal(false))
                .isEqualTo("CUDA asked for, but GPU 0 'NVIDIA H200' has compute capability 7.0: the CUDA 13 libraries"
                        + " run on compute capability 7.5 (Turing) and newer");
        assertThat(gpu(13000, null, 9, 0, "libcublas.so.13: cannot open", null, null).refusal(false))
                .startsWith("CUDA asked for, but cuBLAS did not load (libcublas.so.13: cannot open): install cuBLAS 13");
        assertThat(gpu(13000, null, 9, 0, null, "libnvrtc.so.13: cannot open", null).refusal(false))
                .startsWith("CUDA asked for, but NVRTC did not load");
        assertThat(gpu(13000, null, 9, 0, null, null, "libcudnn.so.9: cannot open").refusal(false)).isNull();
        assertThat(gpu(13000, null, 9, 0, null, null, "libcudnn.so.9: cannot open").refusal(true))
                .startsWith("CUDA asked for, but cuDNN did not load (libcudnn.so.9: cannot open): install cuDNN 9");
        assertThat(gpu(13000, null, 7, 5, null, null, null).refusal(true)).isNull();
    }

    @Test
    void theDeviceIsDescribedForProvenance() {
        assertThat(gpu(13000, null, 9, 0, null, null, null).describe()).isEqualTo("CUDA (landscape4j-cuda, GPU 0"
                + " NVIDIA H200, compute capability 9.0, 150 GB, driver for CUDA 13.0, runtime 13.0, cuBLAS 13.0.0,"
                + " NVRTC 13.0, cuDNN 9.13.0)");
    }

    @Test
    void libraryFoldersAreLeftOutOfReasons() {
        assertThat(CudaFacts.reason(new UnsatisfiedLinkError("/root/.javacpp/cache/x/libjnicudart.so: libcuda.so.1:"
                + " cannot open shared object file: No such file or directory")))
                .isEqualTo("libjnicudart.so: libcuda.so.1: cannot open shared object file: No such file or directory");
    }
}

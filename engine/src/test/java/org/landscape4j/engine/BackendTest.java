package org.landscape4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.BackendCheck.Gpu;
import org.landscape4j.engine.BackendCheck.Machine;
import org.nd4j.linalg.dataset.DataSet;

/** The backend a landscape asks for is checked before any work; every result records the one it ran on. */
class BackendTest {

    private static final String RUNTIME = "libcudart.so.11 in /usr/local/cuda/lib64";

    private static Machine cpuLoaded(List<Gpu> gpus, String runtime) {
        return new Machine("CpuBackend", true, gpus, "nvidia-smi", runtime);
    }

    @Test
    void nd4jCudaIsRefusedBeforeAnyWorkWhenItsBackendIsNotOnTheClassPath() {
        DataSet data = Fixtures.blobs(40, 3);
        MultiLayerNetwork net = Fixtures.mlp(data, 1);
        float[] before = Fixtures.parameterBits(net);

        assertThatThrownBy(() -> Landscape.builder().model(net).directions(RandomDirections.FILTER_NORMALIZED, 2)
                .grid(-1, 1, 3).evaluateOn("train", data).backend(Backend.ND4J_CUDA).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("ND4J_CUDA asked for, but no CUDA backend is on the class path (ND4J loaded "
                        + "CpuBackend): build with -Pcuda")
                .hasMessageNotContaining("\n");
        assertThat(Fixtures.parameterBits(net)).isEqualTo(before);
    }

    @Test
    void theCpuBackendAskedForIsTheLoadedOneAndIsRecordedInEveryResult() {
        DataSet data = Fixtures.blobs(40, 3);
        Landscape l = Landscape.builder().model(Fixtures.mlp(data, 1)).directions(RandomDirections.FILTER_NORMALIZED, 1)
                .grid(-1, 1, 3).evaluateOn("train", data).backend(Backend.CPU).workers(1).build();
        Profile p = l.profile();

        assertThat(p.provenance().backend()).startsWith("CPU (ND4J CpuBackend, ").contains(" cores, ")
                .isEqualTo(Backend.loaded());
        assertThat(p.toString()).contains("; backend " + p.provenance().backend());
        assertThat(l.evaluationPlan()).contains("1 worker on " + p.provenance().backend() + ", raster order");
    }

    @Test
    void aNullBackendIsRefusedByName() {
        assertThatThrownBy(() -> Landscape.builder().backend(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backend must not be null; Backend.AUTO takes the one ND4J loaded");
    }

    @Test
    void aResultMadeByHandDoesNotRecordABackend() {
        Provenance p = new Provenance("given", 1, List.of(Axis.linear(0, 1, 3)), "none", 0, "-", List.of());
        assertThat(p.backend()).isEqualTo("not recorded");
        assertThat(p.toString()).endsWith("; backend not recorded");
    }

    @Test
    void nd4jCudaNamesTheFirstThingMissing() {
        assertThat(BackendCheck.refusal(Backend.ND4J_CUDA, new Machine("CpuBackend", true, null,
                "no nvidia-smi on the PATH, no /proc/driver/nvidia/gpus", RUNTIME)))
                .isEqualTo("ND4J_CUDA asked for, but no NVIDIA GPU was found (no nvidia-smi on the PATH, no "
                        + "/proc/driver/nvidia/gpus)");
        assertThat(BackendCheck.refusal(Backend.ND4J_CUDA, cpuLoaded(List.of(new Gpu("NVIDIA H100 80GB HBM3", 9, 0)),
                RUNTIME)))
                .isEqualTo("ND4J_CUDA asked for, but GPU 0 'NVIDIA H100 80GB HBM3' has compute capability 9.0: "
                        + "nd4j-cuda-11.6 (ND4J 1.0.0-M2.1) carries machine code for sm_37 to sm_86 only and no PTX, "
                        + "so it cannot run there");
        assertThat(BackendCheck.refusal(Backend.ND4J_CUDA, cpuLoaded(List.of(new Gpu("Tesla K20", 3, 5)), RUNTIME)))
                .contains("has compute capability 3.5: ");
        assertThat(BackendCheck.refusal(Backend.ND4J_CUDA, cpuLoaded(List.of(new Gpu("NVIDIA A10", 8, 6)), null)))
                .startsWith("ND4J_CUDA asked for, but the CUDA 11 runtime (libcudart.so.11.0) is not on LD_LIBRARY_PATH");
        assertThat(BackendCheck.refusal(Backend.ND4J_CUDA, cpuLoaded(List.of(new Gpu("NVIDIA A10", 8, 6)), RUNTIME)))
                .isEqualTo("ND4J_CUDA asked for, but ND4J loaded CpuBackend although nd4j-cuda-11.6, GPU 0 'NVIDIA A10' "
                        + "(compute capability 8.6) and " + RUNTIME + " were found: ND4J's start-up log says why its "
                        + "CUDA backend did not load");
    }

    @Test
    void aLoadedCudaBackendRunsBelowHopperOnly() {
        assertThat(BackendCheck.refusal(Backend.ND4J_CUDA, new Machine("JCublasBackend", true,
                List.of(new Gpu("NVIDIA A100-SXM4-40GB", 8, 0)), "ND4J's device list", null))).isNull();
        assertThat(BackendCheck.refusal(Backend.ND4J_CUDA, new Machine("JCublasBackend", true,
                List.of(new Gpu("NVIDIA H200", 9, 0)), "ND4J's device list", null)))
                .contains("'NVIDIA H200' has compute capability 9.0");
        assertThat(BackendCheck.refusal(Backend.CPU, new Machine("JCublasBackend", true, null, "", null)))
                .isEqualTo("CPU asked for, but ND4J loaded JCublasBackend (nd4j-cuda on the class path takes priority "
                        + "over nd4j-native): build without -Pcuda (Backend.CUDA, the engine's GPU back end, runs beside"
                        + " nd4j-native)");
        assertThat(BackendCheck.refusal(Backend.AUTO, new Machine("JCublasBackend", true, null, "", null))).isNull();
    }

    @Test
    void nvidiaSmiLinesGiveNameAndComputeCapability() {
        assertThat(BackendCheck.parseNvidiaSmi(List.of("NVIDIA H100 80GB HBM3, 9.0", "Tesla T4, 7.5", "",
                "Quadro K6000")))
                .containsExactly(new Gpu("NVIDIA H100 80GB HBM3", 9, 0), new Gpu("Tesla T4", 7, 5),
                        new Gpu("Quadro K6000", -1, -1));
    }
}

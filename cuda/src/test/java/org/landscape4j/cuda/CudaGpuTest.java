package org.landscape4j.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Backend;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.RandomDirections;
import org.landscape4j.engine.Surface;
import org.nd4j.linalg.dataset.DataSet;

/**
 * {@code Backend.CUDA} through the public API with this module on the class path: refused in one line before any work
 * where the machine cannot run it (this is what runs on machines without a GPU), the CPU path unchanged and the
 * default; where a GPU is usable, a plane's points equal the CPU plan's and the device memory comes back.
 */
class CudaGpuTest {

    private static final String WHY = CudaFacts.machine().refusal(false);

    private static Landscape plane(MultiLayerNetwork net, DataSet data, Backend backend, int workers) {
        return Landscape.builder().model(net).directions(RandomDirections.FILTER_NORMALIZED, 2).seed(11)
                .grid(-1, 1, 5).evaluateOn("train", data).backend(backend).workers(workers).build();
    }

    @Test
    void whereCudaCannotRunCompileRefusesInOneLineBeforeAnyWork() {
        assumeTrue(WHY != null, "a usable GPU is here");
        MultiLayerNetwork net = Networks.classifier(20, 32, 5, 3);
        float[] before = net.params().dup().data().asFloat();
        assertThatThrownBy(() -> plane(net, Networks.data(100, 20, 5, 4), Backend.CUDA, 1))
                .isInstanceOf(IllegalStateException.class).hasMessage(WHY).hasMessageNotContaining("\n");
        assertThat(net.params().data().asFloat()).isEqualTo(before);
        if (CudaFacts.machine().loadError() != null) {
            assertThat(WHY).startsWith("CUDA asked for, but ");
        }
    }

    @Test
    void theCpuPathIsTheDefaultWithTheModuleOnTheClassPath() {
        Landscape l = plane(Networks.classifier(20, 32, 5, 3), Networks.data(100, 20, 5, 4), Backend.AUTO, 1);
        assertThat(l.evaluationPlan()).startsWith("inference plan, ").contains(" on CPU (ND4J CpuBackend");
        assertThat(l.provenance().backend()).startsWith("CPU (ND4J ");
    }

    @Test
    void onAGpuAPlanesPointsEqualTheCpuPlansAndTheMemoryComesBack() {
        assumeTrue(WHY == null, "no usable GPU here: " + WHY);
        MultiLayerNetwork net = Networks.classifier(20, 32, 5, 3);
        DataSet data = Networks.data(3000, 20, 5, 4);
        long free = CudaDevice.memory()[0];
        Landscape gpu = plane(net, data, Backend.CUDA, 2);
        assertThat(gpu.evaluationPlan()).startsWith("CUDA plan, 5 steps").contains(" on CUDA (landscape4j-cuda, GPU 0");
        Surface onGpu = gpu.surface();
        Surface onCpu = plane(net, data, Backend.AUTO, 1).surface();
        for (String metric : List.of("loss", "accuracy")) {
            double[][] want = onCpu.values("train", metric);
            double[][] have = onGpu.values("train", metric);
            for (int iy = 0; iy < want.length; iy++) {
                for (int ix = 0; ix < want[iy].length; ix++) {
                    double tolerance = metric.equals("loss") ? 1e-5 * Math.abs(want[iy][ix]) : 1.0 / 3000;
                    assertThat(have[iy][ix]).as("%s at (%d, %d)", metric, ix, iy).isCloseTo(want[iy][ix],
                            org.assertj.core.data.Offset.offset(tolerance));
                }
            }
        }
        gpu.idle().block();
        assertThat(CudaDevice.memory()[0]).as("free device memory after the run").isEqualTo(free);
    }

    @Test
    void onAGpuAOneDimensionalConvolutionIsRefusedByName() {
        assumeTrue(WHY == null, "no usable GPU here: " + WHY);
        DataSet data = new DataSet(org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 8, 2,
                6), Networks.data(8, 3, 3, 1).getLabels());
        assertThatThrownBy(() -> plane(Networks.sequences(1), data, Backend.CUDA, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'conv1d' (Convolution1DLayer)"
                        + " has no CUDA-plan rule yet");
    }
}

package org.landscape4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.device.DeviceBackend;
import org.landscape4j.engine.device.DevicePlan;
import org.landscape4j.engine.device.DeviceRequest;
import org.nd4j.linalg.dataset.DataSet;

/**
 * {@link Backend#CUDA} is refused before any work, in one line, where it cannot run: without the landscape4j-cuda
 * module (the engine's own class path), without what the module needs, or with a setting only the CPU computes.
 */
class DeviceCheckTest {

    /** A device back end that only answers the questions asked before any work. */
    private record Fake(String backend, String unavailableReason) implements DeviceBackend {
        @Override
        public String describe() {
            return "fake";
        }

        @Override
        public DevicePlan compile(DeviceRequest request) {
            throw new AssertionError("not compiled in these tests");
        }
    }

    @Test
    void withoutTheCudaModuleCudaIsRefusedBeforeAnyWorkNamingTheDependency() {
        DataSet data = Fixtures.blobs(40, 3);
        MultiLayerNetwork net = Fixtures.mlp(data, 1);
        float[] before = Fixtures.parameterBits(net);

        assertThatThrownBy(() -> Landscape.builder().model(net).directions(RandomDirections.FILTER_NORMALIZED, 2)
                .grid(-1, 1, 3).evaluateOn("train", data).backend(Backend.CUDA).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("CUDA asked for, but the GPU back end is not on the class path: add the dependency"
                        + " org.landscape4j:landscape4j-cuda (it brings JavaCPP's CUDA 13 bindings; the CUDA 13"
                        + " libraries come from the NVIDIA driver and toolkit)");
        assertThat(Fixtures.parameterBits(net)).isEqualTo(before);
    }

    @Test
    void theDeviceBackEndsOwnReasonIsTheRefusalInOneLine() {
        String why = "CUDA asked for, but the NVIDIA driver is not installed (libcuda.so.1: cannot open shared object"
                + " file): install an NVIDIA driver for CUDA 13";
        assertThatThrownBy(() -> DeviceCheck.require(Backend.CUDA, List.of(new Fake("CUDA", why + "\nmore")), null))
                .isInstanceOf(IllegalStateException.class).hasMessage(why);
        DeviceBackend ok = new Fake("CUDA", null);
        assertThat(DeviceCheck.require(Backend.CUDA, List.of(new Fake("OTHER", null), ok), null)).isSameAs(ok);
        assertThatThrownBy(() -> DeviceCheck.require(Backend.CUDA, List.of(), "Provider x could not be instantiated"))
                .hasMessageStartingWith("CUDA asked for, but its back end could not be loaded (Provider x could not"
                        + " be instantiated): check that org.landscape4j:landscape4j-cuda and JavaCPP 1.5.13");
    }

    @Test
    void onlyCudaIsADevice() {
        for (Backend b : List.of(Backend.AUTO, Backend.CPU, Backend.ND4J_CUDA)) {
            assertThat(DeviceCheck.require(b)).isNull();
        }
    }

    @Test
    void settingsOnlyTheCpuComputesAreRefusedByName() {
        Execution e = Execution.DEFAULT.withBackend(Backend.CUDA);
        assertThatThrownBy(() -> DeviceCheck.requireSettings(Backend.CUDA, e, List.of(Metric.loss(),
                Metric.lambdaMax()), false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CUDA asked for, but the curvature metric 'lambda_max' needs exact Hessian-vector products:"
                        + " it runs on the CPU only; drop backend(CUDA) for this landscape");
        assertThatThrownBy(() -> DeviceCheck.requireSettings(Backend.CUDA, e, List.of(Metric.of("mean", (o, y) ->
                o.meanNumber().doubleValue())), false, false))
                .hasMessageContaining("the custom metric 'mean' reads the output activations on the host");
        assertThatThrownBy(() -> DeviceCheck.requireSettings(Backend.CUDA, e.withPrecision(Precision.BF16),
                List.of(Metric.loss()), false, false)).hasMessage("CUDA asked for, but precision BF16 is the CPU's"
                + " oneDNN convolutions; the GPU back end computes in Precision.FLOAT or the opt-in Precision.TF32");
        DeviceCheck.requireSettings(Backend.CUDA, e.withPrecision(Precision.TF32), List.of(Metric.loss()), false,
                false);
        assertThatThrownBy(() -> DeviceCheck.requireSettings(Backend.CUDA, e, List.of(Metric.loss()), true, false))
                .hasMessageContaining("point map");
        assertThatThrownBy(() -> DeviceCheck.requireSettings(Backend.CUDA, e, List.of(Metric.loss()), false, true))
                .hasMessageContaining("batch-norm statistics recomputed per point");
        DeviceCheck.requireSettings(Backend.CUDA, e, List.of(Metric.loss(), Metric.accuracy()), false, false);
    }

    @Test
    void theAccuracyAskedOfTheDeviceFollowsTheMetrics() {
        assertThat(DeviceCheck.accuracy(List.of(Metric.loss()))).isEqualTo(DeviceRequest.Accuracy.NONE);
        assertThat(DeviceCheck.accuracy(List.of(Metric.loss(), Metric.accuracy())))
                .isEqualTo(DeviceRequest.Accuracy.ARG_MAX);
        assertThat(DeviceCheck.accuracy(List.of(new Metric.Accuracy(true)))).isEqualTo(DeviceRequest.Accuracy.PER_LABEL);
    }

    @Test
    void theCommandLineNamesTheBackends() {
        assertThat(Backend.named("cuda")).isEqualTo(Backend.CUDA);
        assertThat(Backend.named(" CPU ")).isEqualTo(Backend.CPU);
        assertThat(Backend.named("nd4j-cuda")).isEqualTo(Backend.ND4J_CUDA);
        assertThatThrownBy(() -> Backend.named("gpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device must be one of auto, cpu, cuda, nd4j-cuda, was 'gpu'");
    }
}

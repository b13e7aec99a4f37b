package org.landscape4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.internal.plan.OneDnn;
import org.nd4j.linalg.dataset.DataSet;

/**
 * {@link Precision#BF16}: the convolutions in bfloat16 give a landscape within bfloat16's rounding of the float one,
 * not equal to it, the same bits on every run and with any number of workers, the caller's model untouched; the
 * evaluation plan states it and its measured error; where it cannot run, it is refused before any work, saying why.
 */
class PrecisionTest {

    private static final DataSet IMAGES = Fixtures.images(40, 3);
    private static final MultiLayerNetwork CNN = Fixtures.cnn(IMAGES, 3);

    private static Landscape landscape(org.deeplearning4j.nn.api.Model model, DataSet data, Execution execution) {
        return Landscape.compile(Fixtures.spec(model, data, 2, 5, 4).withExecution(execution));
    }

    @Test
    void bf16IsFloatWithinItsRoundingTheSameOnEveryRunAndStated() {
        Execution bf16 = Execution.DEFAULT.withPrecision(Precision.BF16);
        String cannot = OneDnn.bf16UnavailableReason();
        if (cannot != null) { // a CPU without AVX512-BF16: the refusal is the behaviour to check
            assertThatThrownBy(() -> landscape(CNN, IMAGES, bf16))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("precision BF16 cannot run: " + cannot);
            return;
        }
        float[] before = Fixtures.parameterBits(CNN);
        Landscape reduced = landscape(CNN, IMAGES, bf16);
        assertThat(reduced.evaluationPlan())
                .contains("conv2d (bf16)", "convolutions by oneDNN in bfloat16")
                .containsPattern("bfloat16 convolutions: loss at the centre on 40 examples [0-9.e-]+ against [0-9.e-]+"
                        + " in float \\(relative difference [0-9.e-]+, measured\\)");
        assertThat(reduced.provenance().backend()).endsWith(", convolutions in bfloat16 (Precision.BF16)");

        double[] f = landscape(CNN, IMAGES, Execution.DEFAULT).surface().flatValues("train", "loss");
        double[] b = reduced.surface().flatValues("train", "loss");
        double[] again = landscape(CNN, IMAGES, bf16.withWorkers(1)).surface().flatValues("train", "loss");
        double[] twoWorkers = landscape(CNN, IMAGES, bf16.withWorkers(2)).surface().flatValues("train", "loss");
        double largest = 0;
        for (int i = 0; i < f.length; i++) {
            largest = Math.max(largest, Math.abs(b[i] - f[i]) / Math.abs(f[i]));
        }
        assertThat(largest).as("largest relative |loss bf16 - loss float| over the plane")
                .isGreaterThan(1e-7).isLessThan(2e-2);
        assertThat(again).isEqualTo(b);
        assertThat(twoWorkers).isEqualTo(b);
        assertThat(Fixtures.parameterBits(CNN)).isEqualTo(before);
    }

    @Test
    void aFloatCheckpointIsNotContinuedInBf16(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        if (OneDnn.bf16UnavailableReason() != null) {
            return; // BF16 is refused here before any checkpoint is read (the test above checks the refusal)
        }
        java.nio.file.Path checkpoint = dir.resolve("run.ckpt");
        landscape(CNN, IMAGES, Execution.DEFAULT).points(checkpoint).take(3).blockLast();
        Landscape reduced = landscape(CNN, IMAGES, Execution.DEFAULT.withPrecision(Precision.BF16));
        assertThatThrownBy(() -> reduced.points(checkpoint)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was written for another run; what differs: ")
                .hasMessageContaining("precision (checkpoint: FLOAT; this run: BF16)");
    }

    @Test
    void floatIsTheDefaultAndSaysItsConvolutionsRunByOneDnn() {
        assertThat(Execution.DEFAULT.precision()).isEqualTo(Precision.FLOAT);
        Landscape l = landscape(CNN, IMAGES, Execution.DEFAULT);
        assertThat(l.evaluationPlan()).contains("convolutions by oneDNN").doesNotContain("bf16", "bfloat16");
        assertThat(l.provenance().backend()).doesNotContain("bfloat16");
    }

    @Test
    void bf16IsRefusedBeforeWorkWhereItCannotRun() {
        DataSet blobs = Fixtures.blobs(30, 2);
        MultiLayerNetwork mlp = Fixtures.mlp(blobs, 2);
        String why = OneDnn.bf16UnavailableReason() == null
                ? "the network has no 2D convolution on channels-last images (bfloat16 applies to the convolutions only)"
                : OneDnn.bf16UnavailableReason();
        assertThatThrownBy(() -> landscape(mlp, blobs, Execution.DEFAULT.withPrecision(Precision.BF16)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("precision BF16 cannot run: " + why);

        PointExecutor elsewhere = new PointExecutor() {
            @Override
            public reactor.core.publisher.Flux<PortableRun.Computed> compute(PortableRun run, int[] positions) {
                throw new AssertionError("no work may start");
            }

            @Override
            public String toString() {
                return "a test executor";
            }
        };
        assertThatThrownBy(() -> landscape(CNN, IMAGES, Execution.DEFAULT.withPrecision(Precision.BF16)
                .withExecutor(elsewhere)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("precision BF16 cannot run: it runs on this JVM's workers only, not on a test executor");
        assertThatThrownBy(() -> Execution.DEFAULT.withPrecision(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("precision must not be null");
    }

    @Test
    void tf32IsTheGpusOptInAndRefusedOnTheCpuBeforeWork() {
        assertThatThrownBy(() -> landscape(CNN, IMAGES, Execution.DEFAULT.withPrecision(Precision.TF32)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("precision TF32 cannot run: it is the tensor-core float of NVIDIA GPUs, add"
                        + " backend(Backend.CUDA); on the CPU the opt-in is Precision.BF16");
    }
}

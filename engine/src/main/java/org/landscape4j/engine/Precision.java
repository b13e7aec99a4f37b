package org.landscape4j.engine;

/**
 * The arithmetic a landscape's convolutions run in. {@link #FLOAT}, the default, computes in the network's own type
 * with the numbers of DL4J's forward pass. {@link #BF16} is an opt-in trade of accuracy for speed: the inference plan's
 * 2D convolutions round their input and weights to bfloat16 (8 bits of mantissa, float's exponent) and accumulate the
 * products in float, which doubles the arithmetic rate on a CPU with AVX512-BF16 (or AMX); every other step (dense
 * layers, batch norm, pooling, the loss) stays in float. The error against float is measured and stated by
 * {@link Landscape#evaluationPlan()}; the bench reports it over a whole plane.
 *
 * <pre>{@code
 * Landscape.builder().model(cnn)...precision(Precision.BF16).build();
 * // IllegalArgumentException before any work where it cannot run, saying why:
 * // "precision BF16 cannot run: this CPU has no AVX512-BF16 (oneDNN's instruction set here: avx2)"
 * }</pre>
 *
 * <p>BF16 needs the inference plan to run the network (not DL4J's forward pass), a 2D convolution on channels-last
 * images, oneDNN's natives ({@code org.bytedeco:dnnl}, in the default build), a CPU with native bfloat16, and this
 * JVM's workers (not a {@link PointExecutor} elsewhere); {@code Landscape.compile} refuses it otherwise. The same
 * command gives the same numbers in BF16 too, with any number of workers.
 *
 * <p>{@link #TF32} is the GPU's opt-in ({@code backend(Backend.CUDA)} only): cuBLAS's GEMMs and cuDNN's
 * convolutions on the tensor cores with their inputs rounded to TensorFloat-32 (10 bits of mantissa, float's
 * exponent) and float accumulation, several times the float rate of an Ampere or Hopper GPU; every other step stays in
 * float. The CUDA back end measures its loss at the centre against the same plan in float on the same GPU and states
 * it in {@link Landscape#evaluationPlan()}. On the CPU, and BF16 on the GPU, {@code Landscape.compile} refuses, before
 * any work and in one line, naming the precision that runs there.
 */
public enum Precision {
    /** The network's own type: DL4J's numbers (the default). */
    FLOAT,
    /** Convolutions in bfloat16 with float accumulation, on the CPU; opt-in, see the class. */
    BF16,
    /** GEMMs and convolutions in TensorFloat-32 with float accumulation, on the GPU ({@code Backend.CUDA}). */
    TF32
}

package org.landscape4j.engine.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * oneDNN's convolution called directly gives ND4J's {@code conv2d} (then ND4J's ReLU) bit for bit, for every geometry
 * the plan's layers produce, on row blocks that are views into larger buffers, across points whose weights change;
 * bfloat16 stays within its rounding of the float result and is not the float result.
 */
class OneDnnConvolutionTest {

    @Test
    void oneDnnLoadsHere() {
        assertThat(OneDnn.unavailableReason()).isNull();
        assertThat(OneDnn.isa()).isNotNull();
    }

    @Test
    void sameBitsAsNd4jForEveryGeometry() {
        // kH, kW, sH, sW, pH, pW, dH, dW, mode (0 Same, 1 Truncate), in channels, out channels, h, w
        int[][] cases = {
                {3, 3, 1, 1, 0, 0, 1, 1, 0, 16, 16, 12, 12},
                {3, 3, 2, 2, 1, 1, 1, 1, 1, 8, 16, 13, 11},
                {5, 5, 1, 1, 0, 0, 1, 1, 1, 1, 6, 28, 28},
                {1, 1, 2, 2, 0, 0, 1, 1, 1, 16, 32, 8, 8},
                {3, 2, 2, 1, 0, 0, 1, 1, 0, 3, 7, 7, 6},
                {3, 3, 2, 2, 0, 0, 1, 1, 0, 6, 6, 9, 9},
        };
        for (int[] c : cases) {
            Conv2DConfig config = Conv2DConfig.builder().kH(c[0]).kW(c[1]).sH(c[2]).sW(c[3]).pH(c[4]).pW(c[5])
                    .dH(c[6]).dW(c[7]).paddingMode(c[8] == 0 ? PaddingMode.SAME : PaddingMode.VALID)
                    .dataFormat(Conv2DConfig.NHWC).weightsFormat(WeightsFormat.OIYX).build();
            for (boolean relu : new boolean[] {false, true}) {
                for (boolean bias : new boolean[] {true, false}) {
                    compare(config, c[9], c[10], c[11], c[12], relu, bias);
                }
            }
        }
    }

    /** Blocks of 7 rows of a 17-row batch (the last one 3 rows): views at offsets, two primitives, two points. */
    private static void compare(Conv2DConfig config, int in, int out, int h, int w, boolean relu, boolean hasBias) {
        Nd4j.getRandom().setSeed(in * 31L + out);
        INDArray x = Nd4j.rand(DataType.FLOAT, 17, h, w, in).subi(0.5);
        INDArray weights = Nd4j.rand(DataType.FLOAT, out, in, config.getKH(), config.getKW()).subi(0.5);
        INDArray bias = hasBias ? Nd4j.rand(DataType.FLOAT, out).subi(0.5) : null;
        INDArray expected = nd4j(x, weights, bias, config, relu);
        OneDnnConvolution kernel = new OneDnnConvolution(weights, bias, config, relu, false);
        try {
            for (int point = 0; point < 2; point++) {
                if (point == 1) {
                    weights.muli(-1.5);
                    expected = nd4j(x, weights, bias, config, relu);
                }
                kernel.prepare();
                INDArray have = inBlocks(kernel, expected.shape(), x);
                assertThat(bits(have)).as("%s relu=%s bias=%s point %d", config, relu, hasBias, point)
                        .isEqualTo(bits(expected));
            }
        } finally {
            kernel.close();
        }
    }

    /**
     * ND4J M2.1's {@code conv2d} cannot run a dilated convolution on oneDNN ("could not create a descriptor for a
     * dilated convolution"), so the plan used to leave such networks to DL4J; here a 3x3 kernel dilated by 2 equals
     * ND4J's 5x5 convolution with the kernel's taps spread out and zeros between them.
     */
    @Test
    void aDilatedConvolutionIsTheDenseOneWithZerosBetweenTheTaps() {
        for (PaddingMode mode : new PaddingMode[] {PaddingMode.SAME, PaddingMode.VALID}) {
            Nd4j.getRandom().setSeed(3);
            INDArray x = Nd4j.rand(DataType.FLOAT, 5, 11, 9, 4).subi(0.5);
            INDArray weights = Nd4j.rand(DataType.FLOAT, 6, 4, 3, 3).subi(0.5);
            INDArray bias = Nd4j.rand(DataType.FLOAT, 6);
            INDArray spread = Nd4j.zeros(DataType.FLOAT, 6, 4, 5, 5);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    spread.get(NDArrayIndex.all(), NDArrayIndex.all(),
                            NDArrayIndex.point(2 * i),
                            NDArrayIndex.point(2 * j))
                            .assign(weights.get(NDArrayIndex.all(),
                                    NDArrayIndex.all(),
                                    NDArrayIndex.point(i),
                                    NDArrayIndex.point(j)));
                }
            }
            Conv2DConfig dense = Conv2DConfig.builder().kH(5).kW(5).pH(1).pW(1).paddingMode(mode)
                    .dataFormat(Conv2DConfig.NHWC).weightsFormat(WeightsFormat.OIYX).build();
            Conv2DConfig dilated = Conv2DConfig.builder().kH(3).kW(3).pH(1).pW(1).dH(2).dW(2).paddingMode(mode)
                    .dataFormat(Conv2DConfig.NHWC).weightsFormat(WeightsFormat.OIYX).build();
            INDArray expected = nd4j(x, spread, bias, dense, true);
            INDArray have = once(new OneDnnConvolution(weights, bias, dilated, true, false), x, expected.shape());
            assertThat(have.sub(expected).amaxNumber().doubleValue()).as("%s", mode).isLessThan(1e-5);
        }
    }

    @Test
    void bf16IsWithinItsRoundingOfFloatAndNotFloat() {
        Conv2DConfig config = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).paddingMode(PaddingMode.SAME)
                .dataFormat(Conv2DConfig.NHWC).weightsFormat(WeightsFormat.OIYX).build();
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.FLOAT, 32, 10, 10, 16).subi(0.5);
        INDArray weights = Nd4j.rand(DataType.FLOAT, 16, 16, 3, 3).subi(0.5);
        INDArray bias = Nd4j.rand(DataType.FLOAT, 16);
        INDArray expected = nd4j(x, weights, bias, config, false);
        INDArray have = once(new OneDnnConvolution(weights, bias, config, false, true), x, expected.shape());
        double scale = expected.amaxNumber().doubleValue();
        double error = have.sub(expected).amaxNumber().doubleValue() / scale;
        assertThat(error).isGreaterThan(1e-5).isLessThan(2e-2);
    }

    @Test
    void addThenReluInOnePassIsNd4jsAddThenRelu() {
        Nd4j.getRandom().setSeed(9);
        INDArray a = Nd4j.randn(DataType.FLOAT, 17, 5, 6, 7);
        INDArray b = Nd4j.randn(DataType.FLOAT, 17, 5, 6, 7);
        INDArray expected = Transforms.relu(a.add(b), false);
        OneDnnAddRelu kernel = new OneDnnAddRelu();
        try {
            assertThat(bits(inBlocks(kernel, expected.shape(), a, b))).isEqualTo(bits(expected));
        } finally {
            kernel.close();
        }
    }

    @Test
    void maxPoolingIsNd4jsBitForBit() {
        // kH, kW, sH, sW, pH, pW, Same, h, w
        int[][] cases = {{2, 2, 2, 2, 0, 0, 0, 28, 28}, {2, 2, 2, 2, 0, 0, 0, 7, 9}, {3, 3, 2, 2, 0, 0, 1, 13, 11},
            {3, 3, 1, 1, 0, 0, 1, 6, 5}, {3, 2, 2, 1, 1, 1, 0, 8, 7}, {2, 2, 1, 1, 0, 0, 1, 5, 5}};
        for (int[] c : cases) {
            Nd4j.getRandom().setSeed(c[7] * 13L + c[8]);
            INDArray x = Nd4j.randn(DataType.FLOAT, 17, c[7], c[8], 6);
            int[] args = {c[0], c[1], c[2], c[3], c[4], c[5], 1, 1, c[6], 0, 1};
            long oh = c[6] == 1 ? (c[7] + c[2] - 1) / c[2] : (c[7] + 2L * c[4] - c[0]) / c[2] + 1;
            long ow = c[6] == 1 ? (c[8] + c[3] - 1) / c[3] : (c[8] + 2L * c[5] - c[1]) / c[3] + 1;
            INDArray expected = Nd4j.create(DataType.FLOAT, 17, oh, ow, 6);
            Nd4j.exec(org.nd4j.linalg.api.ops.DynamicCustomOp.builder("maxpool2d").addInputs(x).addOutputs(expected)
                    .addIntegerArguments(args).callInplace(false).build());
            OneDnnMaxPooling kernel = new OneDnnMaxPooling(new long[] {c[0], c[1]}, new long[] {c[2], c[3]},
                    new long[] {c[4], c[5]}, c[6] == 1);
            try {
                assertThat(bits(inBlocks(kernel, expected.shape(), x))).as(java.util.Arrays.toString(c))
                        .isEqualTo(bits(expected));
            } finally {
                kernel.close();
            }
        }
    }

    @Test
    void refusesArraysOneDnnCannotReadInPlace() {
        Conv2DConfig config = Conv2DConfig.builder().kH(1).kW(1).paddingMode(PaddingMode.VALID)
                .dataFormat(Conv2DConfig.NHWC).weightsFormat(WeightsFormat.OIYX).build();
        INDArray weights = Nd4j.ones(DataType.FLOAT, 2, 2, 1, 1);
        OneDnnConvolution kernel = new OneDnnConvolution(weights, null, config, false, false);
        try {
            INDArray permuted = Nd4j.ones(DataType.FLOAT, 3, 2, 4, 4).permute(0, 2, 3, 1);
            assertThatThrownBy(() -> kernel.run(new INDArray[] {permuted}, Nd4j.create(DataType.FLOAT, 3, 4, 4, 2)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("dense C-order float");
        } finally {
            kernel.close();
        }
    }

    @Test
    void paddingOfSameModeIsDl4jsAndTheRestMakesTheOutputSize() {
        // 4 rows, 3x3, stride 2, Same: 2 outputs, 1 row of padding in total, all of it after (DL4J puts the odd one last)
        assertThat(OneDnnConvolution.padBefore(PaddingMode.SAME, 4, 2, 3, 2, 1, 7)).isZero();
        assertThat(OneDnnConvolution.padAfter(4, 2, 3, 2, 1, 0)).isEqualTo(1);
        // 5 rows, 3x3 dilated 2 (effective 5), Same: 5 outputs, 2 + 2
        assertThat(OneDnnConvolution.padBefore(PaddingMode.SAME, 5, 5, 3, 1, 2, 0)).isEqualTo(2);
        assertThat(OneDnnConvolution.padAfter(5, 5, 3, 1, 2, 2)).isEqualTo(2);
        // Truncate keeps the configured padding before; after it, what the output size leaves (here less)
        assertThat(OneDnnConvolution.padBefore(PaddingMode.VALID, 13, 7, 3, 2, 1, 1)).isEqualTo(1);
        assertThat(OneDnnConvolution.padAfter(13, 7, 3, 2, 1, 1)).isEqualTo(1);
        assertThat(OneDnnConvolution.padAfter(12, 6, 3, 2, 1, 1)).isEqualTo(0);
    }

    private static INDArray nd4j(INDArray x, INDArray weights, INDArray bias, Conv2DConfig config, boolean relu) {
        INDArray[] in = bias == null ? new INDArray[] {x, weights} : new INDArray[] {x, weights, bias};
        INDArray out = Nd4j.create(DataType.FLOAT, x.size(0), outputSize(x.size(1), config.getKH(), config.getSH(),
                config.getPH(), config.getDH(), config), outputSize(x.size(2), config.getKW(), config.getSW(),
                config.getPW(), config.getDW(), config), weights.size(0));
        Nd4j.exec(new Conv2D(in, new INDArray[] {out}, config));
        return relu ? Transforms.relu(out, false) : out;
    }

    /** {@code kernel} at a new point on all of {@code x} at once, into a new array of {@code shape}; closed after. */
    private static INDArray once(OneDnnKernel kernel, INDArray x, long[] shape) {
        INDArray out = Nd4j.create(DataType.FLOAT, shape);
        try {
            kernel.prepare();
            kernel.run(new INDArray[] {x}, out);
        } finally {
            kernel.close();
        }
        return out;
    }

    /**
     * {@code kernel} over the 17 rows of {@code inputs} in blocks of 7 (the last one 3), each block a view at an
     * offset and written into the first rows of a 7-row buffer, as the plan's workers run it; the blocks collected
     * into an array of {@code shape}.
     */
    private static INDArray inBlocks(Step.Kernel kernel, long[] shape, INDArray... inputs) {
        long[] blockShape = shape.clone();
        blockShape[0] = 7;
        INDArray buffer = Nd4j.create(DataType.FLOAT, blockShape);
        INDArray all = Nd4j.create(DataType.FLOAT, shape);
        for (long from = 0; from < 17; from += 7) {
            long to = Math.min(17, from + 7);
            INDArray[] in = new INDArray[inputs.length];
            for (int i = 0; i < in.length; i++) {
                in[i] = PlanWorker.rows(inputs[i], from, to);
            }
            INDArray block = PlanWorker.rows(buffer, 0, to - from);
            kernel.run(in, block);
            PlanWorker.rows(all, from, to).assign(block);
        }
        return all;
    }

    private static long outputSize(long in, long k, long s, long p, long d, Conv2DConfig config) {
        return config.getPaddingMode() == PaddingMode.SAME ? (in + s - 1) / s : (in + 2 * p - ((k - 1) * d + 1)) / s + 1;
    }

    private static int[] bits(INDArray a) {
        float[] f = a.dup('c').data().asFloat();
        int[] b = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            b[i] = Float.floatToRawIntBits(f[i]);
        }
        return b;
    }
}

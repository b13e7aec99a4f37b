package org.landscape4j.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Precision;
import org.landscape4j.engine.device.DeviceRequest;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The CUDA plan's convolutional rules (NHWC images, cuDNN's convolutions with batch norm folded per point, pooling,
 * adds, DL4J's flattening) on the plain-Java {@link HostDevice}, against DL4J's score at points of a plane: the bench
 * networks' shapes at small sizes, and what they lack.
 */
class CudaConvHostTest {

    @Test
    void aLeNetLikeNetworkEqualsDl4j() {
        CudaPlan plan = CudaPlanHostTest.agreesOnAPlane(ConvNetworks.leNet(12, 3, 4, 6, 16),
                ConvNetworks.images(90, 1, 12, 10, 3), 64);
        assertThat(plan.description()).startsWith("CUDA plan, 7 steps (conv+relu, max-pool, conv+relu, max-pool, nchw,"
                + " dense+relu, output softmax-cross-entropy), SGEMM in float (TF32 off), cuDNN convolutions and"
                + " pooling over NHWC images in float (TF32 off), device memory ");
    }

    @Test
    void aVggLikeNetworkWithBatchNormFoldedEqualsDl4j() {
        CudaPlan plan = CudaPlanHostTest.agreesOnAPlane(ConvNetworks.vgg(8, new int[] {4, 6}, 12),
                ConvNetworks.images(70, 1, 8, 10, 4), 32);
        assertThat(plan.description()).contains("(conv+bn+relu, conv+bn+relu, max-pool, conv+bn+relu,");
    }

    @Test
    void aResNetWithProjectionsAndGlobalPoolingEqualsDl4j() {
        CudaPlan plan = CudaPlanHostTest.agreesOnAPlane(ConvNetworks.resNet(8, 3, new int[] {4, 8}, 2),
                ConvNetworks.images(40, 3, 8, 10, 5), 25);
        assertThat(plan.description()).contains("conv+bn+relu, conv+bn, conv+bn, add+relu,")
                .contains("global-avg-pool");
    }

    @Test
    void unfusedActivationsAveragePoolingDilationAndLockedBatchNormEqualDl4j() {
        CudaPlan plan = CudaPlanHostTest.agreesOnAPlane(ConvNetworks.mixed(9), ConvNetworks.images(50, 2, 9, 10, 6),
                50);
        assertThat(plan.description()).contains("(conv+tanh, avg-pool, conv+bn, global-max-pool,");
    }

    @Test
    void zeroPaddingAndMergeVerticesEqualDl4j() {
        CudaPlan plan = CudaPlanHostTest.agreesOnAPlane(ConvNetworks.merged(7), ConvNetworks.images(40, 2, 7, 10, 7),
                40);
        assertThat(plan.description()).contains("(zero-pad, conv+relu, conv, merge, conv+relu, global-avg-pool,"
                + " dense+tanh, dense+relu, merge, output");
    }

    @Test
    void aBatchNormThatNoConvolutionFeedsRunsAsItsOwnAffineStepAndEqualsDl4j() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(2).dataType(DataType.FLOAT).list()
                .layer(new DenseLayer.Builder().name("d").nOut(6).activation(Activation.RELU).build())
                .layer(new BatchNormalization.Builder().name("bn").build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(4, 4, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        CudaPlan plan = CudaPlanHostTest.agreesOnAPlane(net, ConvNetworks.images(30, 1, 4, 3, 1), 16);
        assertThat(plan.description()).contains("dense+relu, batchnorm, output softmax-cross-entropy");
    }

    @Test
    void tf32ReadsTheOperandsOfGemmsAndConvolutionsRoundedAndStatesItsErrorAtTheCentre() {
        org.deeplearning4j.nn.api.Model net = ConvNetworks.vgg(8, new int[] {4, 6}, 12);
        DataSet data = ConvNetworks.images(40, 1, 8, 10, 4);
        CudaPlan tf32 = CudaPlanHostTest.plan(Networks.request(net, data, 40, DeviceRequest.Accuracy.ARG_MAX,
                Precision.TF32));
        CudaPlan fp32 = CudaPlanHostTest.plan(Networks.request(net, data, 40, DeviceRequest.Accuracy.ARG_MAX));
        assertThat(tf32.description()).contains("SGEMM in TF32 (tensor cores, float accumulation), cuDNN convolutions"
                + " and pooling over NHWC images in TF32 (tensor cores, float accumulation)");

        org.landscape4j.engine.internal.Batch first = Networks.request(net, data, 40,
                DeviceRequest.Accuracy.ARG_MAX).batches().get(0).get(0);
        fp32.statePrecision(net, first);
        assertThat(fp32.description()).doesNotContain("measured");
        tf32.statePrecision(net, first);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(", TF32: loss at the centre on 40 examples (\\S+)"
                + " against (\\S+) in float on the same device \\(relative difference (\\S+), measured\\)$")
                .matcher(tf32.description());
        assertThat(m.find()).as(tf32.description()).isTrue();
        double relative = Double.parseDouble(m.group(3));
        assertThat(relative).as("TF32 rounds, and only by its 10 bits of mantissa").isGreaterThan(0).isLessThan(5e-3);

        org.nd4j.linalg.api.ndarray.INDArray d = Networks.direction(net, 0.5, 1);
        try (var a = tf32.newWorker(new org.nd4j.linalg.api.ndarray.INDArray[] {net.params(), d});
             var b = fp32.newWorker(new org.nd4j.linalg.api.ndarray.INDArray[] {net.params(), d})) {
            double have = a.evaluate(new double[] {1, 0.5})[0][0][0];
            double want = b.evaluate(new double[] {1, 0.5})[0][0][0];
            assertThat(have).isNotEqualTo(want).isCloseTo(want, org.assertj.core.data.Percentage.withPercentage(0.5));
        }
    }

    @Test
    void theDeviceChecksFluxVgg13HasARuleForEveryLayerAndAgreesWithDl4jOnAProbe() {
        MultiLayerNetwork net = ConvNetworks.fluxVgg13();
        CudaPlan plan = CudaPlanHostTest.plan(Networks.request(net, ConvNetworks.images(2, 1, 28, 10, 8), 2,
                DeviceRequest.Accuracy.ARG_MAX));
        assertThat(plan.description()).contains("(conv+relu, batchnorm, conv+relu, batchnorm, max-pool, conv+relu,")
                .contains("max-pool, nchw, dense+relu, dense+relu, output softmax-cross-entropy)");
    }

    /**
     * Same mode with an odd total padding (a stride-2 window over an even size: Keras's and TensorFlow's usual
     * downsampling, GoogLeNet's ceil-mode pooling once imported) pads one row and column more at the bottom and right;
     * cuDNN pads symmetrically, so the plan pads first (zeros before a convolution, -∞ before a max pooling) and the
     * window runs unpadded.
     */
    @Test
    void sameModeWindowsThatPadOneMoreAtTheBottomAndRightEqualDl4j() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .convolutionMode(ConvolutionMode.Same).list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("c1").stride(2, 2).nOut(4).activation(Activation.RELU)
                        .build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("p").kernelSize(3, 3)
                        .stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(2, 2).name("c2").stride(1, 1).nOut(5)
                        .activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(12, 12, 2))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // the max pooling's input is relu'd: a -∞ that won a window would show as a wrong (or infinite) loss
        CudaPlan plan = CudaPlanHostTest.agreesOnAPlane(net, ConvNetworks.images(30, 2, 12, 3, 9), 16);
        assertThat(plan.description()).contains("(zero-pad, conv+relu, pad(-inf), max-pool, zero-pad, conv+tanh, nchw,"
                + " output softmax-cross-entropy)");
    }

    /** The device check's FLOPs: every multiply-add of the plan's convolutions and GEMMs, the output layer's too. */
    @Test
    void theRooflineCountsTwoFlopsPerMultiplyAddOfThePlansConvolutionsAndGemms() {
        // conv 3x3 1->4 on 12x12 (10x10 out), pool, conv 3x3 4->6 (3x3 out), pool to 1x1, dense 6->16, output 16->10
        assertThat(Roofline.flopsPerExample(ConvNetworks.leNet(12, 3, 4, 6, 16), ConvNetworks.images(3, 1, 12, 10, 3)))
                .isEqualTo(2L * (10 * 10 * 4 * 9 + 3 * 3 * 6 * 9 * 4 + 6 * 16 + 16 * 10));
        assertThat(Roofline.flopsPerExample(ConvNetworks.fluxVgg13(), ConvNetworks.images(2, 1, 28, 10, 8)) / 1e9)
                .as("the Flux write-up's VGG-13, GFLOP per example").isBetween(0.42, 0.44);
    }
}

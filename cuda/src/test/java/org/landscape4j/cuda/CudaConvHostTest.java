package org.landscape4j.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
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
}

package org.landscape4j.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The CUDA plan's rules for the blocks of torchvision's newer classifiers (grouped and depthwise convolutions, swish,
 * hard swish/sigmoid, PyTorch's GELU, squeeze-and-excitation gates, channel slices and shuffles, layer norm over
 * channels, layer scales, upsampling, batch norm after an activation) on the plain-Java {@link HostDevice}, against
 * DL4J's score at points of a plane, each step also against DL4J's activations on a probe.
 */
class CudaZooHostTest {

    @Test
    void mobileNetAndEfficientNetBlocksEqualDl4j() {
        CudaPlan plan = CudaPlanHostTest.agreesOnAPlane(ZooNetworks.mobile(8), ConvNetworks.images(30, 3, 8, 10, 3),
                16);
        assertThat(plan.description()).contains("(conv+bn, relu6, conv+bn, swish, depthwise-conv+bn, hard-swish,"
                + " global-avg-pool, conv+swish, conv+hard-sigmoid, channel-gate, conv+bn, add, depthwise-conv+tanh,"
                + " upsampling2d, relu, batchnorm, global-avg-pool, dense+relu, batchnorm, output");
    }

    @Test
    void shuffleNetAndResNeXtBlocksEqualDl4j() {
        CudaPlan plan = CudaPlanHostTest.agreesOnAPlane(ZooNetworks.shuffled(6), ConvNetworks.images(30, 2, 6, 10, 4),
                30);
        assertThat(plan.description()).contains("(conv+relu, channel-slice, channel-slice, grouped-conv+bn+relu, conv,"
                + " merge, channel-shuffle, grouped-conv, sigmoid, global-avg-pool,");
    }

    @Test
    void aConvNeXtBlockEqualsDl4j() {
        CudaPlan plan = CudaPlanHostTest.agreesOnAPlane(ZooNetworks.convNeXt(8), ConvNetworks.images(20, 3, 8, 10, 5),
                20);
        assertThat(plan.description()).contains("(conv, layernorm, depthwise-conv, layernorm, conv+gelu, conv,"
                + " channel-scale, add, global-avg-pool, layernorm, dense+relu, batchnorm, output");
    }
}

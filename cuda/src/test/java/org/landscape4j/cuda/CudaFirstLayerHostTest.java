package org.landscape4j.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Precision;
import org.landscape4j.engine.device.DeviceRequest;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * First-layer factorization on the device ({@link FirstLayer}), on the plain-Java {@link HostDevice}: the products
 * per anchor and batch combined per point equal DL4J at points of a plane (the last batch shorter than the buffers),
 * and the plan says when the step is factorized and why not when it could be.
 */
class CudaFirstLayerHostTest {

    private static final long BUDGET = 1L << 30;

    private static DeviceRequest request(org.deeplearning4j.nn.api.Model net, DataSet data, int batch, long budget,
                                         Precision precision) {
        return Networks.request(net, data, batch, DeviceRequest.Accuracy.ARG_MAX, precision, budget);
    }

    @Test
    void aDenseFirstLayerWithManyInputsIsFactorizedAndEqualsDl4j() {
        DataSet data = Networks.data(300, 200, 5, 4);
        CudaPlan plan = CudaPlanHostTest.agreesOnAPlane(request(Networks.classifier(200, 32, 5, 3), data, 128, BUDGET,
                Precision.FLOAT), data);
        assertThat(plan.factorized()).isNotNull();
        assertThat(plan.description()).contains("(dense+relu, dense+leaky-relu,").contains(" per worker with 3"
                + " anchors, first layer factorized (layer 0 'd1' (DenseLayer), products 116 kB per worker)");
    }

    @Test
    void aConvolutionOverManyChannelsIsFactorizedWithItsBiasAndActivationAndEqualsDl4j() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(4).dataType(DataType.FLOAT).list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("wide").nOut(4).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(5, 5, 16))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        DataSet data = ConvNetworks.images(50, 16, 5, 3, 5);
        CudaPlan plan = CudaPlanHostTest.agreesOnAPlane(request(net, data, 32, BUDGET, Precision.FLOAT), data);
        assertThat(plan.factorized()).isNotNull();
        assertThat(plan.description()).contains("(conv+tanh, nchw, output softmax-cross-entropy)")
                .contains("first layer factorized (layer 0 'wide' (ConvolutionLayer)");
    }

    @Test
    void aFirstLayerWhoseGemmIsCheaperThanItsProductsRunsPerPointAndSaysWhy() {
        DataSet data = Networks.data(100, 20, 5, 4);
        CudaPlan plan = CudaPlanHostTest.plan(request(Networks.classifier(20, 32, 5, 3), data, 100, BUDGET,
                Precision.FLOAT));
        assertThat(plan.factorized()).isNull();
        assertThat(plan.description()).endsWith(", first layer computed per point (layer 0 'd1' (DenseLayer):"
                + " fan-in 20, its GEMM costs less than reading 3 anchors' products)");
        // TF32's tensor cores make the GEMM cheaper still: 200 inputs pay in float, not in TF32
        DataSet wide = Networks.data(100, 200, 5, 4);
        assertThat(CudaPlanHostTest.plan(request(Networks.classifier(200, 32, 5, 3), wide, 100, BUDGET,
                Precision.TF32)).factorized()).isNull();
    }

    @Test
    void productsOverTheBudgetOrFactorizationOffRunPerPoint() {
        DataSet data = Networks.data(300, 200, 5, 4);
        CudaPlan over = CudaPlanHostTest.plan(request(Networks.classifier(200, 32, 5, 3), data, 128, 100_000,
                Precision.FLOAT));
        assertThat(over.factorized()).isNull();
        assertThat(over.description()).endsWith(", first layer computed per point: its products would take 116 kB,"
                + " over the budget of 100 kB (Execution.firstLayerMemory)");
        CudaPlan off = CudaPlanHostTest.plan(request(Networks.classifier(200, 32, 5, 3), data, 128, 0,
                Precision.FLOAT));
        assertThat(off.factorized()).isNull();
        assertThat(off.description()).doesNotContain("first layer");
    }

    /** Checked at compile for one worker (before any work) and by each worker as it starts, products included. */
    @Test
    void aWorkerThatWouldNotFitTheFreeDeviceMemoryIsRefusedInOneLine() {
        DataSet data = Networks.data(3000, 200, 5, 4);
        DeviceRequest r = request(Networks.classifier(200, 32, 5, 3), data, 1000, BUDGET, Precision.FLOAT);
        CudaPlan plan = CudaPlanHostTest.plan(r);
        long need = plan.deviceBytes(3, r.batches());
        plan.requireMemory(need, 3, r.batches());
        assertThatThrownBy(() -> plan.requireMemory(need - 1, 3, r.batches()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("CUDA asked for, but a worker needs " + (need >> 20) + " MiB of device memory (anchors, data,"
                        + " activations, the first layer's products) and GPU 0 has " + ((need - 1) >> 20) + " MiB free:"
                        + " use fewer workers or less evaluation data, or a smaller Execution.firstLayerMemory");
        assertThat(need).as("products: 3 anchors x 3000 examples x 32 floats").isGreaterThan(3L * 3000 * 32 * 4);
    }
}

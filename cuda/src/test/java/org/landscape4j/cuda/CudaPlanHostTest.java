package org.landscape4j.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Precision;
import org.landscape4j.engine.device.DeviceRequest;
import org.landscape4j.engine.internal.Batch;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The CUDA plan's steps, offsets, transposes and heads, run on a plain-Java {@link HostDevice} with the arguments the
 * GPU gets, against DL4J's own score and output at points of a plane: what can be checked of the GPU back end without
 * a GPU. The GPU itself: {@link CudaGpuTest} and the device check.
 */
class CudaPlanHostTest {

    static CudaPlan plan(DeviceRequest r) {
        Batch first = r.batches().get(0).get(0);
        Batch probe = first.head(2);
        CudaPlanBuilder b = new CudaPlanBuilder(r, probe.features());
        CudaPlan plan = new CudaPlan(b, precision -> new HostDevice(precision == Precision.TF32));
        assertThat(plan.check(r.prototype(), probe, b.expected)).isNull();
        return plan;
    }

    /** DL4J's {loss, accuracy} at θ + a·d1 + b·d2 ({@code net} a multi-layer network or a computation graph). */
    private static double[] dl4j(Model net, INDArray d1, INDArray d2, double a, double b, DataSet data) {
        INDArray params = net.params().add(d1.mul(a)).addi(d2.mul(b));
        double loss;
        INDArray out;
        if (net instanceof ComputationGraph g) {
            ComputationGraph copy = g.clone();
            copy.setParams(params);
            loss = copy.score(data, false);
            out = copy.outputSingle(false, data.getFeatures());
        } else {
            MultiLayerNetwork copy = ((MultiLayerNetwork) net).clone();
            copy.setParams(params);
            loss = copy.score(data, false);
            out = copy.output(data.getFeatures(), false);
        }
        double accuracy = out.argMax(1).eq(data.getLabels().argMax(1)).castTo(DataType.DOUBLE).meanNumber()
                .doubleValue();
        return new double[] {loss, accuracy};
    }

    /** The plan's {loss, accuracy} over all batches, weighted by their sizes. */
    private static double[] device(double[][][] v, DeviceRequest r) {
        double loss = 0;
        double accuracy = 0;
        long n = 0;
        for (int b = 0; b < v[0].length; b++) {
            long rows = r.batches().get(0).get(b).size();
            loss += v[0][b][0] * rows;
            accuracy += v[0][b][1] * rows;
            n += rows;
        }
        return new double[] {loss / n, accuracy / n};
    }

    /** The plan of {@code net} on the host device equals DL4J at five points of a random plane; it frees its buffers. */
    static CudaPlan agreesOnAPlane(Model net, DataSet data, int batch) {
        return agreesOnAPlane(Networks.request(net, data, batch, DeviceRequest.Accuracy.ARG_MAX), data);
    }

    /** The same for request {@code r} of its prototype on {@code data}. */
    static CudaPlan agreesOnAPlane(DeviceRequest r, DataSet data) {
        Model net = r.prototype();
        CudaPlan plan = plan(r);
        INDArray d1 = Networks.direction(net, 0.5, 1);
        INDArray d2 = Networks.direction(net, 0.5, 2);
        int live = HostDevice.LIVE.get();
        try (var worker = plan.newWorker(new INDArray[] {net.params(), d1, d2})) {
            for (double[] ab : new double[][] {{0, 0}, {1, 0}, {-0.5, 0.75}, {1, -1}, {0, 0.25}}) {
                double[] want = dl4j(net, d1, d2, ab[0], ab[1], data);
                double[] have = device(worker.evaluate(new double[] {1, ab[0], ab[1]}), r);
                assertThat(Math.abs(have[0] - want[0]) / Math.abs(want[0])).as("loss at %s", (Object) ab)
                        .isLessThan(1e-5);
                assertThat(have[1]).as("accuracy at %s", (Object) ab).isCloseTo(want[1],
                        org.assertj.core.data.Offset.offset(1.0 / data.numExamples()));
            }
        }
        assertThat(HostDevice.LIVE.get()).as("buffers freed by close()").isEqualTo(live);
        return plan;
    }

    @Test
    void aClassifierMlpEqualsDl4jAtEveryPointOfAPlane() {
        agreesOnAPlane(Networks.classifier(20, 32, 5, 3), Networks.data(300, 20, 5, 4), 128);
    }

    @Test
    void aRegressionMlpWithMseEqualsDl4j() {
        agreesOnAPlane(Networks.regression(10, 3, 5), Networks.data(200, 10, 3, 6), 64);
    }

    @Test
    void imagesFlattenedByDl4jsPreprocessorAreAViewOfTheFeatures() {
        agreesOnAPlane(Networks.flattened(4, 7), Networks.images(150, 4, 8), 100);
    }

    @Test
    void theDescriptionNamesTheStepsAndTheDeviceMemory() {
        DeviceRequest r = Networks.request(Networks.classifier(20, 32, 5, 3), Networks.data(300, 20, 5, 4), 128,
                DeviceRequest.Accuracy.ARG_MAX);
        assertThat(plan(r).description()).startsWith("CUDA plan, 5 steps (dense+relu, dense+leaky-relu, dense, elu,"
                + " output softmax-cross-entropy), SGEMM in float (TF32 off), device memory ");
    }

    @Test
    void aOneDimensionalConvolutionIsRefusedByNameBeforeAnyWork() {
        MultiLayerNetwork net = Networks.sequences(1);
        DataSet data = new DataSet(org.nd4j.linalg.factory.Nd4j.rand(DataType.FLOAT, 8, 2, 6),
                Networks.data(8, 3, 3, 1).getLabels());
        DeviceRequest r = Networks.request(net, data, 8, DeviceRequest.Accuracy.ARG_MAX);
        assertThatThrownBy(() -> new CudaPlanBuilder(r, r.batches().get(0).get(0).head(2).features()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("CUDA asked for, but layer 0 'conv1d' (Convolution1DLayer) has no"
                        + " CUDA-plan rule yet (the CUDA plan runs dense, output and loss layers")
                .hasMessageEndingWith("; run this network on the CPU (Backend.AUTO)")
                .hasMessageNotContaining("\n");
    }

    @Test
    void perLabelAccuracyAndOtherLossesAreRefusedByName() {
        MultiLayerNetwork net = Networks.classifier(6, 8, 3, 1);
        DataSet data = Networks.data(20, 6, 3, 2);
        DeviceRequest r = Networks.request(net, data, 20, DeviceRequest.Accuracy.PER_LABEL);
        assertThatThrownBy(() -> new CudaPlanBuilder(r, r.batches().get(0).get(0).head(2).features()))
                .hasMessageContaining("the per-label accuracy");
        MultiLayerNetwork doubles = Networks.classifier(6, 8, 3, 1);
        doubles = doubles.convertDataType(DataType.DOUBLE);
        DeviceRequest d = Networks.request(doubles, data, 20, DeviceRequest.Accuracy.NONE);
        assertThatThrownBy(() -> new CudaPlanBuilder(d, d.batches().get(0).get(0).head(2).features()))
                .hasMessageContaining("the network's parameters are DOUBLE (the CUDA plan computes in float");
    }
}

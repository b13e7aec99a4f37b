package org.landscape4j.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** What the ONNX converter builds: outputs equal PyTorch's, parameter names and layouts are PyTorch's. */
class OnnxImportTest {

    /** The README's export and a plain one (batch norms folded; the torchvision networks' Clip bounds as inputs). */
    @ParameterizedTest
    @ValueSource(strings = {"cnn.onnx", "cnn-folded.onnx", "mobilenetv2.onnx", "mobilenetv2-folded.onnx",
        "mnasnet.onnx", "mnasnet-folded.onnx", "efficientnet.onnx", "efficientnet-folded.onnx", "mobilenetv3.onnx",
        "mobilenetv3-folded.onnx", "googlenet.onnx", "googlenet-folded.onnx", "resnext.onnx", "resnext-folded.onnx",
        "regnet.onnx", "regnet-folded.onnx", "shufflenet.onnx", "shufflenet-folded.onnx",
        "convnext.onnx", "convnext-folded.onnx"})
    void probabilitiesEqualPyTorch(String file) {
        ImportedModel m = Models.load(PyTorchFixtures.file(file),
                ImportOptions.withLoss(Loss.CROSS_ENTROPY).withDataType(DataType.DOUBLE));
        String name = file.replaceAll("(-folded)?\\.onnx$", "");
        DataSet data = PyTorchFixtures.data(name, 10, DataType.DOUBLE);
        INDArray logits = Nd4j.createFromNpyFile(PyTorchFixtures.file(name + "-logits.npy").toFile());
        INDArray want = Transforms.softmax(logits.castTo(DataType.DOUBLE));
        INDArray got = ((ComputationGraph) m.model()).outputSingle(data.getFeatures());
        // PyTorch's logits are float32: MobileNetV3's hard swishes leave 1.9e-6 of float32 rounding in its probabilities
        assertThat(got.sub(want).amaxNumber().doubleValue()).as(m.description()).isLessThan(5e-6);
    }

    /**
     * A PyTorch depthwise weight {@code [c, 1, kH, kW]} is DL4J's {@code [kH, kW, c, 1]}, and maps back to PyTorch's
     * shape and values; PyTorch's parameter count is the network's.
     */
    @Test
    void depthwiseWeightsMapToPyTorchsShapeAndBack() {
        ImportedModel m = Models.load(PyTorchFixtures.file("mobilenetv2.onnx"), Loss.CROSS_ENTROPY);
        assertThat(m.description()).contains("DepthwiseConvolution2D").contains("Clip -> ActivationLayer");
        OriginParameter dw = m.parameters().parameter("features.2.conv.1.0.weight");
        assertThat(dw.shape()).containsExactly(48, 1, 3, 3);
        assertThat(dw.segment().shape()).containsExactly(3, 3, 48, 1);
        assertThat(dw.segment().filterCount()).isEqualTo(48);
        INDArray w = m.graph().getLayer(dw.segment().layerName()).getParam("W");
        Map<String, INDArray> back = m.parameters().fromFlat(m.model().params());
        assertThat(back.get(dw.name()).shape()).containsExactly(48, 1, 3, 3);
        assertThat(back.get(dw.name()).getDouble(17, 0, 2, 1)).isEqualTo(w.getDouble(2, 1, 17, 0));
        INDArray flat = m.parameters().toFlat(back, DataType.FLOAT);
        assertThat(flat.reshape(flat.length())).isEqualTo(m.model().params().reshape(flat.length()));
        long pyTorch = m.parameters().parameters().stream().mapToLong(OriginParameter::length).sum();
        assertThat(m.model().numParams()).isEqualTo(pyTorch);
    }

    @Test
    void parametersKeepPyTorchNamesOrderAndShapes() {
        ImportedModel m = Models.load(PyTorchFixtures.file("cnn.onnx"), Loss.CROSS_ENTROPY);
        assertThat(m.parameters().names()).containsExactly("conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias",
                "bn1.running_mean", "bn1.running_var", "conv2.weight", "bn2.weight", "bn2.bias", "bn2.running_mean",
                "bn2.running_var", "conv3.weight", "bn3.weight", "bn3.bias", "bn3.running_mean", "bn3.running_var",
                "conv4.weight", "conv4.bias", "bn4.weight", "bn4.bias", "bn4.running_mean", "bn4.running_var",
                "fc.weight", "fc.bias");
        OriginParameter fc = m.parameters().parameter("fc.weight");
        assertThat(fc.shape()).containsExactly(10, 62);
        assertThat(fc.segment().shape()).containsExactly(62, 10);
        assertThat(fc.isPermuted()).isTrue();
        assertThat(m.parameters().parameter("conv1.weight").isPermuted()).isFalse();
        Map<String, INDArray> back = m.parameters().fromFlat(m.model().params());
        INDArray w = back.get("fc.weight");
        ComputationGraph g = m.graph();
        INDArray dl4j = g.getLayer("fc.Gemm").getParam("W");
        assertThat(w.getDouble(3, 7)).isEqualTo(dl4j.getDouble(7, 3));
        INDArray flat = m.parameters().toFlat(back, DataType.FLOAT);
        INDArray params = m.model().params();
        for (OriginParameter p : m.parameters().parameters()) {
            var s = p.segment();
            var a = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(s.offset(), s.offset() + s.length()));
            var b = params.reshape(params.length()).get(
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(s.offset(), s.offset() + s.length()));
            assertThat(a.equals(b)).as(p + " " + s + " " + a + " vs " + b).isTrue();
        }
        assertThat(flat.reshape(flat.length()).equals(params.reshape(params.length()))).isTrue();
    }

    @Test
    void tensorsTheExporterStoredOnceAreParametersOfTheirOwnInPyTorchsOrderAndLoadQuietly() throws Exception {
        // a fresh network exported the README's way: its zero biases, unit BN weights and statistics are stored once
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
        ImportedModel m;
        try {
            System.setErr(new java.io.PrintStream(warnings, true));
            m = Models.load(PyTorchFixtures.file("shared-init.onnx"), Loss.CROSS_ENTROPY);
        } finally {
            System.setErr(err);
        }
        assertThat(warnings.toString()).as("what DL4J printed").doesNotContain("WARN");
        java.util.List<String> pytorch = java.nio.file.Files.readAllLines(PyTorchFixtures.file("shared-init-order.txt"));
        assertThat(m.parameters().names()).containsExactly("0.weight", "0.bias", "1.weight", "1.bias",
                "1.running_mean", "1.running_var", "3.weight", "3.bias", "4.weight", "4.bias", "4.running_mean",
                "4.running_var", "7.weight", "7.bias");
        assertThat(m.parameters().names()).containsSubsequence(pytorch);
        assertThat(m.description()).contains("6 initializers, 8 copies of them as 14 DL4J parameter tensors")
                .contains("[1.bias, 1.running_mean, 1.running_var, 3.bias, 4.weight, 4.bias] and 2 more");

        // loss-landscape's direction file (one tensor per parameters() entry, tensor i filled with i + 1) maps
        org.landscape4j.engine.Directions.Given d = ReferenceDirections.read(PyTorchFixtures.file(
                "shared-init-ll.h5"), m);
        Map<String, INDArray> x = m.parameters().fromFlat(d.vectors().get(0));
        for (int i = 0; i < pytorch.size(); i++) {
            INDArray t = x.get(pytorch.get(i));
            assertThat(t.minNumber().doubleValue()).as(pytorch.get(i)).isEqualTo(i + 1.0);
            assertThat(t.maxNumber().doubleValue()).as(pytorch.get(i)).isEqualTo(i + 1.0);
        }
        assertThat(x.get("1.running_mean").sumNumber().doubleValue()).as("not in a weights file").isZero();
    }
}

package org.landscape4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.landscape4j.models.OnnxGraphs.integer;
import static org.landscape4j.models.OnnxGraphs.ints;
import static org.landscape4j.models.OnnxGraphs.longs;
import static org.landscape4j.models.OnnxGraphs.model;
import static org.landscape4j.models.OnnxGraphs.node;
import static org.landscape4j.models.OnnxGraphs.stream;
import static org.landscape4j.models.OnnxGraphs.weight;

import java.util.ArrayList;
import java.util.List;

import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The MatMul+Add rewrite and the opset variants of the converters, on small graphs built in Java. */
class OnnxConvertersTest {

    private static final ImportOptions CE64 = ImportOptions.withLoss(Loss.CROSS_ENTROPY)
            .withDataType(DataType.DOUBLE);

    private static String[] in(String... names) {
        return names;
    }

    /** Flatten, then a linear layer of 3 outputs written as {@code linear}, for the [batch, 1, 6, 6] input. */
    private static byte[] linear(Onnx.NodeProto... linear) {
        List<Onnx.NodeProto> nodes = new ArrayList<>();
        nodes.add(node("Flatten", "/Flatten", in("x"), "f", integer("axis", 1)));
        nodes.addAll(List.of(linear));
        return model(List.of(weight("fc.weight", 36, 3), weight("fc.bias", 3)), nodes.toArray(Onnx.NodeProto[]::new));
    }

    @Test
    void aMatMulAndTheAddOfItsBiasBecomeOneDenseLayerEqualToGemm() {
        ImportedModel folded = Models.load(stream(linear(
                node("MatMul", "/fc/MatMul", in("f", "fc.weight"), "m"),
                node("Add", "/fc/Add", in("m", "fc.bias"), "y"))), CE64);
        ImportedModel gemm = Models.load(stream(linear(
                node("Gemm", "/fc/Gemm", in("f", "fc.weight", "fc.bias"), "y"))), CE64);

        assertThat(folded.description()).contains("converted: 1 Flatten -> CnnToFeedForwardPreProcessor, "
                        + "1 MatMul -> DenseLayer\n")
                .contains("\nMatMul '/fc/MatMul' and Add '/fc/Add' became one dense layer 'fc.MatMul'\n");
        assertThat(folded.parameters().names()).containsExactly("fc.weight", "fc.bias");
        assertThat(folded.parameters().parameter("fc.weight").isPermuted()).isFalse();
        assertThat(folded.model().params()).isEqualTo(gemm.model().params());
        INDArray x = Nd4j.linspace(-1, 1, 2 * 36, DataType.DOUBLE).reshape(2, 1, 6, 6);
        assertThat(folded.graph().outputSingle(x)).isEqualTo(gemm.graph().outputSingle(x));
    }

    @Test
    void aMatMulWhoseAddIsNotItsBiasIsNotFolded() {
        byte[] bytes = model(List.of(weight("fc.weight", 36, 3), weight("other", 4)),
                node("Flatten", "/Flatten", in("x"), "f", integer("axis", 1)),
                node("MatMul", "/fc/MatMul", in("f", "fc.weight"), "m"),
                node("Add", "/fc/Add", in("m", "other"), "y"));
        assertThatThrownBy(() -> Models.load(stream(bytes), CE64))
                .isInstanceOf(ModelImportException.class)
                .hasMessage("ONNX node '/fc/Add' (Add) adds a constant tensor; only two computed tensors of one shape,"
                        + " or a MatMul's bias");
    }

    @Test
    void aMatMulReadTwiceKeepsItsAdd() {
        byte[] bytes = model(List.of(weight("fc.weight", 36, 3)),
                node("Flatten", "/Flatten", in("x"), "f", integer("axis", 1)),
                node("MatMul", "/fc/MatMul", in("f", "fc.weight"), "m"),
                node("Relu", "/relu", in("m"), "r"),
                node("Add", "/add", in("m", "r"), "y"));
        ImportedModel m = Models.load(stream(bytes), CE64);
        assertThat(m.description()).contains("1 Add -> ElementWiseVertex").doesNotContain("became one dense layer");
    }

    /** Pads [0, 0, 1, 1, 0, 0, 1, 1] (one row and column of zeros around the image), as the opset reads them. */
    @ParameterizedTest(name = "opset {0}, pads as {1}")
    @CsvSource({
        "10, attribute, ",
        "11, input, ",
        "10, input, has pads null; only constant pads of a rank-4 tensor",
        "11, attribute, has pads null; only constant pads of a rank-4 tensor",
    })
    void padReadsItsPadsAsAnAttributeBeforeOpset11AndAsAnInputFrom11(int opset, String as, String refusal) {
        Onnx.NodeProto pad = as.equals("attribute")
                ? node("Pad", "/pad", in("x"), "p", ints("pads", 0, 0, 1, 1, 0, 0, 1, 1))
                : node("Pad", "/pad", in("x", "pads"), "p");
        byte[] bytes = model(opset, List.of(longs("pads", 0, 0, 1, 1, 0, 0, 1, 1), weight("fc.weight", 3, 64)),
                pad,
                node("Flatten", "/Flatten", in("p"), "f", integer("axis", 1)),
                node("Gemm", "/fc/Gemm", in("f", "fc.weight"), "y", integer("transB", 1)));
        if (refusal == null) {
            assertThat(Models.load(stream(bytes), CE64).description()).contains("1 Pad -> ZeroPaddingLayer");
        } else {
            assertThatThrownBy(() -> Models.load(stream(bytes), CE64)).hasMessage("ONNX node '/pad' (Pad) " + refusal);
        }
    }

    /**
     * Unsqueeze with axes [0, 1] makes a scalar a [1, 1] tensor, which a Concat of shape vectors refuses: the refusal
     * shows the axes were read, from the attribute before opset 13 and from the input from 13 (and only then).
     */
    @ParameterizedTest(name = "opset {0}, axes as {1}")
    @CsvSource({
        "12, attribute, true",
        "13, input, true",
        "12, input, false",
        "13, attribute, false",
    })
    void unsqueezeReadsItsAxesAsAnAttributeBeforeOpset13AndAsAnInputFrom13(int opset, String as, boolean read) {
        Onnx.NodeProto unsqueeze = as.equals("attribute")
                ? node("Unsqueeze", "/Unsqueeze", in("b"), "u", ints("axes", 0, 1))
                : node("Unsqueeze", "/Unsqueeze", in("b", "axes"), "u");
        Onnx.TensorProto index = Onnx.TensorProto.newBuilder().setName("i0")
                .setDataType(Onnx.TensorProto.DataType.INT64_VALUE).addInt64Data(0).build();
        byte[] bytes = model(opset, List.of(index, longs("axes", 0, 1), longs("minus1", -1),
                        weight("fc.weight", 3, 36)),
                node("Shape", "/Shape", in("x"), "s"),
                node("Gather", "/Gather", in("s", "i0"), "b", integer("axis", 0)),
                unsqueeze,
                node("Concat", "/Concat", in("u", "minus1"), "shape", integer("axis", 0)),
                node("Reshape", "/Reshape", in("x", "shape"), "r"),
                node("Gemm", "/fc/Gemm", in("r", "fc.weight"), "y", integer("transB", 1)));
        if (read) {
            assertThatThrownBy(() -> Models.load(stream(bytes), CE64))
                    .hasMessage("ONNX node '/Concat' (Concat) concatenates constant tensors of rank 2");
        } else {
            assertThat(Models.load(stream(bytes), CE64).description())
                    .contains("1 Reshape -> CnnToFeedForwardPreProcessor");
        }
    }
}

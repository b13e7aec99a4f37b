package org.landscape4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
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
import org.landscape4j.engine.Directions;
import org.landscape4j.engine.Landscape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The MatMul+Add rewrite, the opset variants of the converters and the ops that map onto another layer (a depthwise
 * Conv, Clip, ReduceMean), on small graphs built in Java.
 */
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

    /**
     * GoogLeNet's {@code MaxPool2d(3, 2, ceil_mode=True)} over 6: PyTorch's third window starts at 4 and is clipped to
     * the input ([4, 6)); DL4J's Same mode pads one cell at the end, which max pooling must ignore, not read as 0: the
     * input is negative everywhere, so a zero read would show.
     */
    @Test
    void aMaxPoolWhoseCeilAddsAWindowPoolsAsPyTorchClippingTheLastWindow() {
        byte[] bytes = model(List.of(weight("fc.weight", 9, 3)),
                node("MaxPool", "/pool/MaxPool", in("x"), "p", ints("kernel_shape", 3, 3), ints("strides", 2, 2),
                        integer("ceil_mode", 1)),
                node("Flatten", "/Flatten", in("p"), "f", integer("axis", 1)),
                node("MatMul", "/fc/MatMul", in("f", "fc.weight"), "y"));
        ImportedModel m = Models.load(stream(bytes), CE64);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 1, 6, 6).addi(0.5).negi();
        INDArray pooled = Nd4j.zeros(DataType.DOUBLE, 2, 9);
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int r = 2 * i; r < Math.min(2 * i + 3, 6); r++) {
                        for (int c = 2 * j; c < Math.min(2 * j + 3, 6); c++) {
                            max = Math.max(max, x.getDouble(b, 0, r, c));
                        }
                    }
                    pooled.putScalar(b, 3 * i + j, max);
                }
            }
        }
        INDArray w = Nd4j.create(weight("fc.weight", 9, 3).getFloatDataList().stream().mapToDouble(v -> v)
                .toArray(), new long[] {9, 3}, DataType.DOUBLE);
        INDArray want = Transforms.softmax(pooled.mmul(w));
        assertThat(m.description()).contains("1 MaxPool -> SubsamplingLayer");
        assertThat(m.graph().outputSingle(x).sub(want).amaxNumber().doubleValue()).isLessThan(1e-6);

        // and the engine's inference plan (its own pooling step) gives the same loss at the centre
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        labels.putScalar(0, 0, 1.0);
        labels.putScalar(1, 2, 1.0);
        double loss = -(Math.log(want.getDouble(0, 0)) + Math.log(want.getDouble(1, 2))) / 2;
        INDArray d = Nd4j.rand(DataType.DOUBLE, 1, m.model().numParams());
        Landscape l = Landscape.builder().model(m.model()).directions(Directions.of("random", d, d.mul(-0.5)))
                .grid(-1, 1, 3).evaluateOn("train", new DataSet(x, labels)).workers(1).build();
        assertThat(l.evaluationPlan()).startsWith("inference plan");
        assertThat(l.surface().values("train", "loss")[1][1]).isCloseTo(loss, within(1e-9 * loss));
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
                .contains("\nMatMul '/fc/MatMul' and Add '/fc/Add' became one layer 'fc.MatMul'\n");
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
        assertThat(m.description()).contains("1 Add -> ElementWiseVertex").doesNotContain("became one layer");
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

    /** A FLOAT initializer of {@code dims} holding {@code values}. */
    private static Onnx.TensorProto tensor(String name, float[] values, long... dims) {
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        for (float v : values) {
            t.addFloatData(v);
        }
        return t.build();
    }

    private static float[] ramp(int n, float step) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i % 11 - 5) * step;
        }
        return v;
    }

    /**
     * A depthwise Conv of multiplier 2 (3 channels to 6, {@code group=3}) computes what a plain Conv computes with the
     * block-diagonal weight, output channel {@code 2c + j} reading input channel {@code c}: PyTorch's order, kept.
     */
    @Test
    void aDepthwiseConvolutionEqualsAPlainOneWithItsBlockDiagonalWeight() {
        float[] dw = ramp(6 * 9, 0.03f);
        float[] full = new float[6 * 3 * 9];
        for (int o = 0; o < 6; o++) {
            System.arraycopy(dw, o * 9, full, (o * 3 + o / 2) * 9, 9);
        }
        Onnx.TensorProto c1 = tensor("c1.weight", ramp(3 * 9, 0.05f), 3, 1, 3, 3);
        Onnx.TensorProto bias = tensor("c2.bias", ramp(6, 0.1f), 6);
        byte[] depthwise = model(List.of(c1, tensor("c2.weight", dw, 6, 1, 3, 3), bias, weight("fc.weight", 3, 96)),
                node("Conv", "/c1/Conv", in("x", "c1.weight"), "a"),
                node("Conv", "/c2/Conv", in("a", "c2.weight", "c2.bias"), "b", integer("group", 3),
                        ints("pads", 1, 1, 1, 1)),
                node("Flatten", "/Flatten", in("b"), "f", integer("axis", 1)),
                node("Gemm", "/fc/Gemm", in("f", "fc.weight"), "y", integer("transB", 1)));
        byte[] plain = model(List.of(c1, tensor("c2.weight", full, 6, 3, 3, 3), bias, weight("fc.weight", 3, 96)),
                node("Conv", "/c1/Conv", in("x", "c1.weight"), "a"),
                node("Conv", "/c2/Conv", in("a", "c2.weight", "c2.bias"), "b", ints("pads", 1, 1, 1, 1)),
                node("Flatten", "/Flatten", in("b"), "f", integer("axis", 1)),
                node("Gemm", "/fc/Gemm", in("f", "fc.weight"), "y", integer("transB", 1)));
        ImportedModel m = Models.load(stream(depthwise), CE64);
        assertThat(m.description()).contains("1 Conv -> DepthwiseConvolution2D");
        assertThat(m.parameters().parameter("c2.weight").segment().shape()).containsExactly(3, 3, 3, 2);
        INDArray x = Nd4j.linspace(-1, 1, 2 * 36, DataType.DOUBLE).reshape(2, 1, 6, 6);
        INDArray want = Models.load(stream(plain), CE64).graph().outputSingle(x);
        assertThat(m.graph().outputSingle(x).sub(want).amaxNumber().doubleValue()).isLessThan(1e-12);
    }

    /**
     * A grouped Conv (4 channels to 6 in 2 groups, ResNeXt's and RegNet's kind) computes what a plain Conv computes
     * with the block-diagonal weight: output channels 0-2 read input channels 0-1, 3-5 read 2-3. It imports as the
     * engine's {@code GroupedConvolution2D} with PyTorch's weight layout.
     */
    @Test
    void aGroupedConvolutionEqualsAPlainOneWithItsBlockDiagonalWeight() {
        float[] grouped = ramp(6 * 2 * 9, 0.03f);
        float[] full = new float[6 * 4 * 9];
        for (int o = 0; o < 6; o++) {
            System.arraycopy(grouped, o * 18, full, (o * 4 + o / 3 * 2) * 9, 18);
        }
        Onnx.TensorProto c1 = tensor("c1.weight", ramp(4 * 9, 0.05f), 4, 1, 3, 3);
        Onnx.TensorProto bias = tensor("c2.bias", ramp(6, 0.1f), 6);
        byte[] groupedModel = model(List.of(c1, tensor("c2.weight", grouped, 6, 2, 3, 3), bias,
                        weight("fc.weight", 3, 6 * 4)),
                node("Conv", "/c1/Conv", in("x", "c1.weight"), "a"),
                node("Conv", "/c2/Conv", in("a", "c2.weight", "c2.bias"), "b", integer("group", 2),
                        ints("strides", 2, 2), ints("pads", 1, 1, 1, 1)),
                node("Flatten", "/Flatten", in("b"), "f", integer("axis", 1)),
                node("Gemm", "/fc/Gemm", in("f", "fc.weight"), "y", integer("transB", 1)));
        byte[] plain = model(List.of(c1, tensor("c2.weight", full, 6, 4, 3, 3), bias, weight("fc.weight", 3, 6 * 4)),
                node("Conv", "/c1/Conv", in("x", "c1.weight"), "a"),
                node("Conv", "/c2/Conv", in("a", "c2.weight", "c2.bias"), "b", ints("strides", 2, 2),
                        ints("pads", 1, 1, 1, 1)),
                node("Flatten", "/Flatten", in("b"), "f", integer("axis", 1)),
                node("Gemm", "/fc/Gemm", in("f", "fc.weight"), "y", integer("transB", 1)));
        ImportedModel m = Models.load(stream(groupedModel), CE64);
        assertThat(m.description()).contains("1 Conv -> GroupedConvolution2D");
        assertThat(m.parameters().parameter("c2.weight").segment().shape()).containsExactly(6, 2, 3, 3);
        INDArray x = Nd4j.linspace(-1, 1, 2 * 36, DataType.DOUBLE).reshape(2, 1, 6, 6);
        INDArray want = Models.load(stream(plain), CE64).graph().outputSingle(x);
        assertThat(m.graph().outputSingle(x).sub(want).amaxNumber().doubleValue()).isLessThan(1e-12);
    }

    /** Clip to [0, 6] (ReLU6): its bounds are attributes before opset 11 and inputs from 11. */
    @ParameterizedTest(name = "opset {0}, bounds as {1}")
    @CsvSource({
        "10, attribute, ",
        "11, input, ",
        "10, input, clips to [-inf, inf]",
        "11, attribute, clips to [-inf, inf]",
    })
    void clipReadsItsBoundsAsAttributesBeforeOpset11AndAsInputsFrom11(int opset, String as, String refusal) {
        Onnx.AttributeProto min = Onnx.AttributeProto.newBuilder().setName("min")
                .setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(0).build();
        Onnx.AttributeProto max = Onnx.AttributeProto.newBuilder().setName("max")
                .setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(6).build();
        Onnx.NodeProto clip = as.equals("attribute") ? node("Clip", "/clip", in("x"), "c", min, max)
                : node("Clip", "/clip", in("x", "lo", "hi"), "c");
        byte[] bytes = model(opset, List.of(tensor("lo", new float[] {0}), tensor("hi", new float[] {6}),
                        weight("fc.weight", 3, 36)),
                clip,
                node("Flatten", "/Flatten", in("c"), "f", integer("axis", 1)),
                node("Gemm", "/fc/Gemm", in("f", "fc.weight"), "y", integer("transB", 1)));
        if (refusal != null) {
            assertThatThrownBy(() -> Models.load(stream(bytes), CE64)).hasMessageStartingWith("ONNX node '/clip' (Clip) "
                    + refusal);
            return;
        }
        ImportedModel m = Models.load(stream(bytes), CE64);
        assertThat(m.description()).contains("1 Clip -> ActivationLayer");
        INDArray x = Nd4j.linspace(-9, 9, 36, DataType.DOUBLE).reshape(1, 1, 6, 6);
        INDArray clipped = m.graph().feedForward(x, false).get("clip");
        assertThat(clipped.reshape(36)).isEqualTo(Transforms.min(Transforms.relu(x, true), 6.0, false).reshape(36));
    }

    /**
     * ReduceMean over the height and width, keeping them or not, and from opset 18 with its axes as an input: the
     * same numbers as GlobalAveragePool and Flatten.
     */
    @ParameterizedTest(name = "opset {0}, keepdims {1}")
    @CsvSource({"13, 0", "13, 1", "18, 0"})
    void reduceMeanOverTheImageIsAGlobalAveragePooling(int opset, int keepdims) {
        Onnx.NodeProto mean = opset >= 18
                ? node("ReduceMean", "/mean", in("a", "axes"), "m", integer("keepdims", keepdims))
                : node("ReduceMean", "/mean", in("a"), "m", ints("axes", 2, -1), integer("keepdims", keepdims));
        List<Onnx.TensorProto> weights = List.of(tensor("c.weight", ramp(4 * 9, 0.05f), 4, 1, 3, 3),
                longs("axes", 2, 3), weight("fc.weight", 3, 4));
        List<Onnx.NodeProto> nodes = new ArrayList<>(List.of(node("Conv", "/c/Conv", in("x", "c.weight"), "a"),
                mean));
        nodes.add(keepdims == 1 ? node("Flatten", "/Flatten", in("m"), "f", integer("axis", 1))
                : node("Identity", "/Identity", in("m"), "f"));
        nodes.add(node("Gemm", "/fc/Gemm", in("f", "fc.weight"), "y", integer("transB", 1)));
        ImportedModel m = Models.load(stream(model(opset, weights, nodes.toArray(Onnx.NodeProto[]::new))), CE64);
        ImportedModel global = Models.load(stream(model(weights,
                node("Conv", "/c/Conv", in("x", "c.weight"), "a"),
                node("GlobalAveragePool", "/pool", in("a"), "m"),
                node("Flatten", "/Flatten", in("m"), "f", integer("axis", 1)),
                node("Gemm", "/fc/Gemm", in("f", "fc.weight"), "y", integer("transB", 1)))), CE64);
        assertThat(m.description()).contains("1 ReduceMean -> GlobalPoolingLayer");
        INDArray x = Nd4j.linspace(-1, 1, 2 * 36, DataType.DOUBLE).reshape(2, 1, 6, 6);
        assertThat(m.graph().outputSingle(x)).isEqualTo(global.graph().outputSingle(x));
    }
}

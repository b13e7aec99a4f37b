package org.landscape4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.landscape4j.models.OnnxGraphs.integer;
import static org.landscape4j.models.OnnxGraphs.ints;
import static org.landscape4j.models.OnnxGraphs.model;
import static org.landscape4j.models.OnnxGraphs.node;
import static org.landscape4j.models.OnnxGraphs.stream;
import static org.landscape4j.models.OnnxGraphs.weight;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input is refused before any work, in one line that names the thing. */
class RefusalTest {

    private static final ImportOptions CE = ImportOptions.withLoss(Loss.CROSS_ENTROPY);

    private static String[] in(String... names) {
        return names;
    }

    /** Conv 1->2 3x3 with {@code attrs}, then Flatten and Gemm to 3 outputs (for a [6, 6] input with pad 1). */
    private static byte[] conv(long flatFeatures, onnx.Onnx.AttributeProto... attrs) {
        return model(List.of(weight("w", 2, 1, 3, 3), weight("fc.weight", 3, flatFeatures)),
                node("Conv", "/conv/Conv", in("x", "w"), "c", attrs),
                node("Flatten", "/Flatten", in("c"), "f", integer("axis", 1)),
                node("Gemm", "/fc/Gemm", in("f", "fc.weight"), "y", integer("transB", 1)));
    }

    @Test
    void aSmallJavaBuiltGraphImports() {
        ImportedModel m = Models.load(stream(conv(2 * 36, ints("pads", 1, 1, 1, 1))), CE);
        assertThat(m.format()).isEqualTo(ModelFormat.ONNX);
        assertThat(m.parameters().names()).containsExactly("w", "fc.weight");
    }

    @Test
    void asymmetricPaddingIsRefusedNamingTheNode() {
        assertThatThrownBy(() -> Models.load(stream(conv(2 * 25, ints("pads", 0, 0, 1, 1))), CE))
                .isInstanceOf(ModelImportException.class)
                .hasMessage("ONNX node '/conv/Conv' (Conv) has asymmetric pads [0, 0, 1, 1] ([top, left, bottom, "
                        + "right]); only symmetric padding is supported");
    }

    @Test
    void aGroupCountThatDoesNotDivideTheChannelsIsRefused() {
        assertThatThrownBy(() -> Models.load(stream(conv(2 * 16, integer("group", 2))), CE))
                .isInstanceOf(ModelImportException.class)
                .hasMessage("ONNX node '/conv/Conv' (Conv) has a weight [2, 1, 3, 3] for 1 input channels in 2"
                        + " group(s)");
    }

    /** Conv 1->4, then {@code second} on its 4 channels, flattened to 3 outputs (for a [6, 6] input with pad 1). */
    private static byte[] onFourChannels(onnx.Onnx.TensorProto weight, onnx.Onnx.NodeProto second) {
        return model(List.of(weight("c1.weight", 4, 1, 3, 3), weight, weight("fc.weight", 3, 4 * 16)),
                node("Conv", "/c1/Conv", in("x", "c1.weight"), "a"),
                second,
                node("Flatten", "/Flatten", in("b"), "f", integer("axis", 1)),
                node("Gemm", "/fc/Gemm", in("f", "fc.weight"), "y", integer("transB", 1)));
    }

    @Test
    void clipBoundsNoDl4jActivationComputesAreRefused() {
        onnx.Onnx.TensorProto lo = onnx.Onnx.TensorProto.newBuilder().setName("lo")
                .setDataType(onnx.Onnx.TensorProto.DataType.FLOAT_VALUE).addFloatData(-2).build();
        onnx.Onnx.TensorProto hi = onnx.Onnx.TensorProto.newBuilder().setName("hi")
                .setDataType(onnx.Onnx.TensorProto.DataType.FLOAT_VALUE).addFloatData(3).build();
        byte[] bytes = model(List.of(lo, hi, weight("fc.weight", 3, 36)),
                node("Clip", "/clip", in("x", "lo", "hi"), "c"),
                node("Flatten", "/Flatten", in("c"), "f", integer("axis", 1)),
                node("Gemm", "/fc/Gemm", in("f", "fc.weight"), "y", integer("transB", 1)));
        assertThatThrownBy(() -> Models.load(stream(bytes), CE))
                .isInstanceOf(ModelImportException.class)
                .hasMessage("ONNX node '/clip' (Clip) clips to [-2.0, 3.0]; supported: [0, max] (ReLU6, ReLU, a bounded"
                        + " ReLU) and [-1, 1] (HardTanh)");
    }

    @Test
    void aReduceMeanOverTheChannelsIsRefused() {
        byte[] bytes = onFourChannels(weight("unused", 1),
                node("ReduceMean", "/mean", in("a"), "b", ints("axes", 1)));
        assertThatThrownBy(() -> Models.load(stream(bytes), CE))
                .isInstanceOf(ModelImportException.class)
                .hasMessage("ONNX node '/mean' (ReduceMean) averages over axes [1]; only over the height and width of"
                        + " NCHW images ([2, 3])");
    }

    @Test
    void aTransposeOtherThanChannelsLastOrTheChannelShuffleIsRefused() {
        byte[] bytes = onFourChannels(weight("unused", 1),
                node("Transpose", "/t", in("a"), "b", ints("perm", 0, 1, 3, 2)));
        assertThatThrownBy(() -> Models.load(stream(bytes), CE))
                .isInstanceOf(ModelImportException.class)
                .hasMessage("ONNX node '/t' (Transpose) transposes [4, 4, 4] by [0, 1, 3, 2]; only an image to"
                        + " channels-last and back (perm [0, 2, 3, 1], [0, 3, 1, 2]) and ShuffleNet's channel shuffle"
                        + " (channels read as groups [g, c / g, h, w], perm [0, 2, 1, 3, 4])");
    }

    /** A channels-last tensor (after Transpose [0, 2, 3, 1]) read by a convolution is refused, not misread. */
    @Test
    void aChannelsLastTensorReadByAConvolutionIsRefused() {
        byte[] bytes = model(List.of(weight("c1.weight", 4, 1, 3, 3), weight("c2.weight", 4, 4, 1, 1),
                        weight("fc.weight", 3, 4 * 16)),
                node("Conv", "/c1/Conv", in("x", "c1.weight"), "a"),
                node("Transpose", "/t", in("a"), "b", ints("perm", 0, 2, 3, 1)),
                node("Conv", "/c2/Conv", in("b", "c2.weight"), "c"),
                node("Flatten", "/Flatten", in("c"), "f", integer("axis", 1)),
                node("Gemm", "/fc/Gemm", in("f", "fc.weight"), "y", integer("transB", 1)));
        assertThatThrownBy(() -> Models.load(stream(bytes), CE))
                .isInstanceOf(ModelImportException.class)
                .hasMessage("ONNX node '/c2/Conv' (Conv) reads a channels-last tensor [4, 4, 4] (a Transpose [0, 2, 3,"
                        + " 1] of an image); only element-wise ops, LayerNormalization, MatMul and the Transpose back"
                        + " may read it");
    }

    @Test
    void aSliceOfTheHeightIsRefused() {
        byte[] bytes = model(9, List.of(weight("c1.weight", 4, 1, 3, 3), weight("fc.weight", 3, 4 * 8)),
                node("Conv", "/c1/Conv", in("x", "c1.weight"), "a"),
                node("Slice", "/s", in("a"), "b", ints("starts", 0), ints("ends", 2), ints("axes", 2)),
                node("Flatten", "/Flatten", in("b"), "f", integer("axis", 1)),
                node("Gemm", "/fc/Gemm", in("f", "fc.weight"), "y", integer("transB", 1)));
        assertThatThrownBy(() -> Models.load(stream(bytes), CE))
                .isInstanceOf(ModelImportException.class)
                .hasMessage("ONNX node '/s' (Slice) slices axes [2] of [4, 4, 4]; only the channels (axis 1) of an"
                        + " image");
    }

    @Test
    void aMulByAConstantIsRefused() {
        byte[] bytes = model(List.of(weight("k", 1), weight("fc.weight", 3, 36)),
                node("Mul", "/scale/Mul", in("x", "k"), "m"),
                node("Flatten", "/Flatten", in("m"), "f", integer("axis", 1)),
                node("Gemm", "/fc/Gemm", in("f", "fc.weight"), "y", integer("transB", 1)));
        assertThatThrownBy(() -> Models.load(stream(bytes), CE))
                .isInstanceOf(ModelImportException.class)
                .hasMessage("ONNX node '/scale/Mul' (Mul) multiplies [1, 6, 6] by a constant [1]; only an image"
                        + " [c, h, w] by a per-channel scale [c, 1, 1] (or two computed tensors of one shape, or an"
                        + " image by a per-channel gate)");
    }

    /** A gate that is not per channel (an image by a smaller image) is no squeeze-and-excitation: refused. */
    @Test
    void aMulBroadcastingOtherThanAPerChannelGateIsRefused() {
        byte[] bytes = model(List.of(weight("fc.weight", 3, 36)),
                node("MaxPool", "/pool", in("x"), "p", ints("kernel_shape", 2, 2), ints("strides", 2, 2)),
                node("Mul", "/gate/Mul", in("x", "p"), "m"),
                node("Flatten", "/Flatten", in("m"), "f", integer("axis", 1)),
                node("Gemm", "/fc/Gemm", in("f", "fc.weight"), "y", integer("transB", 1)));
        assertThatThrownBy(() -> Models.load(stream(bytes), CE))
                .isInstanceOf(ModelImportException.class)
                .hasMessageStartingWith("ONNX node '/gate/Mul' (Mul) multiplies tensors of shapes")
                .hasMessageEndingWith("; broadcasting only an image [c, h, w] by a per-channel gate [c, 1, 1]");
    }

    @Test
    void unsupportedOpIsRefusedNamingOpNodeAndTheSupportedList() {
        byte[] bytes = model(List.of(weight("fc.weight", 3, 36)),
                node("Flatten", "/Flatten", in("x"), "f", integer("axis", 1)),
                node("Gemm", "/fc/Gemm", in("f", "fc.weight"), "g", integer("transB", 1)),
                node("Erf", "/act/Erf", in("g"), "y"));
        assertThatThrownBy(() -> Models.load(stream(bytes), CE))
                .isInstanceOf(ModelImportException.class)
                .hasMessageStartingWith("ONNX op Erf (node '/act/Erf') is not supported; supported ops: Conv, Gemm, "
                        + "MatMul, Add, Mul, BatchNormalization");
    }

    @Test
    void ceilModeIsAMaxPoolingPaddedAtTheEndAndRefusedWhereDl4jCannotPadSo() {
        // 6x6, kernel 3, stride 2: PyTorch's ceil mode gives 3x3 (floor 2x2), one cell padded at the end: Same mode
        byte[] max = model(List.of(weight("fc.weight", 3, 9)),
                node("MaxPool", "/pool/MaxPool", in("x"), "p", ints("kernel_shape", 3, 3), ints("strides", 2, 2),
                        integer("ceil_mode", 1)),
                node("Flatten", "/Flatten", in("p"), "f", integer("axis", 1)),
                node("Gemm", "/fc/Gemm", in("f", "fc.weight"), "y", integer("transB", 1)));
        assertThat(Models.load(stream(max), CE).description())
                .contains("MaxPool -> SubsamplingLayer (ceil_mode=1 as Same padding at the end)");
        byte[] average = model(List.of(weight("fc.weight", 3, 9)),
                node("AveragePool", "/pool/AveragePool", in("x"), "p", ints("kernel_shape", 3, 3),
                        ints("strides", 2, 2), integer("ceil_mode", 1)),
                node("Flatten", "/Flatten", in("p"), "f", integer("axis", 1)),
                node("Gemm", "/fc/Gemm", in("f", "fc.weight"), "y", integer("transB", 1)));
        assertThatThrownBy(() -> Models.load(stream(average), CE))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("'/pool/AveragePool' (AveragePool) has ceil_mode=1, which gives 3x3 outputs of"
                        + " 6x6 where floor gives 2x2; DL4J's average pooling cannot pad the end only");
        // kernel 3, stride 3, padding 1 over 6: ceil gives 3 (floor 2) with padding on both sides, not Same's
        byte[] wide = model(List.of(weight("fc.weight", 3, 9)),
                node("MaxPool", "/pool/MaxPool", in("x"), "p", ints("kernel_shape", 3, 3), ints("strides", 3, 3),
                        ints("pads", 1, 1, 1, 1), integer("ceil_mode", 1)),
                node("Flatten", "/Flatten", in("p"), "f", integer("axis", 1)),
                node("Gemm", "/fc/Gemm", in("f", "fc.weight"), "y", integer("transB", 1)));
        assertThatThrownBy(() -> Models.load(stream(wide), CE))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("which DL4J's Same padding does not give");
    }

    @Test
    void aReshapeThatIsNotAFlattenIsRefused() {
        onnx.Onnx.TensorProto shape = onnx.Onnx.TensorProto.newBuilder().setName("shape").addDims(3)
                .setDataType(onnx.Onnx.TensorProto.DataType.INT64_VALUE).addInt64Data(0).addInt64Data(6)
                .addInt64Data(6).build();
        byte[] bytes = model(List.of(shape),
                node("Reshape", "/Reshape", in("x", "shape"), "y"));
        assertThatThrownBy(() -> Models.load(stream(bytes), CE))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("'/Reshape' (Reshape) reshapes [1, 6, 6] to [0, 6, 6]; only a flatten");
    }

    @Test
    void aMissingLossIsRefusedSayingWhatToGive() {
        assertThatThrownBy(() -> Models.load(PyTorchFixtures.file("mlp.onnx")))
                .isInstanceOf(ModelImportException.class)
                .hasMessage("an ONNX model carries no loss: give one (cross-entropy or mse), e.g. "
                        + "Models.load(path, Loss.CROSS_ENTROPY) or --loss cross-entropy");
    }

    @Test
    void anUnknownLossNameIsRefusedListingTheKnownOnes() {
        assertThatThrownBy(() -> Loss.of("hinge")).hasMessage("unknown loss 'hinge', known: cross-entropy, mse");
        assertThat(Loss.of("Cross_Entropy")).isEqualTo(Loss.CROSS_ENTROPY);
    }

    @Test
    void aForeignFileIsRefusedByContent(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("model.onnx");
        Files.writeString(f, "this is not a network at all, just text that happens to end in .onnx");
        assertThatThrownBy(() -> Models.load(f, CE))
                .isInstanceOf(ModelImportException.class)
                .hasMessageStartingWith("model.onnx is not a model file this library reads: neither a DL4J zip, a"
                        + " Keras HDF5 file nor an ONNX model (it starts with 0x");
    }

    @Test
    void aTruncatedOnnxFileIsRefused() throws IOException {
        byte[] whole = Files.readAllBytes(PyTorchFixtures.file("cnn.onnx"));
        byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);
        assertThatThrownBy(() -> Models.load(stream(half), CE)).isInstanceOf(ModelImportException.class)
                .hasMessageContaining("is not a model file");
    }

    @Test
    void emptyAndMissingFilesAreRefused(@TempDir Path dir) throws IOException {
        Path empty = Files.write(dir.resolve("empty.h5"), new byte[0]);
        assertThatThrownBy(() -> Models.load(empty)).hasMessage("empty.h5 is empty, not a model");
        assertThatThrownBy(() -> Models.load(dir.resolve("nope.onnx")))
                .hasMessageStartingWith("cannot read the model file").hasMessageContaining("nope.onnx");
        assertThatThrownBy(() -> Models.load(dir)).hasMessageContaining("is a directory, not a model file");
    }

    @Test
    void aKeras3ArchiveWithoutItsWeightsOrOfAnotherVersionIsRefused() throws IOException {
        assertThatThrownBy(() -> Models.load(stream(zip("config.json", "metadata.json"))))
                .isInstanceOf(ModelImportException.class)
                .hasMessage("stream is a Keras 3 archive without its model.weights.h5");
        assertThatThrownBy(() -> Models.load(stream(zip("config.json", "metadata.json", "model.weights.h5"))))
                .isInstanceOf(ModelImportException.class)
                .hasMessage("stream is a .keras archive of Keras ''; this library reads those of Keras 3");
    }

    @Test
    void aTorchSaveFileIsRefusedSayingHowToExport() throws IOException {
        byte[] zip = zip("archive/data.pkl", "archive/version");
        assertThatThrownBy(() -> Models.load(stream(zip)))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("a PyTorch torch.save file").hasMessageContaining("torch.onnx.export");
    }

    @Test
    void anOtherZipIsRefused() throws IOException {
        assertThatThrownBy(() -> Models.load(stream(zip("readme.txt"))))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("is a zip archive but not a DL4J model");
    }

    @Test
    void anHdf5FileThatIsNotKerasIsRefused(@TempDir Path dir) throws IOException {
        byte[] bytes = new byte[64];
        System.arraycopy(new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'}, 0, bytes, 0, 8);
        Path f = Files.write(dir.resolve("broken.h5"), bytes);
        assertThatThrownBy(() -> Models.load(f, CE)).isInstanceOf(ModelImportException.class)
                .hasMessageContaining("broken.h5");
    }

    private static byte[] zip(String... entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (String e : entries) {
                z.putNextEntry(new ZipEntry(e));
                z.write("{}".getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }
}

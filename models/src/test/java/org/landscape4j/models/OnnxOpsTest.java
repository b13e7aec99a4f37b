package org.landscape4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.landscape4j.models.OnnxGraphs.integer;
import static org.landscape4j.models.OnnxGraphs.model;
import static org.landscape4j.models.OnnxGraphs.node;
import static org.landscape4j.models.OnnxGraphs.stream;
import static org.landscape4j.models.OnnxGraphs.weight;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.landscape4j.models.OnnxOps.Kind;

/** The registry of ONNX converters is the one list of supported ops: what is refused, listed and documented. */
class OnnxOpsTest {

    private static final ImportOptions CE = ImportOptions.withLoss(Loss.CROSS_ENTROPY);

    static List<String> registered() {
        return OnnxOps.names();
    }

    @Test
    void supportedOnnxOpsAreTheRegistrysOpsInItsOrder() {
        assertThat(Models.supportedOnnxOps()).containsExactlyElementsOf(OnnxOps.names());
        assertThat(Models.supportedOnnxOps()).startsWith("Conv", "Gemm", "MatMul", "Add", "Mul", "BatchNormalization")
                .doesNotHaveDuplicates();
        List<String> byKind = new ArrayList<>(OnnxOps.names(Kind.LAYER));
        byKind.addAll(OnnxOps.names(Kind.SHAPE));
        assertThat(byKind).containsExactlyElementsOf(OnnxOps.names());
    }

    @Test
    void anUnregisteredOpIsRefusedWithTheRegistrysList() {
        byte[] bytes = model(List.of(weight("fc.weight", 3, 36)),
                node("Flatten", "/Flatten", new String[] {"x"}, "f", integer("axis", 1)),
                node("Gemm", "/fc/Gemm", new String[] {"f", "fc.weight"}, "g", integer("transB", 1)),
                node("Erf", "/act/Erf", new String[] {"g"}, "y"));
        assertThatThrownBy(() -> Models.load(stream(bytes), CE))
                .isInstanceOf(ModelImportException.class)
                .hasMessage("ONNX op Erf (node '/act/Erf') is not supported; supported ops: "
                        + String.join(", ", OnnxOps.names(Kind.LAYER)) + " (and "
                        + String.join(", ", OnnxOps.names(Kind.SHAPE)) + " on constant shapes)");
    }

    /** A node of every registered op is accepted: refused, if at all, for what it does, never as unsupported. */
    @ParameterizedTest
    @MethodSource("registered")
    void everyRegisteredOpIsAccepted(String op) {
        for (int opset : new int[] {9, 11, 13}) {
            byte[] bytes = model(opset, List.of(weight("w", 1, 1, 1, 1)),
                    node(op, "/op", new String[] {"x", "w"}, "y"));
            try {
                Models.load(stream(bytes), CE);
            } catch (ModelImportException e) {
                assertThat(e.getMessage()).as("%s at opset %d", op, opset).doesNotContain("is not supported;");
            }
            assertThat(OnnxOps.converter(op, opset)).isNotNull();
        }
    }

    @Test
    void aVariantIsPickedByTheHighestVersionNotAboveTheOpset() {
        OnnxOps.Converter before = OnnxOps.converter("Squeeze", 1);
        OnnxOps.Converter from13 = OnnxOps.converter("Squeeze", 13);
        assertThat(from13).isNotSameAs(before);
        assertThat(OnnxOps.converter("Squeeze", 12)).isSameAs(before);
        assertThat(OnnxOps.converter("Squeeze", 0)).as("a model without an opset import").isSameAs(before);
        assertThat(OnnxOps.converter("Squeeze", 21)).isSameAs(from13);
        assertThat(OnnxOps.converter("Pad", 10)).isNotSameAs(OnnxOps.converter("Pad", 11));
        assertThat(OnnxOps.converter("Conv", 7)).isSameAs(OnnxOps.converter("Conv", 18));
    }

    @Test
    void theModelsPageListsExactlyTheRegistrysOps() throws IOException {
        // surefire runs in the module's directory; docs/models.md (linked from the README) holds the list
        String readme = Files.readString(Path.of("..", "docs", "models.md")).replaceAll("\\s+", " ");
        String marker = "Supported ONNX ops: ";
        int start = readme.indexOf(marker);
        assertThat(start).as("docs/models.md's sentence '%s...'", marker).isNotNegative();
        String sentence = readme.substring(start + marker.length(), readme.indexOf('.', start));
        String[] parts = sentence.split("; on constant shape values only: ");
        assertThat(parts).as(sentence).hasSize(2);
        assertThat(ops(parts[0])).as("docs/models.md's ops").containsExactlyElementsOf(OnnxOps.names(Kind.LAYER));
        assertThat(ops(parts[1])).as("docs/models.md's ops on constant shapes")
                .containsExactlyElementsOf(OnnxOps.names(Kind.SHAPE));
    }

    private static List<String> ops(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("`([A-Za-z]+)`").matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}

package org.landscape4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.RandomDirections;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Keras 3 files (written by make_keras3_fixtures.py in Keras 3's layouts): {@code .keras} archives and Keras 3's
 * {@code model.save('m.h5')}. The Sequential ones hold the Keras 2 fixtures' weights: they import to the same
 * parameters, bit for bit, and to Keras' outputs (numpy float64); the functional one (a residual Add) too.
 */
class Keras3ImportTest {

    private static double maxRelative(INDArray got, INDArray want) {
        INDArray w = want.castTo(DataType.DOUBLE);
        return got.castTo(DataType.DOUBLE).sub(w).amaxNumber().doubleValue() / w.amaxNumber().doubleValue();
    }

    @Test
    void keras3FilesGiveTheKeras2FilesNetworksAndKerasOutputs() {
        String[][] cases = {{"dense.keras", "dense.h5", "dense"}, {"dense-keras3.h5", "dense.h5", "dense"},
            {"cnn.keras", "cnn.h5", "cnn"}, {"cnn-keras3.h5", "cnn.h5", "cnn"}};
        for (String[] c : cases) {
            ImportedModel m = Models.load(KerasImportTest.file(c[0]));
            ImportedModel keras2 = Models.load(KerasImportTest.file(c[1]));
            assertThat(m.format()).as(c[0]).isEqualTo(c[0].endsWith(".keras") ? ModelFormat.KERAS
                    : ModelFormat.KERAS_HDF5);
            assertThat(m.loss()).isEqualTo(Loss.CROSS_ENTROPY);
            assertThat(m.description()).contains("Keras 3.10.0 Sequential model, its configuration translated")
                    .contains("'categorical_crossentropy'");
            assertThat(m.model().params().toFloatVector()).as(c[0])
                    .containsExactly(keras2.model().params().toFloatVector());
            Map<String, INDArray> io = KerasImportTest.io(c[2]);
            assertThat(maxRelative(m.network().output(io.get("x")), io.get("y"))).as(c[0]).isLessThan(1e-5);
            DataSet data = new DataSet(io.get("x"), io.get("labels").castTo(DataType.FLOAT));
            double score = m.network().score(data, false);
            double want = io.get("loss").getDouble(0);
            assertThat(Math.abs(score - want) / want).as(c[0]).isLessThan(1e-5);
        }
        ImportedModel cnn = Models.load(KerasImportTest.file("cnn.keras"));
        assertThat(cnn.parameters().names()).contains("conv2d/kernel", "conv2d/bias", "batch_normalization/gamma");
        assertThat(cnn.parameters().parameter("conv2d/kernel").shape()).containsExactly(3, 3, 1, 4);
    }

    @Test
    void aDepthwiseConvolutionWhoseKernelKeras3CallsKernelEqualsKeras() {
        for (String name : new String[] {"depthwise.keras", "depthwise-keras3.h5"}) {
            ImportedModel m = Models.load(KerasImportTest.file(name));
            Map<String, INDArray> io = KerasImportTest.io("depthwise");
            ComputationGraph g = (ComputationGraph) m.model();
            assertThat(maxRelative(g.outputSingle(io.get("x")), io.get("y"))).as(name).isLessThan(1e-5);
            DataSet data = new DataSet(io.get("x"), io.get("labels").castTo(DataType.FLOAT));
            double want = io.get("loss").getDouble(0);
            assertThat(Math.abs(g.score(data, false) - want) / want).as(name).isLessThan(1e-5);
        }
    }

    @Test
    void aFunctionalResidualArchiveEqualsKerasThroughTheLandscape() {
        ImportedModel m = Models.load(KerasImportTest.file("residual.keras"));
        assertThat(m.model()).isInstanceOf(ComputationGraph.class);
        assertThat(m.description()).contains("Functional model").contains("'categorical_crossentropy'")
                .contains("appended: loss layer: MCXENT on the softmax probabilities of 'dense_2'");
        Map<String, INDArray> io = KerasImportTest.io("residual");
        ComputationGraph g = (ComputationGraph) m.model();
        assertThat(maxRelative(g.outputSingle(io.get("x")), io.get("y"))).isLessThan(1e-5);
        DataSet data = new DataSet(io.get("x"), io.get("labels").castTo(DataType.FLOAT));
        Landscape l = Landscape.builder().model(g).directions(RandomDirections.FILTER_NORMALIZED, 1)
                .grid(-1, 1, 3).evaluateOn("train", data).workers(1).build();
        double centre = l.profile().values("train", "loss")[1];
        double want = io.get("loss").getDouble(0);
        assertThat(Math.abs(centre - want) / want).as(l.evaluationPlan().toString()).isLessThan(1e-5);
    }

    @Test
    void anUncompiledArchiveTakesTheGivenLossAndALogitsLossAppendsSoftmax() throws IOException {
        byte[] archive = bytes("residual.keras");
        byte[] uncompiled = withConfig(archive, c -> c.replaceFirst("\"compile_config\": \\{.*\\}\\}$", "\"compile_config\": null}"));
        assertThatThrownBy(() -> Models.load(new ByteArrayInputStream(uncompiled), ImportOptions.defaults()))
                .isInstanceOf(ModelImportException.class).hasMessageContaining("saved without compile()");
        ImportedModel m = Models.load(new ByteArrayInputStream(uncompiled), ImportOptions.withLoss(Loss.MSE));
        assertThat(m.loss()).isEqualTo(Loss.MSE);

        byte[] logits = withConfig(archive, c -> c.replace("\"from_logits\": false", "\"from_logits\": true"));
        assertThatThrownBy(() -> Models.load(new ByteArrayInputStream(logits), ImportOptions.defaults()))
                .isInstanceOf(ModelImportException.class).hasMessageContaining("from_logits=True")
                .hasMessageContaining("'dense_2'");
        byte[] linear = withConfig(logits, c -> c.replace("\"activation\": \"softmax\"", "\"activation\": \"linear\""));
        ImportedModel l = Models.load(new ByteArrayInputStream(linear), ImportOptions.defaults());
        assertThat(l.description()).contains("softmax + MCXENT on the logits of 'dense_2' (from_logits=True)");
        Map<String, INDArray> io = KerasImportTest.io("residual");
        INDArray probabilities = ((ComputationGraph) l.model()).outputSingle(io.get("x"));
        assertThat(maxRelative(probabilities, io.get("y"))).isLessThan(1e-5);
    }

    @Test
    void aLayerWhoseVariablesTheReaderDoesNotKnowIsRefusedNamingIt() throws IOException {
        // a class of Dense's snake-case name ("dense", so the variables are found) that the reader does not know
        byte[] archive = withConfig(bytes("dense.keras"), c -> c.replaceFirst("\"class_name\": \"Dense\"",
                "\"class_name\": \"DENSE\""));
        assertThatThrownBy(() -> Models.load(new ByteArrayInputStream(archive), ImportOptions.defaults()))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("layer 'dense' is a DENSE with 2 variables")
                .hasMessageContaining("[BatchNormalization, Conv1D, Conv2D, Dense");
    }

    @Test
    void keras3ConfigurationsAreTranslatedToKeras2sForm() throws IOException {
        var json = new org.nd4j.shade.jackson.databind.ObjectMapper();
        var keras3 = json.readTree("{\"module\": \"keras.layers\", \"class_name\": \"InputLayer\", \"config\":"
                + " {\"batch_shape\": [null, 4], \"dtype\": {\"module\": \"keras\", \"class_name\": \"DTypePolicy\","
                + " \"config\": {\"name\": \"float32\"}, \"registered_name\": null}, \"name\": \"x\"},"
                + " \"registered_name\": null, \"build_config\": {\"input_shape\": [null, 4]},"
                + " \"inbound_nodes\": [{\"args\": [[{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\":"
                + " [null, 4], \"dtype\": \"float32\", \"keras_history\": [\"a\", 0, 0]}}, {\"class_name\":"
                + " \"__keras_tensor__\", \"config\": {\"keras_history\": [\"b\", 1, 0]}}]], \"kwargs\": {}}],"
                + " \"input_layers\": [\"a\", 0, 0]}");
        assertThat(Keras3.toKeras2(keras3).toString()).isEqualTo("{\"class_name\":\"InputLayer\",\"config\":"
                + "{\"batch_input_shape\":[null,4],\"dtype\":\"float32\",\"name\":\"x\"},\"inbound_nodes\":"
                + "[[[\"a\",0,0,{}],[\"b\",1,0,{}]]],\"input_layers\":[[\"a\",0,0]]}");
        assertThat(Keras3.snakeCase("BatchNormalization")).isEqualTo("batch_normalization");
        assertThat(Keras3.snakeCase("Conv2D")).isEqualTo("conv2d");
        assertThat(Keras3.snakeCase("MaxPooling2D")).isEqualTo("max_pooling2d");
    }

    private static byte[] bytes(String fixture) throws IOException {
        return Files.readAllBytes(KerasImportTest.file(fixture));
    }

    /** The archive with its config.json rewritten. */
    private static byte[] withConfig(byte[] archive, java.util.function.UnaryOperator<String> edit)
            throws IOException {
        String config = new String(HostileFilesTest.entries(archive).get("config.json"), StandardCharsets.UTF_8);
        String edited = edit.apply(config);
        assertThat(edited).as("the edit applies").isNotEqualTo(config);
        return HostileFilesTest.withEntry(archive, "config.json", edited.getBytes(StandardCharsets.UTF_8));
    }
}

package org.landscape4j.models;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.engine.parameters.ParameterSegment;

/** DL4J {@code ModelSerializer} zips: the network as saved; its parameters named {@code layer/key}. */
final class Dl4jImporter {

    private Dl4jImporter() {
    }

    static ImportedModel load(byte[] bytes, String configuration, String source, ImportOptions options) {
        if (options.loss() != null) {
            throw new ModelImportException(source + " is a DL4J network, whose output layers carry their own loss:"
                    + " a loss option (" + options.loss() + ") applies to ONNX and Keras files only");
        }
        boolean graph = configuration.contains("\"vertices\"");
        Model model;
        try {
            model = graph ? ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes), false)
                    : ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), false);
        } catch (IOException | RuntimeException e) {
            throw new ModelImportException(source + " is a corrupt DL4J model (" + e.getMessage() + ")", e);
        }
        ParameterLayout layout;
        try {
            layout = ParameterLayout.of(model);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new ModelImportException(source + " is a corrupt DL4J model: its parameters do not fit its"
                    + " configuration (" + e.getMessage() + ")", e);
        }
        List<OriginParameter> origin = new ArrayList<>();
        for (ParameterSegment s : layout.segments()) {
            int[] axes = new int[s.shape().length];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i;
            }
            origin.add(new OriginParameter(s.layerName() + "/" + s.key(), s.shape(), axes, s));
        }
        String kind = model instanceof ComputationGraph ? "ComputationGraph" : "MultiLayerNetwork";
        List<String> lines = List.of("DL4J " + kind + " as saved (" + (model instanceof MultiLayerNetwork m
                ? m.getnLayers() : ((ComputationGraph) model).getNumLayers()) + " layers, " + model.params().dataType()
                + "), its own loss; parameters named layer/key");
        return new ImportedModel(model, ModelFormat.DL4J, source, lines, null, new OriginLayout(origin, layout));
    }
}

package org.landscape4j.models;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasLayer;
import org.deeplearning4j.nn.modelimport.keras.KerasModel;
import org.deeplearning4j.nn.modelimport.keras.KerasSequentialModel;
import org.deeplearning4j.nn.modelimport.keras.utils.KerasModelBuilder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ObjectNode;

/**
 * A DL4J network from a Keras file read in Java ({@link KerasHdf5}): DL4J's Keras importer builds the layers from the
 * model configuration ({@code KerasModelBuilder.modelJson}, no HDF5), each Keras layer takes its weights as DL4J's
 * {@code KerasModelUtils.importWeights} gives them ({@code KerasLayer.setWeights}: kernel, bias, gamma, ...; the
 * layer converts them to DL4J's layout), and the network is built with them. Only the reading of the file is ours;
 * the conversion of every layer stays DL4J's.
 *
 * <p>Before the network is allocated, its parameter count is checked against the values the file holds, so a
 * configuration whose sizes were tampered with cannot ask for more memory than the file could fill.
 */
final class KerasWeights {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KERAS_2_BACKENDS = List.of("tensorflow", "theano", "cntk");

    private KerasWeights() {
    }

    /** The network of {@code file}, with its weights. */
    static Model build(KerasHdf5 file, boolean sequential, String source) {
        // DL4J reads any other backend name as Theano's channels-first inputs, silently
        if (file.backend != null && !KERAS_2_BACKENDS.contains(file.backend)) {
            throw new ModelImportException(source + " names the Keras backend '" + file.backend + "'; Keras 2 files"
                    + " name one of " + KERAS_2_BACKENDS);
        }
        KerasModel keras;
        try {
            KerasModelBuilder builder = new KerasModel().modelBuilder().modelJson(versioned(file))
                    .enforceTrainingConfig(false);
            if (file.trainingConfig != null) {
                builder.trainingJson(file.trainingConfig);
            }
            keras = sequential ? builder.buildSequential() : builder.buildModel();
        } catch (Exception e) {
            throw new ModelImportException("DL4J's Keras importer refused " + source + "'s model_config: "
                    + e.getMessage(), e);
        }
        long held = file.weights.values().stream().flatMap(w -> w.values().stream())
                .mapToLong(w -> w.values().length).sum();
        long needed;
        try {
            needed = parameterCount(keras, sequential);
        } catch (Exception e) {
            throw new ModelImportException("DL4J's Keras importer refused " + source + "'s model_config: "
                    + e.getMessage(), e);
        }
        // every parameter comes from the file; the slack covers what DL4J's layers hold beyond Keras' weights
        if (needed > 2 * held + 4096) {
            throw new ModelImportException(source + "'s model_config needs " + needed + " parameters but its weights"
                    + " hold " + held + " values: the file is corrupt");
        }
        setWeights(keras, file, source);
        Model model;
        try {
            model = sequential ? ((KerasSequentialModel) keras).getMultiLayerNetwork(false)
                    : keras.getComputationGraph(false);
        } catch (Exception e) {
            throw new ModelImportException("DL4J's Keras importer refused " + source + ": " + e.getMessage(), e);
        }
        copyWeights(model, keras, source);
        return model;
    }

    /**
     * The converted weights into the network, as DL4J's {@code KerasModelUtils.copyWeightsToModel} does, but each
     * array checked against its parameter's shape first: DL4J's copy assigns an array of another size anyway, and
     * ND4J's native assign then writes past the parameter (a corrupt file crashed the JVM that way, seconds later).
     * Same shape, or the same number of values (DL4J reshapes those, e.g. a bias of [1, n] for [n]); else refused.
     */
    private static void copyWeights(Model model, KerasModel keras, String source) {
        org.deeplearning4j.nn.api.Layer[] layers = model instanceof MultiLayerNetwork m ? m.getLayers()
                : ((ComputationGraph) model).getLayers();
        for (org.deeplearning4j.nn.api.Layer layer : layers) {
            String name = layer.conf().getLayer().getLayerName();
            KerasLayer kerasLayer = keras.getLayers().get(name);
            Map<String, INDArray> params = layer.paramTable();
            if (params.isEmpty()) {
                continue;
            }
            Map<String, INDArray> weights = kerasLayer == null ? null : kerasLayer.getWeights();
            if (weights == null || !weights.keySet().equals(params.keySet())) {
                throw new ModelImportException(source + "'s layer '" + name + "' has the parameters "
                        + params.keySet() + " but its weights are " + (weights == null ? "missing" : weights.keySet()));
            }
            for (Map.Entry<String, INDArray> p : params.entrySet()) {
                INDArray w = weights.get(p.getKey());
                long[] shape = p.getValue().shape();
                if (!Arrays.equals(w.shape(), shape)) {
                    if (w.length() != p.getValue().length()) {
                        throw new ModelImportException(source + "'s layer '" + name + "' needs " + p.getKey() + " of "
                                + Arrays.toString(shape) + " but its weights give "
                                + Arrays.toString(w.shape()) + ": the file is corrupt");
                    }
                    w = w.reshape(shape);
                }
                layer.setParam(p.getKey(), w);
            }
        }
    }

    /**
     * The model configuration with the file's {@code keras_version} and {@code backend} in it, as DL4J's
     * {@code KerasModelBuilder.modelHdf5Filename} puts them there (its layers read Keras 2's field names by them).
     */
    private static String versioned(KerasHdf5 file) throws java.io.IOException {
        ObjectNode config = (ObjectNode) JSON.readTree(file.modelConfig);
        String version = Keras3.isKeras3(file.kerasVersion) ? Keras3.KERAS_2_FORM : file.kerasVersion;
        if (version != null && !config.has("keras_version")) {
            config.put("keras_version", version);
        }
        if (file.backend != null && !config.has("backend") && version != null && version.startsWith("2")) {
            config.put("backend", file.backend);
        }
        return JSON.writeValueAsString(config);
    }

    private static void setWeights(KerasModel keras, KerasHdf5 file, String source) {
        for (String layer : file.weights.keySet()) {
            if (!keras.getLayers().containsKey(layer)) {
                throw new ModelImportException(source + " holds weights for the layer '" + layer + "', which its"
                        + " model_config does not have");
            }
        }
        for (Map.Entry<String, KerasLayer> e : keras.getLayers().entrySet()) {
            KerasLayer layer = e.getValue();
            Map<String, KerasHdf5.Weight> weights = file.weights.get(e.getKey());
            if (layer.getNumParams() == 0) {
                continue;
            }
            if (weights == null) {
                throw new ModelImportException(source + " has no weights for the layer '" + e.getKey() + "'");
            }
            Map<String, INDArray> arrays = new HashMap<>();
            for (Map.Entry<String, KerasHdf5.Weight> w : weights.entrySet()) {
                int[] shape = w.getValue().shape();
                long[] dims = new long[shape.length];
                for (int i = 0; i < shape.length; i++) {
                    dims[i] = shape[i];
                }
                arrays.put(w.getKey(), Nd4j.create(w.getValue().values(), dims, 'c'));
            }
            try {
                layer.setWeights(arrays);
            } catch (Exception ex) {
                throw new ModelImportException(source + "'s weights for the layer '" + e.getKey() + "' do not fit it: "
                        + ex.getMessage(), ex);
            }
        }
    }

    /** The parameters the network will allocate, counted from its configuration (nothing allocated). */
    private static long parameterCount(KerasModel keras, boolean sequential) throws Exception {
        long n = 0;
        if (sequential) {
            for (NeuralNetConfiguration c : ((KerasSequentialModel) keras).getMultiLayerConfiguration().getConfs()) {
                n += c.getLayer().initializer().numParams(c);
            }
            return n;
        }
        ComputationGraphConfiguration graph = keras.getComputationGraphConfiguration();
        for (GraphVertex v : graph.getVertices().values()) {
            if (v instanceof LayerVertex layer) {
                n += layer.getLayerConf().getLayer().initializer().numParams(layer.getLayerConf());
            }
        }
        return n;
    }
}

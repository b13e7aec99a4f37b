package org.landscape4j.models;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ArrayNode;
import org.nd4j.shade.jackson.databind.node.JsonNodeFactory;
import org.nd4j.shade.jackson.databind.node.ObjectNode;

/**
 * Keras 3 files, which DL4J's Keras importer (written for Keras 1 and 2) cannot read, translated into the Keras 2
 * form it reads; the conversion of every layer stays DL4J's.
 *
 * <ul>
 *   <li>{@code model.save('m.keras')}, Keras 3's default: a zip of {@code metadata.json}, {@code config.json}
 *       ({@code serialization_lib.serialize_keras_object(model)}) and {@code model.weights.h5}, whose variables are
 *       stored by position ({@code layers/dense_1/vars/0}), not by name;</li>
 *   <li>{@code model.save('m.h5')} under Keras 3: Keras 2's HDF5 layout, with Keras 3's configuration inside.</li>
 * </ul>
 *
 * <p>The translation of a configuration ({@link #toKeras2}): every serialized object
 * ({@code {"module", "class_name", "config", "registered_name", "build_config", ...}}) becomes Keras 2's
 * {@code {"class_name", "config"}}; a {@code DTypePolicy} becomes its name ({@code "float32"}); an
 * {@code InputLayer}'s {@code batch_shape} becomes {@code batch_input_shape}; a functional layer's
 * {@code inbound_nodes} ({@code [{"args": [<__keras_tensor__>], "kwargs": {}}]}) become Keras 2's
 * {@code [[[layer, node, tensor, {}], ...]]}; a model's single {@code [name, 0, 0]} input or output becomes a list of
 * one. The variables of a {@code .keras} file are named by the layer's class ({@link #VARIABLES}): a layer of another
 * class that holds variables is refused, naming it.
 */
final class Keras3 {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The backends Keras 3 runs on; its files are the same for all of them (channels-last by default). */
    private static final List<String> BACKENDS = List.of("tensorflow", "jax", "torch", "numpy", "openvino");
    /**
     * The {@code keras_version} DL4J's importer is given for a translated configuration: it reads Keras 2's field
     * names by the major version (its {@code KerasModelConfiguration}); 2.15 is the last Keras 2.
     */
    static final String KERAS_2_FORM = "2.15.0";

    /**
     * The variables of each layer class, in the order {@code Layer.save_own_variables} stores them (trainable, then
     * non-trainable), by the names DL4J's importer takes (Keras 2's: Keras 3 calls the depthwise kernel
     * {@code kernel}), with the option of its configuration that drops one ({@code use_bias}, {@code center},
     * {@code scale}).
     */
    private static final Map<String, List<String[]>> VARIABLES = Map.of(
            "Dense", List.of(new String[] {"kernel"}, new String[] {"bias", "use_bias"}),
            "Conv1D", List.of(new String[] {"kernel"}, new String[] {"bias", "use_bias"}),
            "Conv2D", List.of(new String[] {"kernel"}, new String[] {"bias", "use_bias"}),
            "DepthwiseConv2D", List.of(new String[] {"depthwise_kernel"}, new String[] {"bias", "use_bias"}),
            "SeparableConv2D", List.of(new String[] {"depthwise_kernel"}, new String[] {"pointwise_kernel"},
                    new String[] {"bias", "use_bias"}),
            "BatchNormalization", List.of(new String[] {"gamma", "scale"}, new String[] {"beta", "center"},
                    new String[] {"moving_mean"}, new String[] {"moving_variance"}),
            "Embedding", List.<String[]>of(new String[] {"embeddings"}));

    private Keras3() {
    }

    /** Whether a {@code keras_version} is Keras 3's. */
    static boolean isKeras3(String kerasVersion) {
        return kerasVersion != null && kerasVersion.startsWith("3.");
    }

    /** A Keras 3 {@code model.save('m.h5')} file: its configurations translated, its weights as read. */
    static KerasHdf5 fromHdf5(KerasHdf5 file, String source) {
        if (file.backend != null && !BACKENDS.contains(file.backend)) {
            throw new ModelImportException(source + " names the Keras backend '" + file.backend + "'; Keras 3 files"
                    + " name one of " + BACKENDS);
        }
        JsonNode training = file.trainingConfig == null ? null : parse(file.trainingConfig, source, "training_config");
        JsonNode config = toKeras2(parse(file.modelConfig, source, "model_config"));
        Map<String, Map<String, KerasHdf5.Weight>> weights = new LinkedHashMap<>(file.weights);
        for (JsonNode layer : config.path("config").path("layers")) {
            String name = layer.path("config").path("name").asText();
            if (layer.path("class_name").asText().equals("DepthwiseConv2D") && weights.containsKey(name)) {
                // Keras 3 names the depthwise kernel "kernel"; Keras 2, and DL4J's importer, "depthwise_kernel"
                Map<String, KerasHdf5.Weight> renamed = new LinkedHashMap<>();
                weights.get(name).forEach((k, w) -> renamed.put(k.equals("kernel") ? "depthwise_kernel" : k, w));
                weights.put(name, renamed);
            }
        }
        return file.translated(config.toString(), loss(training == null ? null : training.get("loss")), weights);
    }

    /** A {@code .keras} archive's three entries. */
    static KerasHdf5 fromArchive(byte[] metadata, byte[] config, byte[] weights, String source, long maxValues) {
        if (metadata == null || config == null || weights == null) {
            throw new ModelImportException(source + " is a Keras 3 archive without its "
                    + (metadata == null ? "metadata.json" : config == null ? "config.json" : "model.weights.h5"));
        }
        String version = parse(new String(metadata, java.nio.charset.StandardCharsets.UTF_8), source,
                "metadata.json").path("keras_version").asText("");
        if (!isKeras3(version)) {
            throw new ModelImportException(source + " is a .keras archive of Keras '" + version + "'; this library"
                    + " reads those of Keras 3");
        }
        JsonNode model = parse(new String(config, java.nio.charset.StandardCharsets.UTF_8), source, "config.json");
        String className = model.path("class_name").asText();
        if (!className.equals("Sequential") && !className.equals("Functional")) {
            throw new ModelImportException(source + " holds a Keras " + className + " model; supported: Sequential"
                    + " and functional (keras.Model(inputs, outputs)) models");
        }
        JsonNode compile = model.get("compile_config");
        String loss = loss(compile == null ? null : compile.get("loss"));
        ObjectNode keras2 = (ObjectNode) toKeras2(model);
        Map<String, Map<String, KerasHdf5.Weight>> variables = variables(keras2, className.equals("Sequential"),
                weights, source, maxValues);
        return KerasHdf5.of(keras2.toString(), version, "tensorflow", variables, loss);
    }

    /**
     * The loss of a compile configuration in Keras 2's name ({@code categorical_crossentropy},
     * {@code mean_squared_error}), {@code categorical_crossentropy(from_logits)} for logits, or the file's own name
     * of a loss this library does not compute (refused later, naming it); {@code null} for an uncompiled model.
     */
    static String loss(JsonNode loss) {
        if (loss == null || loss.isNull()) {
            return null;
        }
        if (loss.isTextual()) {
            return loss.asText();
        }
        String name = loss.path("class_name").asText(loss.toString());
        boolean logits = loss.path("config").path("from_logits").asBoolean(false);
        return switch (name) {
            case "CategoricalCrossentropy" -> logits ? "categorical_crossentropy(from_logits)"
                    : "categorical_crossentropy";
            case "MeanSquaredError" -> "mean_squared_error";
            default -> name;
        };
    }

    /** {@code node} in Keras 2's form (see the class comment); a new tree. */
    static JsonNode toKeras2(JsonNode node) {
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            node.forEach(n -> out.add(toKeras2(n)));
            return out;
        }
        if (!node.isObject()) {
            return node.deepCopy();
        }
        String className = node.path("class_name").asText(null);
        if ("DTypePolicy".equals(className) || "FloatDTypePolicy".equals(className)) {
            return NODES.textNode(node.path("config").path("name").asText("float32"));
        }
        ObjectNode out = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            switch (e.getKey()) {
                case "module", "registered_name", "build_config", "compile_config", "shared_object_id" -> {
                    if (className == null) {
                        out.set(e.getKey(), toKeras2(e.getValue())); // a layer option of that name
                    }
                }
                case "batch_shape" -> out.set("batch_input_shape", toKeras2(e.getValue()));
                case "inbound_nodes" -> out.set("inbound_nodes", inboundNodes(e.getValue()));
                case "input_layers", "output_layers" -> out.set(e.getKey(), tensorList(e.getValue()));
                default -> out.set(e.getKey(), toKeras2(e.getValue()));
            }
        }
        return out;
    }

    /** Keras 3's {@code [{"args": [...], "kwargs": {}}]} as Keras 2's {@code [[[layer, node, tensor, {}], ...]]}. */
    private static JsonNode inboundNodes(JsonNode nodes) {
        ArrayNode out = NODES.arrayNode();
        for (JsonNode node : nodes) {
            if (!node.isObject()) {
                out.add(toKeras2(node)); // already Keras 2's form
                continue;
            }
            ArrayNode tensors = NODES.arrayNode();
            collectTensors(node.path("args"), tensors);
            if (node.path("kwargs").size() > 0) {
                throw new ModelImportException("a layer is called with keyword arguments " + node.get("kwargs")
                        + ", which DL4J's Keras importer cannot express");
            }
            out.add(tensors);
        }
        return out;
    }

    private static void collectTensors(JsonNode args, ArrayNode tensors) {
        if (args.isArray()) {
            args.forEach(a -> collectTensors(a, tensors));
        } else if ("__keras_tensor__".equals(args.path("class_name").asText())) {
            JsonNode history = args.path("config").path("keras_history");
            ArrayNode t = NODES.arrayNode();
            history.forEach(h -> t.add(h.deepCopy()));
            t.add(NODES.objectNode());
            tensors.add(t);
        }
    }

    /** A single {@code [name, 0, 0]} as {@code [[name, 0, 0]]}. */
    private static JsonNode tensorList(JsonNode tensors) {
        if (tensors.isArray() && tensors.size() > 0 && tensors.get(0).isTextual()) {
            ArrayNode out = NODES.arrayNode();
            out.add(tensors.deepCopy());
            return out;
        }
        return tensors.deepCopy();
    }

    /**
     * The variables of {@code model.weights.h5}, named: per layer of {@code model.layers} (a Sequential model's
     * without its InputLayer), the group {@code layers/<snake_case(class)>[_n]} as {@code _save_container_state}
     * names it.
     */
    private static Map<String, Map<String, KerasHdf5.Weight>> variables(ObjectNode keras2, boolean sequential,
                                                                       byte[] weights, String source,
                                                                       long maxValues) {
        Map<String, Map<String, KerasHdf5.Weight>> out = new LinkedHashMap<>();
        Map<String, Integer> used = new HashMap<>();
        long[] total = {0};
        try (HdfFile file = HdfFile.fromBytes(weights)) {
            for (JsonNode layer : keras2.path("config").path("layers")) {
                String className = layer.path("class_name").asText();
                if (sequential && className.equals("InputLayer")) {
                    continue;
                }
                String key = snakeCase(className);
                Integer n = used.merge(key, 0, (a, b) -> a + 1);
                String path = "layers/" + (n == 0 ? key : key + "_" + n) + "/vars";
                String name = layer.path("config").path("name").asText();
                List<KerasHdf5.Weight> values = new ArrayList<>();
                Node vars = child(child(child(file, "layers"), n == 0 ? key : key + "_" + n), "vars");
                if (!(vars instanceof Group group)) {
                    throw new ModelImportException(source + "'s model.weights.h5 has no group " + path + " for the"
                            + " layer '" + name + "'");
                }
                for (int i = 0; group.getChildren().containsKey(Integer.toString(i)); i++) {
                    if (!(group.getChild(Integer.toString(i)) instanceof Dataset d)) {
                        throw new ModelImportException(source + "'s " + path + "/" + i + " is not a dataset");
                    }
                    values.add(KerasHdf5.weight(d, source, path + "/" + i, maxValues, total));
                }
                if (values.isEmpty()) {
                    continue;
                }
                out.put(name, named(className, layer.path("config"), values, name, source));
            }
        } catch (ModelImportException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new ModelImportException(source + "'s model.weights.h5 is not a readable HDF5 file (" + e
                    .getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
        return out;
    }

    /** The child {@code name} of {@code node}, or {@code null} (jHDF's getByPath throws for a missing one). */
    private static Node child(Node node, String name) {
        return node instanceof Group g && g.getChildren().containsKey(name) ? g.getChild(name) : null;
    }

    private static Map<String, KerasHdf5.Weight> named(String className, JsonNode config,
                                                       List<KerasHdf5.Weight> values, String layer, String source) {
        List<String[]> variables = VARIABLES.get(className);
        if (variables == null) {
            throw new ModelImportException(source + "'s layer '" + layer + "' is a " + className + " with "
                    + values.size() + " variables; the .keras reader knows the variables of " + VARIABLES.keySet()
                    .stream().sorted().toList() + " (save the model as .h5 to import other layers)");
        }
        List<String> names = new ArrayList<>();
        for (String[] v : variables) {
            if (v.length == 1 || config.path(v[1]).asBoolean(true)) {
                names.add(v[0]);
            }
        }
        if (names.size() != values.size()) {
            throw new ModelImportException(source + "'s layer '" + layer + "' (" + className + ") holds "
                    + values.size() + " variables where its configuration has " + names);
        }
        Map<String, KerasHdf5.Weight> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), values.get(i));
        }
        return out;
    }

    /** Keras' {@code naming.to_snake_case}: {@code BatchNormalization} → {@code batch_normalization}. */
    static String snakeCase(String name) {
        String s = name.replaceAll("(.)([A-Z][a-z]+)", "$1_$2").replaceAll("([a-z])([A-Z])", "$1_$2")
                .toLowerCase(java.util.Locale.ROOT);
        return s.startsWith("_") ? "private" + s : s;
    }

    private static JsonNode parse(String json, String source, String what) {
        try {
            return JSON.readTree(json);
        } catch (IOException | RuntimeException e) {
            throw new ModelImportException(source + "'s " + what + " is not JSON (" + e.getMessage() + ")", e);
        }
    }
}

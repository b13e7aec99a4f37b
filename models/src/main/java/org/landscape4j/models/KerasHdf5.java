package org.landscape4j.models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;

/**
 * A Keras HDF5 file ({@code model.save('m.h5')} of Keras 2, tf.keras or Keras 3; {@link Keras3} translates the
 * last) read with jHDF, a pure-Java HDF5 reader: the model and training configurations (JSON) and every layer's
 * weights, as {@code save_model_to_hdf5} lays them out:
 * <pre>
 * /                                  attrs model_config, training_config (compiled models), keras_version, backend
 * /model_weights                     attrs layer_names
 * /model_weights/&lt;layer&gt;             attrs weight_names, e.g. ['dense/kernel:0', 'dense/bias:0']
 * /model_weights/&lt;layer&gt;/dense/kernel:0   one weight
 * </pre>
 *
 * <p>Why not DL4J's own reader ({@code Hdf5Archive}, the native libhdf5 through JavaCPP): on mutated files the
 * native library crashed the JVM ({@code SIGSEGV in H5T_cmp}, heap corruption), so an app that loads its users' files
 * died. jHDF fails with Java exceptions, which {@link #read} turns into one line. Weights are read as float32, as
 * DL4J's reader reads them.
 */
final class KerasHdf5 {

    /** The model configuration, JSON. */
    final String modelConfig;
    /** The training configuration, JSON, or {@code null} for a file saved without {@code compile()}. */
    final String trainingConfig;
    /** The root's {@code keras_version} ({@code 2.4.0}) and {@code backend} attributes, or {@code null}. */
    final String kerasVersion;
    final String backend;
    /** Per layer with weights, in the file's order: parameter name ({@code kernel}, {@code bias}, ...) to weight. */
    final Map<String, Map<String, Weight>> weights;
    /**
     * A Keras 3 file's loss in Keras 2's name ({@link Keras3#loss}; {@code null} if uncompiled), its configuration
     * already translated and {@link #trainingConfig} {@code null}; {@code null} for a Keras 2 file, whose loss
     * DL4J's importer reads from {@link #trainingConfig}.
     */
    final String keras3Loss;

    /** One weight: its shape and values (C order). */
    record Weight(int[] shape, float[] values) {
    }

    private static final Pattern TF_SUFFIX = Pattern.compile(":\\d+$");
    private static final Pattern NUMBER_SUFFIX = Pattern.compile("_\\d+$");

    private KerasHdf5(String modelConfig, String trainingConfig, String kerasVersion, String backend,
                      Map<String, Map<String, Weight>> weights, String keras3Loss) {
        this.modelConfig = modelConfig;
        this.trainingConfig = trainingConfig;
        this.kerasVersion = kerasVersion;
        this.backend = backend;
        this.weights = weights;
        this.keras3Loss = keras3Loss;
    }

    /** A Keras 3 model: its configuration in Keras 2's form, its loss ({@link Keras3}). */
    static KerasHdf5 of(String keras2Config, String kerasVersion, String backend, Map<String, Map<String, Weight>>
            weights, String loss) {
        return new KerasHdf5(keras2Config, null, kerasVersion, backend, weights, loss);
    }

    /**
     * This Keras 3 file with its configuration translated ({@link Keras3#fromHdf5}); its backend for DL4J
     * TensorFlow's, whose channels-last default Keras 3 keeps on every backend.
     */
    KerasHdf5 translated(String keras2Config, String loss, Map<String, Map<String, Weight>> renamedWeights) {
        return new KerasHdf5(keras2Config, null, kerasVersion, "tensorflow", renamedWeights, loss);
    }

    /**
     * Reads {@code bytes}, an HDF5 file.
     *
     * @param maxValues the most weight values the file may hold (a bound on what reading it allocates)
     * @throws ModelImportException naming what is wrong: not readable, no model_config, a weight that is no float
     *                              array, more values than {@code maxValues}
     */
    static KerasHdf5 read(byte[] bytes, String source, long maxValues) {
        try (HdfFile file = HdfFile.fromBytes(bytes)) {
            String model = text(file, "model_config");
            if (model == null) {
                throw new ModelImportException(source + " is an HDF5 file without a Keras model_config: a weights-only"
                        + " file (model.save_weights) or not a Keras model; save the whole model, model.save('m.h5')");
            }
            String training = text(file, "training_config");
            Node root = file.getChild("model_weights");
            Map<String, Map<String, Weight>> weights = new LinkedHashMap<>();
            if (root instanceof Group group) {
                long[] total = {0};
                for (String layer : layerNames(group)) {
                    Node node = group.getChild(layer);
                    if (!(node instanceof Group layerGroup)) {
                        throw new ModelImportException(source + " lists the layer '" + layer + "' in model_weights"
                                + " without its group");
                    }
                    Map<String, Weight> params = layerWeights(layerGroup, source, maxValues, total);
                    if (!params.isEmpty()) {
                        weights.put(layer, params);
                    }
                }
            } else if (root != null) {
                throw new ModelImportException(source + "'s model_weights is not a group");
            }
            return new KerasHdf5(model, training, text(file, "keras_version"), text(file, "backend"), weights, null);
        } catch (ModelImportException e) {
            throw e.getMessage().startsWith(source) ? e : new ModelImportException(source + ": " + e.getMessage(), e);
        } catch (RuntimeException | StackOverflowError e) {
            // jHDF's own exceptions (HdfException) and what a mutated structure makes of its parsing
            throw new ModelImportException(source + " is not a readable Keras HDF5 file (" + e.getClass()
                    .getSimpleName() + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage())) + ")", e);
        }
    }

    /** The layers in {@code model_weights}' {@code layer_names} order, or its children's when it has none. */
    private static List<String> layerNames(Group group) {
        Attribute names = group.getAttribute("layer_names");
        if (names == null) {
            return new ArrayList<>(group.getChildren().keySet());
        }
        return strings(names.getData());
    }

    private static Map<String, Weight> layerWeights(Group layer, String source, long maxValues, long[] total) {
        Map<String, Weight> params = new LinkedHashMap<>();
        Attribute names = layer.getAttribute("weight_names");
        if (names == null) {
            return params;
        }
        for (String name : strings(names.getData())) {
            Node node = layer.getByPath(name);
            if (!(node instanceof Dataset data)) {
                throw new ModelImportException(source + "'s weight " + layer.getName() + "/" + name
                        + " is not a dataset");
            }
            params.put(parameterName(name), weight(data, source, layer.getName() + "/" + name, maxValues, total));
        }
        return params;
    }

    /**
     * One weight, as float32; {@code total} counts the values read so far, which may not pass {@code maxValues}.
     *
     * @param label the weight's path, for the refusal
     */
    static Weight weight(Dataset data, String source, String label, long maxValues, long[] total) {
        long size = data.getSize();
        total[0] += size;
        if (size < 0 || total[0] > maxValues) {
            throw new ModelImportException(source + " holds more weight values (" + total[0] + " by " + label
                    + ") than this JVM can read (at most " + maxValues + ")");
        }
        Object flat = data.getDataFlat();
        float[] values;
        if (flat instanceof float[] f) {
            values = f;
        } else if (flat instanceof double[] d) {
            values = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                values[i] = (float) d[i];
            }
        } else {
            throw new ModelImportException(source + "'s weight " + label + " is not a float array ("
                    + (flat == null ? "empty" : flat.getClass().getSimpleName()) + ")");
        }
        if (values.length != size) {
            throw new ModelImportException(source + "'s weight " + label + " holds " + values.length
                    + " values for a shape of " + size);
        }
        return new Weight(data.getDimensions(), values);
    }

    /** {@code dense/kernel:0} → {@code kernel}, as DL4J's {@code KerasModelUtils} names weights for its layers. */
    static String parameterName(String weightName) {
        String last = weightName.substring(weightName.lastIndexOf('/') + 1);
        last = TF_SUFFIX.matcher(last).replaceFirst("");
        return NUMBER_SUFFIX.matcher(last).replaceFirst("");
    }

    private static String text(HdfFile file, String name) {
        Attribute a = file.getAttribute(name);
        if (a == null) {
            return null;
        }
        List<String> s = strings(a.getData());
        if (s.size() != 1) {
            throw new ModelImportException("the attribute " + name + " is not one string");
        }
        return s.get(0);
    }

    private static List<String> strings(Object data) {
        if (data == null) {
            return List.of(); // an empty attribute: weight_names of a layer without weights
        }
        if (data instanceof String s) {
            return List.of(s);
        }
        if (data instanceof String[] a) {
            return List.of(a);
        }
        throw new ModelImportException("an attribute holds " + (data == null ? "nothing"
                : data.getClass().getSimpleName()) + " where strings were expected");
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

package org.landscape4j.models;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.engine.parameters.ParameterSegment;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * Keras files through DL4J's own Keras importer ({@code deeplearning4j-modelimport}): Keras 2 / tf.keras HDF5 files
 * ({@code model.save('m.h5')}) as they are, Keras 3's {@code .keras} archives and HDF5 files translated first
 * ({@link Keras3}). Sequential models become a {@link MultiLayerNetwork}, functional ones a {@link ComputationGraph}.
 * A compiled Keras 2 file's {@code training_config} gives the loss (DL4J appends its loss layer); for a Keras 3 file
 * (its compile configuration) and an uncompiled one (the options' loss) the loss is appended here as a
 * {@link LossLayer}.
 */
final class KerasImporter {

    /** A fine-tune configuration that changes nothing (TransferLearning requires one). */
    private static final FineTuneConfiguration KEEP = new FineTuneConfiguration.Builder().build();
    private static final String FROM_LOGITS = "categorical_crossentropy(from_logits)";

    private KerasImporter() {
    }

    /** An HDF5 file of Keras 2, tf.keras or Keras 3. */
    static ImportedModel load(byte[] bytes, String source, ImportOptions options) {
        KerasHdf5 file = KerasHdf5.read(bytes, source, maxValues());
        if (Keras3.isKeras3(file.kerasVersion)) {
            file = Keras3.fromHdf5(file, source);
        }
        return load(file, source, options, ModelFormat.KERAS_HDF5);
    }

    /** A Keras 3 {@code .keras} archive's entries ({@code null} where missing). */
    static ImportedModel loadArchive(byte[] metadata, byte[] config, byte[] weights, String source,
                                     ImportOptions options) {
        return load(Keras3.fromArchive(metadata, config, weights, source, maxValues()), source, options,
                ModelFormat.KERAS);
    }

    private static ImportedModel load(KerasHdf5 file, String source, ImportOptions options, ModelFormat format) {
        boolean keras3 = Keras3.isKeras3(file.kerasVersion);
        String className;
        String fileLoss = keras3 ? file.keras3Loss : null;
        try {
            ObjectMapper json = new ObjectMapper();
            className = json.readTree(file.modelConfig).path("class_name").asText();
            if (file.trainingConfig != null) {
                JsonNode loss = json.readTree(file.trainingConfig).path("loss");
                fileLoss = loss.isTextual() ? loss.asText() : loss.toString();
            }
        } catch (IOException e) {
            throw new ModelImportException(source + " has a model_config or training_config that is not JSON ("
                    + e.getMessage() + ")", e);
        }
        boolean sequential = className.equals("Sequential");
        if (!sequential && !className.equals("Functional") && !className.equals("Model")) {
            throw new ModelImportException(source + " holds a Keras " + className + " model; supported: Sequential and"
                    + " functional (Model) models");
        }
        if (fileLoss == null && options.loss() == null) {
            throw new ModelImportException(source + " was saved without compile(), so it carries no loss: give one"
                    + " (cross-entropy or mse), e.g. Models.load(path, Loss.CROSS_ENTROPY) or --loss cross-entropy");
        }
        Model model = KerasWeights.build(file, sequential, source);
        List<String> lines = new ArrayList<>();
        lines.add((keras3 ? "Keras " + file.kerasVersion + " " + className + " model, its configuration translated"
                + " to Keras 2's form, imported" : "Keras " + className + " model, imported")
                + " with DL4J's Keras importer as a " + model.getClass().getSimpleName());
        Loss loss;
        if (fileLoss != null) {
            loss = fileLoss.contains("categorical_crossentropy") ? Loss.CROSS_ENTROPY
                    : fileLoss.equals("mse") || fileLoss.contains("mean_squared_error") ? Loss.MSE : null;
            lines.add("loss: the file's " + (format == ModelFormat.KERAS ? "compile_config" : "training_config")
                    + ", '" + fileLoss + "'" + (options.loss() != null && options.loss() != loss ? "; the given loss "
                    + options.loss() + " is not used" : ""));
        } else {
            loss = options.loss();
        }
        if (!hasLossLayer(model)) {
            if (loss == null) {
                throw new ModelImportException(source + " has the Keras loss '" + fileLoss + "', which is not"
                        + " supported; supported: categorical_crossentropy (CategoricalCrossentropy),"
                        + " mean_squared_error (MeanSquaredError)");
            }
            AppendedLoss appended = appendLoss(model, loss, FROM_LOGITS.equals(fileLoss));
            model = appended.model;
            lines.add("appended: " + appended.what);
        } else {
            lines.add("DL4J's importer appended the loss layer (it clips probabilities at 1e-10, Keras at 1e-7)");
        }
        if (options.dataType() != model.params().dataType()) {
            model = model instanceof MultiLayerNetwork m ? m.convertDataType(options.dataType())
                    : ((ComputationGraph) model).convertDataType(options.dataType());
        }
        ParameterLayout layout = ParameterLayout.of(model);
        List<OriginParameter> origin = new ArrayList<>();
        String suffix = keras3 ? "" : ":0";
        for (ParameterSegment s : layout.segments()) {
            origin.add(originOf(s, suffix));
        }
        lines.add("parameters named as Keras " + (keras3 ? "3 does (layer/kernel, .../bias" : "2 does (layer/kernel:0,"
                + " .../bias:0") + ", gamma, beta, moving_mean, moving_variance); Conv2D kernels [kH, kW, in, out]"
                + " permuted to DL4J's [out, in, kH, kW]");
        return new ImportedModel(model, format, source, lines, loss, new OriginLayout(origin, layout));
    }

    /** The most weight values a file may hold: a quarter of the heap as floats (they are read twice, then copied). */
    private static long maxValues() {
        return Runtime.getRuntime().maxMemory() / Float.BYTES / 4;
    }

    private static boolean hasLossLayer(Model model) {
        if (model instanceof MultiLayerNetwork m) {
            return m.getLayer(m.getnLayers() - 1).conf().getLayer() instanceof BaseOutputLayer
                    || m.getLayer(m.getnLayers() - 1).conf().getLayer() instanceof LossLayer;
        }
        ComputationGraph g = (ComputationGraph) model;
        return g.getConfiguration().getNetworkOutputs().stream().allMatch(o -> g.getLayer(o) != null
                && (g.getLayer(o).conf().getLayer() instanceof BaseOutputLayer
                || g.getLayer(o).conf().getLayer() instanceof LossLayer));
    }

    private record AppendedLoss(Model model, String what) {
    }

    /** A loss layer after the last layer: on probabilities (softmax last) or on logits (a linear last layer). */
    private static AppendedLoss appendLoss(Model model, Loss loss, boolean fromLogits) {
        org.deeplearning4j.nn.conf.layers.Layer last;
        String lastName;
        if (model instanceof MultiLayerNetwork m) {
            last = m.getLayer(m.getnLayers() - 1).conf().getLayer();
            lastName = last.getLayerName();
        } else {
            ComputationGraph g = (ComputationGraph) model;
            if (g.getConfiguration().getNetworkOutputs().size() != 1) {
                throw new ModelImportException("the Keras model has " + g.getConfiguration().getNetworkOutputs()
                        .size() + " outputs; a loss can be appended to a single output only");
            }
            lastName = g.getConfiguration().getNetworkOutputs().get(0);
            last = g.getLayer(lastName).conf().getLayer();
        }
        IActivation act = last instanceof BaseLayer b ? b.getActivationFn() : null;
        boolean probabilities = act instanceof ActivationSoftmax;
        boolean linear = act == null || act instanceof ActivationIdentity;
        ILossFunction fn;
        Activation activation;
        String what;
        if (fromLogits && !linear) {
            throw new ModelImportException("the Keras model's loss takes logits (from_logits=True) but its last layer '"
                    + lastName + "' has activation " + act);
        }
        if (loss == Loss.CROSS_ENTROPY) {
            if (!probabilities && !linear) {
                throw new ModelImportException("the Keras model's last layer '" + lastName + "' has activation " + act
                        + "; cross-entropy needs softmax probabilities or linear logits");
            }
            fn = probabilities ? new LossMCXENT() : OnnxLoss.unclippedCrossEntropy();
            activation = probabilities ? Activation.IDENTITY : Activation.SOFTMAX;
            what = probabilities ? "MCXENT on the softmax probabilities of '" + lastName + "'"
                    : "softmax + MCXENT on the logits of '" + lastName + "' (from_logits=True)";
        } else {
            fn = LossFunctions.LossFunction.MSE.getILossFunction();
            activation = Activation.IDENTITY;
            what = "MSE on the outputs of '" + lastName + "'";
        }
        LossLayer layer = new LossLayer.Builder(fn).activation(activation).build();
        if (last instanceof FeedForwardLayer f && f.getNOut() > 0) {
            // its size, which its builder does not take (else DL4J warns "Assigning a size of zero")
            layer.setNIn(f.getNOut());
            layer.setNOut(f.getNOut());
        }
        Model out;
        try {
            if (model instanceof MultiLayerNetwork m) {
                out = new TransferLearning.Builder(m).fineTuneConfiguration(KEEP).addLayer(layer).build();
            } else {
                out = new TransferLearning.GraphBuilder((ComputationGraph) model).fineTuneConfiguration(KEEP)
                        .addLayer("loss", layer, lastName)
                        .setOutputs("loss").build();
            }
        } catch (RuntimeException e) {
            // e.g. a graph with a layer that leads nowhere, which DL4J's validation refuses
            throw new ModelImportException("the Keras model takes no loss layer after '" + lastName + "': "
                    + e.getMessage(), e);
        }
        copyParameters(model, out);
        return new AppendedLoss(out, "loss layer: " + what);
    }

    /**
     * Every parameter of {@code from} into the layer of the same name in {@code to}, by key. TransferLearning copies
     * a layer's flat parameters in its parameter table's key order, which is not the flat order of every layer: a
     * DepthwiseConvolution2D keeps [b, W] flat but lists W first, so its kernel came out shifted by the bias.
     */
    private static void copyParameters(Model from, Model to) {
        org.deeplearning4j.nn.api.Layer[] layers = from instanceof MultiLayerNetwork m ? m.getLayers()
                : ((ComputationGraph) from).getLayers();
        for (int i = 0; i < layers.length; i++) {
            org.deeplearning4j.nn.api.Layer target = to instanceof MultiLayerNetwork m ? m.getLayer(i)
                    : ((ComputationGraph) to).getLayer(layers[i].conf().getLayer().getLayerName());
            for (Map.Entry<String, INDArray> p : layers[i].paramTable().entrySet()) {
                target.setParam(p.getKey(), p.getValue());
            }
        }
    }

    private static OriginParameter originOf(ParameterSegment s, String suffix) {
        long[] dl4j = s.shape();
        boolean conv = s.layerKind().equals(ConvolutionLayer.class.getSimpleName())
                || s.layerKind().equals("Convolution2D");
        String name = s.layerName() + "/" + switch (s.key()) {
            case "W" -> "kernel";
            case "b" -> "bias";
            case "mean" -> "moving_mean";
            case "var" -> "moving_variance";
            default -> s.key();
        } + suffix;
        if (s.key().equals("W") && conv && dl4j.length == 4) {
            return new OriginParameter(name, new long[] {dl4j[2], dl4j[3], dl4j[1], dl4j[0]}, new int[] {3, 2, 0, 1},
                    s);
        }
        if (s.key().equals("W") && dl4j.length == 2) {
            return new OriginParameter(name, dl4j, new int[] {0, 1}, s);
        }
        return new OriginParameter(name, new long[] {s.length()}, new int[] {0}, s);
    }
}

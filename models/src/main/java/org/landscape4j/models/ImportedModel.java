package org.landscape4j.models;

import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapeBuilder;

/**
 * A network read by {@link Models#load}: the DL4J {@link MultiLayerNetwork} or {@link ComputationGraph}, ready for
 * {@code Landscape.builder().model(imported.model())}, with what was read and appended, and the origin's parameter
 * names ({@link #parameters()}).
 *
 * <pre>{@code
 * jshell> Models.load(Path.of("cnn.onnx"), Loss.CROSS_ENTROPY)
 * ImportedModel ONNX cnn.onnx: ComputationGraph, 3,224 parameters in 24 tensors
 *   ONNX ir 7, opset 13, pytorch 1.13.0: 24 nodes -> 4 Conv, 4 BatchNormalization, ...
 *   appended: softmax + MCXENT loss layer 'loss' after 'fc.Gemm' (PyTorch's CrossEntropyLoss on the logits)
 * }</pre>
 */
public final class ImportedModel {

    private final Model model;
    private final ModelFormat format;
    private final String source;
    private final List<String> description;
    private final Loss loss;
    private final OriginLayout parameters;

    ImportedModel(Model model, ModelFormat format, String source, List<String> description, Loss loss,
                  OriginLayout parameters) {
        this.model = model;
        this.format = format;
        this.source = source;
        this.description = List.copyOf(description);
        this.loss = loss;
        this.parameters = parameters;
    }

    /** The network: a {@link MultiLayerNetwork} or a {@link ComputationGraph}, initialised. */
    public Model model() {
        return model;
    }

    /** Whether {@link #model()} is a {@link ComputationGraph}. */
    public boolean isGraph() {
        return model instanceof ComputationGraph;
    }

    /** The network as a {@link ComputationGraph} (ONNX imports, Keras functional models, DL4J graphs). */
    public ComputationGraph graph() {
        if (model instanceof ComputationGraph g) {
            return g;
        }
        throw new IllegalStateException("the imported model is a " + model.getClass().getSimpleName()
                + ", not a ComputationGraph");
    }

    /** The network as a {@link MultiLayerNetwork} (Keras Sequential models, DL4J networks). */
    public MultiLayerNetwork network() {
        if (model instanceof MultiLayerNetwork n) {
            return n;
        }
        throw new IllegalStateException("the imported model is a " + model.getClass().getSimpleName()
                + ", not a MultiLayerNetwork");
    }

    /**
     * A landscape builder for this network, the Java counterpart of the DSL's {@code model(Path, Loss)}:
     * <pre>{@code
     * ImportedModel m = Models.load(Path.of("cnn.onnx"), Loss.CROSS_ENTROPY);
     * Surface s = m.landscape().directions(ReferenceDirections.read(Path.of("dirs.h5"), m)).grid(-1, 1, 21)
     *         .evaluateOn("train", data).build().surface();
     * }</pre>
     */
    public LandscapeBuilder landscape() {
        return Landscape.builder().model(model);
    }

    /** What the file was. */
    public ModelFormat format() {
        return format;
    }

    /** The file name or stream the model came from. */
    public String source() {
        return source;
    }

    /** The loss the network is evaluated with, or {@code null} for a DL4J network's own output layers. */
    public Loss loss() {
        return loss;
    }

    /** What was read, converted and appended, one statement per line. */
    public String description() {
        return String.join("\n", description);
    }

    /** The parameters with the origin's names, order and shapes, mapped onto the network's flat vector. */
    public OriginLayout parameters() {
        return parameters;
    }

    @Override
    public String toString() {
        return "ImportedModel " + format + " " + source + ": " + model.getClass().getSimpleName() + ", "
                + String.format(java.util.Locale.ROOT, "%,d", model.numParams()) + " parameters in "
                + parameters.parameters().size() + " tensors\n  " + String.join("\n  ", description);
    }
}

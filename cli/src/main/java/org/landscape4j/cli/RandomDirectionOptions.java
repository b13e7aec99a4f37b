package org.landscape4j.cli;

import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Directions;
import org.landscape4j.engine.Normalization;
import org.landscape4j.engine.RandomDirections;

import picocli.CommandLine.Option;

/** The options of {@code surface} and {@code line}: a saved model and the random directions drawn around it. */
final class RandomDirectionOptions {

    @Option(names = "--model", required = true, paramLabel = "ZIP", description = "a DL4J model saved by ModelSerializer")
    Path model;

    @Option(names = "--norm", defaultValue = "filter", paramLabel = "filter|layer|model|none",
            description = "direction normalization (default: ${DEFAULT-VALUE})")
    String norm;

    @Option(names = "--bias-bn", description = "move biases and batch-norm gamma/beta too")
    boolean biasBn;

    @Option(names = "--seed", defaultValue = "1", description = "random seed of the directions (default: ${DEFAULT-VALUE})")
    long seed;

    /**
     * The landscape around the model of {@code --model} along the random directions of {@code --norm},
     * {@code --bias-bn} and {@code --seed}, one direction per axis.
     *
     * @throws BadInput when the model does not load or {@code --norm} is unknown
     */
    ComputeOptions.Subject around(List<Axis> axes) {
        Model loaded = ModelFile.load(model, "--model");
        return new ComputeOptions.Subject(loaded, directions(), seed, axes);
    }

    /** The random directions named by {@code --norm} and {@code --bias-bn}. */
    private Directions directions() {
        Normalization n = switch (norm) {
            case "filter" -> Normalization.FILTER;
            case "layer" -> Normalization.LAYER;
            case "model" -> Normalization.MODEL;
            case "none" -> Normalization.NONE;
            default -> throw new BadInput("--norm must be filter, layer, model or none, was '" + norm + "'");
        };
        return new RandomDirections(n, biasBn, false);
    }
}

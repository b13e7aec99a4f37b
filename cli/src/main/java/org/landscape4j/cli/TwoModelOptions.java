package org.landscape4j.cli;

import java.nio.file.Path;

import org.landscape4j.models.ImportedModel;
import org.landscape4j.models.Loss;
import picocli.CommandLine.Option;

/** The two model files of {@code interpolate} and {@code connect}: {@code --from}, {@code --to} and their loss. */
final class TwoModelOptions {

    @Option(names = "--from", required = true, paramLabel = "FILE", description = "model A (t = 0)")
    Path from;

    @Option(names = "--to", required = true, paramLabel = "FILE", description = "model B (t = 1)")
    Path to;

    @Option(names = "--loss", paramLabel = "cross-entropy|mse",
            description = "the loss of ONNX or uncompiled Keras models (required for those, refused for DL4J zips)")
    String loss;

    /** {@code --loss}, checked before any file is read ({@code null}: the files' own). */
    Loss lossFunction() {
        return ModelFile.loss(loss);
    }

    /** Model A, with the loss. */
    ImportedModel from() {
        return ModelFile.imported(from, "--from", lossFunction());
    }

    /** Model B, with the loss. */
    ImportedModel to() {
        return ModelFile.imported(to, "--to", lossFunction());
    }

    /** "--from A and --to B", for a message about the pair. */
    @Override
    public String toString() {
        return "--from " + from + " and --to " + to;
    }
}

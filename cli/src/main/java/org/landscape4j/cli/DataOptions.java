package org.landscape4j.cli;

import java.nio.file.Path;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;
import picocli.CommandLine.Option;

/**
 * The evaluation data of every command that computes: {@code --data}, {@code --idx-prefix}, {@code --limit} and
 * {@code --normalize}.
 */
final class DataOptions {

    @Option(names = "--data", required = true, paramLabel = "PATH",
            description = "evaluation data: a NumPy .npz (np.savez(f, x=features, y=labels)), an IDX directory (MNIST"
                    + " layout, .gz or not), a .csv file (features, then the class index) or a saved DL4J DataSet")
    Path data;

    @Option(names = "--idx-prefix", defaultValue = "train", paramLabel = "PREFIX",
            description = "IDX file prefix in a data directory: train or t10k (default: ${DEFAULT-VALUE})")
    String idxPrefix;

    @Option(names = "--limit", paramLabel = "N",
            description = "evaluate on the first N examples only, N >= 1 (default: all examples)")
    Integer limit;

    @Option(names = "--normalize", paramLabel = "MEAN,STD",
            description = "normalize the features as torchvision's Normalize: (x - MEAN) / STD, one value each or one"
                    + " per channel separated by / (e.g. 0.485/0.456/0.406,0.229/0.224/0.225)")
    String normalize;

    /**
     * Checks {@code --limit} and {@code --normalize}, before any file is read.
     *
     * @throws BadInput naming the option
     */
    void check() {
        if (limit != null && limit < 1) {
            throw new BadInput("--limit must be >= 1, was " + limit + " (leave it out to evaluate on all examples)");
        }
        FeatureNormalization.parse(normalize);
    }

    /** The {@code --data} set for {@code model}: at most {@code --limit} examples, normalized as asked. */
    DataSet load(Model model) {
        return load("--data", data, idxPrefix, model);
    }

    /** The set {@code option} names at {@code path}, as {@link #load(Model)} reads {@code --data}. */
    DataSet load(String option, Path path, String prefix, Model model) {
        DataSet read = EvaluationData.load(option, path, prefix, model, limit == null ? Integer.MAX_VALUE : limit);
        FeatureNormalization n = FeatureNormalization.parse(normalize);
        return n == null ? read : n.apply(read, option);
    }
}

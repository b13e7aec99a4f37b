package org.landscape4j.engine;

import java.util.Arrays;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * A named data set on which every landscape point is evaluated (for example {@code train} and {@code test}).
 *
 * <p>Held as feature and label arrays (one each for a {@code MultiLayerNetwork}; one per input and output for a
 * {@code ComputationGraph}). The engine copies the arrays when a landscape is compiled, so later changes to them do
 * not change a landscape.
 *
 * @param name      non-blank, unique within a landscape
 * @param features  one array per network input, each with the examples on axis 0
 * @param labels    one array per network output, with as many examples as the features
 * @param batchSize how many examples one forward pass takes, at least 1
 */
public record EvaluationSet(String name, INDArray[] features, INDArray[] labels, int batchSize) {

    /** Default examples per forward pass: large enough for BLAS to be efficient, small enough for memory. */
    public static final int DEFAULT_BATCH_SIZE = 4096;

    public EvaluationSet {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("evaluation set name must not be blank, was "
                    + (name == null ? "null" : "'" + name + "'"));
        }
        if (features == null || features.length == 0 || Arrays.asList(features).contains(null)) {
            throw new IllegalArgumentException("evaluation set '" + name + "' has no features");
        }
        if (labels == null || labels.length == 0 || Arrays.asList(labels).contains(null)) {
            throw new IllegalArgumentException("evaluation set '" + name + "' has no labels");
        }
        features = features.clone();
        labels = labels.clone();
        long n = features[0].rank() == 0 ? 0 : features[0].size(0);
        if (n == 0) {
            throw new IllegalArgumentException("evaluation set '" + name + "' is empty: features have shape "
                    + Arrays.toString(features[0].shape()));
        }
        for (INDArray f : features) {
            if (f.rank() == 0 || f.size(0) != n) {
                throw new IllegalArgumentException("evaluation set '" + name + "': features have " + n
                        + " examples but another feature array has shape " + Arrays.toString(f.shape()));
            }
        }
        for (INDArray l : labels) {
            if (l.rank() == 0 || l.size(0) != n) {
                throw new IllegalArgumentException("evaluation set '" + name + "': features have " + n
                        + " examples but labels have shape " + Arrays.toString(l.shape()));
            }
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("evaluation set '" + name + "': batch size must be >= 1, was "
                    + batchSize);
        }
    }

    /**
     * An evaluation set from a DL4J {@link DataSet}, evaluated in batches of {@link #DEFAULT_BATCH_SIZE}.
     *
     * @throws IllegalArgumentException when the data set has feature or label masks: the engine evaluates every
     *                                  example and time step, so a masked set is refused rather than its masks dropped
     */
    public static EvaluationSet of(String name, DataSet data) {
        if (data == null) {
            throw new IllegalArgumentException("evaluation set '" + name + "' is null");
        }
        if (data.getFeaturesMaskArray() != null || data.getLabelsMaskArray() != null) {
            throw new IllegalArgumentException(masked(name, data.getFeaturesMaskArray() != null,
                    data.getLabelsMaskArray() != null));
        }
        return new EvaluationSet(name, new INDArray[] {data.getFeatures()}, new INDArray[] {data.getLabels()},
                DEFAULT_BATCH_SIZE);
    }

    /** An evaluation set from a DL4J {@link MultiDataSet} (for graphs with several inputs or outputs). */
    public static EvaluationSet of(String name, MultiDataSet data) {
        if (data == null) {
            throw new IllegalArgumentException("evaluation set '" + name + "' is null");
        }
        boolean featureMasks = data.getFeaturesMaskArrays() != null
                && Arrays.stream(data.getFeaturesMaskArrays()).anyMatch(java.util.Objects::nonNull);
        boolean labelMasks = data.getLabelsMaskArrays() != null
                && Arrays.stream(data.getLabelsMaskArrays()).anyMatch(java.util.Objects::nonNull);
        if (featureMasks || labelMasks) {
            throw new IllegalArgumentException(masked(name, featureMasks, labelMasks));
        }
        return new EvaluationSet(name, data.getFeatures(), data.getLabels(), DEFAULT_BATCH_SIZE);
    }

    private static String masked(String name, boolean features, boolean labels) {
        return "evaluation set '" + name + "' has " + (features && labels ? "feature and label masks"
                : features ? "feature masks" : "label masks") + ", which the engine does not support: it would"
                + " evaluate masked steps as real ones; evaluate unmasked data";
    }

    /** The same set evaluated in batches of {@code size} examples. */
    public EvaluationSet withBatchSize(int size) {
        return new EvaluationSet(name, features, labels, size);
    }

    /** Number of examples. */
    public long size() {
        return features[0].size(0);
    }

    @Override
    public INDArray[] features() {
        return features.clone();
    }

    @Override
    public INDArray[] labels() {
        return labels.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o == this;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return name + "(" + size() + " examples, features " + Arrays.toString(features[0].shape()) + ", labels "
                + Arrays.toString(labels[0].shape()) + ")";
    }
}

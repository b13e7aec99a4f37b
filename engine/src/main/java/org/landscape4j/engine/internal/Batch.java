package org.landscape4j.engine.internal;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A slice of an evaluation set resident for a whole run: the engine's own copies of features and labels.
 *
 * @param features one array per network input
 * @param labels   one array per network output
 * @param size     number of examples
 */
public record Batch(INDArray[] features, INDArray[] labels, long size) {
}

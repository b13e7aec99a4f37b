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

    /** The first {@code n} examples, as copies. */
    public Batch head(long n) {
        return new Batch(rows(features, n), rows(labels, n), n);
    }

    private static INDArray[] rows(INDArray[] arrays, long n) {
        INDArray[] out = new INDArray[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            org.nd4j.linalg.indexing.INDArrayIndex[] index = new org.nd4j.linalg.indexing.INDArrayIndex[arrays[i].rank()];
            index[0] = org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n);
            for (int d = 1; d < index.length; d++) {
                index[d] = org.nd4j.linalg.indexing.NDArrayIndex.all();
            }
            out[i] = arrays[i].get(index).dup('c');
        }
        return out;
    }
}

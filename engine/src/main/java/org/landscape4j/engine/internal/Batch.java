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
        return new Batch(rows(features, 0, n), rows(labels, 0, n), n);
    }

    /** Resident copies of {@code features} and {@code labels} cut into batches of {@code size} examples. */
    public static java.util.List<Batch> split(INDArray[] features, INDArray[] labels, int size) {
        java.util.List<Batch> out = new java.util.ArrayList<>();
        long n = features[0].size(0);
        for (long start = 0; start < n; start += size) {
            long end = Math.min(n, start + size);
            out.add(new Batch(rows(features, start, end), rows(labels, start, end), end - start));
        }
        return java.util.List.copyOf(out);
    }

    /** Rows {@code [start, end)} of each array, as row-major copies. */
    private static INDArray[] rows(INDArray[] arrays, long start, long end) {
        INDArray[] out = new INDArray[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            org.nd4j.linalg.indexing.INDArrayIndex[] index = new org.nd4j.linalg.indexing.INDArrayIndex[arrays[i].rank()];
            index[0] = org.nd4j.linalg.indexing.NDArrayIndex.interval(start, end);
            for (int d = 1; d < index.length; d++) {
                index[d] = org.nd4j.linalg.indexing.NDArrayIndex.all();
            }
            out[i] = arrays[i].get(index).dup('c');
        }
        return out;
    }
}

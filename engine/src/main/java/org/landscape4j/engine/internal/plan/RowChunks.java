package org.landscape4j.engine.internal.plan;

import java.util.IdentityHashMap;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Row blocks of a step's input and output, so that a native op works on a few megabytes at a time. Measured on 2
 * cores with the oneDNN natives (README benchmark): a 3x3 convolution of 16 channels on 2,000 28x28 images took 806
 * ms in one call and 67-85 ms in blocks of 64-500 images. The views are made once per array and kept (one worker's
 * arrays are the same at every point), so a run allocates nothing.
 */
final class RowChunks {

    /** Target bytes of one block's input plus output. */
    private static final long BLOCK_BYTES = 8L << 20;

    private final Map<INDArray, INDArray[]> views = new IdentityHashMap<>();

    /** How many examples one block holds for arrays of {@code bytesPerExample} (input plus output). */
    static long rowsPerBlock(long bytesPerExample) {
        return Math.max(16, BLOCK_BYTES / Math.max(1, bytesPerExample));
    }

    /** {@code a} cut into blocks of {@code rows} examples (just {@code a} when it is small enough). */
    INDArray[] of(INDArray a, long rows) {
        return views.computeIfAbsent(a, x -> cut(x, rows));
    }

    private static INDArray[] cut(INDArray a, long rows) {
        long n = a.size(0);
        int blocks = (int) ((n + rows - 1) / rows);
        if (blocks <= 1) {
            return new INDArray[] {a};
        }
        INDArray[] out = new INDArray[blocks];
        for (int i = 0; i < blocks; i++) {
            INDArrayIndex[] index = new INDArrayIndex[a.rank()];
            index[0] = NDArrayIndex.interval(i * rows, Math.min(n, (i + 1) * rows));
            for (int d = 1; d < index.length; d++) {
                index[d] = NDArrayIndex.all();
            }
            out[i] = a.get(index);
        }
        return out;
    }
}

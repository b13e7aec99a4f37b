package org.landscape4j.engine.internal.hessian;

import java.util.HashMap;
import java.util.Map;

import org.bytedeco.javacpp.DoublePointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The flat, parameter-sized arrays of one {@link ExactHessian}'s passes — {@code θ}, {@code v}, the gradient and
 * {@code H v} — allocated once (outside any workspace) on first use, and every parameter's views of them. Values
 * move in and out by one bulk copy through the buffers' pointers: ND4J's {@code createFromArray} and
 * {@code toDoubleVector} copy element by element and allocate, about 30 times slower for a large network.
 */
final class Flats {
    private final int length;
    private final INDArray[] arrays = new INDArray[4];
    private final Map<Param, INDArray[]> views = new HashMap<>();

    Flats(int length) {
        this.length = length;
    }

    /** Array {@code i} (0 θ, 1 v, 2 gradient, 3 H v), allocated on first use. */
    private INDArray array(int i) {
        if (arrays[i] == null) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                arrays[i] = Nd4j.createUninitialized(DataType.DOUBLE, length);
            }
        }
        return arrays[i];
    }

    /** Array {@code i} holding {@code values}. */
    INDArray load(int i, double[] values) {
        if (values.length != length) {
            throw new IllegalArgumentException("a flat vector must have " + length + " entries, had "
                    + values.length);
        }
        INDArray a = array(i);
        ((DoublePointer) a.data().addressPointer()).put(values);
        return a;
    }

    /** Array {@code i} set to 0. */
    INDArray zeroed(int i) {
        return array(i).assign(0);
    }

    double[] read(int i) {
        double[] out = new double[length];
        ((DoublePointer) arrays[i].data().addressPointer()).get(out);
        return out;
    }

    /** The parameter's views of the four arrays ({@code null} where an array is not allocated yet). */
    INDArray[] views(Param p) {
        INDArray[] v = views.computeIfAbsent(p, q -> new INDArray[4]);
        for (int i = 0; i < 4; i++) {
            if (v[i] == null && arrays[i] != null) {
                v[i] = p.view(arrays[i]);
            }
        }
        return v;
    }
}

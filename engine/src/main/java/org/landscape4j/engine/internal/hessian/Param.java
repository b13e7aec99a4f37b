package org.landscape4j.engine.internal.hessian;

import java.util.Arrays;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A parameter tensor inside the flat vector: where, which shape, which storage order. */
record Param(long offset, long[] shape, char order) {
    /** The parameter {@code key} of {@code layer} (a layer of {@code net}), or {@code null} when it has none. */
    static Param of(Model net, Layer layer, String key) {
        INDArray view = layer.paramTable().get(key);
        if (view == null) {
            return null;
        }
        return new Param(view.offset() - net.params().offset(), view.shape(),
                view.rank() <= 1 ? 'c' : view.ordering());
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The tensor as a view of {@code flat} (its entries in this storage order), or {@code null} for none. */
    INDArray view(INDArray flat) {
        if (flat == null) {
            return null;
        }
        return Nd4j.create(flat.data(), shape.clone(), Nd4j.getStrides(shape, order), flat.offset() + offset,
                order, DataType.DOUBLE);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Param p && p.offset == offset && Arrays.equals(p.shape, shape);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(offset) * 31 + Arrays.hashCode(shape);
    }
}

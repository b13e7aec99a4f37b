package org.landscape4j.engine.parameters;

import java.util.Arrays;

/**
 * One parameter tensor inside the flat parameter vector of a network.
 *
 * <p>The segment occupies {@code [offset, offset + length())} of the flat vector, stored in {@code order}
 * ({@code 'c'} row-major or {@code 'f'} column-major) with the given {@code shape}. DL4J stores dense weights as
 * {@code [nIn, nOut]} in {@code 'f'} order, so one output unit's weights are a column and the filter axis is 1;
 * convolution weights are {@code [out, in, kH, kW]} in {@code 'c'} order with filter axis 0.
 *
 * @param layerIndex index of the layer (in a {@code ComputationGraph}: the layer's index among the graph's layers)
 * @param layerName  the layer's name
 * @param layerKind  the simple class name of the layer's configuration, e.g. {@code DenseLayer}
 * @param key        DL4J's parameter key, e.g. {@code W}, {@code b}, {@code gamma}, {@code mean}
 * @param offset     first index in the flat parameter vector
 * @param shape      the tensor's shape as DL4J holds it
 * @param order      storage order of the tensor inside the flat vector
 * @param role       what the tensor is for
 * @param filterAxis the axis whose indices are filters (output units or channels), or -1 for non-weights
 */
public record ParameterSegment(int layerIndex, String layerName, String layerKind, String key, long offset,
                               long[] shape, char order, ParameterRole role, int filterAxis) {

    public ParameterSegment {
        shape = shape.clone();
        if (order != 'c' && order != 'f') {
            throw new IllegalArgumentException("order must be 'c' or 'f', was '" + order + "'");
        }
        if (filterAxis < -1 || filterAxis >= shape.length) {
            throw new IllegalArgumentException("filterAxis must be -1 or in [0, " + shape.length + "), was " + filterAxis);
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of entries. */
    public long length() {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    /** Number of filters: the size of the filter axis, or 1 when the segment has none. */
    public long filterCount() {
        return filterAxis < 0 ? 1 : shape[filterAxis];
    }

    /**
     * The filter that the entry at {@code position} (0-based, in storage order) belongs to, or 0 when the
     * segment has no filter axis.
     */
    public long filterOf(long position) {
        if (filterAxis < 0) {
            return 0;
        }
        long stride = 1;
        if (order == 'c') {
            for (int a = shape.length - 1; a > filterAxis; a--) {
                stride *= shape[a];
            }
        } else {
            for (int a = 0; a < filterAxis; a++) {
                stride *= shape[a];
            }
        }
        return (position / stride) % shape[filterAxis];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterSegment s && layerIndex == s.layerIndex && offset == s.offset
                && order == s.order && filterAxis == s.filterAxis && layerName.equals(s.layerName)
                && layerKind.equals(s.layerKind) && key.equals(s.key) && Arrays.equals(shape, s.shape)
                && role == s.role;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(offset) * 31 + key.hashCode();
    }

    @Override
    public String toString() {
        return layerName + "/" + key + " " + layerKind + " " + Arrays.toString(shape) + " " + order + " @" + offset
                + " " + role + (filterAxis >= 0 ? " filters on axis " + filterAxis : "");
    }
}

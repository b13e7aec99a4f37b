package org.landscape4j.models;

import java.util.Arrays;

import org.landscape4j.engine.parameters.ParameterSegment;

/**
 * One parameter tensor as the origin file names and shapes it, and where it lives in the DL4J network's flat
 * parameter vector.
 *
 * <p>The DL4J tensor is the origin tensor with its axes permuted: DL4J axis {@code i} is origin axis {@code axes[i]}
 * ({@code numpy.transpose(origin, axes)}). A PyTorch {@code Linear} weight {@code [out, in]} has {@code axes = [1, 0]}
 * (DL4J dense weights are {@code [nIn, nOut]}); a convolution weight {@code [out, in, kH, kW]} is the same in both
 * ({@code [0, 1, 2, 3]}); a Keras {@code Conv2D} kernel {@code [kH, kW, in, out]} has {@code [3, 2, 0, 1]}. The
 * permuted tensor, read in row-major order, is DL4J's: a PyTorch depthwise weight {@code [c * m, 1, kH, kW]} has
 * {@code [2, 3, 1, 0]}, {@code [kH, kW, 1, c * m]}, which is DL4J's {@code [kH, kW, c, m]}.
 *
 * @param name    the name in the origin file, e.g. {@code conv1.weight}, {@code dense_1/kernel:0}
 * @param shape   the shape in the origin file
 * @param axes    the permutation from the origin's axes to DL4J's
 * @param segment the DL4J segment (layer, key, offset, shape, storage order)
 */
public record OriginParameter(String name, long[] shape, int[] axes, ParameterSegment segment) {

    public OriginParameter {
        shape = shape.clone();
        axes = axes.clone();
        if (axes.length != shape.length) {
            throw new IllegalArgumentException("parameter '" + name + "': " + axes.length + " axes for a rank-"
                    + shape.length + " tensor");
        }
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        if (n != segment.length()) {
            throw new IllegalArgumentException("parameter '" + name + "' " + Arrays.toString(shape) + " has " + n
                    + " entries, its DL4J segment " + segment + " has " + segment.length());
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public int[] axes() {
        return axes.clone();
    }

    /** Whether the DL4J tensor is the origin tensor with its axes reordered (e.g. a transposed dense weight). */
    public boolean isPermuted() {
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] != i) {
                return true;
            }
        }
        return false;
    }

    /** Number of entries. */
    public long length() {
        return segment.length();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OriginParameter p && p.name.equals(name) && Arrays.equals(p.shape, shape)
                && Arrays.equals(p.axes, axes) && p.segment.equals(segment);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + segment.hashCode();
    }

    @Override
    public String toString() {
        return name + " " + Arrays.toString(shape) + " -> " + segment.layerName() + "/" + segment.key() + " "
                + Arrays.toString(segment.shape()) + (isPermuted() ? " axes " + Arrays.toString(axes) : "");
    }
}

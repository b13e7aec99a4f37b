package org.landscape4j.engine.internal.plan;

import java.util.Arrays;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * A flattening (image to vector) or unflattening (vector to image) preprocessor in a plan whose images are
 * channels-last ({@code [n, h, w, c]}): DL4J's flat vector is the channels-first image {@code [c, h, w]} row by row,
 * so the step copies through a permuted view, once per block. It is the only copy the layout adds; on the bench's
 * networks it moves the last feature map, a small part of one point.
 */
final class ChannelsLastReshapeStep extends Step {

    private final long[] chw;
    private final boolean flatten;

    /**
     * @param chw     the image's channels-first example shape {@code [c, h, w]}
     * @param flatten whether the input is the image (else the output is)
     */
    ChannelsLastReshapeStep(String source, int input, int output, long[] chw, boolean flatten) {
        super(source, new int[] {input}, output);
        this.chw = chw.clone();
        this.flatten = flatten;
    }

    @Override
    Kernel bind(Model copy) {
        return (in, out) -> {
            long n = in[0].size(0);
            if (flatten) {
                image(out, n).assign(in[0].permute(0, 3, 1, 2));
            } else {
                out.permute(0, 3, 1, 2).assign(image(in[0], n));
            }
        };
    }

    /** A flat block {@code [n, c·h·w]} seen as {@code [n, c, h, w]}, without a copy. */
    private INDArray image(INDArray flat, long n) {
        long[] shape = {n, chw[0], chw[1], chw[2]};
        INDArray view = Shape.newShapeNoCopy(flat, shape, false);
        if (view == null) {
            // the plan's buffers and the batches' rows are contiguous, so this is a bug, not bad input
            throw new IllegalStateException(source + ": cannot see " + Arrays.toString(flat.shape()) + " as "
                    + Arrays.toString(shape) + " without a copy");
        }
        return view;
    }

    @Override
    String kind() {
        return flatten ? "flatten" : "unflatten";
    }
}

package org.landscape4j.engine.internal.plan;

import java.util.Arrays;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * A step that costs nothing: its output is a view of its input. Identity (dropout and other layers that do nothing
 * in inference) or a row-major reshape to a per-example shape (DL4J's flattening preprocessors, whose output the
 * plan verifies against the preprocessor's own on a probe when it compiles).
 */
final class ViewStep extends Step {

    private final long[] exampleShape;
    private final String kind;

    private ViewStep(String source, int input, int output, long[] exampleShape, String kind) {
        super(source, new int[] {input}, output);
        this.exampleShape = exampleShape;
        this.kind = kind;
    }

    /** The plan's rule for a dropout layer: the identity in inference. */
    static int identityRule(PlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        return b.addView(identity(node.source(), in, b.newSlot(act)), act);
    }

    /** The plan's rule for an input preprocessor: a view, when it only reshapes (checked on the probe). */
    static int reshapeRule(PlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        int next = b.newSlot(act);
        return b.addView(reshape(node.source() + " preprocessor", in, next,
                Arrays.copyOfRange(act.shape(), 1, act.rank())), act);
    }

    static ViewStep identity(String source, int input, int output) {
        return new ViewStep(source, input, output, null, "identity");
    }

    static ViewStep reshape(String source, int input, int output, long[] exampleShape) {
        return new ViewStep(source, input, output, exampleShape.clone(), "reshape");
    }

    @Override
    boolean isView() {
        return true;
    }

    @Override
    INDArray view(INDArray input, long examples) {
        if (exampleShape == null) {
            return input;
        }
        long[] shape = new long[exampleShape.length + 1];
        shape[0] = examples;
        System.arraycopy(exampleShape, 0, shape, 1, exampleShape.length);
        INDArray view = Shape.newShapeNoCopy(input, shape, false);
        if (view == null) {
            // a copy made once would go stale: the plan's buffers are contiguous, so this is a bug, not bad input
            throw new IllegalStateException(source + ": cannot reshape " + java.util.Arrays.toString(input.shape())
                    + " to " + java.util.Arrays.toString(shape) + " without a copy");
        }
        return view;
    }

    /**
     * This view on a channels-last plan ({@link Step#channelsLast}), where {@code shapes} are the slots' channels-first
     * example shapes: an identity stays; a reshape between an image and a flat vector stays a view when the image has
     * one channel or one pixel (both layouts are the same bytes), and becomes a {@link ChannelsLastReshapeStep} copy
     * otherwise, since DL4J flattens {@code [c, h, w]} row by row; any other reshape of an image returns {@code null}.
     */
    Step channelsLast(boolean[] image, long[][] shapes) {
        if (exampleShape == null || !touches(image)) {
            return this;
        }
        int in = inputs[0];
        if (image[in] && image[output]) {
            return java.util.Arrays.equals(shapes[in], shapes[output]) ? this : null;
        }
        long[] chw = image[in] ? shapes[in] : shapes[output];
        long[] flat = image[in] ? shapes[output] : shapes[in];
        if (flat.length != 1) {
            return null;
        }
        if (chw[0] == 1 || chw[1] * chw[2] == 1) {
            return image[output] ? reshape(source, in, output, new long[] {chw[1], chw[2], chw[0]}) : this;
        }
        return new ChannelsLastReshapeStep(source, in, output, chw, image[in]);
    }

    @Override
    Kernel bind(Model copy) {
        return (in, out) -> {
        };
    }

    @Override
    String kind() {
        return kind;
    }
}

package org.landscape4j.engine.internal.plan;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Zero padding of NCHW images ({@code ZeroPaddingLayer}, padding top, bottom, left, right): the step's buffer is zero
 * when allocated and only its interior is written, so the border stays zero; consumers never modify it in place.
 */
final class ZeroPaddingStep extends Step {

    private final int top;
    private final int left;
    private final boolean channelsLast;

    ZeroPaddingStep(String source, int input, int output, int[] padding) {
        super(source, new int[] {input}, output);
        this.top = padding[0];
        this.left = padding[2];
        this.channelsLast = false;
    }

    private ZeroPaddingStep(ZeroPaddingStep channelsFirst) {
        super(channelsFirst.source, channelsFirst.inputs, channelsFirst.output);
        this.top = channelsFirst.top;
        this.left = channelsFirst.left;
        this.channelsLast = true;
    }

    /** The plan's rule for zero padding of NCHW images. */
    static int rule(PlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        return b.add(new ZeroPaddingStep(node.source(), in, b.newSlot(act),
                node.config(ZeroPaddingLayer.class).getPadding()), act);
    }

    @Override
    Step channelsLast(boolean[] image) {
        return touches(image) ? new ZeroPaddingStep(this) : this;
    }

    @Override
    Kernel bind(Model copy) {
        return (in, out) -> {
            INDArray x = in[0];
            if (channelsLast) {
                out.get(NDArrayIndex.all(), NDArrayIndex.interval(top, top + x.size(1)),
                        NDArrayIndex.interval(left, left + x.size(2)), NDArrayIndex.all()).assign(x);
            } else {
                out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(top, top + x.size(2)),
                        NDArrayIndex.interval(left, left + x.size(3))).assign(x);
            }
        };
    }

    @Override
    boolean overwritesOutput() {
        return false;
    }

    @Override
    String kind() {
        return "zero-padding";
    }
}

package org.landscape4j.cuda;

import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The kinds that cost nothing on the device: their output is their input's buffer. Dropout (the identity in
 * inference) and an input preprocessor that only reshapes (the graph checks that on the probe: its output holds its
 * input's values in C order, which is how the buffers hold every example).
 */
final class ViewRule {

    private ViewRule() {
    }

    /** The CUDA plan's rule for a dropout layer. */
    static int identity(CudaPlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        return b.alias(in, act);
    }

    /** The CUDA plan's rule for an input preprocessor: a view when it only reshapes, else refused by name. */
    static int reshape(CudaPlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        if (act == null) {
            throw b.refusal(node.source() + ": input preprocessor " + node.configuration().getClass().getSimpleName()
                    + " is not a plain reshape");
        }
        if (b.channelsLast && b.rank(in) == 4) {
            if (act.rank() != 2) {
                throw b.refusal(node.source() + " reshapes images to rank " + act.rank() + " (the CUDA plan keeps"
                        + " images NHWC and flattens them to rows only)");
            }
            return ChannelsFirstOp.rule(b, node, in, act);
        }
        if (b.channelsLast && act.rank() == 4) {
            throw b.refusal(node.source() + " reshapes rows to images (the CUDA plan takes images as NCHW features)");
        }
        return b.alias(in, act);
    }
}

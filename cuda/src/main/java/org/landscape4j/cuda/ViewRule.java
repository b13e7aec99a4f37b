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
        return b.alias(in, act);
    }
}

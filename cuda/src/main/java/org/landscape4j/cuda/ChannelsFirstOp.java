package org.landscape4j.cuda;

import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's flattening of images ({@code CnnToFeedForwardPreProcessor}) in a plan that keeps its images NHWC: the
 * examples permuted back to NCHW, whose C order is the flattened rows DL4J's dense layers read.
 */
record ChannelsFirstOp(String source, int input, int output, int hw, int channels) implements DeviceOp {

    /** The CUDA plan's rule for a preprocessor flattening NHWC images to rows. */
    static int rule(CudaPlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        long[] shape = b.shape(in);
        int out = b.newSlot(act);
        return b.add(new ChannelsFirstOp(node.source(), b.buffer(in), b.buffer(out), (int) (shape[2] * shape[3]),
                (int) shape[1]), out, act);
    }

    @Override
    public void run(Device d, Device.Buffer theta, Device.Buffer[] buffers, int rows) {
        d.toChannelsFirst(buffers[input], buffers[output], rows, hw, channels);
    }

    @Override
    public String kind() {
        return "nchw";
    }
}

package org.landscape4j.cuda;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The steps that only move values: padding of NHWC images (a zero padding layer, or the plan's own step before a
 * window DL4J pads asymmetrically) and a merge vertex's concatenation of channels.
 */
final class ShapeOps {

    private ShapeOps() {
    }

    /** Padding with {@code fill}: one kernel writing every output value. */
    record Pad(String source, int input, int output, int c, int inH, int inW, int outH, int outW, int top, int left,
               float fill) implements DeviceOp {

        @Override
        public void run(Device d, Device.Buffer theta, Device.Buffer[] buffers, int rows) {
            d.pad(buffers[input], buffers[output], rows, c, inH, inW, outH, outW, top, left, fill);
        }

        @Override
        public String kind() {
            return fill == 0f ? "zero-pad" : fill == Float.NEGATIVE_INFINITY ? "pad(-inf)" : "pad(" + fill + ")";
        }
    }

    /** A merge vertex: each input's channels copied into their place among the output's. */
    record Merge(String source, int[] inputs, int[] channels, int output, long pixels, int total) implements DeviceOp {

        @Override
        public void run(Device d, Device.Buffer theta, Device.Buffer[] buffers, int rows) {
            int offset = 0;
            for (int i = 0; i < inputs.length; i++) {
                d.copyChannels(buffers[inputs[i]], buffers[output], rows * pixels, channels[i], total, offset);
                offset += channels[i];
            }
        }

        @Override
        public String kind() {
            return "merge";
        }
    }

    /** The CUDA plan's rule for a zero padding layer over NCHW images. */
    static int pad(CudaPlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        ZeroPaddingLayer z = node.config(ZeroPaddingLayer.class);
        if (z.getDataFormat() != CNN2DFormat.NCHW || b.rank(in) != 4 || !b.channelsLast) {
            throw b.refusal(node.source() + " does not pad NCHW images of a plan that convolves");
        }
        long[] s = b.shape(in);
        int[] p = z.getPadding();                      // top, bottom, left, right
        int out = b.newSlot(act);
        return b.add(new Pad(node.source(), b.buffer(in), b.buffer(out), (int) s[1], (int) s[2], (int) s[3],
                (int) act.size(2), (int) act.size(3), p[0], p[2], 0f), out, act);
    }

    /**
     * The plan's own padding of slot {@code in} by {@code pad = {top, left, bottom, right}} with {@code fill}, before
     * a window that DL4J pads asymmetrically (Same mode with an odd total: the extra row and column at the bottom and
     * right) and cuDNN, which pads symmetrically, then runs unpadded: the padded slot.
     */
    static int padBefore(CudaPlanBuilder b, NetworkGraph.Node node, int in, int[] pad, float fill) {
        long[] s = b.shape(in);
        long[] padded = {s[0], s[1], s[2] + pad[0] + pad[2], s[3] + pad[1] + pad[3]};
        int out = b.newSlot(padded);
        return b.addStep(new Pad(node.source() + " (padding)", b.buffer(in), b.buffer(out), (int) s[1], (int) s[2],
                (int) s[3], (int) padded[2], (int) padded[3], pad[0], pad[1], fill), out);
    }

    /** The CUDA plan's rule for a merge vertex along the channels (or features) of same-sized inputs. */
    static int merge(CudaPlanBuilder b, NetworkGraph.Node node, INDArray act) {
        MergeVertex m = node.config(MergeVertex.class);
        int[] ins = node.inputs();
        int rank = act.rank();
        if (m.getMergeAxis() != 1 || (rank != 2 && !(rank == 4 && b.channelsLast))) {
            throw b.refusal(node.source() + " merges rank-" + rank + " activations along axis " + m.getMergeAxis()
                    + " (the CUDA plan merges features, or the channels of images in a plan that convolves)");
        }
        long pixels = rank == 4 ? act.size(2) * act.size(3) : 1;
        int[] buffers = new int[ins.length];
        int[] channels = new int[ins.length];
        for (int i = 0; i < ins.length; i++) {
            int slot = b.slotOfValue(ins[i]);
            if (b.rank(slot) != rank || b.width(slot) % pixels != 0) {
                throw b.refusal(node.source() + " merges inputs of different shapes");
            }
            buffers[i] = b.buffer(slot);
            channels[i] = (int) (b.width(slot) / pixels);
        }
        int out = b.newSlot(act);
        return b.add(new Merge(node.source(), buffers, channels, b.buffer(out), pixels, (int) act.size(1)), out, act);
    }
}

package org.landscape4j.cuda;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The steps that only move values: zero padding of NHWC images and a merge vertex's concatenation of channels. */
final class ShapeOps {

    private ShapeOps() {
    }

    /** A zero padding layer: one kernel writing every output value. */
    record Pad(String source, int input, int output, int c, int inH, int inW, int outH, int outW, int top, int left)
            implements DeviceOp {

        @Override
        public void run(Device d, Device.Buffer theta, Device.Buffer[] buffers, int rows) {
            d.zeroPad(buffers[input], buffers[output], rows, c, inH, inW, outH, outW, top, left);
        }

        @Override
        public String kind() {
            return "zero-pad";
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
                (int) act.size(2), (int) act.size(3), p[0], p[2]), out, act);
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

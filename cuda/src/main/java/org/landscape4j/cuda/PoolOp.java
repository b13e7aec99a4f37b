package org.landscape4j.cuda;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Max or average pooling of NHWC images, and global pooling (the window is the whole image): cuDNN's. */
record PoolOp(String source, int input, int output, Device.Pool pool, boolean global) implements DeviceOp {

    /**
     * The CUDA plan's rule for a 2D subsampling layer: max (padded symmetrically by cuDNN, or asymmetrically by the
     * plan's own step of -∞ before it), or average without padding.
     */
    static int subsampling(CudaPlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        SubsamplingLayer s = node.config(SubsamplingLayer.class);
        if (s.getCnn2dDataFormat() != CNN2DFormat.NCHW || b.rank(in) != 4 || act.rank() != 4) {
            throw b.refusal(node.source() + " does not pool NCHW images");
        }
        boolean max = s.getPoolingType() == PoolingType.MAX;
        if (!max && s.getPoolingType() != PoolingType.AVG) {
            throw b.refusal(node.source() + " pools by " + s.getPoolingType() + " (the CUDA plan pools by MAX and AVG)");
        }
        int[] d = s.getDilation();
        if (d[0] != 1 || d[1] != 1) {
            throw b.refusal(node.source() + " is a dilated pooling, which has no CUDA-plan rule");
        }
        int[] k = s.getKernelSize();
        int[] st = s.getStride();
        int[] pad = ConvOp.padding(b, node, s.getConvolutionMode(), s.getPadding(), b.shape(in), act.shape(), k, st,
                d);
        if (!max && (pad[0] != 0 || pad[1] != 0 || pad[2] != 0 || pad[3] != 0)) {
            throw b.refusal(node.source() + " averages over a padded window (the CUDA plan's average pooling does not"
                    + " pad)");
        }
        if (!ConvOp.symmetric(pad)) { // the padding never wins a max: -inf
            in = ShapeOps.padBefore(b, node, in, pad, Float.NEGATIVE_INFINITY);
            pad = new int[4];
        }
        long[] inShape = b.shape(in);
        Device.Pool p = new Device.Pool(max, (int) inShape[1], (int) inShape[2], (int) inShape[3], (int) act.size(2),
                (int) act.size(3), k[0], k[1], st[0], st[1], pad[0], pad[1]);
        int out = b.newSlot(act);
        b.needsCudnn = true;
        return b.add(new PoolOp(node.source(), b.buffer(in), b.buffer(out), p, false), out, act);
    }

    /** The CUDA plan's rule for global pooling of images: max or average over each channel. */
    static int global(CudaPlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        GlobalPoolingLayer g = node.config(GlobalPoolingLayer.class);
        PoolingType type = g.getPoolingType();
        if (b.rank(in) != 4 || (type != PoolingType.MAX && type != PoolingType.AVG)) {
            throw b.refusal(node.source() + " pools rank-" + b.rank(in) + " activations by " + type + " (the CUDA"
                    + " plan's global pooling takes images, by MAX or AVG)");
        }
        long[] inShape = b.shape(in);
        int h = (int) inShape[2];
        int w = (int) inShape[3];
        Device.Pool p = new Device.Pool(type == PoolingType.MAX, (int) inShape[1], h, w, 1, 1, h, w, 1, 1, 0, 0);
        int out = b.newSlot(act);
        b.needsCudnn = true;
        return b.add(new PoolOp(node.source(), b.buffer(in), b.buffer(out), p, true), out, act);
    }

    @Override
    public void run(Device d, Device.Buffer theta, Device.Buffer[] buffers, int rows) {
        d.pooling(pool, rows, buffers[input], buffers[output]);
    }

    @Override
    public String kind() {
        return (global ? "global-" : "") + (pool.max() ? "max-pool" : "avg-pool");
    }
}

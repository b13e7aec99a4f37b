package org.landscape4j.cuda;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.landscape4j.engine.graph.ChannelLayerNorm;
import org.landscape4j.engine.graph.ChannelShuffleVertex;
import org.landscape4j.engine.graph.ChannelSliceVertex;
import org.landscape4j.engine.graph.NetworkGraph;
import org.landscape4j.engine.parameters.ParameterSegment;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The CUDA plan's per-channel steps over NHWC images (or rows of features, one "pixel" each), each one NVRTC kernel:
 * a batch norm no convolution absorbs and a layer scale (a per-channel affine map), a squeeze-and-excitation gate, a
 * layer normalization over the channels, a channel slice or shuffle, and nearest-neighbour upsampling. Images must be
 * resident NHWC (the plan convolves or pools them), where each pixel's channels are contiguous.
 */
final class ChannelOps {

    private ChannelOps() {
    }

    /**
     * {@code y = x · scale + shift} per channel: a batch norm's ({@code scale}, {@code shift} buffers written per
     * point from θ, {@code bn} not null), a layer scale's ({@code scale} is θ at {@code scaleOffset}, no shift) or a
     * gate's ({@code gate} is the buffer of per-example scales, {@code [rows, c]}).
     */
    record Affine(String source, int input, int output, long pixels, int c, Device.Fold bn, int scaleBuffer,
                  int shiftBuffer, long scaleOffset, int gate, String kind) implements DeviceOp {

        @Override
        public void prepare(Device d, Device.Buffer theta, Device.Buffer[] buffers) {
            if (bn != null) {
                d.batchNormAffine(bn, c, theta, buffers[scaleBuffer], buffers[shiftBuffer]);
            }
        }

        @Override
        public void run(Device d, Device.Buffer theta, Device.Buffer[] buffers, int rows) {
            if (bn != null) {
                d.channelAffine(buffers[input], buffers[output], rows, pixels, c, buffers[scaleBuffer], 0, 0,
                        buffers[shiftBuffer], 0);
            } else if (gate >= 0) {
                d.channelAffine(buffers[input], buffers[output], rows, pixels, c, buffers[gate], 0, c, null, 0);
            } else {
                d.channelAffine(buffers[input], buffers[output], rows, pixels, c, theta, scaleOffset, 0, null, 0);
            }
        }
    }

    /** A layer normalization over the channels, γ and β at {@code gamma}, {@code beta} in θ. */
    record LayerNorm(String source, int input, int output, long pixels, int c, long gamma, long beta, double eps)
            implements DeviceOp {

        @Override
        public void run(Device d, Device.Buffer theta, Device.Buffer[] buffers, int rows) {
            d.layerNorm(buffers[input], buffers[output], rows * pixels, c, theta, gamma, beta, eps);
        }

        @Override
        public String kind() {
            return "layernorm";
        }
    }

    /** A channel slice ({@code groups == 0}: channels {@code from ..}) or shuffle ({@code groups} groups). */
    record Gather(String source, int input, int output, long pixels, int cIn, int cOut, int from, int groups)
            implements DeviceOp {

        @Override
        public void run(Device d, Device.Buffer theta, Device.Buffer[] buffers, int rows) {
            if (groups > 0) {
                d.shuffleChannels(buffers[input], buffers[output], rows * pixels, cIn, groups);
            } else {
                d.sliceChannels(buffers[input], buffers[output], rows * pixels, cIn, from, cOut);
            }
        }

        @Override
        public String kind() {
            return groups > 0 ? "channel-shuffle" : "channel-slice";
        }
    }

    /** Nearest-neighbour upsampling by {@code sh × sw}. */
    record Upsample(String source, int input, int output, int c, int inH, int inW, int sh, int sw)
            implements DeviceOp {

        @Override
        public void run(Device d, Device.Buffer theta, Device.Buffer[] buffers, int rows) {
            d.upsample(buffers[input], buffers[output], rows, c, inH, inW, sh, sw);
        }

        @Override
        public String kind() {
            return "upsampling2d";
        }
    }

    /** The CUDA plan's rule for a batch norm that no convolution absorbs (after an activation, or on features). */
    static int batchNorm(CudaPlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        BatchNormalization bn = node.config(BatchNormalization.class);
        if (b.rank(in) == 4 && bn.getCnn2DFormat() != CNN2DFormat.NCHW) {
            throw b.refusal(node.source() + " normalizes NHWC images (the CUDA plan reads DL4J's NCHW images)");
        }
        Device.Fold fold = ConvOp.fold(b, node, bn);
        int c = channels(b, node, in);
        int out = b.newSlot(act);
        return b.add(new Affine(node.source(), b.buffer(in), b.buffer(out), pixels(b, in, c), c, fold, b.scratch(c),
                b.scratch(c), 0, -1, "batchnorm"), out, act);
    }

    /** The CUDA plan's rule for a layer scale ({@code ChannelScale}: {@code W [c]}). */
    static int scale(CudaPlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        int c = channels(b, node, in);
        ParameterSegment w = b.segment(node, "W");
        if (w == null || w.length() != c) {
            throw b.refusal(node.source() + " has no scale W of " + c + " channels");
        }
        int out = b.newSlot(act);
        return b.add(new Affine(node.source(), b.buffer(in), b.buffer(out), pixels(b, in, c), c, null, -1, -1,
                w.offset(), -1, "channel-scale"), out, act);
    }

    /** The CUDA plan's rule for a channel gate: the feature map first, its per-example gate {@code [n, c, 1, 1]}. */
    static int gate(CudaPlanBuilder b, NetworkGraph.Node node, INDArray act) {
        int x = b.slotOfValue(node.inputs()[0]);
        int g = b.slotOfValue(node.inputs()[1]);
        int c = channels(b, node, x);
        if (b.width(g) != c) {
            throw b.refusal(node.source() + " gates " + c + " channels by " + b.width(g) + " values per example");
        }
        int out = b.newSlot(act);
        return b.add(new Affine(node.source(), b.buffer(x), b.buffer(out), pixels(b, x, c), c, null, -1, -1, 0,
                b.buffer(g), "channel-gate"), out, act);
    }

    /** The CUDA plan's rule for a layer normalization over the channels. */
    static int layerNorm(CudaPlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        int c = channels(b, node, in);
        int out = b.newSlot(act);
        return b.add(new LayerNorm(node.source(), b.buffer(in), b.buffer(out), pixels(b, in, c), c,
                b.segment(node, "gamma").offset(), b.segment(node, "beta").offset(),
                node.config(ChannelLayerNorm.class).getEps()), out, act);
    }

    /** The CUDA plan's rule for a channel slice. */
    static int slice(CudaPlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        ChannelSliceVertex v = node.config(ChannelSliceVertex.class);
        int c = channels(b, node, in);
        int out = b.newSlot(act);
        return b.add(new Gather(node.source(), b.buffer(in), b.buffer(out), pixels(b, in, c), c,
                Math.toIntExact(v.getCount()), Math.toIntExact(v.getFrom()), 0), out, act);
    }

    /** The CUDA plan's rule for a channel shuffle. */
    static int shuffle(CudaPlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        int c = channels(b, node, in);
        int out = b.newSlot(act);
        return b.add(new Gather(node.source(), b.buffer(in), b.buffer(out), pixels(b, in, c), c, c, 0,
                node.config(ChannelShuffleVertex.class).getGroups()), out, act);
    }

    /** The CUDA plan's rule for DL4J's {@code Upsampling2D} of NCHW images. */
    static int upsample(CudaPlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        Upsampling2D u = node.config(Upsampling2D.class);
        if (u.getFormat() != CNN2DFormat.NCHW) {
            throw b.refusal(node.source() + " upsamples NHWC images (the CUDA plan reads DL4J's NCHW images)");
        }
        int c = channels(b, node, in);
        long[] s = b.shape(in);
        int[] size = u.getSize();
        int out = b.newSlot(act);
        return b.add(new Upsample(node.source(), b.buffer(in), b.buffer(out), c, (int) s[2], (int) s[3], size[0],
                size[1]), out, act);
    }

    /**
     * The channels of slot {@code in}: of its images, which must be resident NHWC, or of its features.
     *
     * @throws IllegalArgumentException naming {@code node} when neither
     */
    private static int channels(CudaPlanBuilder b, NetworkGraph.Node node, int in) {
        int rank = b.rank(in);
        if (rank == 4 && b.channelsLast) {
            return Math.toIntExact(b.shape(in)[1]);
        }
        if (rank == 2) {
            return Math.toIntExact(b.width(in));
        }
        throw b.refusal(node.source() + " reads rank-" + rank + " activations (the CUDA plan's per-channel steps read"
                + " features, or images of a plan that convolves)");
    }

    /** The pixels per example of slot {@code in} with {@code c} channels (1 for features). */
    private static long pixels(CudaPlanBuilder b, int in, int c) {
        return b.width(in) / c;
    }
}

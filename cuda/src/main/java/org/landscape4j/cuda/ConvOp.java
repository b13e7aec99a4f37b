package org.landscape4j.cuda;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.landscape4j.engine.graph.GroupedConvolution2D;
import org.landscape4j.engine.graph.NetworkGraph;
import org.landscape4j.engine.parameters.ParameterSegment;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A 2D convolution over NHWC images, cuDNN's, plain, grouped or depthwise (cuDNN's group count): once per point its
 * weights are reordered from DL4J's layout ({@link Device.Conv}) to KRSC into the worker's own buffer, with a batch
 * norm that only this convolution feeds folded in (the CPU plan's {@code PlanRewrites.foldBatchNorm}: weights scaled
 * by γ / sqrt(var + eps) per output channel, bias {@code (b − mean)·scale + β}); per batch one convolution with its
 * bias and activation.
 *
 * @param weights     offset of DL4J's weights in θ
 * @param bias        offset of the bias in θ, or -1
 * @param bn          the batch norm folded in, or {@code null}
 * @param krsc        the buffer of this point's reordered weights
 * @param biasBuffer  the buffer of this point's bias
 */
record ConvOp(String source, int input, int output, Device.Conv geometry, long weights, long bias, Device.Fold bn,
              int krsc, int biasBuffer, DeviceActivation.Use activation) implements DeviceOp {

    /** The CUDA plan's rule for a 2D convolution, or DL4J's depthwise one (NCHW images, dilated or not). */
    static int rule(CudaPlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        ConvolutionLayer c = node.config(ConvolutionLayer.class);
        if (c.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            throw b.refusal(node.source() + " does not convolve NCHW images (the CUDA plan's convolutions read DL4J's"
                    + " NCHW images)");
        }
        boolean depthwise = c instanceof DepthwiseConvolution2D;
        int groups = depthwise && b.rank(in) == 4 ? Math.toIntExact(b.shape(in)[1]) : 1;
        return add(b, node, in, act, c.getKernelSize(), c.getStride(), c.getDilation(), c.getConvolutionMode(),
                c.getPadding(), groups, depthwise, c.hasBias(), c.getActivationFn());
    }

    /** The CUDA plan's rule for the engine's grouped convolution ({@code GroupedConvolution2D}: explicit padding). */
    static int groupedRule(CudaPlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        GroupedConvolution2D c = node.config(GroupedConvolution2D.class);
        return add(b, node, in, act, c.getKernelSize(), c.getStride(), c.getDilation(), ConvolutionMode.Truncate,
                c.getPadding(), c.getGroups(), false, c.hasBias(), c.getActivationFn());
    }

    private static int add(CudaPlanBuilder b, NetworkGraph.Node node, int in, INDArray act, int[] k, int[] s, int[] d,
                           ConvolutionMode mode, int[] padding, int groups, boolean depthwise, boolean hasBias,
                           IActivation activation) {
        if (b.rank(in) != 4 || act.rank() != 4) {
            throw b.refusal(node.source() + " does not convolve images (the CUDA plan's convolutions read DL4J's"
                    + " NCHW images)");
        }
        int[] pad = padding(b, node, mode, padding, b.shape(in), act.shape(), k, s, d);
        if (!symmetric(pad)) {
            in = ShapeOps.padBefore(b, node, in, pad, 0f);
            pad = new int[4];
        }
        long[] inShape = b.shape(in);
        Device.Conv g = new Device.Conv((int) inShape[1], (int) inShape[2], (int) inShape[3], (int) act.size(1),
                (int) act.size(2), (int) act.size(3), k[0], k[1], s[0], s[1], pad[0], pad[1], d[0], d[1], groups,
                depthwise);
        ParameterSegment w = b.segment(node, "W");
        if (w == null || w.order() != 'c' || w.length() != g.weights()) {
            throw b.refusal(node.source() + " has no " + (depthwise ? "[" + k[0] + ", " + k[1] + ", " + g.inC()
                    + ", " + g.outC() / g.inC() : "[" + g.outC() + ", " + g.groupC() + ", " + k[0] + ", " + k[1])
                    + "] weight tensor W in C order");
        }
        long bias = hasBias ? b.segment(node, "b").offset() : -1;
        int out = b.newSlot(act);
        b.needsCudnn = true;
        return b.add(new ConvOp(node.source(), b.buffer(in), b.buffer(out), g, w.offset(), bias, null,
                b.scratch(g.weights()), b.scratch(g.outC()), DeviceActivation.of(activation, node.source())),
                out, act);
    }

    /**
     * The padding {@code {top, left, bottom, right}} of a window over {@code in} giving {@code out} (NCHW shapes),
     * checked against the sizes DL4J computed: the configured one on both sides, or in Same mode DL4J's (half the
     * total at the top and left, rounded down, the rest at the bottom and right, as TensorFlow pads too).
     */
    static int[] padding(CudaPlanBuilder b, NetworkGraph.Node node, ConvolutionMode mode, int[] configured, long[] in,
                         long[] out, int[] k, int[] s, int[] d) {
        int[] pad = new int[4];
        for (int i = 0; i < 2; i++) {
            long size = in[2 + i];
            long effective = (long) (k[i] - 1) * d[i] + 1;
            if (mode == ConvolutionMode.Same) {
                long total = Math.max(0, (out[2 + i] - 1) * s[i] + effective - size);
                pad[i] = (int) (total / 2);
                pad[2 + i] = (int) (total - total / 2);
            } else {
                pad[i] = configured[i];
                pad[2 + i] = configured[i];
            }
            if ((size + pad[i] + pad[2 + i] - effective) / s[i] + 1 != out[2 + i]) {
                throw b.refusal(node.source() + ": a window of " + k[i] + " stride " + s[i] + " padding " + pad[i]
                        + (pad[i] == pad[2 + i] ? "" : "+" + pad[2 + i]) + " over " + size + " does not give DL4J's "
                        + out[2 + i]);
            }
        }
        return pad;
    }

    /** Whether {@code pad = {top, left, bottom, right}} is the same on both sides, as cuDNN pads. */
    static boolean symmetric(int[] pad) {
        return pad[0] == pad[2] && pad[1] == pad[3];
    }

    /**
     * The CUDA plan's rule for a batch norm: folded into the convolution that writes its input when nothing else
     * reads that convolution's output and it has no activation; else its own per-channel step
     * ({@link ChannelOps#batchNorm}).
     */
    static int foldBatchNorm(CudaPlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        int at = b.writer(b.buffer(in));
        if (at < 0 || !(b.ops.get(at) instanceof ConvOp conv) || conv.bn() != null
                || conv.activation().kind() != DeviceActivation.IDENTITY || b.consumers(node.inputs()[0]) != 1) {
            return ChannelOps.batchNorm(b, node, in, act);
        }
        Device.Fold fold = fold(b, node, node.config(BatchNormalization.class));
        ConvOp folded = new ConvOp(conv.source() + " + " + node.source(), conv.input(), conv.output(),
                conv.geometry(), conv.weights(), conv.bias(), fold, conv.krsc(), conv.biasBuffer(), conv.activation());
        b.replace(at, folded, act);
        return b.alias(in, act);
    }

    /** Where batch norm {@code node} reads its parameters in θ, and its locked γ and β. */
    static Device.Fold fold(CudaPlanBuilder b, NetworkGraph.Node node, BatchNormalization bn) {
        boolean locked = bn.isLockGammaBeta();
        // DL4J applies locked values only when both differ from the defaults (its own condition, kept)
        boolean apply = locked && bn.getGamma() != 1.0 && bn.getBeta() != 0.0;
        return new Device.Fold(locked ? -1 : b.segment(node, "gamma").offset(),
                locked ? -1 : b.segment(node, "beta").offset(), b.segment(node, "mean").offset(),
                b.segment(node, bn.isUseLogStd() ? "log10stdev" : "var").offset(), bn.isUseLogStd(), bn.getEps(),
                apply ? (float) bn.getGamma() : 1f, apply ? (float) bn.getBeta() : 0f);
    }

    @Override
    public void prepare(Device d, Device.Buffer theta, Device.Buffer[] buffers) {
        d.convolutionWeights(geometry, theta, weights, bias, bn, buffers[krsc], buffers[biasBuffer]);
    }

    @Override
    public void run(Device d, Device.Buffer theta, Device.Buffer[] buffers, int rows) {
        d.convolution(geometry, rows, buffers[input], buffers[krsc], buffers[biasBuffer], buffers[output],
                activation.kind(), activation.alpha());
    }

    @Override
    public String kind() {
        String k = (geometry.groups() == 1 ? "conv" : geometry.groups() == geometry.inC() ? "depthwise-conv"
                : "grouped-conv") + (bn == null ? "" : "+bn");
        return activation.kind() == DeviceActivation.IDENTITY ? k
                : k + "+" + activation.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}

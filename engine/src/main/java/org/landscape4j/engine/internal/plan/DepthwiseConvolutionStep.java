package org.landscape4j.engine.internal.plan;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.DepthwiseConv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A depthwise 2D convolution ({@code DepthwiseConvolution2D}) through ND4J's native {@code depthwise_conv2d} op, the
 * op DL4J's layer calls, writing into the step's buffer; the layer's activation follows in place. Weights stay in
 * DL4J's {@code [kH, kW, in, multiplier]} layout, read as views of the parameter vector.
 *
 * <p>Channels-last is this step's fast layout: measured on one thread, a 3x3 depthwise convolution of 64 images of
 * 56x56x96 took 10 ms channels-last and 700 ms channels-first (the op reaches oneDNN only for NHWC), the same bits.
 */
final class DepthwiseConvolutionStep extends Step {

    private final LayerRef layer;
    private final IActivation activation;
    private final boolean hasBias;
    private final Conv2DConfig config;

    private DepthwiseConvolutionStep(String source, int input, int output, LayerRef layer, IActivation activation,
                                     boolean hasBias, Conv2DConfig config) {
        super(source, new int[] {input}, output);
        this.layer = layer;
        this.activation = activation;
        this.hasBias = hasBias;
        this.config = config;
    }

    /** The plan's rule for a depthwise 2D convolution (NCHW). */
    static int rule(PlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        DepthwiseConvolution2D conf = node.config(DepthwiseConvolution2D.class);
        return b.add(new DepthwiseConvolutionStep(node.source(), in, b.newSlot(act), b.ref(node),
                conf.getActivationFn(), conf.hasBias(), config(conf, Conv2DConfig.NCHW)), act);
    }

    /** The op's configuration of {@code conf} on images in {@code format} ({@code NCHW} or {@code NHWC}). */
    static Conv2DConfig config(DepthwiseConvolution2D conf, String format) {
        int[] k = conf.getKernelSize();
        int[] s = conf.getStride();
        int[] p = conf.getPadding();
        int[] d = conf.getDilation();
        return Conv2DConfig.builder().kH(k[0]).kW(k[1]).sH(s[0]).sW(s[1]).pH(p[0]).pW(p[1]).dH(d[0]).dW(d[1])
                .paddingMode(ConvolutionStep.paddingMode(conf.getConvolutionMode())).dataFormat(format).build();
    }

    @Override
    Kernel bind(Model copy) {
        INDArray w = layer.param(copy, "W");
        INDArray b = hasBias ? layer.param(copy, "b") : null;
        INDArray[] weights = b == null ? new INDArray[] {w} : new INDArray[] {w, b.reshape(b.length())};
        Kernel conv = (in, out) -> {
            INDArray[] inputs = new INDArray[weights.length + 1];
            inputs[0] = in[0];
            System.arraycopy(weights, 0, inputs, 1, weights.length);
            Nd4j.exec(new DepthwiseConv2D(inputs, new INDArray[] {out}, config));
        };
        return Activations.after(conv, activation);
    }

    @Override
    Step channelsLast(boolean[] image) {
        if (!touches(image)) {
            return this;
        }
        if (activation instanceof ActivationSoftmax) {
            return null; // DL4J's softmax over a convolution's channels: kept channels-first
        }
        return new DepthwiseConvolutionStep(source, inputs[0], output, layer, activation, hasBias,
                ConvolutionStep.inFormat(config, Conv2DConfig.NHWC));
    }

    @Override
    String kind() {
        return "depthwise-conv2d";
    }
}

package org.landscape4j.engine.internal.plan;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A 2D convolution without activation followed by batch normalization that nothing else reads, folded into one
 * convolution: at every point the weights and bias become {@code W' = W · s} (per output channel) and
 * {@code b' = β + (b − μ) · s} with {@code s = γ / sqrt(σ² + ε)}, so the normalization costs nothing per example. The
 * numbers differ from DL4J's two layers only by float rounding (tested to 1e-5 relative on the loss).
 */
final class FusedConvolutionStep extends Step {

    private final ConvolutionStep convolution;
    private final BatchNormStep normalization;
    /** Whether a ReLU layer that only this step fed runs inside the convolution ({@link #withRelu}). */
    private final boolean relu;

    FusedConvolutionStep(ConvolutionStep convolution, BatchNormStep normalization) {
        this(convolution.source + " + " + normalization.source, normalization.output, convolution, normalization,
                false);
    }

    private FusedConvolutionStep(String source, int output, ConvolutionStep convolution, BatchNormStep normalization,
                                 boolean relu) {
        super(source, convolution.inputs, output);
        this.convolution = convolution;
        this.normalization = normalization;
        this.relu = relu;
    }

    /**
     * This step followed by {@code activation}, a plain ReLU that reads only this step's output, as one step writing
     * the activation's slot: oneDNN applies the ReLU to the convolution's output as it writes it (a post-op), the
     * same bits as a ReLU pass after it. Only when {@code convolution().callsOneDnn} for the plan's type.
     */
    FusedConvolutionStep withRelu(ActivationStep activation) {
        return new FusedConvolutionStep(source + " + " + activation.source, activation.output, convolution,
                normalization, true);
    }

    @Override
    Kernel bind(Model copy) {
        INDArray w = convolution.layer().param(copy, "W");
        INDArray b = convolution.bias(copy);
        BatchNormStep.Statistics stats = normalization.statistics(copy);
        INDArray folded = Nd4j.create(w.dataType(), w.shape());
        INDArray bias = Nd4j.create(w.dataType(), w.size(0));
        INDArray scale = Nd4j.create(w.dataType(), w.size(0));
        Kernel conv = convolution.kernelWith(folded, bias, relu);
        double eps = normalization.eps();
        return new Kernel() {
            @Override
            public void prepare() {
                stats.refresh();
                scale.assign(stats.var).addi(eps);
                Transforms.sqrt(scale, false);
                scale.rdivi(stats.gamma);
                Broadcasts.exec(new BroadcastMulOp(w, scale, folded, 0));
                bias.assign(b == null ? Nd4j.zeros(w.dataType(), w.size(0)) : b).subi(stats.mean).muli(scale)
                        .addi(stats.beta);
                conv.prepare();
            }

            @Override
            public void run(INDArray[] in, INDArray out) {
                conv.run(in, out);
            }

            @Override
            public void close() {
                conv.close();
            }
        };
    }

    @Override
    Step channelsLast(boolean[] image) {
        ConvolutionStep c = convolution.channelsLast(image);
        return c == null ? null : c == convolution ? this
                : new FusedConvolutionStep(source, output, c, normalization, relu);
    }

    /** This step with its convolution in bfloat16 ({@link ConvolutionStep#inBf16()}). */
    FusedConvolutionStep inBf16() {
        return new FusedConvolutionStep(source, output, convolution.inBf16(), normalization, relu);
    }

    ConvolutionStep convolution() {
        return convolution;
    }

    /** Whether a ReLU runs inside this step ({@link #withRelu}). */
    boolean hasRelu() {
        return relu;
    }

    @Override
    String kind() {
        return (convolution.isGrouped() ? "grouped-" : "") + "conv2d+batchnorm" + (relu ? "+relu" : "")
                + (convolution.isBf16() ? " (bf16)" : "");
    }
}

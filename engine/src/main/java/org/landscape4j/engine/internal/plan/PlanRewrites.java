package org.landscape4j.engine.internal.plan;
import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The rewrites of a plan after its rules made it (in this order): batch norms folded into convolutions, images
 * channels-last, ReLUs fused into the convolutions and adds oneDNN runs. Each gives the same numbers as the plan it
 * rewrites ({@code ChannelsLastPlanTest}, {@code InferencePlanTest}); the plan is checked against DL4J after them.
 */
final class PlanRewrites {

    private PlanRewrites() {
    }

    /**
     * The plan with every batch norm that only a convolution without activation feeds folded into that convolution
     * ({@link FusedConvolutionStep}). A first layer folded this way is no longer factorized: measured on the VGG-like
     * bench network, the folded first convolution costs less per point than combining its products and then running
     * the batch norm on them.
     */
    static InferencePlan foldBatchNorm(InferencePlan plan) {
        List<Step> folded = new ArrayList<>(plan.steps());
        for (int i = 0; i < folded.size(); i++) {
            if (!(folded.get(i) instanceof BatchNormStep bn)) {
                continue;
            }
            for (int j = 0; j < i; j++) {
                if (folded.get(j) instanceof ConvolutionStep conv && conv.output == bn.inputs[0]
                        && conv.foldsBatchNorm() && plan.consumers(conv.output) == 1) {
                    folded.set(j, new FusedConvolutionStep(conv, bn));
                    folded.remove(i);
                    i--;
                    break;
                }
            }
        }
        return plan.withSteps(folded);
    }

    /**
     * The plan with its images channels-last (see {@link InferencePlan}'s "Layout"), or the plan as it is when it has
     * no 2D convolution on images or a step that cannot work channels-last.
     */
    static InferencePlan channelsLast(InferencePlan plan) {
        boolean[] image = new boolean[plan.slotShapes().length];
        for (int i = 0; i < image.length; i++) {
            image[i] = plan.slotShapes()[i].length == 3;
        }
        boolean convolves = plan.steps().stream().anyMatch(s -> s.touches(image) && (s instanceof FusedConvolutionStep
                || s instanceof ConvolutionStep c && (c.kind().equals("conv2d") || c.kind().equals("grouped-conv2d"))
                || s instanceof DepthwiseConvolutionStep));
        if (!convolves || plan.heads().stream().anyMatch(h -> image[h.input])) {
            return plan;
        }
        List<Step> converted = new ArrayList<>();
        for (Step s : plan.steps()) {
            Step c = s instanceof ViewStep v ? v.channelsLast(image, plan.slotShapes()) : s.channelsLast(image);
            if (c == null) {
                return plan;
            }
            converted.add(c);
        }
        long[][] shapes = new long[plan.slotShapes().length][];
        for (int i = 0; i < shapes.length; i++) {
            long[] s = plan.slotShapes()[i];
            shapes[i] = image[i] ? new long[] {s[1], s[2], s[0]} : s;
        }
        return new InferencePlan(List.copyOf(converted), plan.heads(), shapes, plan.inputCount(), plan.dataType(), null,
                true);
    }

    /**
     * The plan with every ReLU layer that reads only the output of a convolution oneDNN runs (without its own
     * activation, batch norm folded or not) or of a two-input add fused into it: one step, the ReLU applied by oneDNN
     * as it writes the output (a post-op), the same bits. On the VGG-like network the separate ReLU passes were 5% of
     * a point; on ResNet-20, the add and the ReLU after it 9%.
     */
    static InferencePlan fuseRelu(InferencePlan plan) {
        List<Step> fused = new ArrayList<>(plan.steps());
        DataType type = plan.dataType();
        for (int i = 0; i < fused.size(); i++) {
            Step s = fused.get(i);
            boolean plain = s instanceof ConvolutionStep c && c.callsOneDnn(type) && c.foldsBatchNorm()
                    || s instanceof FusedConvolutionStep f && !f.hasRelu() && f.convolution().callsOneDnn(type)
                    || s instanceof ElementWiseStep e && e.fusesRelu();
            if (!plain || plan.consumers(s.output) != 1) {
                continue;
            }
            for (int j = i + 1; j < fused.size(); j++) {
                if (fused.get(j) instanceof ActivationStep a && a.inputs[0] == s.output
                        && ConvolutionStep.isPlainRelu(a.activation())) {
                    fused.set(i, s instanceof ConvolutionStep c ? c.withRelu(a)
                            : s instanceof ElementWiseStep e ? e.withRelu(a) : ((FusedConvolutionStep) s).withRelu(a));
                    fused.remove(j);
                    break;
                }
            }
        }
        return plan.withSteps(fused);
    }
}

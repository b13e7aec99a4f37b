package org.landscape4j.engine.internal.plan;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.graph.ChannelLayerNorm;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The per-channel affine steps of ConvNeXt: a layer normalization over the channels ({@link ChannelLayerNorm}, its
 * own {@link ChannelLayerNorm#normalize}, the arithmetic DL4J's layer runs) and a channel scale
 * ({@code ChannelScale}: {@code x · W[c]}), along the channel axis of either layout, or of features.
 */
final class ChannelNormStep extends Step {

    private final LayerRef layer;
    /** The layer normalization's eps, or -1 for a channel scale. */
    private final double eps;
    private final int axis;

    private ChannelNormStep(String source, int input, int output, LayerRef layer, double eps, int axis) {
        super(source, new int[] {input}, output);
        this.layer = layer;
        this.eps = eps;
        this.axis = axis;
    }

    /** The plan's rule for a layer normalization over the channels. */
    static int layerNormRule(PlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        return b.add(new ChannelNormStep(node.source(), in, b.newSlot(act), b.ref(node),
                node.config(ChannelLayerNorm.class).getEps(), 1), act);
    }

    /** The plan's rule for a channel scale. */
    static int scaleRule(PlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        return b.add(new ChannelNormStep(node.source(), in, b.newSlot(act), b.ref(node), -1, 1), act);
    }

    @Override
    Kernel bind(Model copy) {
        if (eps < 0) {
            INDArray w = layer.param(copy, "W");
            return (in, out) -> out.assign(in[0].mul(ChannelLayerNorm.along(w.dup(), in[0].rank(), axis)));
        }
        INDArray gamma = layer.param(copy, "gamma");
        INDArray beta = layer.param(copy, "beta");
        return (in, out) -> ChannelLayerNorm.normalize(in[0], gamma.dup(), beta.dup(), eps, axis, out);
    }

    @Override
    Step channelsLast(boolean[] image) {
        return touches(image) ? new ChannelNormStep(source, inputs[0], output, layer, eps,
                InferencePlan.channelsLastAxis(axis)) : this;
    }

    @Override
    String kind() {
        return eps < 0 ? "channel-scale" : "layernorm";
    }
}

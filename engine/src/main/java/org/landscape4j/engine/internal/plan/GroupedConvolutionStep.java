package org.landscape4j.engine.internal.plan;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.graph.GroupedConvolution2D;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A grouped 2D convolution ({@link GroupedConvolution2D}, ResNeXt's and RegNet's). Channels-last with oneDNN's natives
 * in float (the plan's default on images), one oneDNN grouped convolution ({@link OneDnnConvolution} with groups: the
 * weights {@code [out, in / g, kH, kW]} are its {@code goihw} layout as they are); otherwise, as DL4J's layer does,
 * ND4J's {@code conv2d} per group on a copy of the group's input channels, written into the group's output channels.
 */
final class GroupedConvolutionStep extends Step {

    private final LayerRef layer;
    private final int groups;
    private final boolean hasBias;
    private final Conv2DConfig config;

    private GroupedConvolutionStep(String source, int input, int output, LayerRef layer, int groups, boolean hasBias,
                                   Conv2DConfig config) {
        super(source, new int[] {input}, output);
        this.layer = layer;
        this.groups = groups;
        this.hasBias = hasBias;
        this.config = config;
    }

    /** The plan's rule for a grouped 2D convolution (NCHW). */
    static int rule(PlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        GroupedConvolution2D conf = node.config(GroupedConvolution2D.class);
        return b.add(new GroupedConvolutionStep(node.source(), in, b.newSlot(act), b.ref(node), conf.getGroups(),
                conf.hasBias(), conf.config(Conv2DConfig.NCHW)), act);
    }

    @Override
    Kernel bind(Model copy) {
        INDArray w = layer.param(copy, "W");
        INDArray bias = hasBias ? layer.param(copy, "b") : null;
        INDArray b = bias == null ? null : bias.reshape(bias.length());
        boolean nhwc = Conv2DConfig.NHWC.equals(config.getDataFormat());
        if (nhwc && OneDnn.available() && w.dataType() == DataType.FLOAT) {
            return new OneDnnConvolution(w, b, config, false, false, groups);
        }
        int axis = nhwc ? 3 : 1;
        long inPer = w.size(1);
        long outPer = w.size(0) / groups;
        return (in, out) -> {
            // copies: ND4J M2.1 slices a view of the parameter vector wrongly (an interval came out rank 0)
            INDArray wc = w.dup('c');
            INDArray bc = b == null ? null : b.dup();
            for (int g = 0; g < groups; g++) {
                INDArray x = in[0].get(channels(axis, g * inPer, inPer)).dup('c');
                INDArray wg = wc.get(NDArrayIndex.interval(g * outPer, (g + 1) * outPer), NDArrayIndex.all(),
                        NDArrayIndex.all(), NDArrayIndex.all());
                INDArray[] inputs = bc == null ? new INDArray[] {x, wg}
                        : new INDArray[] {x, wg, bc.get(NDArrayIndex.interval(g * outPer, (g + 1) * outPer))};
                INDArray y = Nd4j.exec(new Conv2D(inputs, null, config))[0];
                out.get(channels(axis, g * outPer, outPer)).assign(y);
            }
        };
    }

    /** The index of channels {@code [from, from + count)} along {@code axis} of a rank-4 image array. */
    private static INDArrayIndex[] channels(int axis, long from, long count) {
        INDArrayIndex[] index = {NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()};
        index[axis] = NDArrayIndex.interval(from, from + count);
        return index;
    }

    @Override
    Step channelsLast(boolean[] image) {
        if (!touches(image)) {
            return this;
        }
        return new GroupedConvolutionStep(source, inputs[0], output, layer, groups, hasBias,
                ConvolutionStep.inFormat(config, Conv2DConfig.NHWC));
    }

    @Override
    String kind() {
        return "grouped-conv2d";
    }
}

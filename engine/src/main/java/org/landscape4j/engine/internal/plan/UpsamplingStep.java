package org.landscape4j.engine.internal.plan;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/** Nearest-neighbour upsampling of NCHW images ({@code Upsampling2D}) with DL4J's own native op and arguments. */
final class UpsamplingStep extends Step {

    private final int[] size;
    /** The native op's data format argument: 1 = NCHW, 0 = NHWC. */
    private final int channelsFirst;

    UpsamplingStep(String source, int input, int output, int[] size) {
        super(source, new int[] {input}, output);
        this.size = size.clone();
        this.channelsFirst = 1;
    }

    private UpsamplingStep(UpsamplingStep nchw) {
        super(nchw.source, nchw.inputs, nchw.output);
        this.size = nchw.size;
        this.channelsFirst = 0;
    }

    /** The plan's rule for nearest-neighbour upsampling of NCHW images. */
    static int rule(PlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        return b.add(new UpsamplingStep(node.source(), in, b.newSlot(act), node.config(Upsampling2D.class).getSize()),
                act);
    }

    @Override
    Step channelsLast(boolean[] image) {
        return touches(image) ? new UpsamplingStep(this) : this;
    }

    @Override
    Kernel bind(Model copy) {
        return (in, out) -> Nd4j.getExecutioner().exec(DynamicCustomOp.builder("upsampling2d")
                .addIntegerArguments(size[0], size[1], channelsFirst).addInputs(in[0]).addOutputs(out)
                .callInplace(false).build());
    }

    @Override
    String kind() {
        return "upsampling2d";
    }
}

package org.landscape4j.engine.internal.plan;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/** Nearest-neighbour upsampling of NCHW images ({@code Upsampling2D}) with DL4J's own native op and arguments. */
final class UpsamplingStep extends Step {

    private final int[] size;

    UpsamplingStep(String source, int input, int output, int[] size) {
        super(source, new int[] {input}, output);
        this.size = size.clone();
    }

    @Override
    Kernel bind(Model copy) {
        return (in, out) -> Nd4j.getExecutioner().exec(DynamicCustomOp.builder("upsampling2d")
                .addIntegerArguments(size[0], size[1], 1).addInputs(in[0]).addOutputs(out).callInplace(false)
                .build());
    }

    @Override
    String kind() {
        return "upsampling2d";
    }
}

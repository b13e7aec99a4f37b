package org.landscape4j.engine.internal.plan;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.Mean;
import org.nd4j.linalg.api.ops.impl.reduce.same.Max;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Global max, average or sum pooling over the spatial dimensions ({@code [n, c, h, w]} → {@code [n, c]} or, keeping
 * them, {@code [n, c, 1, 1]}; or
 * {@code [n, c, l]} → {@code [n, c]}), reduced straight into the step's buffer as DL4J's layer reduces without masks.
 */
final class GlobalPoolingStep extends Step {

    private final org.deeplearning4j.nn.conf.layers.PoolingType type;
    private final int[] dimensions;

    private GlobalPoolingStep(String source, int input, int output, org.deeplearning4j.nn.conf.layers.PoolingType type,
                              int[] dimensions) {
        super(source, new int[] {input}, output);
        this.type = type;
        this.dimensions = dimensions;
    }

    /** The plan's rule for a global pooling layer over a rank-3 or rank-4 input. */
    static int rule(PlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        int rank = b.rank(in);
        GlobalPoolingStep step = rank == 3 || rank == 4
                ? of(node.source(), in, b.newSlot(act), node.config(GlobalPoolingLayer.class), rank) : null;
        return step == null ? b.refuse(node.source() + " uses p-norm pooling or a rank-" + rank + " input")
                : b.add(step, act);
    }

    /** A global pooling step for an input of {@code rank}, or {@code null} for p-norm pooling. */
    static GlobalPoolingStep of(String source, int input, int output, GlobalPoolingLayer conf, int rank) {
        if (conf.getPoolingType() == org.deeplearning4j.nn.conf.layers.PoolingType.PNORM) {
            return null;
        }
        int[] dims = conf.getPoolingDimensions() != null ? conf.getPoolingDimensions().clone()
                : rank == 4 ? new int[] {2, 3} : new int[] {2};
        return new GlobalPoolingStep(source, input, output, conf.getPoolingType(), dims);
    }

    @Override
    Step channelsLast(boolean[] image) {
        if (!image[inputs[0]]) {
            return this;
        }
        int[] dims = new int[dimensions.length];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = InferencePlan.channelsLastAxis(dimensions[i]);
        }
        return new GlobalPoolingStep(source, inputs[0], output, type, dims);
    }

    @Override
    Kernel bind(Model copy) {
        return (in, out) -> {
            // [n, c], or the [n, c, 1, 1] (or channels-last [n, 1, 1, c]) of a pooling that keeps its dimensions
            INDArray target = out.rank() == 2 ? out : out.reshape(out.size(0), out.length() / out.size(0));
            switch (type) {
                case MAX -> Nd4j.exec(new Max(in[0], target, dimensions));
                case AVG -> Nd4j.exec(new Mean(in[0], target, dimensions));
                case SUM -> Nd4j.exec(new Sum(in[0], target, dimensions));
                default -> throw new IllegalStateException("pooling " + type);
            }
        };
    }

    @Override
    String kind() {
        return "global-" + type.name().toLowerCase(java.util.Locale.ROOT);
    }
}

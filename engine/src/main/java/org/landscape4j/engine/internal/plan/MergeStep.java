package org.landscape4j.engine.internal.plan;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** A merge vertex of a graph: its inputs concatenated along the merge axis (channels), each copied into its part. */
final class MergeStep extends Step {

    private final int axis;

    MergeStep(String source, int[] inputs, int output, int axis) {
        super(source, inputs, output);
        this.axis = axis;
    }

    /** The plan's rule for a merge vertex. */
    static int rule(PlanBuilder b, NetworkGraph.Node node, int[] in, INDArray act) {
        return b.add(new MergeStep(node.source(), in, b.newSlot(act), node.config(MergeVertex.class).getMergeAxis()),
                act);
    }

    @Override
    Kernel bind(Model copy) {
        return (in, out) -> {
            long start = 0;
            for (INDArray x : in) {
                INDArrayIndex[] index = new INDArrayIndex[out.rank()];
                for (int d = 0; d < index.length; d++) {
                    index[d] = d == axis ? NDArrayIndex.interval(start, start + x.size(axis)) : NDArrayIndex.all();
                }
                out.get(index).assign(x);
                start += x.size(axis);
            }
        };
    }

    @Override
    Step channelsLast(boolean[] image) {
        return touches(image) ? new MergeStep(source, inputs, output, InferencePlan.channelsLastAxis(axis)) : this;
    }

    @Override
    String kind() {
        return "merge";
    }
}

package org.landscape4j.engine.graph;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What DL4J asks of every graph vertex of the engine's own that has no parameters ({@link ChannelGateVertex},
 * {@link ChannelSliceVertex}, {@link ChannelShuffleVertex}), written once: no parameters, a memory report from the
 * output type, and the runtime side's plumbing ({@link Runtime}). A subclass gives its inputs, output type, forward and
 * backward pass.
 */
abstract class ParameterFreeVertex extends GraphVertex {

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return new LayerMemoryReport.Builder(null, getClass(), inputTypes[0], getOutputType(-1, inputTypes))
                .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    /** DL4J's runtime vertex without a layer or parameters; masks pass through from the first input. */
    abstract static class Runtime extends BaseGraphVertex {

        Runtime(ComputationGraph graph, String name, int index, DataType dataType) {
            super(graph, name, index, null, null, dataType);
        }

        @Override
        public boolean hasLayer() {
            return false;
        }

        @Override
        public org.deeplearning4j.nn.api.Layer getLayer() {
            return null;
        }

        @Override
        public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
            if (backpropGradientsViewArray != null) {
                throw new IllegalArgumentException(vertexName + " has no parameters");
            }
        }

        @Override
        public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                               int minibatchSize) {
            return new Pair<>(maskArrays == null ? null : maskArrays[0], currentMaskState);
        }

        @Override
        public String toString() {
            return getClass().getEnclosingClass().getSimpleName() + "(" + vertexName + ")";
        }
    }
}

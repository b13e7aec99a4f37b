package org.landscape4j.engine.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link ChannelShuffleVertex}: PyTorch's channel shuffle, its inverse, both layouts, DL4J's JSON. */
class ChannelShuffleTest {

    @Test
    void outputChannelJTimesGroupsPlusIReadsInputChannelITimesCPerGroupPlusJ() {
        INDArray x = Nd4j.linspace(0, 6 * 2 - 1, 6 * 2, DataType.DOUBLE).reshape(1, 6, 1, 2);
        INDArray y = ChannelShuffleVertex.shuffle(x, 2, 1);
        // 2 groups of 3: output channels read input channels 0, 3, 1, 4, 2, 5
        int[] source = {0, 3, 1, 4, 2, 5};
        for (int k = 0; k < 6; k++) {
            assertThat(y.getDouble(0, k, 0, 1)).isEqualTo(x.getDouble(0, source[k], 0, 1));
        }
        assertThat(ChannelShuffleVertex.shuffle(y, 3, 1)).isEqualTo(x);
        INDArray nhwc = x.permute(0, 2, 3, 1);
        assertThat(ChannelShuffleVertex.shuffle(nhwc, 2, 3)).isEqualTo(y.permute(0, 2, 3, 1));
        assertThatThrownBy(() -> ChannelShuffleVertex.shuffle(x, 4, 1))
                .hasMessage("a channel shuffle of 4 groups of 6 channels");
        assertThatThrownBy(() -> new ChannelShuffleVertex(0))
                .hasMessage("a channel shuffle needs at least 1 group, was 0");
    }

    @Test
    void survivesDl4jsJson() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addVertex("shuffle", new ChannelShuffleVertex(3), "in")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "shuffle")
                .addLayer("out", new OutputLayer.Builder().nOut(2).build(), "pool")
                .setOutputs("out").setInputTypes(InputType.convolutional(2, 2, 6)).build();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertThat(back.getVertices().get("shuffle")).isEqualTo(new ChannelShuffleVertex(3));
    }
}

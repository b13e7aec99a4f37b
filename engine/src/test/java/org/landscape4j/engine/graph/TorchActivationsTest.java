package org.landscape4j.engine.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** PyTorch's hard sigmoid and hard swish, DL4J's swish as PyTorch's SiLU, and the channel gate's configuration. */
class TorchActivationsTest {

    private static final double[] XS = {-5, -3.5, -3, -2.25, -1, -0.1, 0, 0.4, 1.7, 2.9, 3, 3.2, 7};

    @Test
    void hardSigmoidIsRelu6OfXPlus3Over6() {
        INDArray y = new TorchHardSigmoid().getActivation(Nd4j.createFromArray(XS), false);
        for (int i = 0; i < XS.length; i++) {
            assertThat(y.getDouble(i)).isCloseTo(Math.min(6, Math.max(0, XS[i] + 3)) / 6, within(1e-15));
        }
    }

    @Test
    void hardSwishIsXTimesRelu6OfXPlus3Over6() {
        INDArray y = new TorchHardSwish().getActivation(Nd4j.createFromArray(XS), false);
        for (int i = 0; i < XS.length; i++) {
            assertThat(y.getDouble(i)).isCloseTo(XS[i] * Math.min(6, Math.max(0, XS[i] + 3)) / 6, within(1e-15));
        }
    }

    /** DL4J's {@code Activation.SWISH} is {@code x * sigmoid(x)}: PyTorch's SiLU, which the ONNX importer uses. */
    @Test
    void dl4jsSwishIsSilu() {
        INDArray y = Activation.SWISH.getActivationFunction().getActivation(Nd4j.createFromArray(XS), false);
        for (int i = 0; i < XS.length; i++) {
            assertThat(y.getDouble(i)).isCloseTo(XS[i] / (1 + Math.exp(-XS[i])), within(1e-14));
        }
    }

    @Test
    void gradientsAreCentralDifferencesAwayFromTheKinks() {
        double[] xs = {-5, -2.25, -1, -0.1, 0.4, 1.7, 2.9, 3.2, 7};
        for (IActivation f : new IActivation[] {new TorchHardSigmoid(), new TorchHardSwish(),
                new TorchHardSigmoid(0.2, 0.5)}) {
            INDArray g = f.backprop(Nd4j.createFromArray(xs), Nd4j.ones(DataType.DOUBLE, xs.length)).getFirst();
            for (int i = 0; i < xs.length; i++) {
                double h = 1e-6;
                double fd = (value(f, xs[i] + h) - value(f, xs[i] - h)) / (2 * h);
                assertThat(g.getDouble(i)).as("%s at %s", f, xs[i]).isCloseTo(fd, within(1e-8));
            }
        }
    }

    @Test
    void hardSigmoidNamesABadSlope() {
        assertThatThrownBy(() -> new TorchHardSigmoid(0, 0.5)).hasMessageContaining("alpha=0.0");
    }

    /** A graph with both activations and the gate survives DL4J's JSON (how networks are saved and copied). */
    @Test
    void aGraphWithTheActivationsAndTheGateRoundTripsThroughJson() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .graphBuilder().addInputs("in")
                .addLayer("a", new ActivationLayer.Builder().activation(new TorchHardSwish()).build(), "in")
                .addLayer("p", new GlobalPoolingLayer.Builder(PoolingType.AVG).collapseDimensions(false).build(), "a")
                .addLayer("b", new ActivationLayer.Builder().activation(new TorchHardSigmoid(0.25, 0.4)).build(), "p")
                .addVertex("gate", new ChannelGateVertex(), "a", "b")
                .setOutputs("gate").setInputTypes(InputType.convolutional(2, 2, 3)).build();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertThat(back.getVertices().get("gate")).isInstanceOf(ChannelGateVertex.class);
        assertThat(LayerKind.of(back.getVertices().get("gate"))).isEqualTo(LayerKind.CHANNEL_GATE);
        assertThat(back.toJson()).isEqualTo(conf.toJson());
    }

    @Test
    void aGateOfAnotherShapeIsRefusedByDl4jsTypeCheck() {
        assertThatThrownBy(() -> new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("a", new ActivationLayer.Builder().activation(new TorchHardSwish()).build(), "in")
                .addVertex("gate", new ChannelGateVertex(), "a", "a")
                .setOutputs("gate").setInputTypes(InputType.convolutional(2, 2, 3)).build())
                .hasStackTraceContaining("a channel gate multiplies an image [c, h, w] by a gate [c, 1, 1]");
    }

    private static double value(IActivation f, double x) {
        return f.getActivation(Nd4j.createFromArray(x), false).getDouble(0);
    }
}

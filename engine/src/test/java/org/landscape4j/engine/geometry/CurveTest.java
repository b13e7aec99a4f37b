package org.landscape4j.engine.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Fixtures;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class CurveTest {

    @Test
    void quadraticBezierCoefficients() {
        assertThat(BezierCurve.QUADRATIC.coefficients(0.25))
                .containsExactly(new double[] {0.5625, 0.375, 0.0625}, within(1e-15));
        assertThat(BezierCurve.QUADRATIC.coefficients(0)).containsExactly(1, 0, 0);
        assertThat(BezierCurve.QUADRATIC.coefficients(1)).containsExactly(0, 0, 1);
    }

    @Test
    void chainCoefficientsArePiecewiseLinear() {
        PolygonalChain two = new PolygonalChain(2);
        assertThat(two.anchors()).isEqualTo(4);
        assertThat(two.coefficients(0.5)).containsExactly(new double[] {0, 0.5, 0.5, 0}, within(1e-15));
        assertThat(PolygonalChain.ONE_BEND.coefficients(0.25)).containsExactly(new double[] {0.5, 0.5, 0},
                within(1e-15));
        assertThat(PolygonalChain.ONE_BEND.coefficients(0.5)).containsExactly(0, 1, 0);
        assertThat(PolygonalChain.ONE_BEND.coefficients(1)).containsExactly(0, 0, 1);
    }

    @Test
    void pointCombinesTheAnchors() {
        List<INDArray> anchors = List.of(Nd4j.createFromArray(0.0, 0.0), Nd4j.createFromArray(1.0, 1.0),
                Nd4j.createFromArray(2.0, 0.0));
        assertThat(BezierCurve.QUADRATIC.point(anchors, 0.5).toDoubleVector()).containsExactly(1.0, 0.5);
        assertThat(PolygonalChain.ONE_BEND.point(anchors, 0.5).toDoubleVector()).containsExactly(1.0, 1.0);
    }

    @Test
    void tOutsideTheUnitIntervalIsRejected() {
        assertThatThrownBy(() -> BezierCurve.QUADRATIC.coefficients(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("t must be in [0, 1], was 1.5");
    }

    static MultiLayerNetwork trained(DataSet data, long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(DataType.FLOAT).updater(new Adam(0.05)).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(6).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        for (int i = 0; i < 150; i++) {
            net.fit(data);
        }
        return net;
    }

    @Test
    void trainedChainHasALowerMaximumLossThanTheStraightLine() {
        DataSet data = Fixtures.blobs(90, 8);
        MultiLayerNetwork a = trained(data, 1);
        MultiLayerNetwork b = trained(data, 2);
        float[] before = a.params().toFloatVector();

        List<INDArray> line = List.of(a.params(), b.params());
        double[] lineLoss = CurveTrainer.lossAlong(new BezierCurve(1), line, a, data, 21);
        List<INDArray> chain = CurveTrainer.train(PolygonalChain.ONE_BEND, a, data, a.params(), b.params(),
                new CurveTrainer.Options(300, 0.02, 1));
        double[] chainLoss = CurveTrainer.lossAlong(PolygonalChain.ONE_BEND, chain, a, data, 21);

        double lineMax = Arrays.stream(lineLoss).max().orElseThrow();
        double chainMax = Arrays.stream(chainLoss).max().orElseThrow();
        double ends = Math.max(lineLoss[0], lineLoss[20]);
        assertThat(lineMax).as("the straight line has a barrier").isGreaterThan(ends + 0.05);
        assertThat(chainMax).as("max loss along the chain %s vs the line %s", chainMax, lineMax)
                .isLessThan(lineMax - 0.5 * (lineMax - ends));
        assertThat(chainLoss[0]).isCloseTo(lineLoss[0], within(1e-9));
        assertThat(a.params().toFloatVector()).containsExactly(before);
    }
}

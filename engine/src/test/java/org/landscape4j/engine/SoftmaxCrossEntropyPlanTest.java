package org.landscape4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The inference plan's softmax cross-entropy: exact in a float64 network's own precision (DL4J's score to 1e-12), and a
 * log-softmax where logit gaps are far beyond exp's range (an exact log-sum-exp, where DL4J's unclipped score is
 * infinite), with DL4J's clipping kept where it is asked for.
 */
class SoftmaxCrossEntropyPlanTest {

    private static final int N = 20;

    @Test
    void float64NetworkEqualsDl4jsScoreToDoublePrecision() {
        MultiLayerNetwork net = mlp(DataType.DOUBLE, new LossMCXENT(), 1.0);
        DataSet data = data(DataType.DOUBLE);
        Landscape l = line(net, data);
        assertThat(l.evaluationPlan()).contains("inference plan");
        double[] loss = l.profile().values("train", "loss");
        INDArray d = l.directions()[0];
        for (int i = 0; i < 3; i++) {
            MultiLayerNetwork moved = net.clone();
            moved.setParams(net.params().add(d.mul(-1 + i)));
            double want = moved.score(data, false);
            assertThat(Math.abs(loss[i] - want) / want).as("loss at %d: %s vs DL4J %s", i, loss[i], want)
                    .isLessThanOrEqualTo(1e-12);
        }
    }

    @Test
    void logitGapsBeyondExpsRangeGiveTheExactLogSoftmax() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            MultiLayerNetwork net = mlp(type, new LossMCXENT(0.0, null), 1000.0);
            DataSet data = data(type);
            Landscape l = line(net, data);
            assertThat(l.evaluationPlan()).contains("inference plan");
            double[] loss = l.profile().values("train", "loss");
            INDArray d = l.directions()[0];
            for (int i = 0; i < 3; i++) {
                MultiLayerNetwork moved = net.clone();
                moved.setParams(net.params().add(d.mul(-1 + i)));
                double want = exactCrossEntropy(moved, data);
                assertThat(want).as("the test's logit gaps reach exp's underflow").isGreaterThan(745);
                assertThat(Math.abs(loss[i] - want) / want).as("%s loss at %d: %s vs exact %s", type, i, loss[i],
                        want).isLessThanOrEqualTo(type == DataType.DOUBLE ? 1e-12 : 1e-6);
                assertThat(Double.isFinite(moved.score(data, false))).as("DL4J's own unclipped score is finite")
                        .isFalse();
            }
        }
    }

    @Test
    void dl4jsClippingIsKept() {
        MultiLayerNetwork net = mlp(DataType.DOUBLE, new LossMCXENT(), 400.0);
        DataSet data = data(DataType.DOUBLE);
        Landscape l = line(net, data);
        double[] loss = l.profile().values("train", "loss");
        INDArray d = l.directions()[0];
        for (int i = 0; i < 3; i++) {
            MultiLayerNetwork moved = net.clone();
            moved.setParams(net.params().add(d.mul(-1 + i)));
            double want = moved.score(data, false);
            assertThat(Math.abs(loss[i] - want) / want).as("loss at %d: %s vs DL4J %s", i, loss[i], want)
                    .isLessThanOrEqualTo(1e-12);
        }
    }

    /** Mean −log softmax(z)_label from the network's pre-softmax output, by a log-sum-exp in double. */
    private static double exactCrossEntropy(MultiLayerNetwork net, DataSet data) {
        List<INDArray> acts = net.feedForward(data.getFeatures(), false);
        INDArray hidden = acts.get(acts.size() - 2).castTo(DataType.DOUBLE);
        INDArray w = net.getLayer(1).getParam("W").castTo(DataType.DOUBLE);
        INDArray b = net.getLayer(1).getParam("b").castTo(DataType.DOUBLE);
        INDArray z = hidden.mmul(w).addiRowVector(b);
        INDArray y = data.getLabels();
        double total = 0;
        for (int r = 0; r < z.rows(); r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < z.columns(); c++) {
                max = Math.max(max, z.getDouble(r, c));
            }
            double sum = 0;
            for (int c = 0; c < z.columns(); c++) {
                sum += Math.exp(z.getDouble(r, c) - max);
            }
            int label = y.getRow(r).argMax().getInt(0);
            total -= z.getDouble(r, label) - max - Math.log(sum);
        }
        return total / z.rows();
    }

    private static Landscape line(MultiLayerNetwork net, DataSet data) {
        return Landscape.compile(new LandscapeSpec(net, RandomDirections.FILTER_NORMALIZED, 5,
                List.of(Axis.linear(-1, 1, 3)), List.of(EvaluationSet.of("train", data).withBatchSize(7)),
                List.of()));
    }

    /** A dense tanh layer and a softmax output whose weights are scaled by {@code scale} (logit gaps ~ scale). */
    private static MultiLayerNetwork mlp(DataType type, LossMCXENT loss, double scale) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).dataType(type)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(loss).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(4)).build());
        net.init();
        net.getLayer(1).getParam("W").muli(scale);
        return net;
    }

    private static DataSet data(DataType type) {
        DataSet d = Fixtures.blobs(N, 4);
        INDArray x = d.getFeatures().castTo(type);
        INDArray labels = Nd4j.zeros(type, N, 3);
        for (int i = 0; i < N; i++) {
            labels.putScalar(i, (i * 7) % 3, 1.0);
        }
        return new DataSet(x, labels);
    }
}

package org.landscape4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleBiFunction;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
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
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Accuracy for multi-label outputs, masks, and custom metrics on several workers (issue 11, items 5 and 14). */
class MetricsTest {

    /** 4 features, 3 independent yes/no labels (label j: feature j > 0), often more than one per example. */
    private static DataSet multiLabel(int n) {
        Random r = new Random(5);
        INDArray x = Nd4j.create(DataType.FLOAT, n, 4);
        INDArray y = Nd4j.create(DataType.FLOAT, n, 3);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 4; j++) {
                x.putScalar(i, j, r.nextGaussian());
            }
            for (int j = 0; j < 3; j++) {
                y.putScalar(i, j, x.getDouble(i, j) > 0 ? 1 : 0);
            }
        }
        return new DataSet(x, y);
    }

    private static MultiLayerNetwork sigmoidNet(DataSet data) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(4).dataType(DataType.FLOAT)
                .updater(new Adam(0.05)).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nIn(6).nOut(3)
                        .activation(Activation.SIGMOID).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        for (int i = 0; i < 15; i++) {
            net.fit(data);
        }
        return net;
    }

    private static Landscape line(org.deeplearning4j.nn.api.Model net, DataSet data, int workers,
                                  Metric... metrics) {
        return Landscape.compile(new LandscapeSpec(net, RandomDirections.FILTER_NORMALIZED, 2,
                List.of(Axis.linear(-1, 1, 5)), List.of(EvaluationSet.of("train", data)), List.of(metrics),
                Execution.DEFAULT.withWorkers(workers)));
    }

    @Test
    void multiLabelBinaryCrossEntropyAccuracyIsPerLabelAtTheThreshold() {
        DataSet data = multiLabel(60);
        MultiLayerNetwork net = sigmoidNet(data);
        INDArray out = net.output(data.getFeatures(), false);
        double perLabel = out.gt(0.5).eq(data.getLabels().gt(0.5)).castTo(DataType.DOUBLE).meanNumber()
                .doubleValue();
        double argMax = out.argMax(1).eq(data.getLabels().argMax(1)).castTo(DataType.DOUBLE).meanNumber()
                .doubleValue();
        assertThat(perLabel).as("the fixture tells the two apart").isNotCloseTo(argMax, within(0.05));

        Landscape defaults = line(net, data, 1);
        Landscape asked = line(net, data, 1, Metric.loss(), Metric.accuracy());

        assertThat(defaults.keys().metrics()).containsExactly("loss", "accuracy");
        assertThat(defaults.profile().values("train", "accuracy")[2]).isCloseTo(perLabel, within(1e-9));
        assertThat(asked.profile().values("train", "accuracy")[2]).isCloseTo(perLabel, within(1e-9));
    }

    @Test
    void oneHotAccuracyStaysArgMax() {
        DataSet data = Fixtures.blobs(60, 1);
        MultiLayerNetwork net = Fixtures.mlp(data, 5);
        INDArray out = net.output(data.getFeatures(), false);
        double argMax = out.argMax(1).eq(data.getLabels().argMax(1)).castTo(DataType.DOUBLE).meanNumber()
                .doubleValue();

        assertThat(line(net, data, 1).profile().values("train", "accuracy")[2]).isCloseTo(argMax, within(1e-9));
    }

    @Test
    void maskedDataIsRefusedRatherThanItsMasksDropped() {
        DataSet data = Fixtures.blobs(6, 1);
        DataSet masked = new DataSet(data.getFeatures(), data.getLabels(), null, Nd4j.ones(DataType.FLOAT, 6, 1));

        assertThatThrownBy(() -> EvaluationSet.of("train", masked))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("evaluation set 'train' has label masks, which the engine does not support");
    }

    /** Not thread-safe on purpose: it keeps the last batch's sum in a field between two steps. */
    private static final class StatefulMean implements ToDoubleBiFunction<INDArray, INDArray> {
        static final Set<StatefulMean> MADE = ConcurrentHashMap.newKeySet();
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        private double sum;

        StatefulMean() {
            MADE.add(this);
        }

        @Override
        public double applyAsDouble(INDArray output, INDArray labels) {
            threads.add(Thread.currentThread());
            sum = 0;
            for (double v : output.getColumn(0).toDoubleVector()) {
                sum += v;
            }
            return sum / output.size(0);
        }
    }

    @Test
    void aStatefulPerWorkerMetricGetsOneInstancePerWorkerAndTheSameNumbersAsOneWorker() {
        DataSet data = Fixtures.blobs(60, 1);
        MultiLayerNetwork net = Fixtures.mlp(data, 5);
        StatefulMean.MADE.clear();
        double[] parallel = line(net, data, 2, Metric.perWorker("mean0", StatefulMean::new)).profile()
                .values("train", "mean0");
        for (StatefulMean m : StatefulMean.MADE) {
            assertThat(m.threads).as("an instance is used by one worker only").hasSize(1);
        }
        assertThat(StatefulMean.MADE).as("one per worker thread").hasSizeBetween(1, 2);
        double[] sequential = line(net, data, 1, Metric.perWorker("mean0", StatefulMean::new)).profile()
                .values("train", "mean0");

        assertThat(parallel).containsExactly(sequential, within(1e-12));
        INDArray out = net.output(data.getFeatures(), false);
        assertThat(parallel[2]).isCloseTo(out.getColumn(0).meanNumber().doubleValue(), within(1e-6));
    }
}

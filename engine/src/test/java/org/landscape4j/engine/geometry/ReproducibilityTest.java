package org.landscape4j.engine.geometry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Fixtures;
import org.landscape4j.engine.curvature.Eigenvalues;
import org.landscape4j.engine.curvature.Hessian;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Same options, same numbers (issue 19, section 4): curve training and Hessian eigenvectors of a network with dropout
 * and batch norm, whose training-mode gradients draw dropout masks from the thread's ND4J generator, are bit-identical
 * run to run, on the caller's thread or a worker's, and leave the caller's generator as it was.
 */
class ReproducibilityTest {

    private static DataSet data;
    private static MultiLayerNetwork a;
    private static MultiLayerNetwork b;

    /** Dense (dropout 0.5) -> batch norm -> dense (dropout 0.5) -> output. */
    private static MultiLayerNetwork dropoutNet(int seed, int epochs) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed)
                .dataType(DataType.FLOAT).updater(new Adam(0.05)).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(12).activation(Activation.TANH).dropOut(0.5).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new DenseLayer.Builder().nOut(12).activation(Activation.RELU).dropOut(0.5).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(4)).build());
        net.init();
        for (int i = 0; i < epochs; i++) {
            net.fit(data);
        }
        return net;
    }

    @BeforeAll
    static void train() {
        data = Fixtures.blobs(60, 3);
        a = dropoutNet(1, 15);
        b = dropoutNet(2, 15);
    }

    private static List<INDArray> chain(CurveTrainer.Options options) {
        return CurveTrainer.train(PolygonalChain.ONE_BEND, a, data, a.params(), b.params(), options);
    }

    private static double[] bend(List<INDArray> anchors) {
        return anchors.get(1).toDoubleVector();
    }

    @Test
    void curveTrainingWithTheSameOptionsGivesBitIdenticalAnchors() {
        CurveTrainer.Options options = new CurveTrainer.Options(25, 0.02, 7);
        List<INDArray> first = chain(options);
        Nd4j.getRandom().nextDouble(); // the thread's generator in another state: no matter
        List<INDArray> second = chain(options);
        List<INDArray> streamed = CurveTrainer.training(PolygonalChain.ONE_BEND, a, data, a.params(), b.params(),
                options).blockLast().anchors(); // on a worker thread with its own generator

        for (int k = 0; k < 3; k++) {
            assertThat(second.get(k).toDoubleVector()).as("anchor %d, again", k)
                    .containsExactly(first.get(k).toDoubleVector());
            assertThat(streamed.get(k).toDoubleVector()).as("anchor %d, streamed", k)
                    .containsExactly(first.get(k).toDoubleVector());
        }
        assertThat(bend(chain(new CurveTrainer.Options(25, 0.02, 8)))).as("another seed trains another bend")
                .isNotEqualTo(bend(first));
    }

    @Test
    void everyStepsSampledLossRepeatsRunToRun() {
        // the training-mode loss of a step depends on its dropout masks: the same seed gives the same losses
        CurveTrainer.Options options = new CurveTrainer.Options(6, 0.02, 3);
        List<Double> losses = CurveTrainer.training(PolygonalChain.ONE_BEND, a, data, a.params(), b.params(), options)
                .map(CurveTrainer.Progress::loss).collectList().block();
        List<Double> again = CurveTrainer.training(PolygonalChain.ONE_BEND, a, data, a.params(), b.params(), options)
                .map(CurveTrainer.Progress::loss).collectList().block();

        assertThat(again).containsExactlyElementsOf(losses);
    }

    @Test
    void curveTrainingLeavesTheCallersNd4jRandomStreamAsItWas() {
        Nd4j.getRandom().setSeed(42);
        double expected = Nd4j.getRandom().nextDouble();
        Nd4j.getRandom().setSeed(42);
        chain(new CurveTrainer.Options(3, 0.02, 7));

        assertThat(Nd4j.getRandom().nextDouble()).isEqualTo(expected);
    }

    @Test
    void hessianEigenvectorsOfADropoutNetworkAreBitIdenticalRunToRun() {
        Hessian.Options options = new Hessian.Options(Hessian.Parameters.ALL_TRAINABLE, 20, 1e-6, 4, 1e-5);
        Eigenvalues first;
        Eigenvalues second;
        try (Hessian h = Hessian.of(a, data, options)) {
            first = h.eigenvalues(2);
        }
        try (Hessian h = Hessian.of(a, data, options)) {
            second = h.eigenvalues(2);
        }

        assertThat(second.values()).containsExactly(first.values());
        assertThat(second.vector(0).toDoubleVector()).containsExactly(first.vector(0).toDoubleVector());
        // without dropout's noise the products are symmetric and the pairs converge
        assertThat(first.residualNorms()[0]).isLessThan(1e-2 * Math.abs(first.values()[0]));
    }
}

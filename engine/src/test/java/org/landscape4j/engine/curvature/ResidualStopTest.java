package org.landscape4j.engine.curvature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Fixtures;
import org.landscape4j.engine.geometry.CurvatureFixtures;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The extremes' residual-based stop against known answers where a fixed 20 Lanczos steps (the former default of the
 * curvature maps) miss {@code λmin}: a quadratic model whose Hessian is a given diagonal, and a small ReLU CNN at a
 * trained minimum against its explicit Hessian. {@code λmax} converges within 20 steps in both; {@code λmin}, at the
 * bottom of a cluster far below {@code λmax}, does not, and only the residual says so.
 */
class ResidualStopTest {

    private static final int D = 60;

    /**
     * y = x·w + b with MSE on {@code D} examples {@code x_i = sqrt(D λ_i / 2) e_i}: the loss is
     * {@code (1/D) Σ (x_i·w + b − y_i)²}, whose Hessian in {@code w} is {@code 2 XᵀX / D = diag(λ)}.
     */
    private static DataSet diagonal(double[] lambda) {
        double[][] x = new double[D][D];
        double[][] y = new double[D][1];
        Random r = new Random(5);
        for (int i = 0; i < D; i++) {
            x[i][i] = Math.sqrt(D * lambda[i] / 2);
            y[i][0] = r.nextGaussian();
        }
        return new DataSet(Nd4j.create(x), Nd4j.create(y));
    }

    private static MultiLayerNetwork linear() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.DOUBLE).weightInit(WeightInit.XAVIER).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(D).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }

    /** λmax = 100, 58 eigenvalues spread over [0.01, 1], λmin = 0.001: a cluster at the bottom, far below λmax. */
    private static double[] spectrum() {
        double[] lambda = new double[D];
        lambda[0] = 100;
        for (int i = 1; i < D - 1; i++) {
            lambda[i] = 0.01 * Math.pow(100, (i - 1) / (D - 3.0));
        }
        lambda[D - 1] = 0.001;
        return lambda;
    }

    @Test
    void onAKnownDiagonalHessianTwentyStepsMissLambdaMinAndSayNotConvergedTheDefaultGetsIt() {
        DataSet data = diagonal(spectrum());
        double min = 0.001;
        double max = 100;

        Extremes twenty = Fixtures.extremes(linear(), data, Hessian.Options.DEFAULT.withMaxLanczosSteps(20));
        Extremes byDefault = Fixtures.extremes(linear(), data, Hessian.Options.DEFAULT);

        System.out.printf("diagonal: 20 steps %s%n  default %s%n", twenty, byDefault);
        assertThat(twenty.max()).isCloseTo(max, within(1e-9 * max));
        assertThat(twenty.steps()).isEqualTo(20);
        assertThat(twenty.min()).as("20 steps: λmin").isGreaterThan(2 * min);
        assertThat(twenty.converged()).isFalse();
        assertThat(twenty.minResidual()).isGreaterThan(1e-6 * max);
        assertThat(twenty.toString()).contains("NOT converged after 20 Lanczos steps");

        assertThat(byDefault.converged()).isTrue();
        assertThat(byDefault.steps()).isLessThanOrEqualTo(D);
        assertThat(byDefault.products()).isEqualTo(byDefault.steps());
        assertThat(byDefault.max()).isCloseTo(max, within(1e-9 * max));
        assertThat(byDefault.min()).isCloseTo(min, within(1e-6 * max));
        assertThat(byDefault.min()).isCloseTo(min, within(1e-3 * min));
        assertThat(Math.abs(byDefault.min() - min)).isLessThanOrEqualTo(byDefault.minResidual());
    }

    @Test
    void atAReluMinimumOfASmallCnnTheDefaultLambdaMinIsTheExplicitHessiansAndTwentyStepsAreNot() {
        // 64 examples: 20 steps gave λmin -1.13e-05 against -0.00587 (99.8% off) with the former default
        DataSet data = CurvatureFixtures.classes(6, 64, 3, 1, 6, 6);
        MultiLayerNetwork net = CurvatureFixtures.trainedReluMaxPool(data);
        double[] exact = ExplicitHessian.eigenvalues(net, data, Hessian.Parameters.WEIGHTS);
        double max = exact[0];
        double min = exact[exact.length - 1];
        assertThat(exact).hasSize(87);
        assertThat(min).as("negative curvature at this minimum").isNegative();

        Extremes twenty = Fixtures.extremes(net, data, Hessian.Options.DEFAULT.withMaxLanczosSteps(20));
        Extremes byDefault = Fixtures.extremes(net, data, Hessian.Options.DEFAULT);

        System.out.printf("relu cnn minimum: explicit λmin %.6g λmax %.6g%n  20 steps %s%n  default %s%n", min, max,
                twenty, byDefault);
        assertThat(twenty.max()).isCloseTo(max, within(1e-9 * max));
        assertThat(Math.abs(twenty.min() - min)).as("20 steps: λmin error").isGreaterThan(0.5 * Math.abs(min));
        assertThat(twenty.converged()).isFalse();
        assertThat(byDefault.converged()).isTrue();
        assertThat(byDefault.max()).isCloseTo(max, within(1e-9 * max));
        // the residual bounds the error; the error is far smaller (about residual² / gap)
        assertThat(byDefault.minResidual()).isLessThanOrEqualTo(1e-6 * max);
        assertThat(Math.abs(byDefault.min() - min)).isLessThanOrEqualTo(byDefault.minResidual());
        assertThat(byDefault.min()).isCloseTo(min, within(1e-4 * Math.abs(min)));
    }
}

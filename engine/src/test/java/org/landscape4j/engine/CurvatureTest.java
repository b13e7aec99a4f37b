package org.landscape4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.curvature.Extremes;
import org.landscape4j.engine.curvature.Hessian;
import org.landscape4j.engine.curvature.Trace;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Curvature maps: known answers for a linear model, and the metric equal to the calculator at the same point. */
class CurvatureTest {

    private static final int D = 5;

    /** y = x·w + b, MSE: the loss is (1/n) Σ (x_i·w + b − y_i)², whose Hessian in w is 2 XᵀX / n. */
    private static MultiLayerNetwork linear() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).name("out").nIn(D).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static DataSet regression(int n, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[n][D];
        double[][] y = new double[n][1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < D; j++) {
                // columns of different scales: a spread spectrum
                x[i][j] = r.nextGaussian() * (j + 1) + 0.3;
            }
            y[i][0] = r.nextGaussian();
        }
        return new DataSet(Nd4j.create(x), Nd4j.create(y));
    }

    /** Eigenvalues of 2 AᵀA / n by LAPACK, ascending; A is X, or X with a column of ones for the bias. */
    private static double[] hessianEigenvalues(DataSet data, boolean withBias) {
        INDArray x = data.getFeatures().castTo(DataType.DOUBLE);
        long n = x.rows();
        INDArray a = withBias ? Nd4j.hstack(x, Nd4j.ones(DataType.DOUBLE, n, 1)) : x;
        INDArray h = a.transpose().mmul(a).muli(2.0 / n);
        double[] values = Eigen.symmetricGeneralizedEigenvalues(h.dup()).toDoubleVector();
        Arrays.sort(values);
        return values;
    }

    @Test
    void linearModelWithMseHasTheEigenvaluesOfTwiceXtXOverN() {
        DataSet data = regression(40, 1);
        double[] expected = hessianEigenvalues(data, false);

        Extremes e = Fixtures.extremes(linear(), data, Hessian.Options.DEFAULT.withMaxLanczosSteps(D));

        assertThat(e.min()).isCloseTo(expected[0], within(1e-6 * expected[D - 1]));
        assertThat(e.max()).isCloseTo(expected[D - 1], within(1e-6 * expected[D - 1]));
        assertThat(e.steps()).isEqualTo(D);
        assertThat(e.products()).isEqualTo(D);
        assertThat(e.method()).startsWith("exact Hessian-vector products");
    }

    @Test
    void withBiasTheHessianIsOverTheAugmentedMatrix() {
        DataSet data = regression(40, 2);
        double[] expected = hessianEigenvalues(data, true);

        Extremes e = Fixtures.extremes(linear(), data, Hessian.Options.DEFAULT
                .withParameters(Hessian.Parameters.ALL_TRAINABLE).withMaxLanczosSteps(D + 1));

        assertThat(e.min()).isCloseTo(expected[0], within(1e-6 * expected[D]));
        assertThat(e.max()).isCloseTo(expected[D], within(1e-6 * expected[D]));
    }

    @Test
    void theLandscapesMetricsAreTheSpectrumAtEveryPointAveragedOverBatches() {
        DataSet data = regression(30, 3);
        double[] expected = hessianEigenvalues(data, false);
        List<Metric> metrics = new ArrayList<>(List.of(Metric.loss()));
        metrics.addAll(Metric.hessianEigenvalues(Hessian.Options.DEFAULT.withMaxLanczosSteps(D)));
        // batches of 8: the Hessian is of the mean over all 30 examples, not of one batch
        EvaluationSet set = new EvaluationSet("train", new INDArray[] {data.getFeatures()},
                new INDArray[] {data.getLabels()}, 8);
        LandscapeSpec spec = new LandscapeSpec(linear(), RandomDirections.FILTER_NORMALIZED, 1,
                List.of(Axis.linear(-1, 1, 3)), List.of(set), metrics);

        Profile profile = Landscape.compile(spec).profile();

        // a quadratic loss: the same Hessian everywhere
        for (int i = 0; i < 3; i++) {
            assertThat(profile.flatValues("train", "lambda_min")[i]).isCloseTo(expected[0],
                    within(1e-6 * expected[D - 1]));
            assertThat(profile.flatValues("train", "lambda_max")[i]).isCloseTo(expected[D - 1],
                    within(1e-6 * expected[D - 1]));
        }
    }

    @Test
    void metricValuesEqualTheCalculatorRunDirectlyAtTheSamePoint() {
        DataSet data = Fixtures.blobs(24, 4);
        MultiLayerNetwork net = Fixtures.mlp(data, 5);
        List<Metric> metrics = new ArrayList<>(List.of(Metric.loss()));
        Hessian.Options options = Hessian.Options.DEFAULT.withMaxLanczosSteps(8);
        metrics.addAll(Metric.hessianEigenvalues(options));
        LandscapeSpec spec = new LandscapeSpec(net, RandomDirections.FILTER_NORMALIZED, 9,
                List.of(Axis.linear(-1, 1, 3), Axis.linear(-1, 1, 3)), List.of(EvaluationSet.of("train", data)),
                metrics, Execution.DEFAULT.withWorkers(2));
        Landscape landscape = Landscape.compile(spec);
        assertThat(landscape.evaluationPlan()).doesNotContain("first layer factorized")
                .matches(".*, curvature: up to 8 Hessian-vector products per point and set \\(up to 8 Lanczos steps for"
                        + " lambda_min and lambda_max, fewer once both are converged to 1e-06\\), each exact \\(R-operator"
                        + " over dense, tanh, dense, softmax-cross-entropy\\), one product measured \\d+\\.\\dx one"
                        + " inference forward pass of the same 24 examples");

        Surface surface = landscape.surface();

        INDArray[] d = landscape.directions();
        int checked = 0;
        for (int[] at : new int[][] {{0, 0}, {2, 1}, {1, 1}}) {
            double a = surface.x().value(at[0]);
            double b = surface.y().value(at[1]);
            INDArray point = net.params().dup().addi(d[0].mul(a)).addi(d[1].mul(b));
            MultiLayerNetwork there = net.clone();
            there.setParams(point);
            Extremes direct = Fixtures.extremes(there, data, options);
            assertThat(surface.value("train", "lambda_min", at[0], at[1]))
                    .isCloseTo(direct.min(), within(1e-5 * Math.abs(direct.max())));
            assertThat(surface.value("train", "lambda_max", at[0], at[1]))
                    .isCloseTo(direct.max(), within(1e-5 * Math.abs(direct.max())));
            checked++;
        }
        assertThat(checked).isEqualTo(3);
        // a tanh network away from its minimum has negative curvature somewhere on this plane
        double[][] min = surface.values("train", "lambda_min");
        assertThat(Arrays.stream(min).flatMapToDouble(Arrays::stream).min().orElseThrow()).isNegative();
    }

    @Test
    void theTraceMetricOfALinearModelIsTwiceTheSumOfSquaredFeaturesOverNWithinItsStandardError() {
        DataSet data = regression(40, 4);
        // H = 2 XᵀX / n over the weights: tr H = (2/n) Σ_i |x_i|²
        double exact = 2.0 / 40 * data.getFeatures().castTo(DataType.DOUBLE).mul(data.getFeatures()
                .castTo(DataType.DOUBLE)).sumNumber().doubleValue();
        Hessian.Options options = Hessian.Options.DEFAULT.withSeed(7);
        LandscapeSpec spec = new LandscapeSpec(linear(), RandomDirections.FILTER_NORMALIZED, 1,
                List.of(Axis.linear(-1, 1, 3)), List.of(EvaluationSet.of("train", data)),
                List.of(Metric.loss(), Metric.hessianTrace(200, options)));

        Profile profile = Landscape.compile(spec).profile();

        Trace direct;
        try (Hessian h = Hessian.of(linear(), List.of(data), options)) {
            direct = h.moveTo(linear().params()).trace(200);
        }
        assertThat(Math.abs(direct.trace() - exact)).isLessThan(4 * direct.standardError());
        assertThat(direct.standardError()).isLessThan(0.2 * exact);
        // a quadratic loss and the same probes at every point: the same estimate everywhere
        for (double t : profile.flatValues("train", "hessian_trace")) {
            assertThat(t).isCloseTo(direct.trace(), within(1e-9 * exact));
        }
    }

    @Test
    void theTraceMetricIsTheSameBitsWithOneOrTwoWorkersAndEqualsTheCalculatorAtThePoint() {
        DataSet data = Fixtures.blobs(24, 4);
        MultiLayerNetwork net = Fixtures.mlp(data, 5);
        float[] before = Fixtures.parameterBits(net);
        Hessian.Options options = Hessian.Options.DEFAULT.withParameters(Hessian.Parameters.ALL_TRAINABLE);
        LandscapeSpec spec = new LandscapeSpec(net, RandomDirections.FILTER_NORMALIZED, 9,
                List.of(Axis.linear(-1, 1, 3), Axis.linear(-1, 1, 3)), List.of(EvaluationSet.of("train", data)),
                List.of(Metric.loss(), Metric.hessianTrace(6, options)));
        Landscape one = Landscape.compile(spec.withExecution(Execution.DEFAULT.withWorkers(1)));
        Landscape two = Landscape.compile(spec.withExecution(Execution.DEFAULT.withWorkers(2)
                .withOrder(Order.COARSE_TO_FINE)));
        assertThat(two.evaluationPlan()).matches(".*, curvature: 6 Hessian-vector products per point and set \\(6"
                + " Rademacher probes for hessian_trace\\), each exact \\(R-operator over dense, tanh, dense,"
                + " softmax-cross-entropy\\), one product measured \\d+\\.\\dx one inference forward pass of the same"
                + " 24 examples");

        Surface a = one.surface();
        Surface b = two.surface();

        assertThat(b.flatValues("train", "hessian_trace")).containsExactly(a.flatValues("train", "hessian_trace"));
        INDArray[] d = one.directions();
        for (int[] at : new int[][] {{0, 0}, {2, 1}}) {
            INDArray point = net.params().dup().addi(d[0].mul(a.x().value(at[0]))).addi(d[1].mul(a.y().value(at[1])));
            double direct;
            try (Hessian h = Hessian.of(net, List.of(data), options)) {
                direct = h.moveTo(point).trace(6).trace();
            }
            assertThat(a.value("train", "hessian_trace", at[0], at[1])).isCloseTo(direct,
                    within(1e-5 * Math.abs(direct)));
        }
        assertThat(Fixtures.parameterBits(net)).as("caller's network untouched").containsExactly(before);
    }

    @Test
    void aTraceMetricWithTooFewProbesIsRefusedNamedAndItsNameIsReserved() {
        assertThatThrownBy(() -> Metric.hessianTrace(0)).hasMessage("probes must be >= 2, was 0");
        assertThatThrownBy(() -> Metric.of("hessian_trace", (o, l) -> 0))
                .hasMessage("metric name 'hessian_trace' is reserved for the built-in metric");
        assertThat(Metric.hessianTrace(5).toString()).isEqualTo("hessian_trace (5 Rademacher probes, weights only)");
    }

    @Test
    void ratioAndNegativeCurvatureFractionFromKnownValues() {
        MetricKeys keys = new MetricKeys(List.of("train"), List.of("lambda_min", "lambda_max"));
        // 3 x 2 grid, flat index iy * 3 + ix
        double[] min = {-1, 0.5, -0.04, -0.2, 0, Double.NaN};
        double[] max = {2, 1, 1, 1, 4, 1};
        Surface s = Surface.of(Axis.linear(0, 2, 3), Axis.linear(0, 1, 2), keys, new double[][] {min, max}, null);

        double[][] ratio = s.curvatureRatio("train");
        assertThat(ratio[0]).containsExactly(0.5, 0.5, 0.04);
        assertThat(ratio[1][0]).isEqualTo(0.2);
        assertThat(ratio[1][1]).isEqualTo(0.0);
        assertThat(ratio[1][2]).isNaN();
        // λmin < −0.05 λmax at (0,0) and (0,1): cells of area 0.5·0.5 each (corners) out of 2·1
        assertThat(s.negativeCurvatureFraction("train", 0.05)).isCloseTo(0.25, within(1e-12));
        // ε = 0.01 adds (2,0), a corner too
        assertThat(s.negativeCurvatureFraction("train", 0.01)).isCloseTo(0.375, within(1e-12));
        assertThatThrownBy(() -> s.negativeCurvatureFraction("train", -1))
                .hasMessage("epsilon must be finite and >= 0, was -1.0");
    }

    @Test
    void curvatureMetricsWithDifferentOptionsAreRefusedNamed() {
        DataSet data = Fixtures.blobs(12, 5);
        LandscapeSpec spec = new LandscapeSpec(Fixtures.mlp(data, 1), RandomDirections.FILTER_NORMALIZED, 1,
                List.of(Axis.linear(-1, 1, 2)), List.of(EvaluationSet.of("train", data)),
                List.of(Metric.lambdaMin(), ((Metric.Curvature) Metric.lambdaMax()).withMaxLanczosSteps(7)));

        assertThatThrownBy(() -> Landscape.compile(spec)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same options").hasMessageContaining("maxLanczosSteps=7");
        assertThatThrownBy(() -> Hessian.Options.DEFAULT.withMaxLanczosSteps(1))
                .hasMessage("maxLanczosSteps must be >= 2, was 1");
    }
}

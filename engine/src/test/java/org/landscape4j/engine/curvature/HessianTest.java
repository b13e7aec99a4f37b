package org.landscape4j.engine.curvature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Fixtures;
import org.landscape4j.engine.Metric;
import org.landscape4j.engine.internal.SymmetricEigen;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The top eigenpairs and the options against the analytic Hessian of a linear model, and the one default: the weights
 * only, everywhere.
 */
class HessianTest {

    static final DataSet DATA = Fixtures.blobs(30, 3);
    static final Hessian.Options ALL = Hessian.Options.DEFAULT.withParameters(Hessian.Parameters.ALL_TRAINABLE);

    /** One linear output layer with MSE: the loss is exactly quadratic in (W, b). 4 inputs, 3 outputs, 15 params. */
    static MultiLayerNetwork linearRegression() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(3).dataType(DataType.FLOAT).updater(new Sgd(0.1)).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(3)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /**
     * The exact Hessian's eigenvalues, descending. L = 1/(N·nOut) Σ_n Σ_o (x_n·W_o + b_o − y_no)², so for each output
     * column o the block of (W_o, b_o) is 2/(N·nOut) AᵀA with A = [X 1] (A = X over the weights only); the blocks are
     * equal, every eigenvalue of one block appears nOut times.
     */
    static double[] exactEigenvalues(DataSet data, boolean withBias) {
        double[][] x = data.getFeatures().castTo(DataType.DOUBLE).toDoubleMatrix();
        int n = x.length;
        int d = x[0].length;
        int a = withBias ? d + 1 : d;
        int nOut = (int) data.getLabels().size(1);
        double[][] block = new double[a][a];
        for (double[] row : x) {
            double[] r = new double[a];
            System.arraycopy(row, 0, r, 0, d);
            if (withBias) {
                r[d] = 1;
            }
            for (int i = 0; i < a; i++) {
                for (int j = 0; j < a; j++) {
                    block[i][j] += 2.0 / (n * nOut) * r[i] * r[j];
                }
            }
        }
        double[] single = SymmetricEigen.of(block).values();
        double[] all = new double[single.length * nOut];
        for (int i = 0; i < single.length; i++) {
            for (int o = 0; o < nOut; o++) {
                all[i * nOut + o] = single[i];
            }
        }
        return all;
    }

    static double[] exactEigenvalues(DataSet data) {
        return exactEigenvalues(data, true);
    }

    /** The top {@code k} eigenpairs of a Hessian made and closed for this. */
    static Eigenvalues top(MultiLayerNetwork net, DataSet data, Hessian.Options options, int k) {
        try (Hessian h = Hessian.of(net, data, options)) {
            return h.eigenvalues(k);
        }
    }

    @Test
    void topEigenvaluesOfAnExactlyQuadraticLossMatchTheAnalyticHessian() {
        MultiLayerNetwork net = linearRegression();
        float[] before = net.params().toFloatVector();
        double[] exact = exactEigenvalues(DATA);

        Eigenvalues h = top(net, DATA, ALL, 5);

        assertThat(h.size()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            assertThat(h.values()[i]).as("eigenvalue %d", i).isCloseTo(exact[i], within(1e-3 * Math.abs(exact[i])));
            assertThat(h.residualNorms()[i]).isLessThan(1e-4 * exact[0]);
            assertThat(h.finiteDifferenceErrors()[i]).isLessThan(1e-6 * exact[0]);
            assertThat(h.vector(i).norm2Number().doubleValue()).isCloseTo(1.0, within(1e-9));
        }
        // the first eigenvalue is threefold (one per output column): all three copies are found
        assertThat(exact[0]).isEqualTo(exact[2]);
        assertThat(exact[3]).isLessThan(exact[2]);
        assertThat(net.params().toFloatVector()).as("caller's network untouched").containsExactly(before);
    }

    @Test
    void eigenvectorsAreOrthogonal() {
        Eigenvalues h = top(linearRegression(), DATA, ALL, 4);
        for (int i = 0; i < 4; i++) {
            for (int j = i + 1; j < 4; j++) {
                double dot = h.vector(i).mul(h.vector(j)).sumNumber().doubleValue();
                assertThat(dot).as("v%d·v%d", i, j).isCloseTo(0.0, within(1e-6));
            }
        }
    }

    @Test
    void allEigenvaluesOfASmallNetworkCanBeAsked() {
        double[] exact = exactEigenvalues(DATA);
        Eigenvalues h = top(linearRegression(), DATA, ALL, 15);
        for (int i = 0; i < 15; i++) {
            assertThat(h.values()[i]).as("eigenvalue %d", i)
                    .isCloseTo(exact[i], within(1e-3 * Math.abs(exact[i]) + 1e-9 * exact[0]));
        }
    }

    @Test
    void topEigenvaluesCarryTheirResidualsProductsAndTolerance() {
        MultiLayerNetwork net = linearRegression();
        float[] before = net.params().toFloatVector();
        double[] exact = exactEigenvalues(DATA);

        Eigenvalues top = top(net, DATA, ALL, 4);

        assertThat(top.values()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(top.values()[i]).as("λ%d", i).isCloseTo(exact[i], within(1e-6 * exact[0]));
            assertThat(top.relativeResiduals()[i]).as("residual %d", i).isLessThan(1e-4);
            assertThat(top.converged(i)).isTrue();
        }
        assertThat(top.tolerance()).isEqualTo(1e-6);
        assertThat(top.method()).startsWith("exact");
        // the same options, the same numbers and products
        Eigenvalues again = top(net, DATA, ALL, 4);
        assertThat(top.values()).containsExactly(again.values());
        assertThat(top.products()).isEqualTo(again.products()).isGreaterThan(4);
        assertThat(top.toString()).startsWith("Hessian top 4 eigenvalues [").contains("relative residuals [")
                .contains("(tolerance 1e-06)").contains("over all trainable: 15 of 15 parameters");
        assertThat(net.params().toFloatVector()).as("caller's network untouched").containsExactly(before);
    }

    @Test
    void theDefaultIsTheWeightsOnlyAndEveryResultAndMetricSaysSo() {
        MultiLayerNetwork net = linearRegression();
        double[] weights = exactEigenvalues(DATA, false);

        try (Hessian h = Hessian.of(net, DATA)) {
            assertThat(h.options()).isSameAs(Hessian.Options.DEFAULT);
            assertThat(Hessian.Options.DEFAULT).isEqualTo(new Hessian.Options(Hessian.Parameters.WEIGHTS, 100, 1e-6,
                    1, 1e-5));
            Variables w = new Variables(Hessian.Parameters.WEIGHTS, null, 12, 15);
            assertThat(h.variables()).isEqualTo(w);
            assertThat(w.toString()).isEqualTo("weights only: 12 of 15 parameters");

            Eigenvalues top = h.eigenvalues(3);
            for (int i = 0; i < 3; i++) {
                assertThat(top.values()[i]).isCloseTo(weights[i], within(1e-6 * weights[0]));
            }
            // eigenvectors are zero at the biases (the last 3 entries of the flat vector)
            assertThat(top.vector(0).toDoubleVector()).endsWith(0.0, 0.0, 0.0);
            Extremes e = h.extremes();
            assertThat(e.max()).isCloseTo(weights[0], within(1e-6 * weights[0]));
            assertThat(e.min()).isCloseTo(weights[weights.length - 1], within(1e-6 * weights[0]));
            assertThat(List.of(top.variables(), e.variables(), h.trace(4).variables(), h.density(5, 1).variables(),
                    h.perLayer(2).variables())).containsOnly(w);
            assertThat(List.of(top.toString(), e.toString(), h.trace(4).toString(), h.density(5, 1).toString(),
                    h.perLayer(2).toString(), h.toString())).allMatch(s -> s.contains("weights only: 12 of 15"));
        }
        assertThat(((Metric.Curvature) Metric.lambdaMin()).options()).isSameAs(Hessian.Options.DEFAULT);
        assertThat(((Metric.Curvature) Metric.lambdaMax()).options()).isSameAs(Hessian.Options.DEFAULT);
        assertThat(((Metric.HessianTrace) Metric.hessianTrace(5)).options()).isSameAs(Hessian.Options.DEFAULT);
        assertThat(Metric.lambdaMin().toString()).isEqualTo("lambda_min (at most 100 Lanczos steps, weights only)");
    }

    @Test
    void moreEigenvaluesThanVariablesAreRejected() {
        assertThatThrownBy(() -> top(linearRegression(), DATA, ALL, 16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("k must be at most the number of variables of the Hessian (all trainable: 15 of 15"
                        + " parameters), was 16");
        assertThatThrownBy(() -> top(linearRegression(), DATA, Hessian.Options.DEFAULT, 13))
                .hasMessage("k must be at most the number of variables of the Hessian (weights only: 12 of 15"
                        + " parameters), was 13");
        assertThatThrownBy(() -> top(linearRegression(), DATA, Hessian.Options.DEFAULT, 0))
                .hasMessage("k must be >= 1, was 0");
    }

    @Test
    void unsupportedDataIsRejectedBeforeWork() {
        DataSet masked = DATA.copy();
        masked.setLabelsMaskArray(org.nd4j.linalg.factory.Nd4j.ones(DataType.FLOAT, masked.numExamples(), 1));
        assertThatThrownBy(() -> Hessian.of(linearRegression(), masked))
                .hasMessage("masked data sets are not supported");
        assertThatThrownBy(() -> Hessian.of(linearRegression(), List.of(DATA, masked), Hessian.Options.DEFAULT))
                .hasMessage("masked data sets are not supported");
        assertThatThrownBy(() -> Hessian.of(linearRegression(), List.of(DATA, new DataSet()), Hessian.Options.DEFAULT))
                .hasMessage("data must hold features, labels and at least one example in every batch");
        assertThatThrownBy(() -> Hessian.of(null, DATA))
                .hasMessage("model must be a MultiLayerNetwork or a ComputationGraph, was null");
        assertThatThrownBy(() -> Hessian.of(linearRegression(), DATA, null)).hasMessage("options must not be null");
    }

    @Test
    void optionsAreValidatedNamingTheBadValue() {
        assertThatThrownBy(() -> new Hessian.Options(Hessian.Parameters.WEIGHTS, 10, 1e-6, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("relativeStep must be in (0, 1), was 0.0");
        assertThatThrownBy(() -> Hessian.Options.DEFAULT.withMaxLanczosSteps(1))
                .hasMessage("maxLanczosSteps must be >= 2, was 1");
        assertThatThrownBy(() -> Hessian.Options.DEFAULT.withTolerance(1))
                .hasMessage("tolerance must be in (0, 1), was 1.0");
        assertThatThrownBy(() -> Hessian.Options.DEFAULT.withParameters(null))
                .hasMessage("parameters must not be null: WEIGHTS or ALL_TRAINABLE");
    }
}

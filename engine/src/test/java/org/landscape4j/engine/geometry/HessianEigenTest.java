package org.landscape4j.engine.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Fixtures;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class HessianEigenTest {

    private static final DataSet DATA = Fixtures.blobs(30, 3);

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
     * column o the block of (W_o, b_o) is 2/(N·nOut) AᵀA with A = [X 1]; the blocks are equal, every eigenvalue of
     * one block appears nOut times.
     */
    static double[] exactEigenvalues(DataSet data) {
        double[][] x = data.getFeatures().castTo(DataType.DOUBLE).toDoubleMatrix();
        int n = x.length;
        int d = x[0].length;
        int nOut = (int) data.getLabels().size(1);
        double[][] block = new double[d + 1][d + 1];
        for (double[] row : x) {
            double[] a = new double[d + 1];
            System.arraycopy(row, 0, a, 0, d);
            a[d] = 1;
            for (int i = 0; i <= d; i++) {
                for (int j = 0; j <= d; j++) {
                    block[i][j] += 2.0 / (n * nOut) * a[i] * a[j];
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

    @Test
    void topEigenvaluesOfAnExactlyQuadraticLossMatchTheAnalyticHessian() {
        MultiLayerNetwork net = linearRegression();
        float[] before = net.params().toFloatVector();
        double[] exact = exactEigenvalues(DATA);

        HessianEigen h = HessianEigen.top(net, DATA, 5);

        assertThat(h.size()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            assertThat(h.eigenvalues()[i]).as("eigenvalue %d", i)
                    .isCloseTo(exact[i], within(1e-3 * Math.abs(exact[i])));
            assertThat(h.residualNorms()[i]).isLessThan(1e-4 * exact[0]);
            assertThat(h.finiteDifferenceErrors()[i]).isLessThan(1e-6 * exact[0]);
            assertThat(h.eigenvector(i).norm2Number().doubleValue()).isCloseTo(1.0, within(1e-9));
        }
        // the first eigenvalue is threefold (one per output column): all three copies are found
        assertThat(exact[0]).isEqualTo(exact[2]);
        assertThat(exact[3]).isLessThan(exact[2]);
        assertThat(net.params().toFloatVector()).as("caller's network untouched").containsExactly(before);
    }

    @Test
    void eigenvectorsAreOrthogonal() {
        HessianEigen h = HessianEigen.top(linearRegression(), DATA, 4);
        for (int i = 0; i < 4; i++) {
            for (int j = i + 1; j < 4; j++) {
                double dot = h.eigenvector(i).mul(h.eigenvector(j)).sumNumber().doubleValue();
                assertThat(dot).as("v%d·v%d", i, j).isCloseTo(0.0, within(1e-6));
            }
        }
    }

    @Test
    void allEigenvaluesOfASmallNetworkCanBeAsked() {
        double[] exact = exactEigenvalues(DATA);
        HessianEigen h = HessianEigen.top(linearRegression(), DATA, 15);
        for (int i = 0; i < 15; i++) {
            assertThat(h.eigenvalues()[i]).as("eigenvalue %d", i)
                    .isCloseTo(exact[i], within(1e-3 * Math.abs(exact[i]) + 1e-9 * exact[0]));
        }
    }

    @Test
    void moreEigenvaluesThanParametersAreRejected() {
        assertThatThrownBy(() -> HessianEigen.top(linearRegression(), DATA, 16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("k must be at most the number of parameters 15, was 16");
    }

    @Test
    void unsupportedDataIsRejectedByBothCurvatureEntryPointsBeforeWork() {
        DataSet masked = DATA.copy();
        masked.setLabelsMaskArray(org.nd4j.linalg.factory.Nd4j.ones(DataType.FLOAT, masked.numExamples(), 1));
        assertThatThrownBy(() -> HessianEigen.top(linearRegression(), masked, 2))
                .hasMessage("masked data sets are not supported");
        assertThatThrownBy(() -> HessianExtremes.probe(linearRegression(), java.util.List.of(DATA, masked),
                HessianExtremes.Options.DEFAULT)).hasMessage("masked data sets are not supported");
        assertThatThrownBy(() -> HessianExtremes.probe(linearRegression(), java.util.List.of(DATA, new DataSet()),
                HessianExtremes.Options.DEFAULT))
                .hasMessage("data must hold features, labels and at least one example in every batch");
        assertThatThrownBy(() -> HessianEigen.top(null, DATA, 2))
                .hasMessage("model must be a MultiLayerNetwork or a ComputationGraph, was null");
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> new HessianEigen.Options(1, 10, 1e-6, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("relativeStep must be in (0, 1), was 0.0");
    }
}

package org.landscape4j.engine.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Fixtures;
import org.nd4j.linalg.dataset.DataSet;

/** Hutchinson's trace and the stochastic-Lanczos-quadrature density against an exactly known Hessian. */
class HessianSpectrumTest {

    private static final DataSet DATA = Fixtures.blobs(30, 3);

    @Test
    void hutchinsonTraceIsWithinItsStandardErrorOfTheExactTrace() {
        double exact = Arrays.stream(HessianEigenTest.exactEigenvalues(DATA)).sum();

        HessianSpectrum.Trace t = HessianSpectrum.trace(HessianEigenTest.linearRegression(), DATA, 200, 1);

        assertThat(t.probes()).isEqualTo(200);
        assertThat(t.method()).startsWith("exact");
        assertThat(t.standardError()).isGreaterThan(0).isLessThan(0.1 * exact);
        assertThat(Math.abs(t.trace() - exact)).isLessThan(4 * t.standardError());
    }

    @Test
    void lanczosQuadratureNodesAreTheEigenvaluesWhenTheKrylovSpaceIsExhausted() {
        // the 15x15 Hessian has 5 distinct eigenvalues (each threefold): Lanczos stops after 5 steps, exactly
        double[] distinct = Arrays.stream(HessianEigenTest.exactEigenvalues(DATA)).distinct().sorted().toArray();
        assertThat(distinct).hasSize(5);

        HessianSpectrum.Density d = HessianSpectrum.density(HessianEigenTest.linearRegression(), DATA, 15, 3, 2);

        assertThat(d.probes()).isEqualTo(3);
        for (int p = 0; p < 3; p++) {
            double[] nodes = d.nodes()[p].clone();
            Arrays.sort(nodes);
            assertThat(nodes).hasSize(5);
            for (int k = 0; k < 5; k++) {
                assertThat(nodes[k]).isCloseTo(distinct[k], within(1e-8 * distinct[4]));
            }
            assertThat(Arrays.stream(d.weights()[p]).sum()).isCloseTo(1.0, within(1e-12));
        }
        double[] range = d.range();
        assertThat(range[0]).isCloseTo(distinct[0], within(1e-8 * distinct[4]));
        assertThat(range[1]).isCloseTo(distinct[4], within(1e-8 * distinct[4]));
        // the broadened density is a probability density
        double sigma = 0.01 * distinct[4];
        int n = 4001;
        double lo = distinct[0] - 10 * sigma;
        double h = (distinct[4] + 10 * sigma - lo) / (n - 1);
        double[] grid = new double[n];
        for (int i = 0; i < n; i++) {
            grid[i] = lo + i * h;
        }
        assertThat(Arrays.stream(d.at(grid, sigma)).sum() * h).isCloseTo(1.0, within(1e-3));
    }

    @Test
    void badArgumentsAreRejectedNamed() {
        MultiLayerNetwork net = HessianEigenTest.linearRegression();
        assertThatThrownBy(() -> HessianSpectrum.trace(net, DATA, 1, 1)).hasMessage("probes must be >= 2, was 1");
        assertThatThrownBy(() -> HessianSpectrum.density(net, DATA, 1, 1, 1))
                .hasMessage("lanczosSteps must be >= 2, was 1");
    }
}

package org.landscape4j.engine.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Fixtures;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.engine.parameters.ParameterRole;
import org.landscape4j.engine.parameters.ParameterSegment;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Top eigenvalues, Hutchinson's trace and the stochastic-Lanczos-quadrature density against exactly known Hessians: the
 * analytic one of a linear model, and explicit ones (columns from products on unit vectors) whose diagonal blocks are
 * the per-layer answers.
 */
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
    void topEigenvaluesCarryTheirResidualsProductsAndTolerance() {
        MultiLayerNetwork net = HessianEigenTest.linearRegression();
        float[] before = net.params().toFloatVector();
        double[] exact = HessianEigenTest.exactEigenvalues(DATA);

        HessianSpectrum.Eigenvalues top = HessianSpectrum.eigenvalues(net, DATA, 4);

        assertThat(top.values()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(top.values()[i]).as("λ%d", i).isCloseTo(exact[i], within(1e-6 * exact[0]));
            assertThat(top.relativeResiduals()[i]).as("residual %d", i).isLessThan(1e-4);
            assertThat(top.converged(i)).isTrue();
        }
        assertThat(top.tolerance()).isEqualTo(1e-6);
        assertThat(top.method()).startsWith("exact");
        // the same Lanczos as HessianEigen: the same numbers and products
        HessianEigen direct = HessianEigen.top(net, DATA, 4);
        assertThat(top.values()).containsExactly(direct.eigenvalues());
        assertThat(top.products()).isEqualTo(direct.products()).isGreaterThan(4);
        assertThat(top.toString()).startsWith("Hessian top 4 eigenvalues [").contains("relative residuals [")
                .contains("(tolerance 1e-06)");
        assertThat(net.params().toFloatVector()).as("caller's network untouched").containsExactly(before);
    }

    /** The explicit Hessian over the trainable parameters, column j = P H P e_j, as HessianSpectrum takes it. */
    static double[][] explicitHessian(Model model, DataSet data) {
        LossGradients g = new LossGradients(model, List.of(data),
                new ParameterRole[] {ParameterRole.BATCHNORM_RUNNING_STATISTIC}, true);
        try {
            int p = g.numParams();
            double[][] h = new double[p][];
            for (int j = 0; j < p; j++) {
                double[] e = new double[p];
                e[j] = 1;
                h[j] = g.hessianTimes(e, 0);
            }
            return h;
        } finally {
            g.close();
        }
    }

    /** The diagonal block of {@code h} on the entries of {@code segments}. */
    static double[][] block(double[][] h, List<ParameterSegment> segments) {
        int[] index = segments.stream().flatMapToInt(s -> java.util.stream.IntStream.range((int) s.offset(),
                (int) (s.offset() + s.length()))).toArray();
        double[][] b = new double[index.length][index.length];
        for (int i = 0; i < index.length; i++) {
            for (int j = 0; j < index.length; j++) {
                b[i][j] = h[index[i]][index[j]];
            }
        }
        return b;
    }

    static double trace(double[][] m) {
        double t = 0;
        for (int i = 0; i < m.length; i++) {
            t += m[i][i];
        }
        return t;
    }

    static List<ParameterSegment> trainable(Model model, String layer) {
        return ParameterLayout.of(model).segments().stream().filter(s -> s.layerName().equals(layer)
                && s.role() != ParameterRole.BATCHNORM_RUNNING_STATISTIC).toList();
    }

    @Test
    void perLayerTracesAndLambdaMaxAreThoseOfTheExplicitHessiansDiagonalBlocks() {
        DataSet data = Fixtures.blobs(24, 4);
        MultiLayerNetwork net = Fixtures.mlp(data, 5);     // hidden 4-8 tanh (40 parameters), out 8-3 softmax (27)
        float[] before = Fixtures.parameterBits(net);
        double[][] h = explicitHessian(net, data);

        HessianSpectrum.PerLayer layers = HessianSpectrum.perLayer(net, data, 200, 3);

        assertThat(layers.layers()).extracting(HessianSpectrum.LayerCurvature::layer).containsExactly("hidden", "out");
        assertThat(layers.layers()).extracting(HessianSpectrum.LayerCurvature::parameters).containsExactly(40L, 27L);
        double sum = 0;
        for (HessianSpectrum.LayerCurvature l : layers.layers()) {
            double[][] b = block(h, trainable(net, l.layer()));
            double[] eigen = SymmetricEigen.of(b).values();
            double lambdaMax = Arrays.stream(eigen).max().orElseThrow();
            System.out.printf("per layer: %s, explicit trace %.6g, λmax %.6g%n", l, trace(b), lambdaMax);
            assertThat(l.standardError()).isGreaterThan(0);
            assertThat(Math.abs(l.trace() - trace(b))).as(l.layer() + " trace").isLessThan(4 * l.standardError());
            assertThat(l.lambdaMax()).as(l.layer() + " λmax").isCloseTo(lambdaMax, within(1e-8 * lambdaMax));
            assertThat(l.relativeResidual()).isLessThan(1e-4);
            sum += l.trace();
        }
        // the same probes: the layers' traces add up to the whole one, which is trace()'s with the same seed
        assertThat(sum).isCloseTo(layers.whole().trace(), within(1e-12 * Math.abs(layers.whole().trace())));
        HessianSpectrum.Trace whole = HessianSpectrum.trace(net, data, 200, 3);
        assertThat(layers.whole().trace()).isEqualTo(whole.trace());
        assertThat(Math.abs(whole.trace() - trace(h))).isLessThan(4 * whole.standardError());
        HessianSpectrum.Trace hidden = HessianSpectrum.trace(net, data, "hidden", 200, 3);
        assertThat(hidden.trace()).isEqualTo(layers.layer("hidden").trace());
        assertThat(hidden.standardError()).isEqualTo(layers.layer("hidden").standardError());
        assertThat(hidden.method()).endsWith(", restricted to layer 'hidden' (40 parameters)");
        assertThat(layers.products()).isGreaterThan(200);
        assertThat(layers.toString()).contains("hidden: 40 parameters, trace ").contains("whole: trace ");
        assertThat(Fixtures.parameterBits(net)).as("caller's network untouched").containsExactly(before);
    }

    @Test
    void thePerPointTraceIsTheExplicitHessiansTraceWithinItsStandardErrorAndRepeatsItself() {
        DataSet data = Fixtures.blobs(24, 4);
        MultiLayerNetwork net = Fixtures.mlp(data, 5);
        INDArray point = net.params().dup().addi(0.3);     // away from the trained weights
        MultiLayerNetwork there = net.clone();
        there.setParams(point);
        double exact = trace(explicitHessian(there, data));
        HessianSpectrum.TraceOptions options = new HessianSpectrum.TraceOptions(120, true, 11);

        HessianSpectrum.TraceProbe probe = HessianSpectrum.probe(net, List.of(data), options);
        HessianSpectrum.Trace t = probe.at(point);
        HessianSpectrum.Trace again = probe.at(point);
        probe.close();

        assertThat(t.probes()).isEqualTo(120);
        assertThat(Math.abs(t.trace() - exact)).isLessThan(4 * t.standardError());
        assertThat(again.trace()).isEqualTo(t.trace());
        // with the biases (and the whole network's variables) and the same seed it is HessianSpectrum.trace's number
        assertThat(t.trace()).isEqualTo(HessianSpectrum.trace(there, data, 120, 11).trace());
    }

    @Test
    void aLayersDensityAndTopEigenvaluesAreOnItsDiagonalBlockOnly() {
        // the first batch norm's block: gamma and beta (3 + 3) are variables, its running statistics are not
        DataSet data = ExactHessianTest.classes(5, 6, 3, 1, 6, 6);
        Model net = ExactHessianTest.cnnWithBatchNorm();
        INDArray before = net.params().dup();
        double[][] h = explicitHessian(net, data);
        ParameterLayout layout = ParameterLayout.of(net);
        String bn = layout.segmentsWith(ParameterRole.BATCHNORM_GAMMA).get(0).layerName();
        List<ParameterSegment> segments = trainable(net, bn);
        double[] eigen = SymmetricEigen.of(block(h, segments)).values();
        Arrays.sort(eigen);
        double scale = Math.max(Math.abs(eigen[0]), Math.abs(eigen[eigen.length - 1]));

        HessianSpectrum.Density d = HessianSpectrum.density(net, data, bn, 30, 2, 5);
        HessianSpectrum.Eigenvalues top = HessianSpectrum.eigenvalues(net, data, bn, HessianEigen.Options.top(2));

        long count = segments.stream().mapToLong(ParameterSegment::length).sum();
        for (double[] nodes : d.nodes()) {
            assertThat(nodes.length).isLessThanOrEqualTo((int) count);
        }
        assertThat(d.range()[0]).isCloseTo(eigen[0], within(1e-8 * scale));
        assertThat(d.range()[1]).isCloseTo(eigen[eigen.length - 1], within(1e-8 * scale));
        assertThat(d.method()).endsWith("restricted to layer '" + bn + "' (" + count + " parameters)");
        assertThat(top.values()[0]).isCloseTo(eigen[eigen.length - 1], within(1e-8 * scale));
        assertThat(top.values()[1]).isCloseTo(eigen[eigen.length - 2], within(1e-8 * scale));
        double[] v = top.pairs().eigenvector(0).toDoubleVector();
        for (int i = 0; i < v.length; i++) {
            int at = i;
            boolean inside = segments.stream().anyMatch(s -> at >= s.offset() && at < s.offset() + s.length());
            if (!inside) {
                assertThat(v[i]).as("entry %d outside the block", i).isZero();
            }
        }
        assertThat(net.params()).as("caller's network untouched").isEqualTo(before);
        assertThat(net.params().dataType()).isEqualTo(DataType.DOUBLE);
    }

    @Test
    void badArgumentsAreRejectedNamed() {
        MultiLayerNetwork net = HessianEigenTest.linearRegression();
        assertThatThrownBy(() -> HessianSpectrum.trace(net, DATA, 1, 1)).hasMessage("probes must be >= 2, was 1");
        assertThatThrownBy(() -> HessianSpectrum.trace(net, DATA, 0, 1)).hasMessage("probes must be >= 2, was 0");
        assertThatThrownBy(() -> HessianSpectrum.density(net, DATA, 1, 1, 1))
                .hasMessage("lanczosSteps must be >= 2, was 1");
        assertThatThrownBy(() -> HessianSpectrum.density(net, DATA, 5, 0, 1)).hasMessage("probes must be >= 1, was 0");
        assertThatThrownBy(() -> HessianSpectrum.eigenvalues(net, DATA, 0)).hasMessage("k must be >= 1, was 0");
        assertThatThrownBy(() -> HessianSpectrum.eigenvalues(net, DATA, 16))
                .hasMessage("k must be at most the number of trainable parameters (15), was 16");
        assertThatThrownBy(() -> HessianSpectrum.perLayer(net, DATA, -3, 1)).hasMessage("probes must be >= 2, was -3");
        assertThatThrownBy(() -> new HessianSpectrum.TraceOptions(0, false, 1))
                .hasMessage("probes must be >= 2, was 0");
        DataSet blobs = Fixtures.blobs(12, 4);
        MultiLayerNetwork mlp = Fixtures.mlp(blobs, 1);
        assertThatThrownBy(() -> HessianSpectrum.trace(mlp, blobs, "hiden", 10, 1))
                .hasMessage("no layer 'hiden' with trainable parameters; layers with trainable parameters: hidden, out");
        assertThatThrownBy(() -> HessianSpectrum.density(mlp, blobs, null, 10, 1, 1))
                .hasMessage("no layer null with trainable parameters; layers with trainable parameters: hidden, out");
        assertThatThrownBy(() -> HessianSpectrum.eigenvalues(mlp, blobs, "out", HessianEigen.Options.top(28)))
                .hasMessage("k must be at most the number of trainable parameters of layer 'out' (27), was 28");
    }
}

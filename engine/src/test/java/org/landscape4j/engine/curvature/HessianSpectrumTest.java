package org.landscape4j.engine.curvature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.landscape4j.engine.curvature.HessianTest.ALL;
import static org.landscape4j.engine.curvature.HessianTest.DATA;

import java.util.Arrays;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Fixtures;
import org.landscape4j.engine.geometry.CurvatureFixtures;
import org.landscape4j.engine.internal.SymmetricEigen;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.engine.parameters.ParameterRole;
import org.landscape4j.engine.parameters.ParameterSegment;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Hutchinson's trace, the stochastic-Lanczos-quadrature density and per-layer curvature against exactly known
 * Hessians: the analytic one of a linear model, and explicit ones (columns from products on unit vectors) whose
 * diagonal blocks are the per-layer answers.
 */
class HessianSpectrumTest {

    @Test
    void hutchinsonTraceIsWithinItsStandardErrorOfTheExactTrace() {
        double exact = Arrays.stream(HessianTest.exactEigenvalues(DATA)).sum();

        Trace t;
        try (Hessian h = Hessian.of(HessianTest.linearRegression(), DATA, ALL)) {
            t = h.trace(200);
        }

        assertThat(t.probes()).isEqualTo(200);
        assertThat(t.method()).startsWith("exact");
        assertThat(t.standardError()).isGreaterThan(0).isLessThan(0.1 * exact);
        assertThat(Math.abs(t.trace() - exact)).isLessThan(4 * t.standardError());
    }

    @Test
    void lanczosQuadratureNodesAreTheEigenvaluesWhenTheKrylovSpaceIsExhausted() {
        // the 15x15 Hessian has 5 distinct eigenvalues (each threefold): Lanczos stops after 5 steps, exactly
        double[] distinct = Arrays.stream(HessianTest.exactEigenvalues(DATA)).distinct().sorted().toArray();
        assertThat(distinct).hasSize(5);

        Density d;
        try (Hessian h = Hessian.of(HessianTest.linearRegression(), DATA, ALL.withSeed(2))) {
            d = h.density(15, 3);
        }

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
    void perLayerTracesAndLambdaMaxAreThoseOfTheExplicitHessiansDiagonalBlocks() {
        DataSet data = Fixtures.blobs(24, 4);
        MultiLayerNetwork net = Fixtures.mlp(data, 5);     // hidden 4-8 tanh (40 parameters), out 8-3 softmax (27)
        float[] before = Fixtures.parameterBits(net);
        double[][] h = ExplicitHessian.of(net, data, Hessian.Parameters.ALL_TRAINABLE);

        try (Hessian hessian = Hessian.of(net, data, ALL.withSeed(3))) {
            PerLayer layers = hessian.perLayer(200);

            assertThat(layers.layers()).extracting(PerLayer.LayerCurvature::layer).containsExactly("hidden", "out");
            assertThat(layers.layers()).extracting(PerLayer.LayerCurvature::parameters).containsExactly(40L, 27L);
            double sum = 0;
            for (PerLayer.LayerCurvature l : layers.layers()) {
                double[][] b = ExplicitHessian.block(h, ExplicitHessian.trainable(net, l.layer()));
                double[] eigen = SymmetricEigen.of(b).values();
                double lambdaMax = Arrays.stream(eigen).max().orElseThrow();
                System.out.printf("per layer: %s, explicit trace %.6g, λmax %.6g%n", l, ExplicitHessian.trace(b),
                        lambdaMax);
                assertThat(l.standardError()).isGreaterThan(0);
                assertThat(Math.abs(l.trace() - ExplicitHessian.trace(b))).as(l.layer() + " trace")
                        .isLessThan(4 * l.standardError());
                assertThat(l.lambdaMax()).as(l.layer() + " λmax").isCloseTo(lambdaMax, within(1e-8 * lambdaMax));
                assertThat(l.relativeResidual()).isLessThan(1e-4);
                sum += l.trace();
            }
            // the same probes: the layers' traces add up to the whole one, which is trace()'s with the same seed
            assertThat(sum).isCloseTo(layers.whole().trace(), within(1e-12 * Math.abs(layers.whole().trace())));
            Trace whole = hessian.trace(200);
            assertThat(layers.whole().trace()).isEqualTo(whole.trace());
            assertThat(Math.abs(whole.trace() - ExplicitHessian.trace(h))).isLessThan(4 * whole.standardError());
            Trace hidden = hessian.layer("hidden").trace(200);
            assertThat(hidden.trace()).isEqualTo(layers.layer("hidden").trace());
            assertThat(hidden.standardError()).isEqualTo(layers.layer("hidden").standardError());
            assertThat(hidden.variables()).isEqualTo(new Variables(Hessian.Parameters.ALL_TRAINABLE, "hidden", 40, 67));
            assertThat(hidden.toString()).contains("over layer 'hidden', all trainable: 40 of 67 parameters");
            assertThat(layers.products()).isGreaterThan(200);
            assertThat(layers.toString()).contains("hidden: 40 parameters, trace ").contains("whole: trace ");
            // a layer's view lists itself only, with the same numbers
            PerLayer view = hessian.layer("out").perLayer(200);
            assertThat(view.layers()).containsExactly(layers.layer("out"));
            assertThat(view.whole().trace()).isEqualTo(layers.layer("out").trace());
        }
        assertThat(Fixtures.parameterBits(net)).as("caller's network untouched").containsExactly(before);
    }

    @Test
    void thePerPointTraceIsTheExplicitHessiansTraceWithinItsStandardErrorAndRepeatsItself() {
        DataSet data = Fixtures.blobs(24, 4);
        MultiLayerNetwork net = Fixtures.mlp(data, 5);
        INDArray point = net.params().dup().addi(0.3);     // away from the trained weights
        MultiLayerNetwork there = net.clone();
        there.setParams(point);
        double exact = ExplicitHessian.trace(ExplicitHessian.of(there, data, Hessian.Parameters.ALL_TRAINABLE));
        Hessian.Options options = ALL.withSeed(11);

        Trace t;
        Trace again;
        try (Hessian h = Hessian.of(net, List.of(data), options)) {
            t = h.moveTo(point).trace(120);
            again = h.trace(120);
        }

        assertThat(t.probes()).isEqualTo(120);
        assertThat(Math.abs(t.trace() - exact)).isLessThan(4 * t.standardError());
        assertThat(again.trace()).isEqualTo(t.trace());
        // the same as the Hessian made at that point
        try (Hessian h = Hessian.of(there, data, options)) {
            assertThat(t.trace()).isEqualTo(h.trace(120).trace());
        }
    }

    @Test
    void aLayersDensityAndTopEigenvaluesAreOnItsDiagonalBlockOnly() {
        // the first batch norm's block: gamma and beta (3 + 3) are variables, its running statistics are not
        DataSet data = CurvatureFixtures.classes(5, 6, 3, 1, 6, 6);
        Model net = CurvatureFixtures.cnnWithBatchNorm();
        INDArray before = net.params().dup();
        double[][] h = ExplicitHessian.of(net, data, Hessian.Parameters.ALL_TRAINABLE);
        ParameterLayout layout = ParameterLayout.of(net);
        String bn = layout.segmentsWith(ParameterRole.BATCHNORM_GAMMA).get(0).layerName();
        List<ParameterSegment> segments = ExplicitHessian.trainable(net, bn);
        double[] eigen = SymmetricEigen.of(ExplicitHessian.block(h, segments)).values();
        Arrays.sort(eigen);
        double scale = Math.max(Math.abs(eigen[0]), Math.abs(eigen[eigen.length - 1]));

        Density d;
        Eigenvalues top;
        try (Hessian hessian = Hessian.of(net, data, ALL.withSeed(5))) {
            Hessian layer = hessian.layer(bn);
            d = layer.density(30, 2);
            top = layer.eigenvalues(2);
        }

        long count = segments.stream().mapToLong(ParameterSegment::length).sum();
        for (double[] nodes : d.nodes()) {
            assertThat(nodes.length).isLessThanOrEqualTo((int) count);
        }
        assertThat(d.range()[0]).isCloseTo(eigen[0], within(1e-8 * scale));
        assertThat(d.range()[1]).isCloseTo(eigen[eigen.length - 1], within(1e-8 * scale));
        assertThat(d.variables()).isEqualTo(new Variables(Hessian.Parameters.ALL_TRAINABLE, bn, count,
                layout.numParams()));
        assertThat(top.values()[0]).isCloseTo(eigen[eigen.length - 1], within(1e-8 * scale));
        assertThat(top.values()[1]).isCloseTo(eigen[eigen.length - 2], within(1e-8 * scale));
        double[] v = top.vector(0).toDoubleVector();
        for (int i = 0; i < v.length; i++) {
            int at = i;
            boolean inside = segments.stream().anyMatch(s -> at >= s.offset() && at < s.offset() + s.length());
            if (!inside) {
                assertThat(v[i]).as("entry %d outside the block", i).isZero();
            }
        }
        assertThat(net.params()).as("caller's network untouched").isEqualTo(before);
        assertThat(net.params().dataType()).isEqualTo(DataType.DOUBLE);
        // over the weights only a batch-norm layer has no variables, and says so
        try (Hessian weights = Hessian.of(net, data)) {
            assertThatThrownBy(() -> weights.layer(bn)).hasMessageStartingWith("no layer '" + bn + "' with variables"
                    + " of the Hessian (weights only); layers with some: ");
        }
    }

    @Test
    void badArgumentsAreRejectedNamed() {
        try (Hessian h = Hessian.of(HessianTest.linearRegression(), DATA, ALL)) {
            assertThatThrownBy(() -> h.trace(1)).hasMessage("probes must be >= 2, was 1");
            assertThatThrownBy(() -> h.trace(0)).hasMessage("probes must be >= 2, was 0");
            assertThatThrownBy(() -> h.density(1, 1)).hasMessage("lanczosSteps must be >= 2, was 1");
            assertThatThrownBy(() -> h.density(5, 0)).hasMessage("probes must be >= 1, was 0");
            assertThatThrownBy(() -> h.eigenvalues(0)).hasMessage("k must be >= 1, was 0");
            assertThatThrownBy(() -> h.eigenvalues(16)).hasMessage("k must be at most the number of variables of the"
                    + " Hessian (all trainable: 15 of 15 parameters), was 16");
            assertThatThrownBy(() -> h.perLayer(-3)).hasMessage("probes must be >= 2, was -3");
        }
        DataSet blobs = Fixtures.blobs(12, 4);
        MultiLayerNetwork mlp = Fixtures.mlp(blobs, 1);
        try (Hessian h = Hessian.of(mlp, blobs, ALL)) {
            assertThatThrownBy(() -> h.layer("hiden")).hasMessage("no layer 'hiden' with variables of the Hessian (all"
                    + " trainable); layers with some: hidden, out");
            assertThatThrownBy(() -> h.layer(null)).hasMessage("no layer null with variables of the Hessian (all"
                    + " trainable); layers with some: hidden, out");
            assertThatThrownBy(() -> h.layer("out").eigenvalues(28)).hasMessage("k must be at most the number of"
                    + " variables of the Hessian (layer 'out', all trainable: 27 of 67 parameters), was 28");
        }
    }
}

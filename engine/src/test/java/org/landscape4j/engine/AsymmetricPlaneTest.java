package org.landscape4j.engine;

import org.landscape4j.engine.parameters.ParameterRole;

import org.landscape4j.engine.parameters.ParameterSegment;

import org.landscape4j.engine.parameters.ParameterLayout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Seed 003's linear2x and barycentric planes, checked against the seed's formulas written out here with DL4J's own
 * parameter views (a dense filter is a column of {@code [nIn, nOut]}; a bias is normed as a whole).
 */
class AsymmetricPlaneTest {

    /** hidden: Dense 2 -> 2 (tanh), out: 2 -> 1 (identity, MSE); double precision, parameters set by hand. */
    private static MultiLayerNetwork tiny(double[][] wh, double[] bh, double[][] wo, double[] bo) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE).list()
                .layer(new DenseLayer.Builder().name("hidden").nIn(2).nOut(2).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).name("out").nIn(2).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.getLayer("hidden").setParam("W", Nd4j.create(wh));
        net.getLayer("hidden").setParam("b", Nd4j.create(new double[][] {bh}));
        net.getLayer("out").setParam("W", Nd4j.create(wo));
        net.getLayer("out").setParam("b", Nd4j.create(new double[][] {bo}));
        return net;
    }

    private static final MultiLayerNetwork THETA = tiny(new double[][] {{1, 2}, {3, 4}}, new double[] {0.5, -1},
            new double[][] {{1}, {-2}}, new double[] {0.25});
    private static final MultiLayerNetwork R1 = tiny(new double[][] {{0, 1}, {-1, 2}}, new double[] {2, 0},
            new double[][] {{3}, {4}}, new double[] {-1});
    private static final MultiLayerNetwork R2 = tiny(new double[][] {{2, 0}, {1, -3}}, new double[] {1, 1},
            new double[][] {{-1}, {0.5}}, new double[] {2});

    private static final String[][] TENSORS = {{"hidden", "W"}, {"hidden", "b"}, {"out", "W"}, {"out", "b"}};

    /** The seed's fnkern: a weight per column (filter), a bias as a whole. */
    private static INDArray filterNorm(INDArray v, INDArray theta, String key) {
        if (key.equals("W")) {
            return v.mulRowVector(theta.norm2(0).div(v.norm2(0)));
        }
        return layerNorm(v, theta);
    }

    /** The seed's lnkern: the whole tensor. */
    private static INDArray layerNorm(INDArray v, INDArray theta) {
        return v.mul(theta.norm2Number().doubleValue() / v.norm2Number().doubleValue());
    }

    private static INDArray p(MultiLayerNetwork net, String[] t) {
        return net.getLayer(t[0]).getParam(t[1]).dup();
    }

    /** linear2x by the seed's formula, per tensor. */
    private static INDArray linear2x(String[] t, double a, double b, MultiLayerNetwork r1, MultiLayerNetwork r2) {
        INDArray th = p(THETA, t);
        INDArray psi = p(r1, t).mul(a).add(th.mul(1 - a));
        return p(r2, t).mul(b).add(layerNorm(psi, th).mul(1 - b));
    }

    /** barycentric by the seed's formula, per tensor. */
    private static INDArray barycentric(String[] t, double a, double b, MultiLayerNetwork r1, MultiLayerNetwork r2) {
        INDArray th = p(THETA, t);
        INDArray phi = p(r1, t).sub(th).mul(a).add(th);
        INDArray psi = p(r2, t).sub(th).mul(b).add(th);
        return filterNorm(phi, th, t[1]).mul(a).add(filterNorm(psi, th, t[1]).mul(1 - b));
    }

    private static MultiLayerNetwork mapped(Directions.AsymmetricPlane.Kind kind, double a, double b) {
        MultiLayerNetwork out = THETA.clone();
        AsymmetricPlaneMap.factory(kind).create(THETA, new INDArray[] {THETA.params().dup(), R1.params().dup(),
                R2.params().dup()}).write(new double[] {a, b}, out.params());
        return out;
    }

    @Test
    void linear2xIsTheSeedsFormulaPerTensor() {
        for (double[] c : new double[][] {{0.5, 0.25}, {-1, 2}, {1.5, -0.5}}) {
            MultiLayerNetwork out = mapped(Directions.AsymmetricPlane.Kind.LINEAR2X, c[0], c[1]);
            for (String[] t : TENSORS) {
                assertThat(p(out, t).ravel().toDoubleVector()).as("%s/%s at %s", t[0], t[1], java.util.Arrays.toString(c))
                        .containsExactly(linear2x(t, c[0], c[1], R1, R2).ravel().toDoubleVector(), within(1e-12));
            }
        }
    }

    @Test
    void linear2xExactValues() {
        // (α, β) = (0.5, 0.5), bias of "out": ψ = 0.5·(−1) + 0.5·0.25 = −0.375, layernorm → ‖0.25‖ · ψ/|ψ| = −0.25,
        // out = 0.5·2 + 0.5·(−0.25) = 0.875
        MultiLayerNetwork out = mapped(Directions.AsymmetricPlane.Kind.LINEAR2X, 0.5, 0.5);
        assertThat(out.getLayer("out").getParam("b").getDouble(0)).isCloseTo(0.875, within(1e-15));
        // at β = 1 the point is θ3; at (0, 0) it is θ
        assertThat(mapped(Directions.AsymmetricPlane.Kind.LINEAR2X, 0.3, 1).params().toDoubleVector())
                .containsExactly(R2.params().toDoubleVector(), within(1e-15));
        assertThat(mapped(Directions.AsymmetricPlane.Kind.LINEAR2X, 0, 0).params().toDoubleVector())
                .containsExactly(THETA.params().toDoubleVector(), within(1e-15));
    }

    @Test
    void barycentricIsTheSeedsFormulaPerFilter() {
        for (double[] c : new double[][] {{0.5, 0.25}, {-1, 2}, {1, 1}}) {
            MultiLayerNetwork out = mapped(Directions.AsymmetricPlane.Kind.BARYCENTRIC, c[0], c[1]);
            for (String[] t : TENSORS) {
                assertThat(p(out, t).ravel().toDoubleVector()).as("%s/%s at %s", t[0], t[1], java.util.Arrays.toString(c))
                        .containsExactly(barycentric(t, c[0], c[1], R1, R2).ravel().toDoubleVector(), within(1e-12));
            }
        }
    }

    @Test
    void barycentricExactValues() {
        // (α, β) = (1, 1): filternorm(θ2, θ) + 0. Hidden column 0 of θ2 is (0, −1), θ's is (1, 3): scaled to √10,
        // (0, −√10); column 1: (1, 2) vs θ's (2, 4): ×2 → (2, 4).
        MultiLayerNetwork out = mapped(Directions.AsymmetricPlane.Kind.BARYCENTRIC, 1, 1);
        INDArray w = out.getLayer("hidden").getParam("W");
        assertThat(w.getDouble(0, 0)).isCloseTo(0, within(1e-15));
        assertThat(w.getDouble(1, 0)).isCloseTo(-Math.sqrt(10), within(1e-14));
        assertThat(w.getDouble(0, 1)).isCloseTo(2, within(1e-14));
        assertThat(w.getDouble(1, 1)).isCloseTo(4, within(1e-14));
        assertThat(mapped(Directions.AsymmetricPlane.Kind.BARYCENTRIC, 0, 0).params().toDoubleVector())
                .containsExactly(THETA.params().toDoubleVector(), within(1e-15));
    }

    @Test
    void randomModelsAreFilterNormalizedGaussiansAndLeaveBatchNormAtTheModel() {
        MultiLayerNetwork cnn = Fixtures.cnn(Fixtures.images(20, 3), 1);
        ParameterLayout layout = ParameterLayout.of(cnn);
        double[] theta = cnn.params().toDoubleVector();
        double[][] models = AsymmetricPlaneMap.randomModels(layout, theta, 4);

        java.util.Random random = new java.util.Random(4);
        double[] raw = new double[theta.length];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = random.nextGaussian();
        }
        for (ParameterSegment s : layout.segments()) {
            int off = (int) s.offset();
            int len = (int) s.length();
            if (s.role() == ParameterRole.WEIGHT || s.role() == ParameterRole.BIAS) {
                int filters = s.role() == ParameterRole.WEIGHT ? (int) s.filterCount() : 1;
                double[] rawSq = new double[filters];
                double[] tSq = new double[filters];
                for (int e = 0; e < len; e++) {
                    int f = s.role() == ParameterRole.WEIGHT ? (int) s.filterOf(e) : 0;
                    rawSq[f] += raw[off + e] * raw[off + e];
                    tSq[f] += theta[off + e] * theta[off + e];
                }
                // the raw draw of each filter (a bias: of the whole vector) scaled to θ's norm there
                for (int e = 0; e < len; e++) {
                    int f = s.role() == ParameterRole.WEIGHT ? (int) s.filterOf(e) : 0;
                    double expected = raw[off + e] * Math.sqrt(tSq[f] / rawSq[f]);
                    assertThat(models[0][off + e]).as("%s entry %d", s, e)
                            .isCloseTo(expected, within(1e-12 * (1 + Math.abs(expected))));
                }
            } else {
                for (int e = 0; e < len; e++) {
                    assertThat(models[0][off + e]).as(s.toString()).isEqualTo(theta[off + e]);
                    assertThat(models[1][off + e]).as(s.toString()).isEqualTo(theta[off + e]);
                }
            }
        }
        assertThat(models[0]).isNotEqualTo(models[1]);
    }

    @Test
    void aLandscapeOverTheMapEvaluatesTheMappedParameters() {
        DataSet data = new DataSet(Nd4j.create(new double[][] {{0.5, -1}, {1, 2}, {-0.3, 0.8}}),
                Nd4j.create(new double[][] {{1}, {0}, {-1}}));
        LandscapeSpec spec = new LandscapeSpec(THETA, Directions.barycentric(), 7,
                List.of(Axis.linear(-1, 1, 3), Axis.linear(-1, 1, 3)), List.of(EvaluationSet.of("train", data)),
                List.of(Metric.loss()));
        Landscape landscape = Landscape.compile(spec);
        assertThat(landscape.evaluationPlan()).doesNotContain("first layer factorized");

        Surface surface = landscape.surface();

        INDArray[] r = landscape.directions();
        MultiLayerNetwork r1 = THETA.clone();
        r1.setParams(r[0]);
        MultiLayerNetwork r2 = THETA.clone();
        r2.setParams(r[1]);
        for (int ix = 0; ix < 3; ix++) {
            for (int iy = 0; iy < 3; iy++) {
                double a = surface.x().value(ix);
                double b = surface.y().value(iy);
                MultiLayerNetwork expected = THETA.clone();
                for (String[] t : TENSORS) {
                    expected.getLayer(t[0]).setParam(t[1], barycentric(t, a, b, r1, r2));
                }
                assertThat(surface.value("train", "loss", ix, iy)).as("(%s, %s)", a, b)
                        .isCloseTo(expected.score(data, false), within(1e-9));
            }
        }
    }

    /**
     * A trained batch-norm CNN through the compiled inference plan (batch norm folded into its convolution at every
     * point), two workers: every point equals DL4J's score on the parameters the map writes, and (0, 0) is the model.
     * A stale build once gave ln 10 over the whole plane of a trained VGG-like network; this is the check against it.
     */
    @Test
    void aTrainedBatchNormCnnOnTheInferencePlanMatchesDl4jAtEveryPoint() {
        DataSet data = Fixtures.images(64, 3);
        MultiLayerNetwork net = foldableCnn();
        for (int epoch = 0; epoch < 15; epoch++) {
            for (DataSet batch : data.batchBy(16)) {
                net.fit(batch);
            }
        }
        float[] before = Fixtures.parameterBits(net);
        for (Directions.AsymmetricPlane plane : List.of(Directions.linear2x(), Directions.barycentric())) {
            Landscape landscape = Landscape.compile(new LandscapeSpec(net, plane, 5,
                    List.of(Axis.linear(0, 1, 3), Axis.linear(0, 1, 3)), List.of(EvaluationSet.of("train", data)),
                    List.of(Metric.loss()), Execution.DEFAULT.withWorkers(2)));
            assertThat(landscape.evaluationPlan()).contains("conv2d+batchnorm");
            Surface surface = landscape.surface();
            INDArray[] r = landscape.directions();
            INDArray[] anchors = {net.params().dup(), r[0], r[1]};
            org.landscape4j.engine.ParameterMap map = AsymmetricPlaneMap.factory(plane.kind())
                    .create(net, anchors);
            for (int ix = 0; ix < 3; ix++) {
                for (int iy = 0; iy < 3; iy++) {
                    MultiLayerNetwork expected = net.clone();
                    map.write(new double[] {surface.x().value(ix), surface.y().value(iy)}, expected.params());
                    double score = expected.score(data, false);
                    assertThat(surface.value("train", "loss", ix, iy)).as("%s at (%d, %d)", plane, ix, iy)
                            .isCloseTo(score, within(1e-5 * Math.max(1, score)));
                }
            }
            assertThat(surface.value("train", "loss", 0, 0)).isCloseTo(net.score(data, false), within(1e-5));
        }
        assertThat(Fixtures.parameterBits(net)).isEqualTo(before);
    }

    /** conv (identity) -> batch norm -> leaky ReLU layer -> max pool -> dense with dropout -> softmax, on 6x6. */
    private static MultiLayerNetwork foldableCnn() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(9).dataType(DataType.FLOAT)
                .updater(new org.nd4j.linalg.learning.config.Adam(0.01))
                .weightInit(org.deeplearning4j.nn.weights.WeightInit.RELU)
                .convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same).list()
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(4)
                        .activation(Activation.IDENTITY).build())
                .layer(new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().build())
                .layer(new org.deeplearning4j.nn.conf.layers.ActivationLayer.Builder()
                        .activation(Activation.LEAKYRELU).build())
                .layer(new org.deeplearning4j.nn.conf.layers.SubsamplingLayer.Builder(
                        org.deeplearning4j.nn.conf.layers.SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                        .stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(8).activation(Activation.LEAKYRELU).dropOut(0.5).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.convolutionalFlat(6, 6, 1)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    @Test
    void anAsymmetricPlaneNeedsTwoAxes() {
        DataSet data = Fixtures.blobs(6, 1);
        assertThatThrownBy(() -> new LandscapeSpec(Fixtures.mlp(data, 0), Directions.linear2x(), 1,
                List.of(Axis.linear(-1, 1, 3)), List.of(EvaluationSet.of("train", data)), List.of()))
                .hasMessageStartingWith("an asymmetric plane (linear2x plane").hasMessageEndingWith("the grid has 1 axes");
    }
}

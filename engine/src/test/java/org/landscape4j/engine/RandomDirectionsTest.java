package org.landscape4j.engine;

import org.landscape4j.engine.parameters.ParameterRole;

import org.landscape4j.engine.parameters.ParameterSegment;

import org.landscape4j.engine.parameters.ParameterLayout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class RandomDirectionsTest {

    private static MultiLayerNetwork cnn;
    private static ParameterLayout layout;
    private static double[] theta;

    @BeforeAll
    static void train() {
        cnn = Fixtures.cnn(Fixtures.images(40, 3), 3);
        layout = ParameterLayout.of(cnn);
        theta = cnn.params().toDoubleVector();
    }

    private static double[] filterNorms(ParameterSegment s, double[] v) {
        double[] sq = new double[(int) s.filterCount()];
        for (int e = 0; e < s.length(); e++) {
            double x = v[(int) (s.offset() + e)];
            sq[(int) s.filterOf(e)] += x * x;
        }
        for (int f = 0; f < sq.length; f++) {
            sq[f] = Math.sqrt(sq[f]);
        }
        return sq;
    }

    private static double[] slice(ParameterSegment s, double[] v) {
        double[] out = new double[(int) s.length()];
        System.arraycopy(v, (int) s.offset(), out, 0, out.length);
        return out;
    }

    @Test
    void filterNormalizationMatchesEveryDenseColumnAndConvFilter() {
        double[] d = RandomDirections.FILTER_NORMALIZED.generate(layout, cnn.params(), 42, 1)[0].toDoubleVector();

        for (String layer : new String[] {"conv", "dense", "out"}) {
            ParameterSegment w = layout.segment(layer, "W");
            double[] expected = filterNorms(w, theta);
            double[] actual = filterNorms(w, d);
            assertThat(actual).as(layer).hasSize((int) w.filterCount());
            for (int f = 0; f < expected.length; f++) {
                assertThat(actual[f]).as("%s filter %d", layer, f).isCloseTo(expected[f], within(1e-5 * expected[f]));
            }
        }
        // A dense filter is a column of [nIn, nOut]: rows would have other norms.
        ParameterSegment dense = layout.segment("dense", "W");
        assertThat(dense.filterAxis()).isEqualTo(1);
        assertThat(dense.filterCount()).isEqualTo(5);
    }

    /** Checked through DL4J's own weight views, independently of the layout: a dense filter is a column. */
    @Test
    void filterNormsAgreeWithDl4jsOwnViews() {
        INDArray d = RandomDirections.FILTER_NORMALIZED.generate(layout, cnn.params(), 17, 1)[0];
        MultiLayerNetwork holder = cnn.clone();
        holder.params().assign(d);

        INDArray denseW = cnn.getLayer("dense").getParam("W");
        INDArray denseD = holder.getLayer("dense").getParam("W");
        assertThat(denseD.norm2(0).toDoubleVector())
                .containsExactly(denseW.norm2(0).toDoubleVector(), within(1e-4));
        assertThat(denseD.norm2(1).toDoubleVector())
                .isNotEqualTo(denseW.norm2(1).toDoubleVector());
        INDArray convW = cnn.getLayer("conv").getParam("W");
        INDArray convD = holder.getLayer("conv").getParam("W");
        assertThat(convD.norm2(1, 2, 3).toDoubleVector())
                .containsExactly(convW.norm2(1, 2, 3).toDoubleVector(), within(1e-4));
    }

    @Test
    void biasesAndBatchNormAreZeroByDefault() {
        double[] d = RandomDirections.FILTER_NORMALIZED.generate(layout, cnn.params(), 42, 1)[0].toDoubleVector();

        for (ParameterSegment s : layout.segments()) {
            if (s.role() != ParameterRole.WEIGHT) {
                assertThat(slice(s, d)).as(s.toString()).containsOnly(0.0);
            }
        }
    }

    @Test
    void biasAndBatchNormTakeTheWeightsOwnValuesOnRequest() {
        double[] d = RandomDirections.FILTER_NORMALIZED.withBiasAndBatchNorm().generate(layout, cnn.params(), 42, 1)[0]
                .toDoubleVector();

        for (ParameterSegment s : layout.segments()) {
            if (isBiasLike(s.role())) {
                assertThat(slice(s, d)).as(s.toString()).containsExactly(slice(s, theta), within(1e-6));
            }
            if (s.role() == ParameterRole.BATCHNORM_RUNNING_STATISTIC) {
                assertThat(slice(s, d)).as(s.toString()).containsOnly(0.0);
            }
        }
    }

    @Test
    void runningStatisticsMoveOnlyForStatesDirections() {
        double[] d = RandomDirections.FILTER_NORMALIZED.withRunningStatistics().generate(layout, cnn.params(), 42, 1)[0]
                .toDoubleVector();

        for (ParameterSegment s : layout.segments()) {
            if (s.role() == ParameterRole.BATCHNORM_RUNNING_STATISTIC) {
                assertThat(slice(s, d)).as(s.toString()).containsExactly(slice(s, theta), within(1e-6));
            }
        }
    }

    @Test
    void layerNormalizationMatchesEachWeightTensorsNorm() {
        double[] d = RandomDirections.LAYER_NORMALIZED.generate(layout, cnn.params(), 3, 1)[0].toDoubleVector();

        for (ParameterSegment s : layout.segments()) {
            if (s.role() == ParameterRole.WEIGHT) {
                double wn = norm(slice(s, theta));
                assertThat(norm(slice(s, d))).as(s.toString()).isCloseTo(wn, within(1e-5 * wn));
            }
        }
    }

    @Test
    void sameSeedGivesTheSameDirectionsAndAnotherSeedOthers() {
        INDArray[] a = RandomDirections.FILTER_NORMALIZED.generate(layout, cnn.params(), 5, 2);
        INDArray[] b = RandomDirections.FILTER_NORMALIZED.generate(layout, cnn.params(), 5, 2);
        INDArray[] c = RandomDirections.FILTER_NORMALIZED.generate(layout, cnn.params(), 6, 2);

        assertThat(a[0].toFloatVector()).containsExactly(b[0].toFloatVector());
        assertThat(a[1].toFloatVector()).containsExactly(b[1].toFloatVector());
        assertThat(a[0].toFloatVector()).isNotEqualTo(c[0].toFloatVector());
        assertThat(a[0].toFloatVector()).isNotEqualTo(a[1].toFloatVector());
    }

    @Test
    void aLinesDirectionIsThePlanesFirstDirection() {
        INDArray line = RandomDirections.FILTER_NORMALIZED.generate(layout, cnn.params(), 9, 1)[0];
        INDArray plane = RandomDirections.FILTER_NORMALIZED.generate(layout, cnn.params(), 9, 2)[0];

        assertThat(line.toFloatVector()).containsExactly(plane.toFloatVector());
    }

    /** Known answer: the raw draws of {@code new Random(seed)}, masked to the moving entries, times one factor. */
    private static double[] modelNormalizedByHand(long seed, boolean withBiases) {
        java.util.Random random = new java.util.Random(seed);
        double[] g = new double[theta.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = random.nextGaussian();
        }
        double thetaSq = 0;
        double gSq = 0;
        boolean[] moves = new boolean[theta.length];
        for (ParameterSegment s : layout.segments()) {
            boolean m = s.role() == ParameterRole.WEIGHT || withBiases && isBiasLike(s.role());
            for (int e = 0; e < s.length(); e++) {
                int i = (int) (s.offset() + e);
                moves[i] = m;
                if (m) {
                    thetaSq += theta[i] * theta[i];
                    gSq += g[i] * g[i];
                }
            }
        }
        double factor = Math.sqrt(thetaSq / gSq);
        double[] expected = new double[theta.length];
        for (int i = 0; i < g.length; i++) {
            expected[i] = moves[i] ? g[i] * factor : 0;
        }
        return expected;
    }

    @Test
    void modelNormalizationScalesTheWholeDirectionToTheWeightsNorm() {
        double[] d = RandomDirections.MODEL_NORMALIZED.generate(layout, cnn.params(), 11, 1)[0].toDoubleVector();

        double[] expected = modelNormalizedByHand(11, false);
        for (int i = 0; i < d.length; i++) {
            assertThat(d[i]).as("entry %d", i).isCloseTo(expected[i], within(1e-6 * (1 + Math.abs(expected[i]))));
        }
        double weightNorm = 0;
        for (ParameterSegment s : layout.segmentsWith(ParameterRole.WEIGHT)) {
            double n = norm(slice(s, theta));
            weightNorm += n * n;
        }
        assertThat(norm(d)).isCloseTo(Math.sqrt(weightNorm), within(1e-5 * Math.sqrt(weightNorm)));
        // one factor for the whole vector: the tensors' norms are not each their weight's norm
        ParameterSegment conv = layout.segment("conv", "W");
        assertThat(norm(slice(conv, d))).isNotCloseTo(norm(slice(conv, theta)), within(1e-3));
    }

    @Test
    void modelNormalizationWithBiasesDrawsThemAndScalesToTheParametersNorm() {
        double[] d = RandomDirections.MODEL_NORMALIZED.withBiasAndBatchNorm().generate(layout, cnn.params(), 12, 1)[0]
                .toDoubleVector();

        double[] expected = modelNormalizedByHand(12, true);
        for (int i = 0; i < d.length; i++) {
            assertThat(d[i]).as("entry %d", i).isCloseTo(expected[i], within(1e-6 * (1 + Math.abs(expected[i]))));
        }
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /** The one-dimensional entries that the reference implementation zeroes by default ("ignore biasbn"). */
    private static boolean isBiasLike(ParameterRole role) {
        return role == ParameterRole.BIAS || role == ParameterRole.BATCHNORM_GAMMA
                || role == ParameterRole.BATCHNORM_BETA || role == ParameterRole.OTHER;
    }
}

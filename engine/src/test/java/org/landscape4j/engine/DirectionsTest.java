package org.landscape4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.geometry.PolygonalChain;
import org.landscape4j.engine.geometry.TrajectoryRecorder;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Directions made from models: interpolation, planes through models, PCA of trajectories, curves, given vectors. */
class DirectionsTest {

    private static DataSet data;
    private static MultiLayerNetwork a;
    private static MultiLayerNetwork b;
    private static MultiLayerNetwork c;

    @BeforeAll
    static void train() {
        data = Fixtures.blobs(60, 9);
        a = Fixtures.mlp(data, 25);
        b = trainedFrom(17, 25);
        c = trainedFrom(23, 10);
    }

    private static MultiLayerNetwork trainedFrom(long seed, int epochs) {
        MultiLayerNetwork net = new MultiLayerNetwork(a.getLayerWiseConfigurations().clone());
        net.init();
        Nd4j.getRandom().setSeed(seed);
        net.params().assign(Nd4j.randn(DataType.FLOAT, net.params().shape()).muli(0.5));
        for (int i = 0; i < epochs; i++) {
            net.fit(data);
        }
        return net;
    }

    private static Landscape landscape(MultiLayerNetwork model, Directions d, Axis... axes) {
        return Landscape.compile(new LandscapeSpec(model, d, 0, List.of(axes), List.of(EvaluationSet.of("train", data)),
                List.of(Metric.loss(), Metric.accuracy())));
    }

    @Test
    void interpolationEndpointsEqualTheTwoModelsOwnLosses() {
        Profile p = landscape(a, Directions.interpolation(a, b), new Axis(0, 1.5, 7, Spacing.LINEAR)).profile();

        double[] loss = p.values("train", "loss");
        assertThat(loss[0]).isCloseTo(a.score(data, false), within(1e-5));
        assertThat(loss[4]).as("t = 1").isCloseTo(b.score(data, false), within(1e-4));
        assertThat(p.provenance().directions()).contains("interpolation");
    }

    @Test
    void planeThroughThreeModelsPutsThemAtTheirCoordinates() {
        Directions.Given plane = Directions.planeThrough(a, b, c);
        double bx = plane.marks().get(1).coordinates()[0];
        double cy = plane.marks().get(2).coordinates()[1];
        assertThat(plane.marks().get(0).coordinates()).containsExactly(0.0, 0.0);
        assertThat(plane.marks().get(1).coordinates()[1]).isEqualTo(0.0);
        Landscape l = landscape(a, plane, new Axis(0, bx, 2, Spacing.LINEAR), new Axis(0, cy, 2, Spacing.LINEAR));

        Surface s = l.surface();
        assertThat(s.value("train", "loss", 0, 0)).isCloseTo(a.score(data, false), within(1e-5));
        assertThat(s.value("train", "loss", 1, 0)).as("B").isCloseTo(b.score(data, false), within(1e-3));
        assertThat(l.marks()).extracting(Directions.Mark::label).containsExactly("A", "B", "C");
    }

    @Test
    void directionsMadeAroundAnotherModelAreRefused() {
        assertThatThrownBy(() -> landscape(b, Directions.planeThrough(a, b, c), Axis.linear(-1, 1, 3),
                Axis.linear(-1, 1, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("were made around other parameters than the landscape's model");
    }

    @Test
    void modelsOfDifferentArchitecturesAreRefused() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork other = new MultiLayerNetwork(conf);
        other.init();

        assertThatThrownBy(() -> Directions.interpolation(a, other))
                .hasMessageContaining("same architecture").hasMessageContaining("67 vs 43 parameters");
    }

    @Test
    void collinearModelsAreRefusedForAPlane() {
        assertThatThrownBy(() -> Directions.planeThrough(a, b, b)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void givenDirectionsOfTheWrongLengthAreNamed() {
        assertThatThrownBy(() -> landscape(a, Directions.of("mine", Nd4j.ones(DataType.FLOAT, 1, 10)),
                Axis.linear(-1, 1, 3)))
                .hasMessage("direction 0 has 10 entries, the model has 67 parameters");
        assertThatThrownBy(() -> landscape(a, Directions.of("mine", a.params().dup()), Axis.linear(-1, 1, 3),
                Axis.linear(-1, 1, 3)))
                .hasMessage("the directions hold 1 vectors but the grid has 2 axes");
    }

    @Test
    void givenDirectionsAreUsedAsTheyAre() {
        INDArray d = Nd4j.zeros(DataType.FLOAT, a.params().shape());
        d.putScalar(0, 1.0);
        Profile p = landscape(a, Directions.of("first weight", d), Axis.linear(-1, 1, 3)).profile();
        MultiLayerNetwork moved = a.clone();
        moved.params().putScalar(0, moved.params().getDouble(0) + 1.0);

        assertThat(p.values("train", "loss")[2]).isCloseTo(moved.score(data, false), within(1e-5));
    }

    @Test
    void pcaOfARecordedTrajectoryGivesAPlaneWithThePathProjected() {
        MultiLayerNetwork net = new MultiLayerNetwork(a.getLayerWiseConfigurations().clone());
        net.init();
        TrajectoryRecorder recorder = TrajectoryRecorder.everyIterations(2);
        recorder.record(net);
        net.setListeners(recorder);
        for (int i = 0; i < 19; i++) {
            net.fit(data);
        }
        recorder.record(net); // the trained model is the last snapshot: the landscape is drawn around it
        List<INDArray> snapshots = recorder.snapshots();
        Directions.Given pca = Directions.pca(snapshots);
        Landscape l = landscape(net, pca, Axis.linear(-1, 1, 3), Axis.linear(-1, 1, 3));

        assertThat(l.path()).hasSize(snapshots.size());
        assertThat(l.path().get(snapshots.size() - 1)).containsExactly(new double[] {0, 0}, within(1e-9));
        assertThat(pca.description()).contains("explained variance");
        assertThat(l.surface().value("train", "loss", 1, 1)).isCloseTo(net.score(data, false), within(1e-5));
    }

    @Test
    void curveTrainingStreamsEveryStepAndCancels() {
        var options = new org.landscape4j.engine.geometry.CurveTrainer.Options(12, 0.01, 3);
        List<org.landscape4j.engine.geometry.CurveTrainer.Progress> steps = org.landscape4j.engine.geometry.CurveTrainer
                .training(PolygonalChain.ONE_BEND, a, data, a.params(), b.params(), options).collectList().block();

        assertThat(steps).hasSize(12);
        assertThat(steps).extracting(org.landscape4j.engine.geometry.CurveTrainer.Progress::step)
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        assertThat(steps.get(11).anchors()).hasSize(3);
        assertThat(steps.get(5).anchors()).isNull();
        assertThat(steps).allMatch(p -> Double.isFinite(p.loss()) && p.t() >= 0 && p.t() < 1);
        assertThat(org.landscape4j.engine.geometry.CurveTrainer.training(PolygonalChain.ONE_BEND, a, data, a.params(),
                b.params(), options).take(3).count().block()).isEqualTo(3);
    }

    @Test
    void planeOfACurveHoldsItsAnchorsAndTheProjectedCurve() {
        INDArray bend = a.params().dup().addi(b.params()).muli(0.5).addi(c.params().sub(a.params()).muli(0.3));
        List<INDArray> anchors = List.of(a.params().dup(), bend, b.params().dup());
        Directions.Given plane = Directions.planeOfCurve(PolygonalChain.ONE_BEND, anchors, 21);

        assertThat(plane.path()).hasSize(21);
        assertThat(plane.path().get(0)).containsExactly(new double[] {0, 0}, within(1e-6));
        assertThat(plane.path().get(20)).containsExactly(plane.marks().get(1).coordinates(), within(1e-4));
        assertThat(plane.path().get(10)).as("t = 0.5 is the bend")
                .containsExactly(plane.marks().get(2).coordinates(), within(1e-4));
        Surface s = landscape(a, plane, Axis.linear(-0.5, 1.5, 3), Axis.linear(-0.5, 1.5, 3)).surface();
        assertThat(java.util.Arrays.stream(s.flatValues("train", "loss")).allMatch(Double::isFinite)).isTrue();
    }

    @Test
    void aCurveThroughAStraightBendEndsAtBothModels() {
        INDArray mid = a.params().dup().addi(b.params()).muli(0.5);
        Directions.CurvePath curve = Directions.curve(PolygonalChain.ONE_BEND,
                List.of(a.params().dup(), mid, b.params().dup()));
        Profile p = landscape(a, curve, Axis.linear(0, 1, 5)).profile();

        assertThat(p.values("train", "loss")[0]).isCloseTo(a.score(data, false), within(1e-5));
        assertThat(p.values("train", "loss")[4]).isCloseTo(b.score(data, false), within(1e-5));
        Profile line = landscape(a, Directions.interpolation(a, b), Axis.linear(0, 1, 5)).profile();
        assertThat(p.values("train", "loss")).containsExactly(line.values("train", "loss"), within(1e-4));
    }

    /** Batch norm as the first layer: its recomputed statistics are the data's own mean and variance, known. */
    @Test
    void batchNormStatisticsAreRecomputedOnDataAtEveryPoint() {
        org.deeplearning4j.nn.conf.MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(2)
                .dataType(DataType.FLOAT).updater(new org.nd4j.linalg.learning.config.Adam(0.05)).list()
                .layer(new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().nIn(4).nOut(4).build())
                .layer(new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(6).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork m1 = new MultiLayerNetwork(conf);
        m1.init();
        MultiLayerNetwork m2 = new MultiLayerNetwork(conf.clone());
        m2.init();
        for (int i = 0; i < 5; i++) {
            m1.fit(data);
            m2.fit(Fixtures.blobs(60, 10));
        }
        DataSet bnData = Fixtures.blobs(40, 11);
        Directions.Given line = Directions.interpolation(m1, m2).withBatchNormRecomputedOn(bnData);
        Landscape l = landscape(m1, line, Axis.linear(0, 1, 3));
        Profile p = l.profile();

        for (int end = 0; end < 2; end++) {
            MultiLayerNetwork expected = (end == 0 ? m1 : m2).clone();
            org.deeplearning4j.nn.api.Layer bn = expected.getLayer(0);
            INDArray x = bnData.getFeatures();
            bn.getParam("mean").assign(x.mean(0).reshape(bn.getParam("mean").shape()));
            String key = bn.paramTable().containsKey("log10stdev") ? "log10stdev" : "var";
            INDArray var = x.var(false, 0);
            INDArray value = key.equals("var") ? var
                    : org.nd4j.linalg.ops.transforms.Transforms.log(var, true).divi(Math.log(10)).muli(0.5);
            bn.getParam(key).assign(value.reshape(bn.getParam(key).shape()));
            assertThat(p.values("train", "loss")[2 * end]).as("t = %d", end)
                    .isCloseTo(expected.score(data, false), within(1e-5));
        }
        assertThat(p.values("train", "loss")[0]).isNotCloseTo(m1.score(data, false), within(1e-6));
        assertThat(l.evaluationPlan()).contains("batch-norm statistics recomputed per point");
        assertThatThrownBy(() -> landscape(a, Directions.interpolation(a, b).withBatchNormRecomputedOn(data),
                Axis.linear(0, 1, 3))).hasMessageContaining("with batch normalization");
    }
}

package org.landscape4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.RandomDirections;
import org.landscape4j.engine.Surface;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Keras 2 HDF5 files (written by make_keras_fixtures.py) import with outputs equal to Keras' (numpy float64). */
class KerasImportTest {

    static Path file(String name) {
        try (InputStream in = KerasImportTest.class.getResourceAsStream("keras/" + name)) {
            Path dir = Files.createDirectories(Path.of("target", "fixtures"));
            Path out = dir.resolve(name);
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("no fixture keras/" + name, e);
        }
    }

    static Map<String, INDArray> io(String name) {
        try {
            return Nd4j.createFromNpzFile(new File(file(name + "-io.npz").toString()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double maxRelative(INDArray got, INDArray want) {
        INDArray w = want.castTo(DataType.DOUBLE);
        return got.castTo(DataType.DOUBLE).sub(w).amaxNumber().doubleValue() / w.amaxNumber().doubleValue();
    }

    @Test
    void theJavaReaderGivesTheNativeReadersNetworkBitForBit() throws Exception {
        // DL4J's own path reads the file with the native libhdf5 (Hdf5Archive); ours reads it with jHDF
        for (String name : new String[] {"dense.h5", "cnn.h5"}) {
            Path path = file(name);
            MultiLayerNetwork ours = Models.load(path).network();
            MultiLayerNetwork native_ = KerasModelImport.importKerasSequentialModelAndWeights(path.toString(), false);
            // the same layers (Models.load may append a loss layer, which has no parameters); seeds are DL4J's clock
            for (int i = 0; i < native_.getnLayers(); i++) {
                assertThat(withoutSeed(ours.getLayerWiseConfigurations().getConf(i).toJson())).as(name + " layer " + i)
                        .isEqualTo(withoutSeed(native_.getLayerWiseConfigurations().getConf(i).toJson()));
            }
            assertThat(ours.getnLayers()).isBetween(native_.getnLayers(), native_.getnLayers() + 1);
            assertThat(ours.params().dataType()).isEqualTo(native_.params().dataType());
            assertThat(ours.params().toFloatVector()).as(name).containsExactly(native_.params().toFloatVector());
        }
    }

    private static String withoutSeed(String json) {
        return json.replaceAll("\"seed\" : -?\\d+", "");
    }

    @Test
    void sequentialDenseOutputsAndLossEqualKeras() {
        ImportedModel m = Models.load(file("dense.h5"));
        assertThat(m.format()).isEqualTo(ModelFormat.KERAS_HDF5);
        assertThat(m.loss()).isEqualTo(Loss.CROSS_ENTROPY);
        MultiLayerNetwork net = m.network();
        Map<String, INDArray> io = io("dense");
        INDArray got = net.output(io.get("x"));
        assertThat(maxRelative(got, io.get("y"))).as(m.toString()).isLessThan(1e-5);
        assertThat(m.parameters().names()).startsWith("dense/kernel:0", "dense/bias:0");
        assertThat(m.parameters().parameter("dense/kernel:0").shape()).containsExactly(20, 16);

        DataSet data = new DataSet(io.get("x"), io.get("labels").castTo(DataType.FLOAT));
        Landscape l = Landscape.builder().model(net).directions(RandomDirections.FILTER_NORMALIZED, 2)
                .grid(-1, 1, 3).evaluateOn("train", data).workers(1).build();
        Surface s = l.surface();
        double centre = s.values("train", "loss")[1][1];
        assertThat(Math.abs(centre - io.get("loss").getDouble(0)) / io.get("loss").getDouble(0)).isLessThan(1e-5);
        System.out.println("keras dense: " + l.evaluationPlan() + "\n" + m);
    }

    @Test
    void conv2dBatchNormMaxPoolDenseOutputsEqualKeras() {
        ImportedModel m = Models.load(file("cnn.h5"));
        Map<String, INDArray> io = io("cnn");
        INDArray got = m.network().output(io.get("x"));
        assertThat(maxRelative(got, io.get("y"))).as(m.toString()).isLessThan(1e-5);
        assertThat(m.parameters().parameter("conv2d/kernel:0").shape()).containsExactly(3, 3, 1, 4);
        INDArray kernel = Nd4j.rand(DataType.FLOAT, 3, 3, 1, 4);
        INDArray flat = m.parameters().toFlat(Map.of("conv2d/kernel:0", kernel), DataType.FLOAT);
        INDArray back = m.parameters().fromFlat(flat).get("conv2d/kernel:0");
        assertThat(back.equals(kernel)).isTrue();
        INDArray dl4jW = m.network().getLayer(0).getParam("W");
        assertThat(dl4jW.shape()).containsExactly(4, 1, 3, 3);

        DataSet data = new DataSet(io.get("x"), io.get("labels").castTo(DataType.FLOAT));
        Landscape l = Landscape.builder().model(m.model()).directions(RandomDirections.FILTER_NORMALIZED, 1)
                .grid(-1, 1, 3).evaluateOn("train", data).workers(1).build();
        double centre = l.profile().values("train", "loss")[1];
        assertThat(Math.abs(centre - io.get("loss").getDouble(0)) / io.get("loss").getDouble(0)).isLessThan(1e-5);
        System.out.println("keras cnn: " + l.evaluationPlan() + "\n" + m);
    }

    @Test
    void anUncompiledFileNeedsALossAndTakesTheGivenOne() {
        assertThatThrownBy(() -> Models.load(file("dense-uncompiled.h5")))
                .isInstanceOf(ModelImportException.class)
                .hasMessage("dense-uncompiled.h5 was saved without compile(), so it carries no loss: give one"
                        + " (cross-entropy or mse), e.g. Models.load(path, Loss.CROSS_ENTROPY) or --loss cross-entropy");
        ImportedModel m = Models.load(file("dense-uncompiled.h5"), Loss.CROSS_ENTROPY);
        assertThat(m.description()).contains("appended: loss layer: MCXENT on the softmax probabilities of");
        Map<String, INDArray> io = io("dense");
        assertThat(maxRelative(m.network().output(io.get("x")), io.get("y"))).isLessThan(1e-5);
        DataSet data = new DataSet(io.get("x"), io.get("labels").castTo(DataType.FLOAT));
        double score = m.network().score(data, false);
        assertThat(Math.abs(score - io.get("loss").getDouble(0)) / io.get("loss").getDouble(0)).isLessThan(1e-5);
    }
}

package org.landscape4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** {@code --normalize} per channel: along NCHW's channel axis, or NHWC's last; the input left as it was. */
class FeatureNormalizationTest {

    @Test
    void perChannelValuesNormalizeTheirOwnChannelOnly() {
        FeatureNormalization n = FeatureNormalization.parse("1/2/3,2/4/8");
        INDArray nchw = Nd4j.ones(DataType.FLOAT, 2, 3, 2, 2).muli(5);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 2, 1);
        INDArray got = n.apply(new DataSet(nchw, labels), "--data").getFeatures();
        assertThat(got.getDouble(1, 0, 1, 1)).isEqualTo((5 - 1) / 2.0);
        assertThat(got.getDouble(0, 1, 0, 1)).isEqualTo((5 - 2) / 4.0);
        assertThat(got.getDouble(1, 2, 1, 0)).isEqualTo((5 - 3) / 8.0);
        assertThat(nchw.getDouble(0, 0, 0, 0)).as("the loaded data untouched").isEqualTo(5);

        INDArray nhwc = Nd4j.ones(DataType.FLOAT, 2, 4, 4, 3).muli(5);
        INDArray last = n.apply(new DataSet(nhwc, labels), "--data").getFeatures();
        assertThat(last.getDouble(1, 3, 2, 0)).isEqualTo(2.0);
        assertThat(last.getDouble(0, 0, 1, 2)).isEqualTo(0.25);

        INDArray flat = FeatureNormalization.parse("0.5,0.25").apply(new DataSet(Nd4j.ones(DataType.FLOAT, 3, 4),
                Nd4j.zeros(DataType.FLOAT, 3, 1)), "--data").getFeatures();
        assertThat(flat.getDouble(2, 3)).isEqualTo(2.0);
    }
}

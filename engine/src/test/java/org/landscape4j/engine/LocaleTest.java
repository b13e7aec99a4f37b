package org.landscape4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.dataset.DataSet;

/** Numbers in summaries and files do not depend on the default locale (issue 11, item 6). */
@ExtendWith(GermanLocale.class)
class LocaleTest {

    @Test
    void summariesPointsAndCsvUseADecimalPointInAGermanLocale() throws Exception {
        DataSet data = Fixtures.blobs(30, 1);
        MultiLayerNetwork net = Fixtures.mlp(data, 3);
        Landscape plane = Landscape.compile(Fixtures.spec(net, data, 2, 3, 1).withExecution(
                Execution.DEFAULT.withWorkers(1)));
        Surface s = plane.surface();
        Landscape line = Landscape.compile(Fixtures.spec(net, data, 1, 3, 1).withExecution(
                Execution.DEFAULT.withWorkers(1)));
        Profile p = line.profile();
        LandscapePoint point = line.points().blockFirst();
        StringWriter csv = new StringWriter();
        s.writeCsv(csv);

        assertThat(s.toString()).contains("at (0.000, 0.000)").doesNotContain("0,000");
        assertThat(s.toString()).containsPattern("min \\d+\\.\\d+");
        assertThat(p.toString()).containsPattern("min \\d+\\.\\d+").doesNotContainPattern("\\d,\\d");
        assertThat(point.toString()).containsPattern("loss=\\d+\\.\\d+").doesNotContainPattern("=\\d+,\\d");
        assertThat(csv.toString().lines().skip(1).findFirst().orElseThrow()).startsWith("-1.0,-1.0,");
    }
}

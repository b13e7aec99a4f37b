package org.landscape4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.jhdf.HdfFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Surface;

class SurfaceHdf5Test {

    @TempDir
    Path dir;

    @Test
    void surfaceFileHasTheReferenceLayoutAndRoundTrips() throws IOException {
        Surface s = TestSurfaces.surface();
        Path file = SurfaceHdf5.write(s, dir.resolve("surface.h5"));

        SurfaceHdf5.Contents c = SurfaceHdf5.read(file);
        assertThat(c.x()).containsExactly(-1, -0.5, 0, 0.5, 1);
        assertThat(c.y()).containsExactly(-0.5, 0, 0.5);
        assertThat(c.datasets()).containsOnlyKeys("train_loss", "train_acc", "test_loss", "test_acc");
        // sorted, not a hash order that changes between JVMs: what is drawn from a file keeps one order
        assertThat(c.datasets().keySet()).containsExactly("test_acc", "test_loss", "train_acc", "train_loss");
        assertThat(c.shape()).containsExactly(5, 3);               // [nx, ny]
        for (int iy = 0; iy < 3; iy++) {
            for (int ix = 0; ix < 5; ix++) {
                int k = iy * 5 + ix;                                 // the reference's flat index
                assertThat(c.datasets().get("train_loss")[k]).isEqualTo(s.value("train", "loss", ix, iy));
                assertThat(c.datasets().get("test_loss")[k]).isEqualTo(s.value("test", "loss", ix, iy));
                assertThat(c.datasets().get("train_acc")[k]).isEqualTo(100 * s.value("train", "accuracy", ix, iy));
            }
        }
    }

    @Test
    void datasetsAreFloat64WithTheReferenceShapes() throws IOException {
        Path file = SurfaceHdf5.write(TestSurfaces.surface(), dir.resolve("surface.h5"));
        try (HdfFile h5 = new HdfFile(file)) {
            assertThat(h5.getDatasetByPath("/xcoordinates").getDimensions()).containsExactly(5);
            assertThat(h5.getDatasetByPath("/ycoordinates").getDimensions()).containsExactly(3);
            assertThat(h5.getDatasetByPath("/train_loss").getJavaType()).isEqualTo(double.class);
            double[][] loss = (double[][]) h5.getDatasetByPath("/train_loss").getData();
            assertThat(loss).hasDimensions(5, 3);
            assertThat(loss[1][0]).isEqualTo(TestSurfaces.surface().flatValues("train", "loss")[3]);
            assertThat(h5.getAttribute("landscape4j_provenance").getData().toString()).contains("0123456789abcdef");
        }
    }

    @Test
    void unfinishedEntriesAreMinusOne() throws IOException {
        Axis x = Axis.linear(-1, 1, 2);
        Axis y = Axis.linear(-1, 1, 2);
        double[][] values = new double[TestSurfaces.KEYS.size()][4];
        for (double[] v : values) {
            java.util.Arrays.fill(v, Double.NaN);
            v[2] = 0.5;
        }
        Surface partial = Surface.of(x, y, TestSurfaces.KEYS, values, TestSurfaces.provenance(List.of(x, y)));
        SurfaceHdf5.Contents c = SurfaceHdf5.read(SurfaceHdf5.write(partial, dir.resolve("p.h5")));
        assertThat(c.datasets().get("train_loss")).containsExactly(-1, -1, 0.5, -1);
        assertThat(c.datasets().get("train_acc")).containsExactly(-1, -1, 50, -1);
    }

    @Test
    void profileFileHasNoYCoordinatesAndIsShapedNx() throws IOException {
        SurfaceHdf5.Contents c = SurfaceHdf5.read(SurfaceHdf5.write(TestSurfaces.profile(), dir.resolve("l.h5")));
        assertThat(c.y()).isNull();
        assertThat(c.shape()).containsExactly(4);
        assertThat(c.x()).containsExactly(0, 2 / 3.0, 4 / 3.0, 2);
        assertThat(c.datasets().get("test_loss")).containsExactly(2, 3, 4, 5);
        assertThat(c.datasets().get("test_acc")).containsExactly(0, 25, 50, 75);
    }

    @Test
    void readingAFileThatIsNotHdf5FailsWithTheFileName() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.h5"), "not hdf5 at all");
        assertThatThrownBy(() -> SurfaceHdf5.read(junk)).isInstanceOf(IOException.class).hasMessageContaining("junk.h5");
        assertThatThrownBy(() -> SurfaceHdf5.read(dir.resolve("missing.h5")))
                .isInstanceOf(IOException.class).hasMessageContaining("no such file");
    }
}

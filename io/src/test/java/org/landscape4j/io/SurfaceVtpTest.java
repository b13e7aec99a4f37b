package org.landscape4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Surface;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SurfaceVtpTest {

    @TempDir
    Path dir;

    private static Document parse(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

    private static double[] array(Document doc, String name) {
        NodeList arrays = doc.getElementsByTagName("DataArray");
        for (int i = 0; i < arrays.getLength(); i++) {
            Element e = (Element) arrays.item(i);
            if (name.equals(e.getAttribute("Name")) || (name.equals("Points")
                    && e.getParentNode().getNodeName().equals("Points"))) {
                return Arrays.stream(e.getTextContent().trim().split("\\s+")).mapToDouble(Double::parseDouble)
                        .toArray();
            }
        }
        throw new AssertionError("no DataArray " + name);
    }

    @Test
    void onePointPerGridPointAndOneQuadPerCell() throws Exception {
        Surface s = TestSurfaces.surface();
        Document doc = parse(SurfaceVtp.PLAIN.write(s, "train", "loss", dir.resolve("s.vtp")));
        Element piece = (Element) doc.getElementsByTagName("Piece").item(0);
        assertThat(piece.getAttribute("NumberOfPoints")).isEqualTo("15");
        assertThat(piece.getAttribute("NumberOfPolys")).isEqualTo("8");   // (5 - 1) * (3 - 1)
        double[] points = array(doc, "Points");
        // point 7 is (ix 2, iy 1): x 0, y 0, z = the value
        assertThat(points[7 * 3]).isEqualTo(0.0);
        assertThat(points[7 * 3 + 1]).isEqualTo(0.0);
        assertThat(points[7 * 3 + 2]).isEqualTo(s.value("train", "loss", 2, 1));
        assertThat(array(doc, "connectivity")).startsWith(0, 1, 6, 5);
        assertThat(array(doc, "offsets")).endsWith(32);
    }

    @Test
    void zIsClippedThenLogScaledLikeTheReference() throws Exception {
        SurfaceVtp vtp = new SurfaceVtp(true, 2.0);
        assertThat(vtp.z(1.0)).isEqualTo(Math.log(1.1));
        assertThat(vtp.z(50.0)).isEqualTo(Math.log(2.1));
        Surface s = TestSurfaces.surface();
        double[] z = array(parse(vtp.write(s, "test", "loss", dir.resolve("l.vtp"))), "z");
        assertThat(Arrays.stream(z).distinct().toArray()).containsExactly(Math.log(2.1));  // test losses are >= 20
    }

    @Test
    void cellsTouchingANonFiniteValueAreLeftOut() throws Exception {
        Axis x = Axis.linear(0, 1, 3);
        Axis y = Axis.linear(0, 1, 2);
        double[][] values = new double[TestSurfaces.KEYS.size()][6];
        for (double[] v : values) {
            Arrays.fill(v, 1.0);
            v[2] = Double.POSITIVE_INFINITY;
        }
        Surface s = Surface.of(x, y, TestSurfaces.KEYS, values, TestSurfaces.provenance(List.of(x, y)));
        Document doc = parse(SurfaceVtp.PLAIN.write(s, "train", "loss", dir.resolve("n.vtp")));
        assertThat(((Element) doc.getElementsByTagName("Piece").item(0)).getAttribute("NumberOfPolys")).isEqualTo("1");
        assertThat(array(doc, "connectivity")).containsExactly(0, 1, 4, 3);
    }

    @Test
    void infiniteClipIsRefusedByName() {
        assertThatThrownBy(() -> new SurfaceVtp(false, Double.POSITIVE_INFINITY))
                .hasMessage("zClip must be finite (<= 0 or NaN for none), was Infinity");
    }
}

package org.landscape4j.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.PaintScaleLegend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.MetricKeys;
import org.landscape4j.engine.Profile;
import org.landscape4j.engine.Provenance;

class ChartRenderingTest {

    /** A bowl with its minimum 0.1 at (0.4, -0.3), off-centre. */
    static Grid bowl(int n) {
        double[] xs = Axis.linear(-1, 1, n).values();
        double[][] z = new double[n][n];
        for (int iy = 0; iy < n; iy++) {
            for (int ix = 0; ix < n; ix++) {
                double dx = xs[ix] - 0.4;
                double dy = xs[iy] + 0.3;
                z[iy][ix] = dx * dx + dy * dy + 0.1;
            }
        }
        return Grid.of(xs, xs, z, "train/loss");
    }

    private static int[] pixelOf(JFreeChart chart, ChartRenderingInfo info, double x, double y) {
        XYPlot plot = chart.getXYPlot();
        Rectangle2D area = info.getPlotInfo().getDataArea();
        double px = plot.getDomainAxis().valueToJava2D(x, area, plot.getDomainAxisEdge());
        double py = plot.getRangeAxis().valueToJava2D(y, area, plot.getRangeAxisEdge());
        return new int[] {(int) Math.round(px), (int) Math.round(py)};
    }

    private static int lightPixels(BufferedImage img, Rectangle2D area) {
        int count = 0;
        for (int y = (int) area.getMinY() + 2; y < area.getMaxY() - 2; y++) {
            for (int x = (int) area.getMinX() + 2; x < area.getMaxX() - 2; x++) {
                Color c = new Color(img.getRGB(x, y));
                if (c.getRed() > 200 && c.getGreen() > 200 && c.getBlue() > 200) {
                    count++;
                }
            }
        }
        return count;
    }

    private static double distance(Color a, Color b) {
        return Math.abs(a.getRed() - b.getRed()) + Math.abs(a.getGreen() - b.getGreen())
                + Math.abs(a.getBlue() - b.getBlue());
    }

    @Test
    void curvatureRatioDrawsConvexCellsLowAndNegativeCurvatureHigh() {
        // 4 x 4: the two left columns convex (λmin = 0), the two right ones λmin = −λmax (ratio 1)
        int n = 4;
        double[] min = new double[n * n];
        double[] max = new double[n * n];
        for (int k = 0; k < n * n; k++) {
            max[k] = 2;
            min[k] = k % n < 2 ? 0 : -2;
        }
        org.landscape4j.engine.Surface surface = org.landscape4j.engine.Surface.of(Axis.linear(-1, 1, n),
                Axis.linear(-1, 1, n), new MetricKeys(List.of("train"), List.of("lambda_min", "lambda_max")),
                new double[][] {min, max}, null);

        SurfaceChart chart = SurfaceChart.curvatureRatio(surface, "train");
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage img = chart.chart().createBufferedImage(640, 520, info);

        assertThat(chart.chart().getTitle().getText())
                .isEqualTo("train |λmin/λmax| (negative curvature on 50.0% of the plane)");
        assertThat(chart.grid().snapshot()).containsExactly(0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1);
        int[] convex = pixelOf(chart.chart(), info, -0.95, 0.1);
        int[] negative = pixelOf(chart.chart(), info, 0.95, 0.1);
        assertThat(distance(new Color(img.getRGB(convex[0], convex[1])), ColourScale.lowColour())).isLessThan(40);
        assertThat(distance(new Color(img.getRGB(negative[0], negative[1])), ColourScale.highColour()))
                .isLessThan(40);
        assertThatThrownBy(() -> SurfaceChart.curvatureRatio(surface, "test"))
                .hasMessage("no evaluation set 'test'; sets: [train]");
    }

    @Test
    void heatmapDrawsTheMinimumInTheLowColourWhereItIsAndContoursAround() {
        SurfaceChart chart = new SurfaceChart(bowl(31), null, HeatmapStyle.DEFAULT);
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage img = chart.chart().createBufferedImage(640, 520, info);

        int[] min = pixelOf(chart.chart(), info, 0.4, -0.3);
        assertThat(distance(new Color(img.getRGB(min[0], min[1])), ColourScale.lowColour()))
                .as("colour %s at the minimum", new Color(img.getRGB(min[0], min[1]))).isLessThan(10);
        int[] corner = pixelOf(chart.chart(), info, -0.98, 0.98);
        assertThat(distance(new Color(img.getRGB(corner[0], corner[1])), ColourScale.highColour())).isLessThan(40);
        int[] centre = pixelOf(chart.chart(), info, 0, 0);
        assertThat(distance(new Color(img.getRGB(centre[0], centre[1])), ColourScale.lowColour())).isGreaterThan(30);

        int withContours = lightPixels(img, info.getPlotInfo().getDataArea());
        ChartRenderingInfo plainInfo = new ChartRenderingInfo();
        BufferedImage plain = new SurfaceChart(bowl(31), null, HeatmapStyle.DEFAULT.withLevels(0)).chart()
                .createBufferedImage(640, 520, plainInfo);
        assertThat(lightPixels(plain, plainInfo.getPlotInfo().getDataArea())).isLessThan(20);
        assertThat(withContours).isGreaterThan(500);
    }

    @Test
    void pngFileHoldsTheRenderedHeatmap(@TempDir Path dir) throws Exception {
        SurfaceChart chart = new SurfaceChart(bowl(21), "bowl", HeatmapStyle.DEFAULT);
        Path png = ChartFiles.png(chart.chart(), dir.resolve("out/heatmap.png"), 500, 400);

        BufferedImage read = ImageIO.read(png.toFile());
        assertThat(read.getWidth()).isEqualTo(500);
        assertThat(read.getHeight()).isEqualTo(400);
        long lowish = 0;
        for (int y = 0; y < 400; y++) {
            for (int x = 0; x < 500; x++) {
                if (distance(new Color(read.getRGB(x, y)), ColourScale.lowColour()) < 10) {
                    lowish++;
                }
            }
        }
        assertThat(lowish).isGreaterThan(50);
    }

    @Test
    void svgFileHasVectorContours(@TempDir Path dir) throws Exception {
        SurfaceChart chart = new SurfaceChart(bowl(21), "bowl", HeatmapStyle.DEFAULT);
        Path svg = ChartFiles.svg(chart.chart(), dir.resolve("heatmap.svg"), 500, 400);

        String text = Files.readString(svg);
        assertThat(text).startsWith("<?xml").contains("<svg").containsPattern("width=['\"]500(\\.0)?['\"]");
        assertThat(text.split("<line|<path", -1).length).isGreaterThan(100);
    }

    @Test
    void valuesAboveVmaxAndInfinitiesAreClippedAndTheLegendSaysSo() {
        Grid g = bowl(11);
        double[] xs = Axis.linear(-1, 1, 11).values();
        double[][] z = new double[11][11];
        for (int iy = 0; iy < 11; iy++) {
            for (int ix = 0; ix < 11; ix++) {
                z[iy][ix] = ix == 0 && iy == 0 ? Double.POSITIVE_INFINITY : xs[ix] * xs[ix] + xs[iy] * xs[iy];
            }
        }
        SurfaceChart chart = new SurfaceChart(Grid.of(xs, xs, z, "train/loss"), null,
                HeatmapStyle.DEFAULT.withRange(0, 1));

        assertThat(chart.clipped()).isGreaterThan(1);
        PaintScaleLegend legend = (PaintScaleLegend) chart.chart().getSubtitles().stream()
                .filter(t -> t instanceof PaintScaleLegend).findFirst().orElseThrow();
        assertThat(legend.getAxis().getLabel()).contains(chart.clipped() + " points clipped at >= 1");
        assertThat(chart.scale().colour(Double.POSITIVE_INFINITY)).isEqualTo(ColourScale.highColour());
        assertThat(g.count()).isEqualTo(121);
    }

    @Test
    void logLevelsAreEvenInLogScale() {
        ContourLevels levels = ContourLevels.logSpaced(0.01, 100, 5);

        assertThat(levels.values()).containsExactly(new double[] {0.01, 0.1, 1, 10, 100},
                org.assertj.core.data.Offset.offset(1e-9));
        assertThatThrownBy(() -> ContourLevels.logSpaced(0, 1, 3)).hasMessageContaining("min > 0, was 0.0");
        assertThatThrownBy(() -> ContourLevels.linear(0, 1, 0)).hasMessageContaining("must be >= 1, was 0");
    }

    @Test
    void onlyFinishedCellsAreContoured() {
        Grid g = bowl(5);
        double[] v = g.snapshot();
        List<Contours.Segment> all = Contours.trace(g, v, ContourLevels.linear(0.2, 2, 6));
        v[12] = Double.NaN; // the centre point is not computed yet: its four cells get no line
        List<Contours.Segment> partial = Contours.trace(g, v, ContourLevels.linear(0.2, 2, 6));

        assertThat(partial.size()).isLessThan(all.size());
        assertThat(partial).noneMatch(s -> Math.abs(s.x1()) < 0.49 && Math.abs(s.y1()) < 0.49
                && Math.abs(s.x2()) < 0.49 && Math.abs(s.y2()) < 0.49);
    }

    @Test
    void contourOfAConeIsACircleOfTheRightRadius() {
        double[] xs = Axis.linear(-1, 1, 41).values();
        double[][] z = new double[41][41];
        for (int iy = 0; iy < 41; iy++) {
            for (int ix = 0; ix < 41; ix++) {
                z[iy][ix] = Math.hypot(xs[ix], xs[iy]);
            }
        }
        Grid g = Grid.of(xs, xs, z, "cone");
        List<Contours.Segment> segs = Contours.trace(g, g.snapshot(), new ContourLevels(new double[] {0.5}));

        assertThat(segs).hasSizeGreaterThan(20);
        assertThat(segs).allSatisfy(s -> {
            assertThat(Math.hypot(s.x1(), s.y1())).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.01));
            assertThat(Math.hypot(s.x2(), s.y2())).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.01));
        });
    }

    @Test
    void overlaysAreDrawnInPlaneCoordinates() {
        SurfaceChart chart = new SurfaceChart(bowl(21), null, HeatmapStyle.DEFAULT.withLevels(0))
                .addPath("trajectory", new double[] {-0.8, 0.0, 0.4}, new double[] {0.8, 0.2, -0.3})
                .addPoint("A", -0.8, 0.8);
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage img = chart.chart().createBufferedImage(640, 520, info);

        int[] mid = pixelOf(chart.chart(), info, -0.4, 0.5);
        boolean red = false;
        for (int dy = -2; dy <= 2 && !red; dy++) {
            for (int dx = -2; dx <= 2; dx++) {
                Color c = new Color(img.getRGB(mid[0] + dx, mid[1] + dy));
                red |= c.getRed() > 200 && c.getGreen() < 80 && c.getBlue() < 80;
            }
        }
        assertThat(red).as("the path's red line passes through (-0.4, 0.5)").isTrue();
    }

    @Test
    void surface3DRendersTheBowlHeadless(@TempDir Path dir) throws Exception {
        Path png = ChartFiles.png(SurfaceChart3D.of(bowl(21), null, Double.NaN), dir.resolve("s.png"), 500, 400);
        BufferedImage img = ImageIO.read(png.toFile());

        java.util.Set<Integer> colours = new java.util.HashSet<>();
        long low = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                colours.add(img.getRGB(x, y));
                if (distance(new Color(img.getRGB(x, y)), ColourScale.lowColour()) < 60) {
                    low++;
                }
            }
        }
        assertThat(colours.size()).isGreaterThan(200);
        assertThat(low).isGreaterThan(20);
        assertThat(Files.readString(ChartFiles.svg(SurfaceChart3D.of(bowl(11), null, Double.NaN),
                dir.resolve("s.svg"), 400, 300))).contains("<svg");
    }

    @Test
    void oneLineChartFilesForJShellDrawTheSurfaceAndTheProfile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        int n = 21;
        double[] loss = new double[n * n];
        Axis axis = Axis.linear(-1, 1, n);
        for (int iy = 0; iy < n; iy++) {
            for (int ix = 0; ix < n; ix++) {
                loss[iy * n + ix] = 0.5 + axis.value(ix) * axis.value(ix) + 2 * axis.value(iy) * axis.value(iy);
            }
        }
        org.landscape4j.engine.Surface surface = org.landscape4j.engine.Surface.of(axis, axis,
                new MetricKeys(List.of("train"), List.of("loss")), new double[][] {loss}, null);
        BufferedImage heat = javax.imageio.ImageIO.read(
                ChartFiles.heatmap(surface, "train", "loss", dir.resolve("h/heatmap.png")).toFile());
        BufferedImage cube = javax.imageio.ImageIO.read(
                ChartFiles.surface3d(surface, "train", "loss", dir.resolve("3d.png")).toFile());
        assertThat(heat.getWidth()).isEqualTo(900);
        assertThat(heat.getHeight()).isEqualTo(720);
        assertThat(cube.getWidth()).isEqualTo(900);
        // the plot fills the frame: the middle of the picture is the surface, not the white background
        assertThat(new Color(cube.getRGB(450, 400))).isNotEqualTo(Color.WHITE);
        assertThat(new Color(heat.getRGB(450, 360))).isNotEqualTo(Color.WHITE);

        Axis line = Axis.linear(-1, 1, 5);
        Profile p = Profile.of(line, new MetricKeys(List.of("train"), List.of("loss")),
                new double[][] {{1, 0.5, 0.1, 0.5, 1}}, null);
        BufferedImage profile = javax.imageio.ImageIO.read(ChartFiles.profile(p, dir.resolve("p.png")).toFile());
        assertThat(profile.getWidth()).isEqualTo(900);
        assertThat(profile.getHeight()).isEqualTo(540);
    }

    @Test
    void profileChartHasLossAndAccuracyOnTwinAxesPerSet() {
        Axis axis = Axis.linear(-1, 1, 5);
        MetricKeys keys = new MetricKeys(List.of("train", "test"), List.of("loss", "accuracy"));
        double[][] values = {
            {1, 0.5, 0.1, 0.5, 1}, {0.5, 0.8, 0.95, 0.8, 0.5}, {1.1, 0.6, 0.2, 0.6, 1.1}, {0.4, 0.7, 0.9, 0.7, 0.4}
        };
        Profile p = Profile.of(axis, keys, values, new Provenance("test", 1, List.of(axis), "none", 0, "-",
                List.of("train", "test")));
        JFreeChart chart = ProfileChart.of(p, "profile", true);

        XYPlot plot = chart.getXYPlot();
        assertThat(plot.getDataset(0).getSeriesCount()).isEqualTo(2);
        assertThat(plot.getDataset(1).getSeriesCount()).isEqualTo(2);
        assertThat(plot.getRangeAxis(1).getLabel()).isEqualTo("accuracy");
        assertThat(plot.getDataset(1).getSeriesKey(1)).isEqualTo("test accuracy");
        BufferedImage img = ChartFiles.image(chart, 400, 300);
        assertThat(img.getWidth()).isEqualTo(400);
    }
}

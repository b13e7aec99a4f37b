package org.landscape4j.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.landscape4j.engine.curvature.Density;
import org.landscape4j.engine.curvature.Hessian;
import org.landscape4j.engine.curvature.Variables;

/** The eigenvalue density as PyHessian plots it: a log axis, a grid over the Ritz values, the density + 1e-7. */
class SpectralDensityChartTest {

    private static final Variables WEIGHTS = new Variables(Hessian.Parameters.WEIGHTS, null, 4, 4);
    /** Two probes: Ritz values -1 and 3 (weights 0.25, 0.75) and 0 and 3 (0.5, 0.5). */
    private static final Density DENSITY = new Density(new double[][] {{-1, 3}, {0, 3}},
            new double[][] {{0.25, 0.75}, {0.5, 0.5}}, WEIGHTS, "exact");

    @TempDir
    Path dir;

    @Test
    void theCurveIsTheBroadenedDensityOverTheRitzRangeOnALogAxisAndIntegratesToOne() {
        double sigma = SpectralDensityChart.defaultSigma(DENSITY);
        assertThat(sigma).isCloseTo(Math.sqrt(1e-5 * 4.02), within(1e-12));
        JFreeChart chart = SpectralDensityChart.of(DENSITY, "spectrum", 20_001, 0.05);
        assertThat(chart.getXYPlot().getRangeAxis()).isInstanceOf(LogAxis.class);
        XYDataset data = chart.getXYPlot().getDataset();
        int n = data.getItemCount(0);
        assertThat(data.getXValue(0, 0)).isCloseTo(-1.01, within(1e-12));
        assertThat(data.getXValue(0, n - 1)).isCloseTo(3.01, within(1e-12));
        double integral = 0;
        double peak = 0;
        double peakAt = Double.NaN;
        for (int i = 1; i < n; i++) {
            double dx = data.getXValue(0, i) - data.getXValue(0, i - 1);
            integral += dx * (data.getYValue(0, i) + data.getYValue(0, i - 1) - 2 * SpectralDensityChart.FLOOR) / 2;
            if (data.getYValue(0, i) > peak) {
                peak = data.getYValue(0, i);
                peakAt = data.getXValue(0, i);
            }
        }
        // the grid ends 0.01 = sigma/5 past the outer Ritz values, so the tails beyond are cut: about 0.42 of each
        // outer peak's mass (weights 0.125 at -1 and 0.625 at 3) lies outside
        assertThat(integral).isBetween(0.6, 1.0);
        assertThat(peakAt).isCloseTo(3, within(2e-4));
        assertThat(peak - SpectralDensityChart.FLOOR).as("the peak at 3: weight 0.625 over sqrt(2 pi) sigma")
                .isCloseTo(0.625 / (Math.sqrt(2 * Math.PI) * 0.05), within(1e-3));
    }

    @Test
    void writesAPngHeadlessAndRefusesAnEmptyDensityOrAGridOfOnePoint() throws Exception {
        Path png = ChartFiles.spectralDensity(DENSITY, dir.resolve("density.png"));
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(900);
        assertThatThrownBy(() -> SpectralDensityChart.of(new Density(new double[0][], new double[0][], WEIGHTS,
                "exact"), null, 100, 1)).hasMessage("the density has no probes");
        assertThatThrownBy(() -> SpectralDensityChart.of(DENSITY, null, 1, 1)).hasMessage("points must be >= 2, was 1");
    }
}

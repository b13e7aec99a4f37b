package org.landscape4j.charts;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.jfree.chart.JFreeChart;
import org.jfree.chart3d.Chart3D;
import org.jfree.svg.SVGGraphics2D;
import org.landscape4j.engine.Profile;
import org.landscape4j.engine.Surface;

/**
 * PNG and SVG files of charts, sized by the caller; works headless ({@code java.awt.headless=true}).
 */
public final class ChartFiles {

    private ChartFiles() {
    }

    /** Renders a chart to an image of {@code width x height} pixels. */
    public static BufferedImage image(JFreeChart chart, int width, int height) {
        checkSize(width, height);
        return chart.createBufferedImage(width, height);
    }

    /** Renders a 3D chart to an image of {@code width x height} pixels. */
    public static BufferedImage image(Chart3D chart, int width, int height) {
        checkSize(width, height);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g2 = img.createGraphics();
        try {
            g2.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g2.setPaint(java.awt.Color.WHITE);
            g2.fillRect(0, 0, width, height);
            fit(chart, width, height);
            chart.draw(g2, new Rectangle2D.Double(0, 0, width, height));
        } finally {
            g2.dispose();
        }
        return img;
    }

    /**
     * One line from JShell: the heatmap with labelled contours of one (set, metric) of a surface as a 900x720 PNG,
     * log-spaced levels and colours when every value is positive.
     *
     * <pre>{@code jshell> ChartFiles.heatmap(surface, "train", "loss", Path.of("heatmap.png"))}</pre>
     */
    public static Path heatmap(Surface surface, String set, String metric, Path file) throws IOException {
        Grid grid = Grid.of(surface, set, metric);
        double[] range = Grid.finiteRange(grid.snapshot());
        HeatmapStyle style = range != null && range[0] > 0 ? HeatmapStyle.DEFAULT.withLogScale() : HeatmapStyle.DEFAULT;
        return png(new SurfaceChart(grid, set + " " + metric, style).chart(), file, 900, 720);
    }

    /** One line from JShell: the 3D surface of one (set, metric) as a 900x720 PNG. */
    public static Path surface3d(Surface surface, String set, String metric, Path file) throws IOException {
        return png(SurfaceChart3D.of(Grid.of(surface, set, metric), set + " " + metric, Double.NaN), file, 900, 720);
    }

    /** One line from JShell: a 1D profile (every set, loss and accuracy) as a 900x540 PNG. */
    public static Path profile(Profile profile, Path file) throws IOException {
        return png(ProfileChart.of(profile, "profile", false), file, 900, 540);
    }

    /**
     * One line from JShell: the Hessian's eigenvalue density as PyHessian plots it (10,000 grid values, PyHessian's
     * broadening), as a 900x540 PNG.
     */
    public static Path spectralDensity(org.landscape4j.engine.curvature.Density density, Path file)
            throws IOException {
        return png(SpectralDensityChart.of(density, density.toString(), 10_000,
                SpectralDensityChart.defaultSigma(density)), file, 900, 540);
    }

    /** Writes a PNG; creates parent folders. */
    public static Path png(JFreeChart chart, Path file, int width, int height) throws IOException {
        return write(image(chart, width, height), file);
    }

    /** Writes a PNG of a 3D chart; creates parent folders. */
    public static Path png(Chart3D chart, Path file, int width, int height) throws IOException {
        return write(image(chart, width, height), file);
    }

    /** Writes an SVG; creates parent folders. */
    public static Path svg(JFreeChart chart, Path file, int width, int height) throws IOException {
        checkSize(width, height);
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        chart.draw(g2, new Rectangle2D.Double(0, 0, width, height));
        return writeText(g2.getSVGDocument(), file);
    }

    /** Writes an SVG of a 3D chart; creates parent folders. */
    public static Path svg(Chart3D chart, Path file, int width, int height) throws IOException {
        checkSize(width, height);
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        fit(chart, width, height);
        chart.draw(g2, new Rectangle2D.Double(0, 0, width, height));
        return writeText(g2.getSVGDocument(), file);
    }

    /**
     * Moves the 3D chart's view point to the distance at which the plot fills {@value #FILL_3D} of the frame (as
     * Orson Charts' own panel zooms to fit), leaving the rest to the title and axis labels.
     */
    private static void fit(Chart3D chart, int width, int height) {
        org.jfree.chart3d.graphics3d.ViewPoint3D vp = chart.getViewPoint();
        vp.setRho(vp.optimalDistance(new java.awt.Dimension((int) (width * FILL_3D), (int) (height * FILL_3D)),
                chart.getDimensions(), chart.getProjDistance()));
    }

    private static final double FILL_3D = 0.8;

    private static Path write(BufferedImage img, Path file) throws IOException {
        createParent(file);
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JVM");
        }
        return file;
    }

    private static Path writeText(String text, Path file) throws IOException {
        createParent(file);
        Files.writeString(file, text);
        return file;
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private static void checkSize(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, was " + width + "x" + height);
        }
    }
}

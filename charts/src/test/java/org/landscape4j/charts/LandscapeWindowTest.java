package org.landscape4j.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.awt.Color;
import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.imageio.ImageIO;
import javax.swing.SwingUtilities;

import org.junit.jupiter.api.Test;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.EvaluationSet;
import org.landscape4j.engine.Fixtures;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapeSpec;
import org.landscape4j.engine.Metric;
import org.landscape4j.engine.RandomDirections;
import org.nd4j.linalg.dataset.DataSet;

/** A real window on a display (CI runs the tests under Xvfb); skipped when there is no display. */
class LandscapeWindowTest {

    @Test
    void windowFillsInAndCancelStopsTheComputation() throws Exception {
        assumeFalse(GraphicsEnvironment.isHeadless(), "needs a display (run under xvfb-run)");
        DataSet data = Fixtures.blobs(60, 6);
        AtomicInteger evaluations = new AtomicInteger();
        Landscape landscape = Landscape.compile(new LandscapeSpec(Fixtures.mlp(data, 20),
                RandomDirections.FILTER_NORMALIZED, 1, List.of(Axis.linear(-1, 1, 101), Axis.linear(-1, 1, 101)),
                List.of(EvaluationSet.of("train", data)),
                List.of(Metric.loss(), Metric.of("count", (o, l) -> evaluations.incrementAndGet()))));

        LandscapeWindow window = LandscapeWindow.show(landscape, "train", "loss", HeatmapStyle.DEFAULT);
        try {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (window.live().chart().grid().count() < 1500 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(300); // let the coalesced repaint reach the screen
            Rectangle bounds = window.frame().getContentPane().getBounds();
            bounds.setLocation(window.frame().getContentPane().getLocationOnScreen());
            BufferedImage shot = new Robot().createScreenCapture(bounds);
            ImageIO.write(shot, "png", Path.of("target", "window-screenshot.png").toFile());
            long heat = 0;
            for (int y = 0; y < shot.getHeight(); y++) {
                for (int x = 0; x < shot.getWidth(); x++) {
                    Color c = new Color(shot.getRGB(x, y));
                    // viridis cells: blue dominates red in the low half, green dominates in the upper half
                    if (c.getBlue() > c.getRed() + 20 || (c.getGreen() > 150 && c.getBlue() < 120)) {
                        heat++;
                    }
                }
            }
            assertThat(heat).as("heatmap pixels on screen").isGreaterThan(5_000);

            SwingUtilities.invokeAndWait(() -> window.cancelButton().doClick());
            Thread.sleep(300);
            int afterCancel = evaluations.get();
            Thread.sleep(700);

            assertThat(window.state()).isEqualTo("cancelled");
            assertThat(evaluations.get()).as("no evaluation after cancel").isEqualTo(afterCancel);
            assertThat(afterCancel).isLessThan(101 * 101);
        } finally {
            window.close();
        }
    }

    @Test
    void cancelPressedBeforeTheComputationIsBoundMeansItNeverStarts() throws Exception {
        assumeFalse(GraphicsEnvironment.isHeadless(), "needs a display (run under xvfb-run)");
        DataSet data = Fixtures.blobs(30, 6);
        AtomicInteger evaluations = new AtomicInteger();
        Landscape landscape = Landscape.compile(new LandscapeSpec(Fixtures.mlp(data, 2),
                RandomDirections.FILTER_NORMALIZED, 1, List.of(Axis.linear(-1, 1, 5), Axis.linear(-1, 1, 5)),
                List.of(EvaluationSet.of("train", data)),
                List.of(Metric.loss(), Metric.of("count", (o, l) -> evaluations.incrementAndGet()))));

        LandscapeWindow window = LandscapeWindow.open(landscape, "train", "loss", HeatmapStyle.DEFAULT);
        try {
            SwingUtilities.invokeAndWait(() -> window.cancelButton().doClick());
            window.start(landscape);

            assertThat(window.state()).isEqualTo("cancelled");
            assertThat(evaluations).as("nothing was subscribed, nothing computed").hasValue(0);
        } finally {
            window.close();
        }
    }
}

package org.landscape4j.examples;

import static org.landscape4j.dsl.Landscapes.landscape;
import static org.landscape4j.engine.RandomDirections.FILTER_NORMALIZED;

import java.awt.Rectangle;
import java.awt.Robot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;
import javax.swing.SwingUtilities;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.charts.Explorer;
import org.landscape4j.charts.HeatmapStyle;
import org.landscape4j.engine.Landscape;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The walk-through of the Explorer in docs/api.md, as screenshots of a real run: the demo's MLP on FashionMNIST, its
 * 41x41 filter-normalized plane (overview), a zoom into the basin around the trained weights, and a Shift-click
 * there for the profiles along x, along y and from the centre. Needs a display (under {@code xvfb-run -a} on a
 * server). Writes {@code explorer-overview.png}, {@code explorer-basin.png}, {@code explorer-profile.png}.
 *
 * <pre>
 * ExplorerTour [--out DIR]     (default docs/explorer)
 * </pre>
 */
public final class ExplorerTour {

    private ExplorerTour() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length == 2 && args[0].equals("--out") ? args[1] : "docs/explorer");
        Files.createDirectories(out);
        ExampleData data = ExampleData.load(10_000, 1_000, false);
        DataSet train = ExampleData.head(data.train(), 1_000);
        MultiLayerNetwork net = Demo.trainMlp(data.train(), 2, 1);
        Landscape l = landscape(b -> b.model(net)
                .directions(FILTER_NORMALIZED, 2)
                .seed(1)
                .grid(-1, 1, 41)
                .evaluateOn("train", train)
                .evaluateOn("test", data.test()));
        System.out.println("MLP 784-64-10 on " + data.source() + "; " + l.evaluationPlan());

        Explorer e = Explorer.open(l, Explorer.Options.DEFAULT.withStyle(HeatmapStyle.DEFAULT.withLogScale()));
        try {
            SwingUtilities.invokeAndWait(() -> {
                e.frame().setSize(1240, 760);
                e.frame().setLocation(0, 0);
                e.frame().validate();
            });
            shot(e, out.resolve("explorer-overview.png"));
            e.zoom(-0.25, 0.25, -0.25, 0.25);
            shot(e, out.resolve("explorer-basin.png"));
            e.probe(0.12, -0.07, true);
            shot(e, out.resolve("explorer-profile.png"));
        } finally {
            e.close();
        }
    }

    /** Waits until the window shows everything computed, then captures it. */
    private static void shot(Explorer e, Path file) throws Exception {
        if (!e.awaitComputed(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("still computing after 5 minutes: " + e.status());
        }
        Thread.sleep(400);                                 // a redraw tick, then the repaint
        Rectangle[] r = new Rectangle[1];
        SwingUtilities.invokeAndWait(() -> r[0] = new Rectangle(e.frame().getContentPane().getLocationOnScreen(),
                e.frame().getContentPane().getSize()));
        write(new Robot().createScreenCapture(r[0]), file);
        System.out.printf(Locale.ROOT, "%s: %s%n", file, e.status());
    }

    private static void write(java.awt.image.BufferedImage img, Path file) throws IOException {
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
    }
}

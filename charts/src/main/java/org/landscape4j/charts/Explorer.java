package org.landscape4j.charts;

import java.awt.Color;
import java.awt.geom.Point2D;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JFrame;
import javax.swing.JPanel;
import javax.swing.SwingUtilities;

import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.MetricKeys;
import org.landscape4j.engine.Profile;
import org.landscape4j.engine.Surface;

/**
 * An interactive window that computes what you point at, on a plane's landscape:
 * <ul>
 * <li><b>zoom</b>: drag a rectangle on the heatmap; what was computing is cancelled and the region streams in at the
 *     same resolution, coarse to fine, so the whole picture appears at once and sharpens. Back and Forward return to
 *     earlier views at once (their values are kept, within a memory budget; a view left half computed computes its
 *     missing points when shown again). The view's ranges are printed exactly under the chart.</li>
 * <li><b>profiles</b>: click a point for the 1D profiles through it along x and along y (Shift-click: also the line
 *     from the centre through it), streamed into the side charts; the point is marked. Each equals, bit for bit,
 *     {@link Landscape#profile(org.landscape4j.engine.PlaneLine)} of the same line.</li>
 * <li><b>switch without recomputing</b>: evaluation set and metric (every metric of every point is kept), linear or
 *     log colour scale, colour range, contour levels.</li>
 * <li><b>read values</b>: the mouse shows the coordinates and every metric of the nearest computed point; the status
 *     line shows points done / total, points per second and the time left.</li>
 * <li><b>save</b> what is on screen: PNG, SVG, CSV, and whatever {@link Options#withSaver savers} are given (the
 *     {@code io} module's reference HDF5, which the command line wires: charts do not depend on io).</li>
 * </ul>
 * Everything is computed off the Swing thread; a new view cancels the previous computations and starts once their
 * workers have stopped ({@link Landscape#idle()}); closing the window cancels everything.
 *
 * <pre>{@code
 * Explorer e = Explorer.open(landscape);            // Java, Kotlin (Explorer.open(l)) or JShell
 * e.zoom(-0.2, 0.2, -0.1, 0.3);                     // as a dragged rectangle
 * e.probe(0.05, 0.1, true);                         // as a Shift-click
 * e.save(Path.of("basin.png"));
 * }</pre>
 * Needs a display ({@code GraphicsEnvironment.isHeadless()} false); headless programs use {@link ChartFiles}.
 *
 * <p>This class is the API; what computes is an {@link Exploration}, the window is an {@link ExplorerWindow} and saving
 * is {@link ViewFiles}.
 */
public final class Explorer implements AutoCloseable {

    /** Writes what is on screen, the current view as a surface (NaN where not computed), to a file. */
    @FunctionalInterface
    public interface Saver {
        /**
         * @param view the current view: every metric, NaN where a point is not computed yet
         * @param file where to write
         */
        void save(Surface view, Path file) throws IOException;
    }

    /**
     * How the Explorer starts.
     *
     * @param set          the evaluation set drawn first, or {@code null} for the landscape's first
     * @param metric       the metric drawn first, or {@code null} for {@code loss} (else the first)
     * @param style        levels, colour range and scales drawn first, not {@code null}
     * @param historyBytes memory the views' values may take (at least the current view is kept), {@code >= 0}
     * @param overview     the first view when it is computed already (not computed again), or {@code null}
     * @param savers       more formats for Save, by file extension (lower case, without the dot); PNG, SVG and CSV are
     *                     built in
     */
    public record Options(String set, String metric, HeatmapStyle style, long historyBytes, Surface overview,
                          Map<String, Saver> savers) {

        /** The default memory budget of the history: 256 MB (a 41x41 view of 4 metrics takes 54 kB). */
        public static final long DEFAULT_HISTORY_BYTES = 256L << 20;

        /** The first set's loss, {@link HeatmapStyle#DEFAULT}, the default history, no overview, no extra savers. */
        public static final Options DEFAULT = new Options(null, null, HeatmapStyle.DEFAULT, DEFAULT_HISTORY_BYTES,
                null, Map.of());

        public Options {
            if (style == null) {
                throw new IllegalArgumentException("style must not be null, e.g. HeatmapStyle.DEFAULT");
            }
            if (historyBytes < 0) {
                throw new IllegalArgumentException("historyBytes must be >= 0, was " + historyBytes);
            }
            savers = savers == null ? Map.of() : Map.copyOf(savers);
            for (String extension : savers.keySet()) {
                if (ViewFiles.BUILT_IN.contains(extension)) {
                    throw new IllegalArgumentException("saver extension '" + extension + "' is built in (png, svg,"
                            + " csv)");
                }
                if (!extension.matches("[a-z0-9]+")) {
                    throw new IllegalArgumentException("saver extension must be lower-case letters and digits"
                            + " without the dot, e.g. h5, was '" + extension + "'");
                }
            }
        }

        /** These options drawing {@code set}'s {@code metric} first. */
        public Options withView(String set, String metric) {
            return new Options(set, metric, style, historyBytes, overview, savers);
        }

        /** These options with another first style. */
        public Options withStyle(HeatmapStyle value) {
            return new Options(set, metric, value, historyBytes, overview, savers);
        }

        /** These options with another memory budget for the history, in bytes. */
        public Options withHistoryBytes(long bytes) {
            return new Options(set, metric, style, bytes, overview, savers);
        }

        /** These options starting from a computed surface of the landscape (e.g. read from a run's files). */
        public Options withOverview(Surface surface) {
            return new Options(set, metric, style, historyBytes, surface, savers);
        }

        /**
         * These options saving files ending in {@code .extension} with {@code saver}, e.g.
         * {@code withSaver("h5", SurfaceHdf5::write)} from the {@code io} module.
         */
        public Options withSaver(String extension, Saver saver) {
            if (saver == null) {
                throw new IllegalArgumentException("saver for ." + extension + " must not be null");
            }
            Map<String, Saver> more = new LinkedHashMap<>(savers);
            more.put(extension, saver);
            return new Options(set, metric, style, historyBytes, overview, more);
        }
    }

    /** The clicked point's colour: red, far from every viridis colour. */
    static final Color MARK = new Color(230, 0, 0);

    private final Exploration model;
    private final MetricKeys keys;
    private final ExplorerWindow window;
    private final ViewFiles files;

    private Explorer(Exploration model, Options options) {
        this.model = model;
        this.keys = model.keys();
        this.window = new ExplorerWindow(model, options.set(), options.metric(), options.style());
        this.files = new ViewFiles(model, options.savers(), window);
        window.onSave(files::choose);
    }

    /**
     * Opens the Explorer on {@code plane} and starts computing its region.
     *
     * @throws IllegalArgumentException when the landscape is not a plane
     * @throws java.awt.HeadlessException when there is no display
     */
    public static Explorer open(Landscape plane) {
        return open(plane, Options.DEFAULT);
    }

    /**
     * Opens the Explorer on {@code plane} with {@code options} and starts computing its region (unless the options
     * give it).
     *
     * @throws IllegalArgumentException naming what is wrong: not a plane, an unknown set or metric, an overview of
     *                                  another landscape
     * @throws java.awt.HeadlessException when there is no display
     */
    public static Explorer open(Landscape plane, Options options) {
        if (plane == null || options == null) {
            throw new IllegalArgumentException("the landscape and the options must not be null");
        }
        MetricKeys keys = plane.keys();
        if (options.set() != null && !keys.sets().contains(options.set())) {
            throw new IllegalArgumentException("unknown evaluation set '" + options.set() + "'; the landscape has "
                    + keys.sets());
        }
        if (options.metric() != null && !keys.metrics().contains(options.metric())) {
            throw new IllegalArgumentException("unknown metric '" + options.metric() + "'; the landscape has "
                    + keys.metrics());
        }
        Exploration model = new Exploration(plane, options.historyBytes(), options.overview());
        Explorer e = onSwing(() -> {
            Explorer x = new Explorer(model, options);
            x.window.show();
            return x;
        });
        model.start();
        return e;
    }

    // ---- requests, as the mouse and the buttons make them --------------------------------------------------------

    /** Shows and computes the region {@code [xmin, xmax] x [ymin, ymax]}, as a dragged rectangle does. */
    public void zoom(double xmin, double xmax, double ymin, double ymax) {
        model.zoom(xmin, xmax, ymin, ymax);
    }

    /** Shows the previous view, as the Back button does. */
    public void back() {
        model.back();
    }

    /** Shows the next view, as the Forward button does. */
    public void forward() {
        model.forward();
    }

    /** Streams the profiles through {@code (x, y)}, as a click does ({@code throughCentre}: a Shift-click). */
    public void probe(double x, double y, boolean throughCentre) {
        model.probe(x, y, throughCentre);
    }

    /** Cancels what is computing, as the Cancel button does; the window keeps what was computed. */
    public void cancel() {
        model.cancel();
    }

    /**
     * Draws {@code set}'s {@code metric}, as the combo boxes do; nothing is computed.
     *
     * @throws IllegalArgumentException naming the known ones when either is unknown
     */
    public void show(String set, String metric) {
        if (!keys.sets().contains(set) || !keys.metrics().contains(metric)) {
            throw new IllegalArgumentException("unknown set or metric " + set + "/" + metric + "; the landscape has sets "
                    + keys.sets() + " and metrics " + keys.metrics());
        }
        onSwing(() -> {
            window.select(set, metric);
            return null;
        });
    }

    /** Draws with {@code value} (levels, colour range and scale), as the tool bar does; nothing is computed. */
    public void style(HeatmapStyle value) {
        if (value == null) {
            throw new IllegalArgumentException("style must not be null");
        }
        onSwing(() -> {
            window.style(value);
            return null;
        });
    }

    /** The current view as a surface: every metric of every point, NaN where not computed yet. */
    public Surface view() {
        return model.surface();
    }

    /** The finished profiles through the current view's clicked point (along x, along y, from the centre). */
    public List<Profile> profiles() {
        Exploration.Probe p = model.current().probe();
        if (p == null) {
            return List.of();
        }
        return p.lines().stream().map(model::profile).filter(Objects::nonNull).toList();
    }

    /** The status line: the view's points done / total, points per second, time left; the profiles' progress. */
    public String status() {
        return model.status();
    }

    /**
     * Saves what is on screen, by the file's extension: {@code .png} and {@code .svg} the heatmap as drawn (at the
     * panel's size), {@code .csv} the view's values (every metric), others through {@link Options#savers()}.
     *
     * @return {@code file}
     * @throws IllegalArgumentException naming the known extensions when there is no saver for {@code file}'s
     */
    public Path save(Path file) throws IOException {
        return files.save(file);
    }

    /**
     * Waits at most {@code timeout} until nothing computes: the current view and its profiles are done, cancelled or
     * failed (for scripts: {@code e.zoom(...); e.awaitComputed(1, MINUTES); e.save(...)}).
     *
     * @return whether nothing computes any more
     */
    public boolean awaitComputed(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (model.computing()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** The window. */
    public JFrame frame() {
        return window.frame();
    }

    /** Closes the window, which cancels every computation. */
    @Override
    public void close() {
        onSwing(() -> {
            window.frame().dispose();
            return null;
        });
    }

    /** Waits until the window is closed (by the user or {@link #close()}). */
    public void awaitClosed() throws InterruptedException {
        window.awaitClosed();
    }

    /** Waits at most {@code timeout} until the window is closed; whether it was. */
    public boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
        return window.awaitClosed(timeout, unit);
    }

    /** Runs {@code r} on the Swing thread, waiting for it (at once when called there), and returns what it returns. */
    static <T> T onSwing(Supplier<T> r) {
        if (SwingUtilities.isEventDispatchThread()) {
            return r.get();
        }
        Object[] out = new Object[1];
        try {
            SwingUtilities.invokeAndWait(() -> out[0] = r.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Swing thread", e);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
        @SuppressWarnings("unchecked")
        T t = (T) out[0];
        return t;
    }

    // ---- for the tests -------------------------------------------------------------------------------------------

    Exploration model() {
        return model;
    }

    /** Whether the redraw ticker runs (Swing thread). */
    boolean ticking() {
        return window.ticking();
    }

    HeatmapPanel heatmap() {
        return window.heatmap();
    }

    SurfaceChart chart() {
        return window.chart();
    }

    JComboBox<String> setBox() {
        return window.tools().setBox;
    }

    JComboBox<String> metricBox() {
        return window.tools().metricBox;
    }

    JComboBox<String> scaleBox() {
        return window.tools().scaleBox;
    }

    JButton backButton() {
        return window.tools().back;
    }

    JPanel profilePanel() {
        return window.profilePanel();
    }

    /** What the hover and status lines say now. */
    String[] lines() {
        return window.lines();
    }

    /** The panel point of plane coordinates, for tests that click. */
    Point2D onHeatmap(double x, double y) {
        return window.heatmap().toPanel(x, y);
    }
}

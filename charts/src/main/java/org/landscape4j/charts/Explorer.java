package org.landscape4j.charts;

import java.awt.BasicStroke;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.GridLayout;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JFileChooser;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JSpinner;
import javax.swing.JSplitPane;
import javax.swing.JTextField;
import javax.swing.SpinnerNumberModel;
import javax.swing.SwingConstants;
import javax.swing.SwingUtilities;
import javax.swing.Timer;
import javax.swing.WindowConstants;
import javax.swing.filechooser.FileNameExtensionFilter;

import org.jfree.chart.ChartPanel;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.AbstractXYAnnotation;
import org.jfree.chart.annotations.XYAnnotation;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.MetricKeys;
import org.landscape4j.engine.Profile;
import org.landscape4j.engine.Surface;

import reactor.core.scheduler.Schedulers;

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
                if (BUILT_IN.contains(extension)) {
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

    private static final List<String> BUILT_IN = List.of("png", "svg", "csv");
    private static final int REDRAW_MILLIS = 33;
    /** The clicked point's colour: red, far from every viridis colour. */
    static final Color MARK = new Color(230, 0, 0);

    private final Exploration model;
    private final Options options;
    private final MetricKeys keys;
    private final JFrame frame;
    private final HeatmapPanel heatmap;
    private final JPanel profiles = new JPanel(new GridLayout(0, 1, 0, 4));
    private final JComboBox<String> setBox;
    private final JComboBox<String> metricBox;
    private final JComboBox<String> scaleBox = new JComboBox<>(new String[] {"linear", "log"});
    private final JTextField vminField = new JTextField(6);
    private final JTextField vmaxField = new JTextField(6);
    private final JSpinner levelsSpinner;
    private final JButton back = new JButton("\u25C0 Back");
    private final JButton forward = new JButton("Forward \u25B6");
    private final JButton cancel = new JButton("Cancel");
    private final JButton save = new JButton("Save\u2026");
    private final JLabel viewLabel = new JLabel(" ");
    private final JLabel hoverLabel = new JLabel(" ");
    private final JLabel statusLabel = new JLabel(" ");
    private final Timer ticker;
    /** Whether the ticker runs (or is about to); see {@link #tick()}. */
    private final AtomicBoolean ticking = new AtomicBoolean(true);
    private final CountDownLatch closed = new CountDownLatch(1);

    // what is drawn, on the Swing thread only
    private HeatmapStyle style;
    private SurfaceChart chart;
    private Grid grid;
    private Exploration.View shownView;
    private int shownKey = -1;
    private HeatmapStyle shownStyle;
    private Exploration.Probe shownProbe;
    private long shownVersion = -1;
    private final List<XYAnnotation> marks = new ArrayList<>();
    private final List<XYSeriesCollection> profileData = new ArrayList<>();
    private volatile String note;

    private Explorer(Exploration model, Options options) {
        this.model = model;
        this.options = options;
        this.keys = model.keys();
        this.style = options.style();
        this.setBox = new JComboBox<>(keys.sets().toArray(String[]::new));
        this.metricBox = new JComboBox<>(keys.metrics().toArray(String[]::new));
        setBox.setSelectedItem(options.set() != null ? options.set() : keys.sets().get(0));
        metricBox.setSelectedItem(options.metric() != null ? options.metric()
                : keys.metrics().contains("loss") ? "loss" : keys.metrics().get(0));
        levelsSpinner = new JSpinner(new SpinnerNumberModel(style.levels(), 0, 60, 1));
        showStyle(style);

        frame = new JFrame("Loss landscape explorer");
        frame.setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
        heatmap = new HeatmapPanel(new JFreeChart(new XYPlot()), new HeatmapPanel.Requests() {
            @Override
            public void region(double x0, double y0, double x1, double y1) {
                model.zoom(x0, x1, y0, y1);
                redraw(true);
            }

            @Override
            public void point(double x, double y, boolean throughCentre) {
                model.probe(x, y, throughCentre);
                redraw(true);
            }

            @Override
            public void hover(double[] xy) {
                hoverLabel.setText(xy == null ? " " : describe(xy[0], xy[1]));
            }
        });
        heatmap.setPreferredSize(new Dimension(720, 600));
        heatmap.setMinimumDrawWidth(100);          // drawn at the panel's own size, never scaled: pixels are the chart's
        heatmap.setMinimumDrawHeight(100);
        heatmap.setMaximumDrawWidth(10_000);
        heatmap.setMaximumDrawHeight(10_000);
        profiles.setPreferredSize(new Dimension(440, 600));
        JSplitPane split = new JSplitPane(JSplitPane.HORIZONTAL_SPLIT, heatmap, profiles);
        split.setResizeWeight(0.65);

        JPanel tools = new JPanel(new FlowLayout(FlowLayout.LEFT, 6, 2));
        tools.add(back);
        tools.add(forward);
        tools.add(new JLabel("set"));
        tools.add(setBox);
        tools.add(new JLabel("metric"));
        tools.add(metricBox);
        tools.add(new JLabel("colours"));
        tools.add(scaleBox);
        tools.add(new JLabel("vmin"));
        tools.add(vminField);
        tools.add(new JLabel("vmax"));
        tools.add(vmaxField);
        tools.add(new JLabel("levels"));
        tools.add(levelsSpinner);
        tools.add(cancel);
        tools.add(save);
        back.addActionListener(e -> {
            model.back();
            redraw(true);
        });
        forward.addActionListener(e -> {
            model.forward();
            redraw(true);
        });
        cancel.addActionListener(e -> model.cancel());
        save.addActionListener(e -> chooseFile());
        setBox.addActionListener(e -> redraw(true));
        metricBox.addActionListener(e -> redraw(true));
        scaleBox.addActionListener(e -> restyle());
        vminField.addActionListener(e -> restyle());
        vmaxField.addActionListener(e -> restyle());
        levelsSpinner.addChangeListener(e -> restyle());

        JPanel south = new JPanel(new GridLayout(3, 1));
        south.setBorder(BorderFactory.createEmptyBorder(2, 8, 4, 8));
        for (JLabel l : List.of(viewLabel, hoverLabel, statusLabel)) {
            l.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 12));
            south.add(l);
        }
        frame.getContentPane().add(tools, BorderLayout.NORTH);
        frame.getContentPane().add(split, BorderLayout.CENTER);
        frame.getContentPane().add(south, BorderLayout.SOUTH);
        frame.addWindowListener(new WindowAdapter() {
            @Override
            public void windowClosed(WindowEvent e) {
                model.onChange(null);
                ticker.stop();
                model.close();
                closed.countDown();
            }
        });
        // one poll of the model's version per tick, on the Swing thread: points arriving at any rate cost at most
        // ~30 redraws a second, and nothing queues up behind a slow chart. The ticker stops once nothing computes and
        // the screen shows the model's last version (an idle window posts no events), and a change restarts it.
        this.ticker = new Timer(REDRAW_MILLIS, e -> tick());
        model.onChange(() -> {
            if (ticking.compareAndSet(false, true)) {
                SwingUtilities.invokeLater(ticker::start);
            }
        });
        redraw(true);
        frame.pack();
        frame.setLocationByPlatform(true);
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
            x.frame.setVisible(true);
            x.ticker.start();
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
            setBox.setSelectedItem(set);
            metricBox.setSelectedItem(metric);
            return null;
        });
    }

    /** Draws with {@code value} (levels, colour range and scale), as the tool bar does; nothing is computed. */
    public void style(HeatmapStyle value) {
        if (value == null) {
            throw new IllegalArgumentException("style must not be null");
        }
        onSwing(() -> {
            showStyle(value);
            style = value;
            redraw(true);
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
        return p.lines().stream().map(model::profile).filter(java.util.Objects::nonNull).toList();
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
        String name = file.getFileName().toString();
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
        Saver saver = options.savers().get(ext);
        if (!BUILT_IN.contains(ext) && saver == null) {
            List<String> known = new ArrayList<>(BUILT_IN);
            known.addAll(options.savers().keySet());
            throw new IllegalArgumentException("no saver for '" + name + "'; the Explorer saves " + known);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        switch (ext) {
            case "png", "svg" -> {
                try {
                    onSwing(() -> {
                        int w = heatmap.getWidth() > 0 ? heatmap.getWidth() : 900;
                        int h = heatmap.getHeight() > 0 ? heatmap.getHeight() : 720;
                        try {
                            return ext.equals("png") ? ChartFiles.png(chart.chart(), file, w, h)
                                    : ChartFiles.svg(chart.chart(), file, w, h);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
            }
            case "csv" -> {
                try (Writer w = Files.newBufferedWriter(file)) {
                    model.surface().writeCsv(w);
                }
            }
            default -> saver.save(model.surface(), file);
        }
        return file;
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
        return frame;
    }

    /** Closes the window, which cancels every computation. */
    @Override
    public void close() {
        onSwing(() -> {
            frame.dispose();
            return null;
        });
    }

    /** Waits until the window is closed (by the user or {@link #close()}). */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /** Waits at most {@code timeout} until the window is closed; whether it was. */
    public boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
        return closed.await(timeout, unit);
    }

    // ---- for the tests -------------------------------------------------------------------------------------------

    Exploration model() {
        return model;
    }

    /** Whether the redraw ticker runs (Swing thread). */
    boolean ticking() {
        return ticker.isRunning();
    }

    HeatmapPanel heatmap() {
        return heatmap;
    }

    SurfaceChart chart() {
        return chart;
    }

    JComboBox<String> setBox() {
        return setBox;
    }

    JComboBox<String> metricBox() {
        return metricBox;
    }

    JComboBox<String> scaleBox() {
        return scaleBox;
    }

    JButton backButton() {
        return back;
    }

    JPanel profilePanel() {
        return profiles;
    }

    /** What the hover and status lines say now. */
    String[] lines() {
        return new String[] {viewLabel.getText(), hoverLabel.getText(), statusLabel.getText()};
    }

    // ---- drawing, on the Swing thread ----------------------------------------------------------------------------

    /** Redraws what changed since the last time; {@code force} also when the model did not change. */
    /** One tick of the ticker: redraws what changed, and stops the ticker when nothing is left to draw. */
    private void tick() {
        redraw(false);
        if (model.computing() || model.version() != shownVersion) {
            return;
        }
        ticker.stop();
        ticking.set(false);
        // a change between the check above and here saw the ticker running and did not restart it
        if (model.version() != shownVersion && ticking.compareAndSet(false, true)) {
            ticker.start();
        }
    }

    private void redraw(boolean force) {
        long version = model.version();
        Exploration.View view = model.current();
        String set = (String) setBox.getSelectedItem();
        String metric = (String) metricBox.getSelectedItem();
        int key = keys.indexOf(set, metric);
        boolean rebuild = view != shownView || key != shownKey || !style.equals(shownStyle);
        if (!rebuild && !force && version == shownVersion) {
            return;
        }
        shownVersion = version;
        boolean[] computed = new boolean[view.total()];
        double[] z = view.picture(key, computed);
        if (rebuild) {
            grid = new Grid(view.x, view.y, key, set + "/" + metric);
            grid.fill(z, computed);
            chart = new SurfaceChart(grid, set + " " + metric, style);
            heatmap.setChart(chart.chart());
            shownView = view;
            shownKey = key;
            shownStyle = style;
            shownProbe = null;
            marks.clear();
        } else {
            grid.fill(z, computed);
            chart.refresh();
        }
        Exploration.Probe probe = view.probe();
        if (probe != shownProbe || rebuild) {
            mark(view, probe);
            buildProfiles(probe, set, metric);
            shownProbe = probe;
        }
        updateProfiles(probe, key);
        viewLabel.setText(String.format(Locale.ROOT, "x %s .. %s (%d), y %s .. %s (%d)", view.x.min(), view.x.max(),
                view.x.points(), view.y.min(), view.y.max(), view.y.points()));
        String s = model.status();
        statusLabel.setText(note == null ? s : s + "; " + note);
        back.setEnabled(model.canGoBack());
        forward.setEnabled(model.canGoForward());
        Exploration.State state = view.state();
        cancel.setEnabled(state == Exploration.State.RUNNING || state == Exploration.State.WAITING
                || (probe != null && probe.lines().stream().anyMatch(l -> l.state() == Exploration.State.RUNNING)));
    }

    /** Marks the clicked point and draws its lines on the heatmap. */
    private void mark(Exploration.View view, Exploration.Probe probe) {
        XYPlot plot = chart.chart().getXYPlot();
        marks.forEach(a -> plot.removeAnnotation(a, false));
        marks.clear();
        if (probe == null) {
            plot.getChart().fireChartChanged();
            return;
        }
        BasicStroke dashed = new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {5f, 4f}, 0f);
        for (Exploration.Line l : probe.lines()) {
            double[] a = l.line.at(l.line.t().min());
            double[] b = l.line.at(l.line.t().max());
            marks.add(new XYLineAnnotation(a[0], a[1], b[0], b[1], dashed, Color.WHITE));
        }
        marks.add(new PointMarker(probe.x(), probe.y()));
        marks.forEach(a -> plot.addAnnotation(a, false));
        plot.getChart().fireChartChanged();
    }

    private void buildProfiles(Exploration.Probe probe, String set, String metric) {
        profiles.removeAll();
        profileData.clear();
        if (probe == null) {
            JLabel hint = new JLabel("<html>Click the heatmap for the profiles through a point "
                    + "(Shift-click: also from the centre).<br>Drag a rectangle to zoom.</html>", SwingConstants.CENTER);
            profiles.add(hint);
        } else {
            for (Exploration.Line l : probe.lines()) {
                XYSeriesCollection data = new XYSeriesCollection();
                profileData.add(data);
                String axis = switch (l.name) {
                    case "along x" -> String.format(Locale.ROOT, "direction 1 (at y = %.4g)", probe.y());
                    case "along y" -> String.format(Locale.ROOT, "direction 2 (at x = %.4g)", probe.x());
                    default -> "t: 0 the centre, 1 the clicked point";
                };
                NumberAxis t = new LocaleFreeAxis(axis);
                t.setAutoRangeIncludesZero(false);
                NumberAxis v = new LocaleFreeAxis(metric);
                v.setAutoRangeIncludesZero(false);
                XYLineAndShapeRenderer r = ProfileChart.renderer(keys.sets().size(), true, false);
                XYPlot plot = new XYPlot(data, t, v, r);
                plot.setBackgroundPaint(Color.WHITE);
                plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
                plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
                ValueMarker at = new ValueMarker(l.at, MARK, new BasicStroke(2.5f));
                at.setAlpha(1f);
                plot.addDomainMarker(at);
                JFreeChart c = new JFreeChart("profile " + l.name, new Font(Font.SANS_SERIF, Font.BOLD, 13), plot,
                        true);
                c.setBackgroundPaint(Color.WHITE);
                ChartPanel panel = new ChartPanel(c, false, false, false, false, false);
                panel.setPopupMenu(null);
                panel.setMouseZoomable(false);
                profiles.add(panel);
            }
        }
        profiles.revalidate();
        profiles.repaint();
    }

    private void updateProfiles(Exploration.Probe probe, int key) {
        if (probe == null) {
            return;
        }
        String metric = keys.metrics().get(key % keys.metrics().size());
        for (int i = 0; i < probe.lines().size(); i++) {
            Exploration.Line l = probe.lines().get(i);
            XYSeriesCollection data = profileData.get(i);
            data.removeAllSeries();
            double[] t = l.line.t().values();
            for (String set : keys.sets()) {
                XYSeries s = new XYSeries(set + " " + metric, true, false);
                int k = keys.indexOf(set, metric);
                for (int j = 0; j < t.length; j++) {
                    double value = l.values.value(k, j);
                    if (l.values.isDone(j)) {
                        s.add(t[j], Double.isFinite(value) ? value : Double.NaN);
                    }
                }
                data.addSeries(s);
            }
        }
    }

    /** The coordinates under the mouse and every value of the nearest computed point. */
    private String describe(double x, double y) {
        Exploration.View v = model.current();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "(%.4g, %.4g)", x, y));
        int i = v.nearest(x, y);
        PointValues values = v.values();
        if (i < 0 || values == null) {
            return s.append(": nothing computed yet").toString();
        }
        double[] c = v.coordinates(i);
        s.append(String.format(Locale.ROOT, " nearest computed point (%.4g, %.4g):", c[0], c[1]));
        for (int k = 0; k < keys.size(); k++) {
            s.append(String.format(Locale.ROOT, " %s %.6g", keys.label(k), values.value(k, i)));
        }
        return s.toString();
    }

    private void restyle() {
        try {
            boolean log = "log".equals(scaleBox.getSelectedItem());
            double vmin = parse(vminField.getText(), "vmin");
            double vmax = parse(vmaxField.getText(), "vmax");
            style = new HeatmapStyle((Integer) levelsSpinner.getValue(), log, vmin, vmax, log, style.labelLevels());
            note = null;
            vminField.setBackground(Color.WHITE);
            vmaxField.setBackground(Color.WHITE);
        } catch (IllegalArgumentException e) {
            note = e.getMessage();
            vminField.setBackground(new Color(255, 220, 220));
            vmaxField.setBackground(new Color(255, 220, 220));
        }
        redraw(true);
    }

    private static double parse(String text, String name) {
        String t = text.trim();
        if (t.isEmpty()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number or empty (automatic), was '" + t + "'");
        }
    }

    /** The tool bar shows {@code s}. */
    private void showStyle(HeatmapStyle s) {
        scaleBox.setSelectedItem(s.logColour() ? "log" : "linear");
        vminField.setText(Double.isNaN(s.vmin()) ? "" : Double.toString(s.vmin()));
        vmaxField.setText(Double.isNaN(s.vmax()) ? "" : Double.toString(s.vmax()));
        levelsSpinner.setValue(s.levels());
    }

    private void chooseFile() {
        JFileChooser chooser = new JFileChooser();
        chooser.setDialogTitle("Save the view");
        chooser.addChoosableFileFilter(new FileNameExtensionFilter("PNG image", "png"));
        chooser.addChoosableFileFilter(new FileNameExtensionFilter("SVG image", "svg"));
        chooser.addChoosableFileFilter(new FileNameExtensionFilter("CSV values", "csv"));
        options.savers().keySet().forEach(ext -> chooser.addChoosableFileFilter(
                new FileNameExtensionFilter(ext.toUpperCase(Locale.ROOT) + " file", ext)));
        if (chooser.showSaveDialog(frame) != JFileChooser.APPROVE_OPTION) {
            return;
        }
        Path file = chooser.getSelectedFile().toPath();
        if (!file.getFileName().toString().contains(".")
                && chooser.getFileFilter() instanceof FileNameExtensionFilter f) {
            file = file.resolveSibling(file.getFileName() + "." + f.getExtensions()[0]);
        }
        Path target = file;
        // off the Swing thread: the images hop back to it to be drawn, the values are written here
        Schedulers.boundedElastic().schedule(() -> {
            try {
                save(target);
                note = "saved " + target;
            } catch (IOException | RuntimeException e) {
                note = "could not save " + target + ": " + e.getMessage();
            }
            SwingUtilities.invokeLater(() -> redraw(true));
        });
    }

    /** The clicked point: a red ring with a cross, a fixed size in pixels. */
    private static final class PointMarker extends AbstractXYAnnotation {
        private final double x;
        private final double y;

        PointMarker(double x, double y) {
            this.x = x;
            this.y = y;
        }

        @Override
        public void draw(Graphics2D g2, XYPlot plot, Rectangle2D dataArea, ValueAxis domainAxis, ValueAxis rangeAxis,
                         int rendererIndex, PlotRenderingInfo info) {
            double px = domainAxis.valueToJava2D(x, dataArea, plot.getDomainAxisEdge());
            double py = rangeAxis.valueToJava2D(y, dataArea, plot.getRangeAxisEdge());
            g2.setPaint(MARK);
            g2.setStroke(new BasicStroke(2.5f));
            g2.draw(new Ellipse2D.Double(px - 7, py - 7, 14, 14));
            g2.draw(new Line2D.Double(px - 11, py, px + 11, py));
            g2.draw(new Line2D.Double(px, py - 11, px, py + 11));
        }
    }

    private static <T> T onSwing(Supplier<T> r) {
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

    /** The panel point of plane coordinates, for tests that click. */
    Point2D onHeatmap(double x, double y) {
        return heatmap.toPanel(x, y);
    }
}

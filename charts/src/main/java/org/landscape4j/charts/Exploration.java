package org.landscape4j.charts;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.MetricKeys;
import org.landscape4j.engine.PlaneLine;
import org.landscape4j.engine.Profile;
import org.landscape4j.engine.Provenance;
import org.landscape4j.engine.Spacing;
import org.landscape4j.engine.Surface;

import reactor.core.publisher.Mono;

/**
 * What the {@link Explorer} window shows and computes, without any Swing: the history of views (regions of the plane,
 * each with every metric of its points), the clicked point's profiles, and the two computations behind them.
 *
 * <p>Requests: {@link #zoom}, {@link #back}, {@link #forward} (a view) and {@link #probe} (the profiles through a
 * point). A new view cancels the computing view and the profiles; a new probe cancels the previous probe only, so a
 * click while a region fills in does not lose the region (the two share the workers until the profiles are done).
 * Every computation starts only once the workers of the ones it cancelled have stopped ({@link Landscape#idle()}),
 * so two of them never hold evaluators at once unless both were asked for. Views keep their values: Back and Forward
 * show them at once; a view left half computed computes only its missing points when it is shown again; when the
 * history outgrows its memory budget, the views farthest from the current one drop their values and are computed
 * again if shown.
 *
 * <p>Thread-safe. Changes (a point arrived, a request, a run ended) increment {@link #version()}; the window polls it
 * and redraws at most ~30 times a second.
 *
 * <p>This class takes the requests and answers what is shown; the views in order and their memory are a
 * {@link ViewHistory}, the streams and the landscapes they run on are {@link Computations}, the status line is written
 * by {@link StatusLine}.
 */
final class Exploration {

    /** Where a view's or a line's computation is. */
    enum State {
        /** Asked for; waiting for the cancelled computations' workers to stop. */
        WAITING,
        RUNNING,
        DONE,
        CANCELLED,
        FAILED,
        /** Its values were dropped from the history's memory; computed again when shown. */
        DROPPED
    }

    /** One region of the plane at the overview's resolution, and every value of its points. */
    static final class View {
        final Axis x;
        final Axis y;
        final Landscape landscape;
        private final ViewLattice lattice;
        private volatile PointValues values;
        private volatile State state = State.WAITING;
        private volatile String failure;
        private volatile long started;
        private volatile long ended;
        private volatile int countAtStart;
        private volatile Probe probe;

        View(Axis x, Axis y, Landscape landscape, PointValues values) {
            this.x = x;
            this.y = y;
            this.landscape = landscape;
            this.lattice = new ViewLattice(x, y);
            this.values = values;
        }

        /** The values so far; {@code null} while dropped. */
        PointValues values() {
            return values;
        }

        State state() {
            return state;
        }

        /** The clicked point of this view and its profiles, or {@code null}. */
        Probe probe() {
            return probe;
        }

        int total() {
            return lattice.total();
        }

        /** Values {@code key} to draw, the missing points previewed: {@link ViewLattice#picture}. */
        double[] picture(int key, boolean[] computed) {
            return lattice.picture(values, key, computed);
        }

        /** The index of the computed point nearest {@code (px, py)}, or -1: {@link ViewLattice#nearest}. */
        int nearest(double px, double py) {
            return lattice.nearest(values, px, py);
        }

        /** The coordinates of point {@code index}. */
        double[] coordinates(int index) {
            return lattice.coordinates(index);
        }

        // ---- how its computation went, for the status line and the computations ---------------------------------

        /** Why it failed, or {@code null}. */
        String failure() {
            return failure;
        }

        /** When its last computation started ({@link System#nanoTime()}), 0 if never (the view was given). */
        long started() {
            return started;
        }

        /** When its last computation ended ({@link System#nanoTime()}). */
        long ended() {
            return ended;
        }

        /** The points it had when its last computation started. */
        int countAtStart() {
            return countAtStart;
        }

        /** The memory its values take, 0 while dropped. */
        long bytes() {
            PointValues v = values;
            return v == null ? 0 : v.bytes();
        }

        /** The values to fill in: those kept, or new ones (NaN everywhere) when they were dropped. */
        PointValues store(MetricKeys keys) {
            if (values == null) {
                values = new PointValues(keys, total());
            }
            return values;
        }

        /** Asked for: waiting for the cancelled computations' workers to stop. */
        void waiting() {
            state = State.WAITING;
        }

        /** Its workers started (unless it was cancelled meanwhile): the clock and the count of the rate start. */
        void running() {
            if (state != State.WAITING) {
                return;                        // cancelled while its predecessors' workers stopped
            }
            PointValues v = values;
            countAtStart = v == null ? 0 : v.count();
            started = System.nanoTime();
            state = State.RUNNING;
        }

        /** Its computation ended {@code how} ({@code why}: a failure's message, else {@code null}). */
        void ended(State how, String why) {
            ended = System.nanoTime();
            failure = why;
            state = how;
        }

        /** Forgets its values and its probe, to keep the history within its memory budget. */
        void drop() {
            values = null;
            probe = null;
            ended(State.DROPPED, null);
        }
    }

    /** A clicked point and the lines through it. */
    record Probe(double x, double y, boolean throughCentre, List<Line> lines) {
    }

    /**
     * One line of a probe: the plane's points along it, and where on it the clicked point is ({@code at}: x for the
     * line along x, y for the line along y, t = 1 for the line from the centre).
     */
    static final class Line {
        final String name;
        final PlaneLine line;
        final double at;
        final PointValues values;
        private volatile State state = State.WAITING;

        Line(String name, PlaneLine line, double at, MetricKeys keys) {
            this.name = name;
            this.line = line;
            this.at = at;
            this.values = new PointValues(keys, line.t().points());
        }

        State state() {
            return state;
        }

        void state(State value) {
            state = value;
        }
    }

    private final MetricKeys keys;
    private final Provenance provenance;
    private final Computations runs;
    private final ViewHistory history;
    private final AtomicLong version = new AtomicLong();
    private volatile Runnable listener;
    private volatile boolean closed;

    /**
     * @param plane        the landscape to explore, a plane; its region is the first view
     * @param historyBytes the memory the views' values may take before the farthest drop theirs
     * @param overview     the first view's values when already computed (not computed again), or {@code null}
     * @throws IllegalArgumentException when {@code plane} is not a plane or {@code overview} is not of it
     */
    Exploration(Landscape plane, long historyBytes, Surface overview) {
        if (plane.spec().dimensions() != 2) {
            throw new IllegalArgumentException("the Explorer needs a plane (2 directions), the landscape has "
                    + plane.spec().dimensions());
        }
        if (historyBytes < 0) {
            throw new IllegalArgumentException("the history's memory must be >= 0 bytes, was " + historyBytes);
        }
        this.runs = new Computations(plane, this::changed);
        this.keys = plane.keys();
        this.provenance = plane.provenance();
        Axis x = plane.spec().axes().get(0);
        Axis y = plane.spec().axes().get(1);
        PointValues given = null;
        if (overview != null) {
            if (!overview.x().equals(x) || !overview.y().equals(y) || !overview.keys().equals(keys)) {
                throw new IllegalArgumentException("the overview (" + overview.x() + " x " + overview.y() + ", "
                        + overview.keys() + ") is not a surface of this landscape (" + x + " x " + y + ", " + keys
                        + ")");
            }
            double[][] v = new double[keys.size()][];
            for (int k = 0; k < v.length; k++) {
                v[k] = overview.flatValues(keys.sets().get(k / keys.metrics().size()),
                        keys.metrics().get(k % keys.metrics().size()));
            }
            given = PointValues.of(keys, v);
        }
        View first = new View(x, y, runs.plane(), given != null ? given
                : new PointValues(keys, x.points() * y.points()));
        if (given != null) {
            first.ended(State.DONE, null);
        }
        this.history = new ViewHistory(first, historyBytes);
    }

    /** Starts computing the first view, unless it was given. */
    synchronized void start() {
        View v = history.first();
        if (v.state == State.WAITING) {
            runs.compute(v);
        }
    }

    /** The names of every point's values. */
    MetricKeys keys() {
        return keys;
    }

    /** The view on screen. */
    synchronized View current() {
        return history.current();
    }

    /** Its place in the history, 1-based, and the history's length. */
    synchronized int[] position() {
        return new int[] {history.position(), history.size()};
    }

    synchronized boolean canGoBack() {
        return history.canGoBack();
    }

    synchronized boolean canGoForward() {
        return history.canGoForward();
    }

    /** Whether the current view or its profiles are waiting or computing. */
    synchronized boolean computing() {
        View v = current();
        Probe p = v.probe;
        return v.state == State.WAITING || v.state == State.RUNNING || (p != null && p.lines().stream()
                .anyMatch(l -> l.state == State.WAITING || l.state == State.RUNNING));
    }

    /** Increments on every change of what is shown. */
    long version() {
        return version.get();
    }

    /** Points received from every computation so far (surfaces and profiles). */
    long received() {
        return runs.received();
    }

    /** The landscape the profiles are computed on (its {@code idle()} counts the profile streams). */
    Landscape lineLandscape() {
        return runs.lines();
    }

    /**
     * Shows and computes the region {@code x} by {@code y}: a new view after the current one (views after it are
     * forgotten, as a browser does). Cancels what was computing.
     */
    synchronized void zoom(Axis x, Axis y) {
        checkOpen();
        View v = new View(x, y, runs.region(x, y), new PointValues(keys, x.points() * y.points()));
        history.add(v);
        runs.cancelProfiles();
        runs.compute(v);
        changed();
    }

    /**
     * The region from {@code x0} to {@code x1} by {@code y0} to {@code y1} (a rectangle's corners, in either order) at
     * the current view's resolution and spacing.
     */
    synchronized void zoom(double x0, double x1, double y0, double y1) {
        View v = current();
        zoom(new Axis(Math.min(x0, x1), Math.max(x0, x1), v.x.points(), v.x.spacing()),
                new Axis(Math.min(y0, y1), Math.max(y0, y1), v.y.points(), v.y.spacing()));
    }

    /** Shows the previous view, if any. */
    synchronized void back() {
        if (canGoBack()) {
            go(-1);
        }
    }

    /** Shows the next view, if any. */
    synchronized void forward() {
        if (canGoForward()) {
            go(1);
        }
    }

    private void go(int step) {
        checkOpen();
        View v = history.go(step);
        runs.cancelProfiles();
        if (v.state == State.DONE) {
            runs.cancelSurface();
        } else {
            runs.compute(v);
        }
        changed();
    }

    /**
     * Streams the profiles through {@code (x, y)} of the current view: along x (the view's x coordinates, at y) and
     * along y, and with {@code throughCentre} the line from the centre through the point, across the view
     * ({@code max(nx, ny)} points). Cancels the previous probe's profiles.
     */
    synchronized void probe(double x, double y, boolean throughCentre) {
        checkOpen();
        View v = current();
        List<Line> ls = new ArrayList<>();
        ls.add(new Line("along x", PlaneLine.alongX(y, v.x), x, keys));
        ls.add(new Line("along y", PlaneLine.alongY(x, v.y), y, keys));
        double[] t = throughCentre ? centreLineRange(v, x, y) : null;
        if (t != null) {
            ls.add(new Line("from the centre", PlaneLine.throughCentre(x, y,
                    new Axis(t[0], t[1], Math.max(v.x.points(), v.y.points()), Spacing.LINEAR)), 1.0, keys));
        }
        Probe p = new Probe(x, y, throughCentre, List.copyOf(ls));
        v.probe = p;
        runs.profiles(p);
        changed();
    }

    /**
     * The range of t for which {@code t·(x, y)} stays in the view (widened to hold the point), or {@code null} when
     * the point is the centre.
     */
    static double[] centreLineRange(View v, double x, double y) {
        if (x == 0 && y == 0) {
            return null;
        }
        double lo = Double.NEGATIVE_INFINITY;
        double hi = Double.POSITIVE_INFINITY;
        double[][] box = {{Math.min(v.x.min(), x), Math.max(v.x.max(), x)}, {Math.min(v.y.min(), y),
                Math.max(v.y.max(), y)}};
        double[] p = {x, y};
        for (int a = 0; a < 2; a++) {
            if (p[a] == 0) {
                continue;                      // the line stays at 0 on this axis, inside the box (it holds the point)
            }
            double t0 = box[a][0] / p[a];
            double t1 = box[a][1] / p[a];
            lo = Math.max(lo, Math.min(t0, t1));
            hi = Math.min(hi, Math.max(t0, t1));
        }
        return lo < hi ? new double[] {lo, hi} : null;
    }

    /** Cancels every computation (the window's Cancel button); views keep what they have. */
    synchronized void cancel() {
        runs.cancelSurface();
        runs.cancelProfiles();
        changed();
    }

    /** Cancels everything for good (the window closed). */
    synchronized void close() {
        closed = true;
        cancel();
    }

    /** Completes when every computation this exploration started has stopped its workers. */
    Mono<Void> idle() {
        List<Mono<Void>> all = new ArrayList<>();
        all.add(runs.lines().idle());
        synchronized (this) {
            history.landscapes().forEach(l -> all.add(l.idle()));
        }
        return Mono.when(all);
    }

    /** The current view as a surface: every metric, NaN where a point is not computed. */
    synchronized Surface surface() {
        View v = current();
        PointValues values = v.values;
        double[][] all = values != null ? values.all() : new PointValues(keys, v.total()).all();
        return Surface.of(v.x, v.y, keys, all, provenance.withAxes(List.of(v.x, v.y)));
    }

    /** A finished line of a probe as a profile; {@code null} while it is computed. */
    Profile profile(Line l) {
        if (l.state != State.DONE) {
            return null;
        }
        return Profile.of(l.line.t(), keys, l.values.all(), provenance.along(l.line));
    }

    /** One line saying where the current view's computation and the probe's profiles are. */
    synchronized String status() {
        return StatusLine.of(current(), history.position(), history.size());
    }

    /**
     * Calls {@code l} after every change, on the thread that made it (a worker, the Swing thread): it must be cheap and
     * must not block; {@code null} removes it.
     */
    void onChange(Runnable l) {
        listener = l;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the Explorer is closed");
        }
    }

    private void changed() {
        version.incrementAndGet();
        Runnable l = listener;
        if (l != null) {
            l.run();
        }
    }
}

package org.landscape4j.charts;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapePoint;
import org.landscape4j.engine.MetricKeys;
import org.landscape4j.engine.Order;
import org.landscape4j.engine.PlaneLine;
import org.landscape4j.engine.Profile;
import org.landscape4j.engine.Provenance;
import org.landscape4j.engine.Spacing;
import org.landscape4j.engine.Surface;

import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
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
        private final double[] xs;
        private final double[] ys;
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
            this.xs = x.values();
            this.ys = y.values();
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
            return xs.length * ys.length;
        }

        /**
         * Values {@code key} to draw: the computed points ({@code computed[i]} set), and each point not computed yet
         * previewed by the nearest point of the coarse-to-fine order's coarser lattices (every 8th, 4th, 2nd point),
         * so the picture appears at once and sharpens (NaN where there is none yet).
         */
        double[] picture(int key, boolean[] computed) {
            PointValues v = values;
            double[] z = new double[total()];
            java.util.Arrays.fill(z, Double.NaN);
            java.util.Arrays.fill(computed, false);
            if (v == null) {
                return z;
            }
            double[] row = v.row(key);
            BitSet done = v.done();
            int nx = xs.length;
            int ny = ys.length;
            for (int i = 0; i < z.length; i++) {
                computed[i] = done.get(i);
                if (computed[i]) {
                    z[i] = row[i];
                    continue;
                }
                for (int s = 8; s >= 2; s /= 2) {
                    int j = lattice(i / nx, s, ny) * nx + lattice(i % nx, s, nx);
                    if (done.get(j)) {
                        z[i] = row[j];
                        break;
                    }
                }
            }
            return z;
        }

        /** The multiple of {@code stride} nearest {@code i}, within {@code [0, n)}. */
        private static int lattice(int i, int stride, int n) {
            int a = (int) Math.round(i / (double) stride) * stride;
            return a >= n ? a - stride : a;
        }

        /** The index of the computed point nearest {@code (px, py)} (distances relative to the view's size), or -1. */
        int nearest(double px, double py) {
            PointValues v = values;
            if (v == null) {
                return -1;
            }
            int i = closest(ys, py) * xs.length + closest(xs, px);
            if (v.isDone(i)) {
                return i;
            }
            BitSet done = v.done();
            double wx = x.max() - x.min();
            double wy = y.max() - y.min();
            int best = -1;
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int j = done.nextSetBit(0); j >= 0; j = done.nextSetBit(j + 1)) {
                double dx = (xs[j % xs.length] - px) / wx;
                double dy = (ys[j / xs.length] - py) / wy;
                double d = dx * dx + dy * dy;
                if (d < bestDistance) {
                    bestDistance = d;
                    best = j;
                }
            }
            return best;
        }

        private static int closest(double[] coords, double v) {
            int best = 0;
            for (int i = 1; i < coords.length; i++) {
                if (Math.abs(coords[i] - v) < Math.abs(coords[best] - v)) {
                    best = i;
                }
            }
            return best;
        }

        /** The coordinates of point {@code index}. */
        double[] coordinates(int index) {
            return new double[] {xs[index % xs.length], ys[index / xs.length]};
        }

        private void running() {
            if (state != State.WAITING) {
                return;                        // cancelled while its predecessors' workers stopped
            }
            PointValues v = values;
            countAtStart = v == null ? 0 : v.count();
            started = System.nanoTime();
            state = State.RUNNING;
        }

        private void ended(State how, String why) {
            ended = System.nanoTime();
            failure = why;
            state = how;
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
    }

    private final Landscape base;
    private final Landscape lines;
    private final MetricKeys keys;
    private final Provenance provenance;
    private final long historyBytes;
    private final List<View> history = new ArrayList<>();
    private int current;
    private View computing;
    private Disposable surfaceRun = Disposables.disposed();
    private Probe probing;
    private Disposable profileRun = Disposables.disposed();
    /** Landscapes whose cancelled streams may still have workers finishing a point. */
    private final Set<Landscape> mayBeBusy = ConcurrentHashMap.newKeySet();
    private final AtomicLong version = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
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
        // own derived landscapes: coarse-to-fine, and idle() counting this exploration's streams only
        this.base = plane.withOrder(Order.COARSE_TO_FINE);
        this.lines = base.withAxes(plane.spec().axes().toArray(Axis[]::new));
        this.keys = plane.keys();
        this.provenance = plane.provenance();
        this.historyBytes = historyBytes;
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
        View first = new View(x, y, base, given != null ? given : new PointValues(keys, x.points() * y.points()));
        if (given != null) {
            first.ended(State.DONE, null);
        }
        history.add(first);
    }

    /** Starts computing the first view, unless it was given. */
    synchronized void start() {
        View v = history.get(0);
        if (v.state == State.WAITING) {
            compute(v);
        }
    }

    /** The names of every point's values. */
    MetricKeys keys() {
        return keys;
    }

    /** The view on screen. */
    synchronized View current() {
        return history.get(current);
    }

    /** Its place in the history, 1-based, and the history's length. */
    synchronized int[] position() {
        return new int[] {current + 1, history.size()};
    }

    synchronized boolean canGoBack() {
        return current > 0;
    }

    synchronized boolean canGoForward() {
        return current < history.size() - 1;
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
        return received.get();
    }

    /** The landscape the profiles are computed on (its {@code idle()} counts the profile streams). */
    Landscape lineLandscape() {
        return lines;
    }

    /**
     * Shows and computes the region {@code x} by {@code y}: a new view after the current one (views after it are
     * forgotten, as a browser does). Cancels what was computing.
     */
    synchronized void zoom(Axis x, Axis y) {
        checkOpen();
        View v = new View(x, y, base.withAxes(x, y), new PointValues(keys, x.points() * y.points()));
        while (history.size() > current + 1) {
            history.remove(history.size() - 1);
        }
        history.add(v);
        current = history.size() - 1;
        drop();
        cancelProfiles();
        compute(v);
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
            go(current - 1);
        }
    }

    /** Shows the next view, if any. */
    synchronized void forward() {
        if (canGoForward()) {
            go(current + 1);
        }
    }

    private void go(int to) {
        checkOpen();
        current = to;
        View v = history.get(to);
        cancelProfiles();
        if (v.state == State.DONE) {
            cancelSurface();
        } else {
            compute(v);
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
        cancelProfiles();
        probing = p;
        Mono<Void> quiet = quiet(false);
        Flux<LandscapePoint> all = Flux.concat(ls.stream().map(l -> lines.points(l.line)
                .doOnSubscribe(s -> {
                    l.state = State.RUNNING;
                    changed();
                })
                .doOnNext(pt -> {
                    l.values.put(pt);
                    received.incrementAndGet();
                    changed();
                })
                .doOnComplete(() -> l.state = State.DONE)).toList());
        mayBeBusy.add(lines);
        profileRun = quiet.thenMany(all).subscribe(null, e -> {
            ls.forEach(l -> {
                if (l.state != State.DONE) {
                    l.state = State.FAILED;
                }
            });
            changed();
        }, this::changed);
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
        cancelSurface();
        cancelProfiles();
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
        all.add(lines.idle());
        synchronized (this) {
            history.forEach(v -> all.add(v.landscape.idle()));
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
        View v = current();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "view %d of %d: ", current + 1,
                history.size()));
        PointValues values = v.values;
        int done = values == null ? 0 : values.count();
        int total = v.total();
        double seconds = ((v.state == State.RUNNING ? System.nanoTime() : v.ended) - v.started) / 1e9;
        double rate = (done - v.countAtStart) / Math.max(seconds, 1e-9);
        switch (v.state) {
            case WAITING -> s.append(String.format(Locale.ROOT, "%d/%d points, waiting for the workers", done,
                    total));
            case RUNNING -> s.append(String.format(Locale.ROOT, "%d/%d points, %.0f points/s, %s left", done, total,
                    rate, done > v.countAtStart ? String.format(Locale.ROOT, "~%.1f s", (total - done) / rate)
                            : "? s"));
            case DONE -> s.append(v.started == 0 ? String.format(Locale.ROOT, "%d/%d points (given)", done, total)
                    : String.format(Locale.ROOT, "%d/%d points in %.1f s (%.0f points/s)", done, total, seconds,
                    rate));
            case CANCELLED -> s.append(String.format(Locale.ROOT, "cancelled at %d/%d points", done, total));
            case FAILED -> s.append("failed: ").append(v.failure);
            case DROPPED -> s.append("dropped from memory");
            default -> throw new IllegalStateException(v.state.name());
        }
        Probe p = v.probe;
        if (p != null) {
            int lineDone = p.lines().stream().mapToInt(l -> l.values.count()).sum();
            int lineTotal = p.lines().stream().mapToInt(l -> l.values.total()).sum();
            boolean cancelled = p.lines().stream().anyMatch(l -> l.state == State.CANCELLED);
            s.append(String.format(Locale.ROOT, "; profiles %d/%d points%s", lineDone, lineTotal,
                    cancelled ? " (cancelled)" : ""));
        }
        return s.toString();
    }

    // ---- computations -------------------------------------------------------------------------------------------

    private void compute(View v) {
        cancelSurface();
        if (v.values == null) {
            v.values = new PointValues(keys, v.total());
        }
        PointValues store = v.values;
        BitSet done = store.done();
        Flux<LandscapePoint> points = done.isEmpty() ? v.landscape.points() : v.landscape.points(done);
        v.state = State.WAITING;
        computing = v;
        Mono<Void> quiet = quiet(true);
        mayBeBusy.add(v.landscape);
        surfaceRun = quiet.thenMany(Flux.defer(() -> {
            v.running();
            changed();
            return points;
        })).subscribe(p -> {
            store.put(p);
            received.incrementAndGet();
            changed();
        }, e -> {
            v.ended(State.FAILED, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            changed();
        }, () -> {
            v.ended(State.DONE, null);
            changed();
        });
    }

    /**
     * Completes when the workers of the cancelled computations have stopped: of every one ({@code all}, for a view),
     * or of the profiles only (for a probe, which leaves the view computing). Landscapes already idle are forgotten.
     */
    private Mono<Void> quiet(boolean all) {
        mayBeBusy.removeIf(l -> l.idle().toFuture().isDone());
        Set<Landscape> busy = all ? Set.copyOf(mayBeBusy) : Set.of(lines);
        return Mono.when(busy.stream().map(Landscape::idle).toList());
    }

    private void cancelSurface() {
        surfaceRun.dispose();
        View v = computing;
        if (v != null && (v.state == State.RUNNING || v.state == State.WAITING)) {
            v.ended(State.CANCELLED, null);
        }
        computing = null;
    }

    private void cancelProfiles() {
        profileRun.dispose();
        Probe p = probing;
        if (p != null) {
            p.lines().forEach(l -> {
                if (l.state == State.RUNNING || l.state == State.WAITING) {
                    l.state = State.CANCELLED;
                }
            });
        }
        probing = null;
    }

    /** Drops the values of the views farthest from the current one while the history is over its budget. */
    private void drop() {
        long used = history.stream().filter(v -> v.values != null).mapToLong(v -> v.values.bytes()).sum();
        List<Integer> farthest = IntStream.range(0, history.size()).boxed()
                .sorted(Comparator.comparingInt((Integer i) -> Math.abs(i - current)).reversed()).toList();
        for (int i : farthest) {
            View v = history.get(i);
            if (used <= historyBytes || i == current) {
                break;
            }
            if (v.values != null) {
                used -= v.values.bytes();
                v.values = null;
                v.probe = null;
                v.ended(State.DROPPED, null);
            }
        }
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

    private volatile Runnable listener;

    /**
     * Calls {@code l} after every change, on the thread that made it (a worker, the Swing thread): it must be cheap and
     * must not block; {@code null} removes it.
     */
    void onChange(Runnable l) {
        listener = l;
    }
}

package org.landscape4j.charts;

import java.util.BitSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.landscape4j.charts.Exploration.Line;
import org.landscape4j.charts.Exploration.Probe;
import org.landscape4j.charts.Exploration.State;
import org.landscape4j.charts.Exploration.View;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapePoint;
import org.landscape4j.engine.MetricKeys;
import org.landscape4j.engine.Order;

import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@link Exploration}'s two computations and the landscapes they run on: a view's missing points, coarse to fine,
 * on the plane narrowed to the view's region, and a probe's profiles, on a landscape of their own. Each is derived from
 * the plane here, so that its {@link Landscape#idle()} counts this exploration's streams only. A computation starts only
 * once the workers of the computations it cancelled have stopped: of every one for a view, of the profiles only for a
 * probe (which leaves the view computing).
 *
 * <p>Not thread-safe: the Exploration calls it under its own lock. The streams write into the views and lines, count
 * every point received and call {@code changed} on the workers' threads.
 */
final class Computations {

    private final Landscape base;
    private final Landscape lines;
    private final MetricKeys keys;
    private final Runnable changed;
    private final AtomicLong received = new AtomicLong();
    /** Landscapes whose cancelled streams may still have workers finishing a point. */
    private final Set<Landscape> mayBeBusy = ConcurrentHashMap.newKeySet();
    private View computing;
    private Disposable surfaceRun = Disposables.disposed();
    private Probe probing;
    private Disposable profileRun = Disposables.disposed();

    /**
     * @param plane   the landscape explored, a plane
     * @param changed called after every change a computation makes (a point arrived, a run started or ended)
     */
    Computations(Landscape plane, Runnable changed) {
        this.base = plane.withOrder(Order.COARSE_TO_FINE);
        this.lines = base.withAxes(plane.spec().axes().toArray(Axis[]::new));
        this.keys = plane.keys();
        this.changed = changed;
    }

    /** The plane's own region, computed coarse to fine: the first view's landscape. */
    Landscape plane() {
        return base;
    }

    /** The region {@code x} by {@code y} of the plane, computed coarse to fine: a zoomed view's landscape. */
    Landscape region(Axis x, Axis y) {
        return base.withAxes(x, y);
    }

    /** The landscape the profiles are computed on. */
    Landscape lines() {
        return lines;
    }

    /** Points received from every computation so far (surfaces and profiles). */
    long received() {
        return received.get();
    }

    /** Cancels the computing view, and computes {@code v}'s missing points once every cancelled worker stopped. */
    void compute(View v) {
        cancelSurface();
        PointValues store = v.store(keys);
        BitSet done = store.done();
        Flux<LandscapePoint> points = done.isEmpty() ? v.landscape.points() : v.landscape.points(done);
        v.waiting();
        computing = v;
        Mono<Void> quiet = quiet(true);
        mayBeBusy.add(v.landscape);
        surfaceRun = quiet.thenMany(Flux.defer(() -> {
            v.running();
            changed.run();
            return points;
        })).subscribe(p -> {
            store.put(p);
            received.incrementAndGet();
            changed.run();
        }, e -> {
            v.ended(State.FAILED, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            changed.run();
        }, () -> {
            v.ended(State.DONE, null);
            changed.run();
        });
    }

    /** Cancels the previous probe's profiles, and streams {@code p}'s lines one after the other once its workers stopped. */
    void profiles(Probe p) {
        cancelProfiles();
        probing = p;
        Mono<Void> quiet = quiet(false);
        Flux<LandscapePoint> all = Flux.concat(p.lines().stream().map(l -> lines.points(l.line)
                .doOnSubscribe(s -> {
                    l.state(State.RUNNING);
                    changed.run();
                })
                .doOnNext(pt -> {
                    l.values.put(pt);
                    received.incrementAndGet();
                    changed.run();
                })
                .doOnComplete(() -> l.state(State.DONE))).toList());
        mayBeBusy.add(lines);
        profileRun = quiet.thenMany(all).subscribe(null, e -> {
            p.lines().forEach(l -> {
                if (l.state() != State.DONE) {
                    l.state(State.FAILED);
                }
            });
            changed.run();
        }, changed);
    }

    /** Cancels the computing view; it keeps what it has. */
    void cancelSurface() {
        surfaceRun.dispose();
        View v = computing;
        if (v != null && (v.state() == State.RUNNING || v.state() == State.WAITING)) {
            v.ended(State.CANCELLED, null);
        }
        computing = null;
    }

    /** Cancels the probe's profiles; its lines keep what they have. */
    void cancelProfiles() {
        profileRun.dispose();
        Probe p = probing;
        if (p != null) {
            p.lines().forEach(l -> {
                if (l.state() == State.RUNNING || l.state() == State.WAITING) {
                    l.state(State.CANCELLED);
                }
            });
        }
        probing = null;
    }

    /**
     * Completes when the workers of the cancelled computations have stopped: of every one ({@code all}, for a view),
     * or of the profiles only (for a probe). Landscapes already idle are forgotten.
     */
    private Mono<Void> quiet(boolean all) {
        mayBeBusy.removeIf(l -> l.idle().toFuture().isDone());
        Set<Landscape> busy = all ? Set.copyOf(mayBeBusy) : Set.of(lines);
        return Mono.when(busy.stream().map(Landscape::idle).toList());
    }
}

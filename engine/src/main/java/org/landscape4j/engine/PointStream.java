package org.landscape4j.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The Flux of a landscape's points, in one of three ways: one worker computing strictly on demand, {@code n} workers
 * computing up to {@code n} points ahead, or a {@link PointExecutor} (e.g. Spark) computing wherever it runs. Every
 * subscription starts a fresh {@link LandscapeRun}, so the Flux is cold; work is never done on the subscriber's
 * thread, and cancelling stops it after the points in progress.
 */
final class PointStream {

    private final Supplier<LandscapeRun> runs;
    private final Supplier<PortableRun> portable;
    private final Execution execution;
    private final int total;
    private final EvaluatorUse use;

    /**
     * @param runs      a fresh run per subscription
     * @param portable  the run in the form an executor ships to other JVMs (made only when the execution has one)
     * @param execution workers or executor, order
     * @param total     the number of grid points
     * @param use       counts the evaluators this stream's runs hold open (see {@link Landscape#idle()})
     */
    PointStream(Supplier<LandscapeRun> runs, Supplier<PortableRun> portable, Execution execution, int total,
                EvaluatorUse use) {
        this.runs = runs;
        this.portable = portable;
        this.execution = execution;
        this.total = total;
        this.use = use;
    }

    /**
     * The points whose grid index is not marked in {@code done} ({@code null}: none is done), streamed with sequence
     * numbers from {@code first}.
     */
    Flux<LandscapePoint> points(boolean[] done, int first) {
        int remaining = total - first;
        if (remaining == 0) {
            return Flux.empty();
        }
        if (execution.executor() != null) {
            // Serializing the run for the executor is work too: never on the subscriber's thread.
            return Flux.defer(() -> received(runs.get(), done, first, execution.executor()))
                    .subscribeOn(Schedulers.boundedElastic());
        }
        int workers = Math.min(execution.effectiveWorkers(), remaining);
        if (workers <= 1) {
            return Flux.<LandscapePoint, OnDemand>generate(() -> new OnDemand(runs.get(), done, first, use),
                            OnDemand::next, OnDemand::close)
                    .subscribeOn(Schedulers.boundedElastic());
        }
        return Flux.defer(() -> {
            LandscapeRun run = runs.get();
            int[] todo = todo(run, done);
            Workers pool = new Workers(run, workers, use);
            return Flux.range(0, todo.length)
                    .flatMapSequential(k -> Mono.fromCallable(() -> pool.point(todo[k], first + k))
                            .subscribeOn(pool.threads), workers, 1)
                    .doFinally(signal -> pool.close());
        });
    }

    /** The positions of {@code run}'s visiting order whose grid index is not marked in {@code done}. */
    private static int[] todo(LandscapeRun run, boolean[] done) {
        return IntStream.range(0, run.total()).filter(n -> done == null || !done[run.indexAt(n)]).toArray();
    }

    /**
     * The points not marked in {@code done}, computed by {@code executor} from the run's portable form and streamed
     * as they arrive, with sequence numbers from {@code first}. An executor's answer for a position that was not
     * asked, or asked and answered already, fails the stream rather than reach a result or a checkpoint twice.
     */
    private Flux<LandscapePoint> received(LandscapeRun run, boolean[] done, int first, PointExecutor executor) {
        int[] todo = todo(run, done);
        boolean[] pending = new boolean[run.total()];
        for (int n : todo) {
            pending[n] = true;
        }
        int[] streamed = {first};
        return executor.compute(portable.get(), todo).map(c -> {
            if (c.position() < 0 || c.position() >= pending.length || !pending[c.position()]) {
                throw new IllegalStateException(executor + " returned position " + c.position()
                        + " of the visiting order, which was not asked or was returned before");
            }
            pending[c.position()] = false;
            return run.received(c.position(), streamed[0]++, c.values());
        });
    }

    /**
     * The threads and evaluators of one subscription with {@code n} workers. The evaluators (each a network copy and
     * its native buffers) are owned here, not by a thread-local: each pool thread uses its own (made on its first
     * point, so its buffers stay in that core's cache), marked busy while a point runs. {@link #close} (the stream's
     * end: completion, error or cancel) closes the idle ones at once and leaves the busy ones to their task, which
     * closes its evaluator when its point is done; so no native buffer is released while a worker may still read it,
     * and none waits for the garbage collector.
     *
     * <p>Before, a {@code ThreadLocal} held them and nothing closed them: their native memory waited for the garbage
     * collector. The JVM crashes under cancel and GC had another cause, ND4J's broadcast op, fenced by
     * {@code internal.BroadcastFence}.
     */
    private static final class Workers {
        final Scheduler threads;
        private final LandscapeRun run;
        /** Each pool thread's own evaluator: a thread runs one point at a time, so its buffers stay in its cache. */
        private final Map<Thread, PointEvaluator> own = new HashMap<>();
        private final Set<PointEvaluator> busy = new HashSet<>();
        private final EvaluatorUse use;
        private boolean closed;

        Workers(LandscapeRun run, int workers, EvaluatorUse use) {
            this.run = run;
            this.use = use;
            this.threads = Schedulers.newParallel("landscape4j-worker", workers, true);
        }

        /**
         * The {@code n}-th point of the visiting order, streamed as number {@code streamed}, on a worker thread;
         * {@code null} (an empty Mono) when the stream ended before the task started.
         */
        LandscapePoint point(int n, int streamed) {
            PointEvaluator evaluator = acquire();
            if (evaluator == null) {
                return null;
            }
            try {
                return run.point(evaluator, n, streamed);
            } finally {
                release(evaluator);
            }
        }

        private PointEvaluator acquire() {
            Thread thread = Thread.currentThread();
            synchronized (this) {
                if (closed) {
                    return null;
                }
                PointEvaluator e = own.get(thread);
                if (e != null) {
                    busy.add(e);
                    return e;
                }
            }
            // outside the lock: copying the network (and, for the first, the first-layer products) takes a while
            PointEvaluator made = run.newEvaluator();
            use.opened();
            synchronized (this) {
                if (!closed) {
                    own.put(thread, made);
                    busy.add(made);
                    return made;
                }
            }
            close(made);
            return null;
        }

        private void release(PointEvaluator evaluator) {
            synchronized (this) {
                busy.remove(evaluator);
                if (!closed) {
                    return;
                }
            }
            close(evaluator);           // the stream ended while this point was computed: close() left it to us
        }

        /** The stream ended: idle evaluators are closed now, busy ones by their task when its point is done. */
        void close() {
            List<PointEvaluator> idle = new ArrayList<>();
            synchronized (this) {
                closed = true;
                for (PointEvaluator e : own.values()) {
                    if (!busy.contains(e)) {
                        idle.add(e);
                    }
                }
            }
            idle.forEach(this::close);
            // no interrupt: a busy worker finishes its point, closes its evaluator, then its thread ends
            threads.disposeGracefully().subscribe(null, e -> { });
        }

        private void close(PointEvaluator evaluator) {
            evaluator.close();
            use.closed();
        }
    }

    /**
     * One worker computing the points in order on demand, driven by {@code Flux.generate}, skipping those marked in
     * {@code done}.
     */
    private static final class OnDemand {
        private final LandscapeRun run;
        private final PointEvaluator evaluator;
        private final boolean[] done;
        private final EvaluatorUse use;
        private int next;
        private int streamed;

        OnDemand(LandscapeRun run, boolean[] done, int first, EvaluatorUse use) {
            this.run = run;
            this.evaluator = run.newEvaluator();
            this.use = use;
            use.opened();
            this.done = done;
            this.streamed = first;
            skipDone();
        }

        private void skipDone() {
            while (done != null && next < run.total() && done[run.indexAt(next)]) {
                next++;
            }
        }

        OnDemand next(SynchronousSink<LandscapePoint> sink) {
            sink.next(run.point(evaluator, next++, streamed++));
            skipDone();
            if (next == run.total()) {
                sink.complete();
            }
            return this;
        }

        /** Flux.generate's cleanup, on the generator thread after the last point (completion, error or cancel). */
        void close() {
            evaluator.close();
            use.closed();
        }
    }
}

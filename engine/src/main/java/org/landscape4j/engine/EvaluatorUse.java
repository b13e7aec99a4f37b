package org.landscape4j.engine;

import java.util.ArrayList;
import java.util.List;

import reactor.core.publisher.Mono;

/**
 * How many evaluators (each a network copy with its native buffers) the streams of one {@link Landscape} object hold
 * open, and who waits for none: {@link Landscape#idle()}. Thread-safe; waiters run on the thread that closes the last
 * evaluator.
 */
final class EvaluatorUse {

    private int open;
    private final List<Runnable> waiting = new ArrayList<>();

    /** An evaluator was made. */
    synchronized void opened() {
        open++;
    }

    /** An evaluator was closed: its buffers are freed, nothing reads them any more. */
    void closed() {
        List<Runnable> ready;
        synchronized (this) {
            open--;
            if (open > 0) {
                return;
            }
            ready = new ArrayList<>(waiting);
            waiting.clear();
        }
        ready.forEach(Runnable::run);
    }

    /** Evaluators open now. */
    synchronized int open() {
        return open;
    }

    /** Completes when no evaluator is open: at once, or when the last open one is closed. */
    Mono<Void> idle() {
        return Mono.create(sink -> {
            Runnable done = sink::success;
            boolean now;
            synchronized (this) {
                now = open == 0;
                if (!now) {
                    waiting.add(done);
                }
            }
            if (now) {
                sink.success();
            } else {
                sink.onCancel(() -> {
                    synchronized (this) {
                        waiting.remove(done);
                    }
                });
            }
        });
    }
}

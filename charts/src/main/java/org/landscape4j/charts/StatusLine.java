package org.landscape4j.charts;

import java.util.Locale;

import org.landscape4j.charts.Exploration.Probe;
import org.landscape4j.charts.Exploration.State;
import org.landscape4j.charts.Exploration.View;

/**
 * The Explorer's status line, in words: where the shown view is in the history, where its computation is (points done
 * / total, points per second and the time left while it runs; how and when it ended) and the progress of its probe's
 * profiles.
 */
final class StatusLine {

    private StatusLine() {
    }

    /** The line for {@code v}, shown as view {@code position} (1-based) of {@code views}. */
    static String of(View v, int position, int views) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "view %d of %d: ", position, views));
        PointValues values = v.values();
        int done = values == null ? 0 : values.count();
        int total = v.total();
        double seconds = ((v.state() == State.RUNNING ? System.nanoTime() : v.ended()) - v.started()) / 1e9;
        double rate = (done - v.countAtStart()) / Math.max(seconds, 1e-9);
        switch (v.state()) {
            case WAITING -> s.append(String.format(Locale.ROOT, "%d/%d points, waiting for the workers", done,
                    total));
            case RUNNING -> s.append(String.format(Locale.ROOT, "%d/%d points, %.0f points/s, %s left", done, total,
                    rate, done > v.countAtStart() ? String.format(Locale.ROOT, "~%.1f s", (total - done) / rate)
                            : "? s"));
            case DONE -> s.append(v.started() == 0 ? String.format(Locale.ROOT, "%d/%d points (given)", done, total)
                    : String.format(Locale.ROOT, "%d/%d points in %.1f s (%.0f points/s)", done, total, seconds,
                    rate));
            case CANCELLED -> s.append(String.format(Locale.ROOT, "cancelled at %d/%d points", done, total));
            case FAILED -> s.append("failed: ").append(v.failure());
            case DROPPED -> s.append("dropped from memory");
            default -> throw new IllegalStateException(v.state().name());
        }
        Probe p = v.probe();
        if (p != null) {
            int lineDone = p.lines().stream().mapToInt(l -> l.values.count()).sum();
            int lineTotal = p.lines().stream().mapToInt(l -> l.values.total()).sum();
            boolean cancelled = p.lines().stream().anyMatch(l -> l.state() == State.CANCELLED);
            s.append(String.format(Locale.ROOT, "; profiles %d/%d points%s", lineDone, lineTotal,
                    cancelled ? " (cancelled)" : ""));
        }
        return s.toString();
    }
}

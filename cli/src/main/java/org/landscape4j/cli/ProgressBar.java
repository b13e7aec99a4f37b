package org.landscape4j.cli;

import java.io.PrintWriter;
import java.time.Duration;

import org.landscape4j.engine.LandscapePoint;

/**
 * A one-line terminal progress bar, redrawn in place with {@code \r} at most every 200 ms:
 * {@code [##########----------] 1300/2601  50.0%  ETA 1m05s  (400 restored)}. The time left is estimated from the
 * points this run computed, not the restored ones.
 */
final class ProgressBar {

    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final long start = System.nanoTime();
    private long lastDraw;
    private int restored;
    private int computed;
    private int total;

    ProgressBar(PrintWriter out) {
        this.out = out;
    }

    void accept(LandscapePoint p) {
        total = p.total();
        if (p.isRestored()) {
            restored++;
        } else {
            computed++;
        }
        long now = System.nanoTime();
        if (now - lastDraw > REDRAW_NANOS || restored + computed == total) {
            lastDraw = now;
            draw(now);
        }
    }

    int restored() {
        return restored;
    }

    int computed() {
        return computed;
    }

    private void draw(long now) {
        int done = restored + computed;
        int filled = (int) ((long) WIDTH * done / total);
        String eta = "";
        if (computed > 0 && done < total) {
            long perPoint = (now - start) / computed;
            eta = "  ETA " + format(Duration.ofNanos(perPoint * (total - done)));
        }
        out.printf(java.util.Locale.ROOT, "\r[%s%s] %d/%d %5.1f%%%s%s", "#".repeat(filled), "-".repeat(WIDTH - filled), done, total,
                100.0 * done / total, eta, restored > 0 ? "  (" + restored + " restored)" : "");
        if (done == total) {
            out.println();
        }
        out.flush();
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format(java.util.Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(java.util.Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}

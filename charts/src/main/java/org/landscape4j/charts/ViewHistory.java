package org.landscape4j.charts;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import org.landscape4j.charts.Exploration.View;
import org.landscape4j.engine.Landscape;

/**
 * The Explorer's views in the order they were asked for, and which one is shown (Back and Forward move along them). A
 * new view forgets the views after the shown one, as a browser does; while the views' values take more memory than
 * the budget, the views farthest from the shown one drop theirs (computed again if shown).
 *
 * <p>Not thread-safe: the {@link Exploration} calls it under its own lock.
 */
final class ViewHistory {

    private final List<View> views = new ArrayList<>();
    private final long budget;
    private int current;

    /**
     * @param first  the first view, shown
     * @param budget the memory the views' values may take before the farthest drop theirs, in bytes
     */
    ViewHistory(View first, long budget) {
        this.budget = budget;
        views.add(first);
    }

    /** The view shown. */
    View current() {
        return views.get(current);
    }

    /** The first view (the landscape's region). */
    View first() {
        return views.get(0);
    }

    /** The shown view's place, 1-based. */
    int position() {
        return current + 1;
    }

    int size() {
        return views.size();
    }

    boolean canGoBack() {
        return current > 0;
    }

    boolean canGoForward() {
        return current < views.size() - 1;
    }

    /** Shows {@code v} after the shown view, forgetting the views after it, and keeps to the memory budget. */
    void add(View v) {
        while (views.size() > current + 1) {
            views.remove(views.size() - 1);
        }
        views.add(v);
        current = views.size() - 1;
        drop();
    }

    /** Shows the view {@code step} places after the shown one (before it when negative); the caller checked it is there. */
    View go(int step) {
        current += step;
        return views.get(current);
    }

    /** The landscapes of every view, each computing its view's points. */
    List<Landscape> landscapes() {
        return views.stream().map(v -> v.landscape).toList();
    }

    /** Drops the values of the views farthest from the shown one while the history is over its budget. */
    private void drop() {
        long used = views.stream().mapToLong(View::bytes).sum();
        List<Integer> farthest = IntStream.range(0, views.size()).boxed()
                .sorted(Comparator.comparingInt((Integer i) -> Math.abs(i - current)).reversed()).toList();
        for (int i : farthest) {
            View v = views.get(i);
            if (used <= budget || i == current) {
                break;
            }
            if (v.values() != null) {
                used -= v.bytes();
                v.drop();
            }
        }
    }
}

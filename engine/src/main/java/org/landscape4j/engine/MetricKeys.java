package org.landscape4j.engine;

import java.util.List;

/**
 * The (evaluation set, metric) pairs of a landscape, in a fixed order shared by all its points and results.
 * Value {@code s * metrics().size() + m} is metric {@code m} on set {@code s}.
 *
 * @param sets    evaluation set names, in spec order
 * @param metrics metric names, in spec order
 */
public record MetricKeys(List<String> sets, List<String> metrics) {

    public MetricKeys {
        sets = List.copyOf(sets);
        metrics = List.copyOf(metrics);
    }

    /** Number of values per point. */
    public int size() {
        return sets.size() * metrics.size();
    }

    /**
     * Position of (set, metric) in a point's values.
     *
     * @throws IllegalArgumentException naming what exists when the set or metric is unknown
     */
    public int indexOf(String set, String metric) {
        int s = sets.indexOf(set);
        if (s < 0) {
            throw new IllegalArgumentException("no evaluation set '" + set + "'; sets: " + sets);
        }
        int m = metrics.indexOf(metric);
        if (m < 0) {
            throw new IllegalArgumentException("no metric '" + metric + "'; metrics: " + metrics);
        }
        return s * metrics.size() + m;
    }

    /** The label of value {@code k}, e.g. {@code train/loss}. */
    public String label(int k) {
        return sets.get(k / metrics.size()) + "/" + metrics.get(k % metrics.size());
    }
}

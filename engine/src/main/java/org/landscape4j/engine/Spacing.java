package org.landscape4j.engine;

/** How the points of an {@link Axis} are spread over its range. */
public enum Spacing {
    /** Evenly spaced, ends included: {@code linspace(min, max, points)}. */
    LINEAR,
    /**
     * Denser near the centre of the range: {@code mid + half * u^3} for {@code u = linspace(-1, 1, points)}, as in
     * the blog post "Visualizing the Loss Landscape of a Neural Network" (ends included).
     */
    CUBIC
}

package org.landscape4j.engine;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Everything a landscape computation needs, validated at construction: what is wrong is named with its value before
 * anything runs. Build one with the DSL's builder or directly; compile it with {@link Landscape#compile}.
 *
 * @param model          the trained network, a {@link MultiLayerNetwork} or {@link ComputationGraph}; only read
 * @param directions     where the directions come from (random, from models, given, a curve), not {@code null}
 * @param seed           the random seed of random directions
 * @param axes           one axis per direction: one for a line (profile), two for a plane (surface)
 * @param evaluationSets one or more named data sets, names unique
 * @param metrics        the metrics per evaluation set, names unique; empty means the default (loss, plus accuracy for
 *                       classification losses)
 * @param execution      order, workers and optimizations; {@code null} means {@link Execution#DEFAULT}
 */
public record LandscapeSpec(Model model, Directions directions, long seed, List<Axis> axes,
                            List<EvaluationSet> evaluationSets, List<Metric> metrics, Execution execution) {

    /**
     * The most grid points a landscape may have: 2048 x 2048. A result holds one double per point and value, and a
     * run keeps a flag per point, so larger grids would not fit a default heap.
     */
    public static final int MAX_POINTS = 2048 * 2048;

    /** A spec with the default {@link Execution}. */
    public LandscapeSpec(Model model, Directions directions, long seed, List<Axis> axes,
                         List<EvaluationSet> evaluationSets, List<Metric> metrics) {
        this(model, directions, seed, axes, evaluationSets, metrics, Execution.DEFAULT);
    }

    public LandscapeSpec {
        if (model == null) {
            throw new IllegalArgumentException("model must be set: a MultiLayerNetwork or a ComputationGraph");
        }
        if (!(model instanceof MultiLayerNetwork) && !(model instanceof ComputationGraph)) {
            throw new IllegalArgumentException("model must be a MultiLayerNetwork or a ComputationGraph, was "
                    + model.getClass().getName());
        }
        if (directions == null) {
            throw new IllegalArgumentException("directions must be set, e.g. FILTER_NORMALIZED");
        }
        if (axes == null || axes.isEmpty() || axes.size() > 2) {
            throw new IllegalArgumentException("a grid needs 1 or 2 directions, was " + (axes == null ? 0
                    : axes.size()));
        }
        for (Axis a : axes) {
            if (a == null) {
                throw new IllegalArgumentException("axes must not contain null");
            }
        }
        axes = List.copyOf(axes);
        if (directions instanceof Directions.Given given && given.vectors().size() != axes.size()) {
            throw new IllegalArgumentException("the directions hold " + given.vectors().size() + " vectors but the grid has "
                    + axes.size() + " axes");
        }
        if (directions instanceof Directions.AsymmetricPlane && axes.size() != 2) {
            throw new IllegalArgumentException("an asymmetric plane (" + directions + ") has two coordinates (α, β),"
                    + " the grid has " + axes.size() + " axes");
        }
        if (directions instanceof Directions.CurvePath && axes.size() != 1) {
            throw new IllegalArgumentException("a curve has one coordinate t, the grid has " + axes.size() + " axes");
        }
        if (directions instanceof Directions.CurvePath && (axes.get(0).min() < 0 || axes.get(0).max() > 1)) {
            throw new IllegalArgumentException("a curve's t runs from 0 to 1, the axis runs from " + axes.get(0).min()
                    + " to " + axes.get(0).max());
        }
        long points = 1;
        for (Axis a : axes) {
            points *= a.points();
        }
        if (points > MAX_POINTS) {
            throw new IllegalArgumentException("a grid of " + points + " points (" + axes.stream()
                    .map(a -> Integer.toString(a.points())).collect(java.util.stream.Collectors.joining(" x "))
                    + ") is too large: at most " + MAX_POINTS + " points (2048 x 2048)");
        }
        if (evaluationSets == null || evaluationSets.isEmpty()) {
            throw new IllegalArgumentException("at least one evaluation set is needed, e.g. evaluateOn(\"train\", data)");
        }
        Set<String> names = new HashSet<>();
        for (EvaluationSet s : evaluationSets) {
            if (s == null) {
                throw new IllegalArgumentException("evaluation sets must not contain null");
            }
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("evaluation set name '" + s.name() + "' is used twice");
            }
        }
        evaluationSets = List.copyOf(evaluationSets);
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
        execution = execution == null ? Execution.DEFAULT : execution;
        Set<String> metricNames = new HashSet<>();
        for (Metric m : metrics) {
            if (!metricNames.add(m.name())) {
                throw new IllegalArgumentException("metric name '" + m.name() + "' is used twice");
            }
        }
    }

    /** This spec with another execution. */
    public LandscapeSpec withExecution(Execution value) {
        return new LandscapeSpec(model, directions, seed, axes, evaluationSets, metrics, value);
    }

    /** Number of directions: 1 for a line, 2 for a plane. */
    public int dimensions() {
        return axes.size();
    }

    /** Number of points: the product of the axes' resolutions. */
    public int totalPoints() {
        int n = 1;
        for (Axis a : axes) {
            n *= a.points();
        }
        return n;
    }
}

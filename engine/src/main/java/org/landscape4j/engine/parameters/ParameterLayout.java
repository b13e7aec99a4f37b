package org.landscape4j.engine.parameters;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.graph.LayerKind;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The flat parameter vector of a network split into its tensors: for each, the layer, DL4J's parameter key, the
 * shape and storage order, the {@link ParameterRole role} and, for weights, the filter axis.
 *
 * <p>Directions are vectors with this same layout; filter-wise normalization needs the filter axis, which in DL4J
 * differs from PyTorch for dense layers ({@code [nIn, nOut]}: a filter is a column).
 *
 * <pre>{@code
 * jshell> ParameterLayout.of(net)
 * ParameterLayout 3 segments, 50 parameters
 *   0 dense/W DenseLayer [4, 8] f @0 WEIGHT filters on axis 1
 *   ...
 * }</pre>
 */
public final class ParameterLayout {

    private final List<ParameterSegment> segments;
    private final long numParams;

    private ParameterLayout(List<ParameterSegment> segments, long numParams) {
        this.segments = List.copyOf(segments);
        this.numParams = numParams;
    }

    /**
     * Reads the layout of an initialised {@code MultiLayerNetwork} or {@code ComputationGraph} (through {@link NetworkGraph}).
     *
     * @param model the network, not {@code null}; it is only read
     * @throws IllegalArgumentException if the network is not initialised or holds a layer kind the engine does not
     *                                  support (the message names the layer and its kind)
     */
    public static ParameterLayout of(Model model) {
        return of(NetworkGraph.of(model));
    }

    /** The layout of a network already read. */
    public static ParameterLayout of(NetworkGraph graph) {
        INDArray flat = graph.model().params();
        List<ParameterSegment> segments = new ArrayList<>();
        for (NetworkGraph.Node node : graph.layers()) {
            Layer layer = node.layer();
            String kind = node.configuration().getClass().getSimpleName();
            for (Map.Entry<String, INDArray> e : layer.paramTable().entrySet()) {
                INDArray view = e.getValue();
                long offset = view.offset() - flat.offset();
                ParameterRole role = roleOf(node.kind(), e.getKey());
                int filterAxis = role == ParameterRole.WEIGHT ? node.kind().filterAxis() : -1;
                char order = view.rank() <= 1 ? 'c' : view.ordering();
                segments.add(new ParameterSegment(node.layerIndex(), node.name(), kind, e.getKey(), offset,
                        view.shape(), order, role, filterAxis));
            }
        }
        segments.sort(Comparator.comparingLong(ParameterSegment::offset));
        long expected = 0;
        for (ParameterSegment s : segments) {
            if (s.offset() != expected) {
                throw new IllegalStateException("parameter segments do not tile the flat vector: " + s
                        + " starts at " + s.offset() + ", expected " + expected);
            }
            expected += s.length();
        }
        if (expected != flat.length()) {
            throw new IllegalStateException("parameter segments cover " + expected + " of " + flat.length()
                    + " parameters");
        }
        return new ParameterLayout(segments, expected);
    }

    /** The supported layer kinds, sorted, for messages. */
    public static String supportedKinds() {
        return LayerKind.supportedLayers();
    }

    private static ParameterRole roleOf(LayerKind kind, String key) {
        if (kind == LayerKind.BATCH_NORMALIZATION || kind == LayerKind.CHANNEL_LAYER_NORM) {
            return switch (key) {
                case "gamma" -> ParameterRole.BATCHNORM_GAMMA;
                case "beta" -> ParameterRole.BATCHNORM_BETA;
                case "mean", "var", "log10stdev" -> ParameterRole.BATCHNORM_RUNNING_STATISTIC;
                default -> ParameterRole.OTHER;
            };
        }
        return switch (key) {
            case "W" -> ParameterRole.WEIGHT;
            case "b" -> ParameterRole.BIAS;
            default -> ParameterRole.OTHER;
        };
    }

    /** The segments in flat-vector order. */
    public List<ParameterSegment> segments() {
        return segments;
    }

    /** The segments with one of {@code roles}, in flat-vector order. */
    public List<ParameterSegment> segmentsWith(ParameterRole... roles) {
        Set<ParameterRole> wanted = Set.of(roles);
        return segments.stream().filter(s -> wanted.contains(s.role())).toList();
    }

    /**
     * Sets the entries of every segment with one of {@code roles} to 0 in {@code flat}, a vector of this layout.
     *
     * @return {@code flat}
     */
    public double[] zero(double[] flat, ParameterRole... roles) {
        for (ParameterSegment s : segmentsWith(roles)) {
            java.util.Arrays.fill(flat, (int) s.offset(), (int) (s.offset() + s.length()), 0.0);
        }
        return flat;
    }

    /** Total number of parameters (the flat vector's length). */
    public long numParams() {
        return numParams;
    }

    /**
     * The segment of a layer's parameter.
     *
     * @throws IllegalArgumentException if there is none; the message lists what exists
     */
    public ParameterSegment segment(String layerName, String key) {
        return segments.stream().filter(s -> s.layerName().equals(layerName) && s.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no parameter '" + key + "' in layer '" + layerName
                        + "'; segments: " + segments.stream().map(s -> s.layerName() + "/" + s.key())
                        .collect(Collectors.joining(", "))));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ParameterLayout ").append(segments.size()).append(" segments, ")
                .append(numParams).append(" parameters");
        int shown = Math.min(segments.size(), 20);
        for (int i = 0; i < shown; i++) {
            sb.append("\n  ").append(i).append(' ').append(segments.get(i));
        }
        if (shown < segments.size()) {
            sb.append("\n  ... ").append(segments.size() - shown).append(" more");
        }
        return sb.toString();
    }
}

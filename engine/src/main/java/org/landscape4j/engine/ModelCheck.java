package org.landscape4j.engine;

import java.util.Arrays;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.engine.graph.NetworkGraph;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.engine.parameters.ParameterSegment;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * What a landscape checks and reads of the model itself before any work: output layers with a loss function, finite
 * parameters (a bad one named by layer, key and position), the output losses and the default metrics they imply.
 */
final class ModelCheck {

    private ModelCheck() {
    }

    static void checkOutputLayers(NetworkGraph graph) {
        for (NetworkGraph.Node node : graph.nodes()) {
            if (!node.isOutput() || node.kind().hasLoss()) {
                continue;
            }
            String kinds = "an output layer with a loss function (OutputLayer, LossLayer, CnnLossLayer)";
            throw new IllegalArgumentException(graph.model() instanceof MultiLayerNetwork
                    ? "the last layer '" + node.config(Layer.class).getLayerName() + "' is a "
                    + node.configuration().getClass().getSimpleName() + ", not " + kinds
                    : "graph output '" + node.name() + "' is not " + kinds);
        }
    }

    static void checkFinite(INDArray params, ParameterLayout layout) {
        if (DataCheck.allFinite(params)) {
            return;
        }
        double[] v = params.toDoubleVector();
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                for (ParameterSegment s : layout.segments()) {
                    if (i >= s.offset() && i < s.offset() + s.length()) {
                        throw new IllegalArgumentException("the network has a non-finite parameter (" + v[i]
                                + ") in layer " + s.layerIndex() + " '" + s.layerName() + "' parameter '" + s.key()
                                + "' at position " + (i - s.offset()) + " (flat index " + i + ")");
                    }
                }
            }
        }
    }

    /** The loss function of each output layer, in output order ({@code null} for an unknown kind). */
    static List<ILossFunction> outputLosses(NetworkGraph graph) {
        ILossFunction[] losses = new ILossFunction[graph.outputs()];
        for (NetworkGraph.Node node : graph.nodes()) {
            if (node.isOutput()) {
                losses[node.outputIndex()] = switch (node.kind()) {
                    case OUTPUT -> node.config(OutputLayer.class).getLossFn();
                    case LOSS -> node.config(LossLayer.class).getLossFn();
                    case CNN_LOSS -> node.config(CnnLossLayer.class).getLossFn();
                    default -> null;
                };
            }
        }
        return Arrays.asList(losses);
    }

    static List<Metric> defaultMetrics(List<ILossFunction> losses) {
        boolean classification = losses.stream()
                .allMatch(l -> l instanceof LossMCXENT || l instanceof LossBinaryXENT);
        return classification ? List.of(Metric.loss(), Metric.accuracy()) : List.of(Metric.loss());
    }

    /**
     * Curvature metrics share one Lanczos run per point: they must agree on their options; the model must be one the
     * gradients support.
     *
     * @throws IllegalArgumentException naming the disagreeing metrics or the graph's inputs and outputs
     */
    static void checkCurvature(Model prototype, List<Metric> metrics) {
        List<Metric.Curvature> curvature = metrics.stream().filter(m -> m instanceof Metric.Curvature)
                .map(m -> (Metric.Curvature) m).toList();
        if (curvature.isEmpty() && metrics.stream().noneMatch(m -> m instanceof Metric.HessianTrace)) {
            return;
        }
        for (Metric.Curvature c : curvature) {
            if (!c.options().equals(curvature.get(0).options())) {
                throw new IllegalArgumentException("curvature metrics share one Lanczos run per point and must have the"
                        + " same options: " + curvature.get(0).name() + " has " + curvature.get(0).options() + ", "
                        + c.name() + " has " + c.options());
            }
        }
        if (prototype instanceof ComputationGraph graph && (graph.getNumInputArrays() != 1
                || graph.getNumOutputArrays() != 1)) {
            throw new IllegalArgumentException("curvature metrics support graphs with one input and one output, this"
                    + " one has " + graph.getNumInputArrays() + " and " + graph.getNumOutputArrays());
        }
    }
}

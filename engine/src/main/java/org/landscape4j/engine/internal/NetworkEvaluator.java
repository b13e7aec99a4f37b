package org.landscape4j.engine.internal;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.landscape4j.engine.Metric;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Evaluates the metrics of one network copy that the engine owns, in inference mode, one forward pass per batch.
 * Not thread-safe: one evaluator per worker thread.
 */
public abstract sealed class NetworkEvaluator permits NetworkEvaluator.Sequential, NetworkEvaluator.Graph {

    /** A private copy of {@code model}: configuration cloned, parameters duplicated; the model is only read. */
    public static Model copyOf(Model model) {
        if (model instanceof MultiLayerNetwork net) {
            MultiLayerNetwork copy = new MultiLayerNetwork(net.getLayerWiseConfigurations().clone());
            copy.init(net.params().dup(), false);
            return copy;
        }
        ComputationGraph graph = (ComputationGraph) model;
        ComputationGraph copy = new ComputationGraph(graph.getConfiguration().clone());
        copy.init(graph.params().dup(), false);
        return copy;
    }

    /** An evaluator over {@code copy}, which it will mutate: pass a copy made by {@link #copyOf}. */
    public static NetworkEvaluator over(Model copy) {
        return copy instanceof MultiLayerNetwork net ? new Sequential(net) : new Graph((ComputationGraph) copy);
    }

    /** The copy's live flat parameter vector: writing it moves the network. */
    public abstract INDArray parameters();

    /**
     * Runs one inference forward pass over {@code batch} and adds {@code metricValue * batch.size()} for each metric
     * to {@code sums[offset + m]}.
     */
    public final void accumulate(Batch batch, List<Metric> metrics, double[] sums, int offset) {
        accumulate(forward(batch), batch, metrics, sums, offset);
    }

    /** Adds {@code metricValue * batch.size()} of the outputs {@code o} of {@code batch} to {@code sums}. */
    public static void accumulate(Outputs o, Batch batch, List<Metric> metrics, double[] sums, int offset) {
        for (int m = 0; m < metrics.size(); m++) {
            Metric metric = metrics.get(m);
            double v;
            if (metric instanceof Metric.Loss) {
                v = o.loss;
            } else if (metric instanceof Metric.Accuracy a) {
                v = Double.isNaN(o.accuracy) ? Accuracy.of(a, o.output, batch.labels()[0]) : o.accuracy;
            } else if (metric instanceof Metric.Curvature) {
                continue; // computed from the point's parameters, not from the forward pass (see PointEvaluator)
            } else {
                v = ((Metric.Custom) metric).function().applyAsDouble(o.output, batch.labels()[0]);
            }
            sums[offset + m] += v * batch.size();
        }
    }

    /**
     * Loss (mean over the batch, no regularization), the first output's activations ({@code null} when no metric
     * needs them) and the accuracy when it was computed on the way ({@code NaN} otherwise).
     */
    public record Outputs(double loss, double accuracy, INDArray output) {
        public Outputs(double loss, INDArray output) {
            this(loss, Double.NaN, output);
        }
    }

    abstract Outputs forward(Batch batch);

    /** The loss of one inference forward pass over {@code batch} (DL4J's score without regularization). */
    public double forwardLoss(Batch batch) {
        return forward(batch).loss();
    }

    /** A {@link MultiLayerNetwork}: layers up to the output layer, then the output layer's score and activations. */
    static final class Sequential extends NetworkEvaluator {
        private final MultiLayerNetwork net;
        private final LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();

        Sequential(MultiLayerNetwork net) {
            this.net = net;
        }

        @Override
        public INDArray parameters() {
            return net.params();
        }

        @Override
        Outputs forward(Batch batch) {
            INDArray features = batch.features()[0];
            int n = net.getnLayers();
            INDArray in = features;
            if (n > 1) {
                List<INDArray> acts = net.feedForwardToLayer(n - 2, features, false);
                in = acts.get(acts.size() - 1);
            }
            return output(in, batch);
        }

        /**
         * The forward pass from layer {@code first} on, given that layer's input (before its preprocessor);
         * {@code first} may be the output layer's index.
         */
        Outputs forwardFrom(int first, INDArray input, Batch batch) {
            int n = net.getnLayers();
            INDArray in = input;
            for (int l = first; l <= n - 2; l++) {
                InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(l);
                if (pre != null) {
                    in = pre.preProcess(in, (int) batch.size(), mgr);
                }
                in = net.getLayer(l).activate(in, false, mgr);
            }
            return output(in, batch);
        }

        private Outputs output(INDArray in, Batch batch) {
            int n = net.getnLayers();
            InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(n - 1);
            if (pre != null) {
                in = pre.preProcess(in, (int) batch.size(), mgr);
            }
            Layer last = net.getLayer(n - 1);
            IOutputLayer out = (IOutputLayer) last;
            last.setInput(in, mgr);
            out.setLabels(batch.labels()[0]);
            double loss = out.computeScore(0.0, false, mgr);
            INDArray output = last.activate(false, mgr);
            net.clearLayersStates();
            return new Outputs(loss, output);
        }
    }

    /** A {@link ComputationGraph}: one forward pass of all vertices, then each output layer's score. */
    static final class Graph extends NetworkEvaluator {
        private final ComputationGraph graph;
        private final LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        private final List<String> outputs;

        Graph(ComputationGraph graph) {
            this.graph = graph;
            this.outputs = graph.getConfiguration().getNetworkOutputs();
        }

        @Override
        public INDArray parameters() {
            return graph.params();
        }

        @Override
        Outputs forward(Batch batch) {
            Map<String, INDArray> acts = graph.feedForward(batch.features(), false, false);
            double loss = 0;
            for (int i = 0; i < outputs.size(); i++) {
                LayerVertex vertex = (LayerVertex) graph.getVertex(outputs.get(i));
                ((IOutputLayer) vertex.getLayer()).setLabels(batch.labels()[i]);
                loss += vertex.computeScore(0.0, false, mgr);
            }
            INDArray output = acts.get(outputs.get(0));
            graph.clearLayersStates();
            return new Outputs(loss, output);
        }
    }
}

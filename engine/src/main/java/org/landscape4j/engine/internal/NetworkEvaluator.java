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
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's own inference forward pass over one network copy that the engine owns: the loss without regularization
 * and the output activations of a batch.
 * Not thread-safe: one evaluator per worker thread.
 */
public abstract sealed class NetworkEvaluator permits NetworkEvaluator.MultiLayer, NetworkEvaluator.Graph {

    static {
        org.landscape4j.engine.internal.BroadcastFence.install();   // before any ND4J op of the engine (see BroadcastFence)
    }

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
        return copy instanceof MultiLayerNetwork net ? new MultiLayer(net) : new Graph((ComputationGraph) copy);
    }

    /** The copy's live flat parameter vector: writing it moves the network. */
    public abstract INDArray parameters();

    /**
     * Loss (mean over the batch, no regularization), the first output's activations ({@code null} when no metric
     * needs them) and the accuracy when it was computed on the way ({@code NaN} otherwise).
     */
    public record Outputs(double loss, double accuracy, INDArray output) {
        public Outputs(double loss, INDArray output) {
            this(loss, Double.NaN, output);
        }
    }

    /** One inference forward pass over {@code batch}. */
    public abstract Outputs forward(Batch batch);

    /** The loss of one inference forward pass over {@code batch} (DL4J's score without regularization). */
    public double forwardLoss(Batch batch) {
        return forward(batch).loss();
    }

    /** A {@link MultiLayerNetwork}: layers up to the output layer, then the output layer's score and activations. */
    static final class MultiLayer extends NetworkEvaluator {
        private final MultiLayerNetwork net;
        private final LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();

        MultiLayer(MultiLayerNetwork net) {
            this.net = net;
        }

        @Override
        public INDArray parameters() {
            return net.params();
        }

        @Override
        public Outputs forward(Batch batch) {
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
        public Outputs forward(Batch batch) {
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

package org.landscape4j.engine.internal;

import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Convolution2D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.landscape4j.engine.Metric;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.blas.Level1;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Evaluates every metric on every evaluation set at one point {@code θ = Σ w_k v_k} of the parameter space, where the
 * {@code v_k} are the run's anchor vectors (for a plane: the centre and the two directions, with weights
 * {@code (1, a, b)}). One evaluator per worker thread; it owns a private network copy.
 */
public abstract sealed class PointEvaluator permits PointEvaluator.Plain, PointEvaluator.FirstLayerFactorized {

    final INDArray[] anchors;
    final List<List<Batch>> batches;
    final List<Metric> metrics;
    final long[] setSizes;
    private final Level1 blas = Nd4j.getBlasWrapper().level1();

    PointEvaluator(INDArray[] anchors, List<List<Batch>> batches, List<Metric> metrics) {
        this.anchors = anchors;
        this.batches = batches;
        this.metrics = metrics;
        this.setSizes = batches.stream().mapToLong(b -> b.stream().mapToLong(Batch::size).sum()).toArray();
    }

    /**
     * The fastest evaluator that applies: first-layer factorization for a {@code MultiLayerNetwork} whose first
     * layer is dense (without layer norm) or a 2D convolution, when {@code factorize}; otherwise the plain forward
     * pass.
     *
     * @param shared the precomputed first-layer products of a previous call for the same run, or {@code null}
     */
    public static PointEvaluator create(Model prototype, INDArray[] anchors, List<List<Batch>> batches,
                                        List<Metric> metrics, boolean factorize, FirstLayerProducts shared) {
        if (factorize && FirstLayerProducts.applies(prototype)) {
            FirstLayerProducts products = shared != null ? shared
                    : FirstLayerProducts.compute((MultiLayerNetwork) prototype, anchors, batches);
            return new FirstLayerFactorized(prototype, anchors, batches, metrics, products);
        }
        return new Plain(prototype, anchors, batches, metrics);
    }

    /** Whether first-layer factorization applies to {@code model}. */
    public static boolean firstLayerFactorizes(Model model) {
        return FirstLayerProducts.applies(model);
    }

    /** The first-layer products this evaluator uses, to share with other workers, or {@code null}. */
    public FirstLayerProducts products() {
        return null;
    }

    /** Writes the values of every (set, metric) at the point with anchor weights {@code w} into {@code out}. */
    public final void evaluate(double[] w, double[] out) {
        java.util.Arrays.fill(out, 0);
        moveTo(w);
        for (int s = 0; s < batches.size(); s++) {
            int offset = s * metrics.size();
            List<Batch> set = batches.get(s);
            for (int b = 0; b < set.size(); b++) {
                NetworkEvaluator.accumulate(forward(w, s, b), set.get(b), metrics, out, offset);
            }
            for (int m = 0; m < metrics.size(); m++) {
                out[offset + m] /= setSizes[s];
            }
        }
    }

    abstract void moveTo(double[] w);

    abstract NetworkEvaluator.Outputs forward(double[] w, int set, int batch);

    /** {@code target = Σ w_k sources[k]}, in place, no allocation. */
    final void combine(INDArray target, INDArray[] sources, double[] w) {
        target.assign(sources[0]);
        if (w[0] != 1.0) {
            target.muli(w[0]);
        }
        for (int k = 1; k < sources.length; k++) {
            if (w[k] != 0.0) {
                blas.axpy(target.length(), w[k], sources[k], target);
            }
        }
    }

    /** The whole forward pass per point: parameters written in place, then DL4J's inference. */
    static final class Plain extends PointEvaluator {
        private final NetworkEvaluator network;
        private final INDArray parameters;

        Plain(Model prototype, INDArray[] anchors, List<List<Batch>> batches, List<Metric> metrics) {
            super(anchors, batches, metrics);
            this.network = NetworkEvaluator.over(NetworkEvaluator.copyOf(prototype));
            this.parameters = network.parameters();
        }

        @Override
        void moveTo(double[] w) {
            combine(parameters, anchors, w);
        }

        @Override
        NetworkEvaluator.Outputs forward(double[] w, int set, int batch) {
            return network.forward(batches.get(set).get(batch));
        }
    }

    /**
     * The first layer is linear in its parameters: {@code X·W(θ) + b(θ) = Σ w_k (X·W_k + b_k)}. The products
     * {@code X·W_k + b_k} are computed once per run ({@link FirstLayerProducts}); per point only their combination,
     * the first layer's activation and the remaining layers run, and only the remaining layers' parameters are
     * written.
     */
    static final class FirstLayerFactorized extends PointEvaluator {
        private final NetworkEvaluator.Sequential network;
        private final INDArray tail;
        private final INDArray[] anchorTails;
        private final FirstLayerProducts products;
        private final INDArray[][] preActivation;
        private final IActivation activation;

        FirstLayerFactorized(Model prototype, INDArray[] anchors, List<List<Batch>> batches, List<Metric> metrics,
                             FirstLayerProducts products) {
            super(anchors, batches, metrics);
            MultiLayerNetwork copy = (MultiLayerNetwork) NetworkEvaluator.copyOf(prototype);
            this.network = (NetworkEvaluator.Sequential) NetworkEvaluator.over(copy);
            this.products = products;
            long first = copy.getLayer(0).numParams();
            long total = copy.numParams();
            this.tail = copy.params().get(NDArrayIndex.interval(first, total));
            this.anchorTails = new INDArray[anchors.length];
            for (int k = 0; k < anchors.length; k++) {
                anchorTails[k] = anchors[k].get(NDArrayIndex.interval(first, total)).dup();
            }
            this.activation = ((BaseLayer) copy.getLayer(0).conf().getLayer()).getActivationFn();
            this.preActivation = new INDArray[batches.size()][];
            for (int s = 0; s < batches.size(); s++) {
                preActivation[s] = new INDArray[batches.get(s).size()];
                for (int b = 0; b < batches.get(s).size(); b++) {
                    INDArray p = products.get(s, b)[0];
                    preActivation[s][b] = Nd4j.createUninitialized(p.dataType(), p.shape(), 'c');
                }
            }
        }

        @Override
        public FirstLayerProducts products() {
            return products;
        }

        @Override
        void moveTo(double[] w) {
            if (tail.length() > 0) {
                combine(tail, anchorTails, w);
            }
        }

        @Override
        NetworkEvaluator.Outputs forward(double[] w, int set, int batch) {
            INDArray z = preActivation[set][batch];
            combine(z, products.get(set, batch), w);
            INDArray a = activation.getActivation(z, false);
            return network.forwardFrom(1, a, batches.get(set).get(batch));
        }
    }

    /**
     * The first layer's pre-activations {@code X·W_k + b_k} for every anchor {@code k}, evaluation set and batch,
     * computed once per run and shared read-only by all workers.
     */
    public static final class FirstLayerProducts {
        private final INDArray[][][] products;

        private FirstLayerProducts(INDArray[][][] products) {
            this.products = products;
        }

        /** Whether the network's first layer can be factorized. */
        static boolean applies(Model model) {
            if (!(model instanceof MultiLayerNetwork net) || net.getnLayers() < 2) {
                return false;
            }
            org.deeplearning4j.nn.conf.layers.Layer first = net.getLayer(0).conf().getLayer();
            if (first instanceof DenseLayer dense) {
                return first.getClass() == DenseLayer.class && !dense.hasLayerNorm();
            }
            return first.getClass() == ConvolutionLayer.class || first.getClass() == Convolution2D.class;
        }

        static FirstLayerProducts compute(MultiLayerNetwork prototype, INDArray[] anchors,
                                          List<List<Batch>> batches) {
            MultiLayerNetwork scratch = (MultiLayerNetwork) NetworkEvaluator.copyOf(prototype);
            ((BaseLayer) scratch.getLayer(0).conf().getLayer()).setActivationFn(new ActivationIdentity());
            LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
            InputPreProcessor pre = scratch.getLayerWiseConfigurations().getInputPreProcess(0);
            INDArray[][][] out = new INDArray[batches.size()][][];
            for (int s = 0; s < batches.size(); s++) {
                List<Batch> set = batches.get(s);
                out[s] = new INDArray[set.size()][anchors.length];
                for (int b = 0; b < set.size(); b++) {
                    INDArray x = set.get(b).features()[0];
                    if (pre != null) {
                        x = pre.preProcess(x, (int) set.get(b).size(), mgr);
                    }
                    for (int k = 0; k < anchors.length; k++) {
                        scratch.params().assign(anchors[k]);
                        out[s][b][k] = scratch.getLayer(0).activate(x, false, mgr).dup('c');
                    }
                }
            }
            scratch.clearLayersStates();
            return new FirstLayerProducts(out);
        }

        INDArray[] get(int set, int batch) {
            return products[set][batch];
        }
    }
}

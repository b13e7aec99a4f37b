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
                                        List<Metric> metrics, boolean factorize, FirstLayerProducts shared,
                                        INDArray batchNormFeatures) {
        if (batchNormFeatures != null) {
            return new Plain(prototype, anchors, batches, metrics, batchNormFeatures);
        }
        if (factorize && FirstLayerProducts.applies(prototype)) {
            FirstLayerProducts products = shared != null ? shared
                    : FirstLayerProducts.compute((MultiLayerNetwork) prototype, anchors, batches);
            return new FirstLayerFactorized(prototype, anchors, batches, metrics, products);
        }
        return new Plain(prototype, anchors, batches, metrics, null);
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

    /**
     * Sets every batch-norm layer's running mean and variance to the statistics of its input on {@code features}, in
     * layer order (each layer sees the statistics already recomputed before it). Variance is the biased batch
     * variance, as DL4J uses in training; DL4J's log10-std parameterization is honoured.
     */
    static void recomputeBatchNorm(MultiLayerNetwork net, INDArray features) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        for (int l = 0; l < net.getnLayers(); l++) {
            if (!(net.getLayer(l).conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization bn)) {
                continue;
            }
            INDArray in = features;
            if (l > 0) {
                List<INDArray> acts = net.feedForwardToLayer(l - 1, features, false);
                in = acts.get(acts.size() - 1);
            }
            InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(l);
            if (pre != null) {
                in = pre.preProcess(in, (int) features.size(0), mgr);
            }
            int[] dims = in.rank() == 2 ? new int[] {0}
                    : bn.getCnn2DFormat() == org.deeplearning4j.nn.conf.CNN2DFormat.NHWC ? new int[] {0, 1, 2}
                    : new int[] {0, 2, 3};
            INDArray mean = in.mean(dims);
            INDArray var = in.var(false, dims);
            org.deeplearning4j.nn.api.Layer layer = net.getLayer(l);
            INDArray meanParam = layer.getParam("mean");
            meanParam.assign(mean.reshape(meanParam.shape()));
            if (layer.paramTable().containsKey("log10stdev")) {
                INDArray logStd = layer.getParam("log10stdev");
                INDArray value = org.nd4j.linalg.ops.transforms.Transforms.log(var, true).divi(Math.log(10)).muli(0.5);
                logStd.assign(value.reshape(logStd.shape()));
            } else {
                INDArray varParam = layer.getParam("var");
                varParam.assign(var.reshape(varParam.shape()));
            }
        }
        net.clearLayersStates();
    }

    /** The whole forward pass per point: parameters written in place, then DL4J's inference. */
    static final class Plain extends PointEvaluator {
        private final NetworkEvaluator network;
        private final INDArray parameters;

        private final Model copy;
        private final INDArray batchNormFeatures;

        Plain(Model prototype, INDArray[] anchors, List<List<Batch>> batches, List<Metric> metrics,
              INDArray batchNormFeatures) {
            super(anchors, batches, metrics);
            this.copy = NetworkEvaluator.copyOf(prototype);
            this.network = NetworkEvaluator.over(copy);
            this.parameters = network.parameters();
            this.batchNormFeatures = batchNormFeatures;
        }

        @Override
        void moveTo(double[] w) {
            combine(parameters, anchors, w);
            if (batchNormFeatures != null) {
                recomputeBatchNorm((MultiLayerNetwork) copy, batchNormFeatures);
            }
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
        private final DenseTail denseTail;

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
            this.denseTail = DenseTail.of(copy, batches, metrics);
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
            if (denseTail != null) {
                return denseTail.forward(a, set, batch, batches.get(set).get(batch));
            }
            return network.forwardFrom(1, a, batches.get(set).get(batch));
        }
    }

    /**
     * The layers after the first when they are all dense with a dense output layer: each a GEMM into a buffer
     * allocated once per run, bias and activation in place, the loss from the output layer's own loss function.
     * The weights are views of the worker's network copy, so they follow {@link #moveTo}.
     */
    static final class DenseTail {
        private final INDArray[] weights;
        private final INDArray[] biases;
        private final IActivation[] activations;
        private final org.nd4j.linalg.lossfunctions.ILossFunction loss;
        private final INDArray[][][] buffers;
        private final SoftmaxCrossEntropy softmaxCrossEntropy;
        private final boolean needsOutput;

        private DenseTail(MultiLayerNetwork net, List<List<Batch>> batches, List<Metric> metrics) {
            int n = net.getnLayers();
            weights = new INDArray[n];
            biases = new INDArray[n];
            activations = new IActivation[n];
            for (int l = 1; l < n; l++) {
                weights[l] = net.getLayer(l).getParam("W");
                biases[l] = net.getLayer(l).paramTable().get("b");
                activations[l] = ((BaseLayer) net.getLayer(l).conf().getLayer()).getActivationFn();
            }
            loss = ((org.deeplearning4j.nn.conf.layers.BaseOutputLayer) net.getLayer(n - 1).conf().getLayer())
                    .getLossFn();
            softmaxCrossEntropy = SoftmaxCrossEntropy.of(loss, activations[n - 1], batches);
            needsOutput = metrics.stream().anyMatch(m -> m instanceof Metric.Custom);
            buffers = new INDArray[batches.size()][][];
            for (int s = 0; s < batches.size(); s++) {
                buffers[s] = new INDArray[batches.get(s).size()][n];
                for (int b = 0; b < batches.get(s).size(); b++) {
                    for (int l = 1; l < n; l++) {
                        buffers[s][b][l] = Nd4j.createUninitialized(weights[l].dataType(),
                                new long[] {batches.get(s).get(b).size(), weights[l].size(1)}, 'c');
                    }
                }
            }
        }

        /** A dense tail for {@code net}, or {@code null} when its layers after the first are not all plain dense. */
        static DenseTail of(MultiLayerNetwork net, List<List<Batch>> batches, List<Metric> metrics) {
            int n = net.getnLayers();
            for (int l = 1; l < n; l++) {
                org.deeplearning4j.nn.conf.layers.Layer conf = net.getLayer(l).conf().getLayer();
                boolean dense = l < n - 1 ? conf.getClass() == DenseLayer.class && !((DenseLayer) conf).hasLayerNorm()
                        : conf.getClass() == org.deeplearning4j.nn.conf.layers.OutputLayer.class;
                if (!dense || net.getLayerWiseConfigurations().getInputPreProcess(l) != null) {
                    return null;
                }
            }
            return new DenseTail(net, batches, metrics);
        }

        NetworkEvaluator.Outputs forward(INDArray input, int set, int batch, Batch data) {
            INDArray[] buf = buffers[set][batch];
            INDArray in = input;
            int n = weights.length;
            for (int l = 1; l < n; l++) {
                Nd4j.gemm(in, weights[l], buf[l], false, false, 1.0, 0.0);
                if (biases[l] != null) {
                    buf[l].addiRowVector(biases[l]);
                }
                if (l < n - 1) {
                    in = activations[l].getActivation(buf[l], false);
                }
            }
            INDArray preOutput = buf[n - 1];
            if (softmaxCrossEntropy != null) {
                double[] lossAndAccuracy = softmaxCrossEntropy.evaluate(preOutput, set, batch);
                INDArray output = needsOutput ? activations[n - 1].getActivation(preOutput, false) : null;
                return new NetworkEvaluator.Outputs(lossAndAccuracy[0], lossAndAccuracy[1], output);
            }
            double score = loss.computeScore(data.labels()[0], preOutput, activations[n - 1], null, true);
            INDArray output = activations[n - 1].getActivation(preOutput, false);
            return new NetworkEvaluator.Outputs(score, output);
        }
    }

    /**
     * Softmax + multi-class cross-entropy (DL4J's {@code LossMCXENT} / {@code LossNegativeLogLikelihood} with a
     * softmax output, unweighted) and accuracy from the same pre-activations, on the CPU side in one pass over the
     * {@code [examples, classes]} array: ND4J's per-row softmax and the loss's five temporary arrays cost more than
     * the GEMMs for small output layers. Same clipping as DL4J ({@code softmaxClipEps}).
     */
    static final class SoftmaxCrossEntropy {
        private final double clip;
        private final float[][][] labels;
        private final int[][][] classes;

        private SoftmaxCrossEntropy(double clip, List<List<Batch>> batches) {
            this.clip = clip;
            labels = new float[batches.size()][][];
            classes = new int[batches.size()][][];
            for (int s = 0; s < batches.size(); s++) {
                labels[s] = new float[batches.get(s).size()][];
                classes[s] = new int[batches.get(s).size()][];
                for (int b = 0; b < batches.get(s).size(); b++) {
                    INDArray y = batches.get(s).get(b).labels()[0];
                    labels[s][b] = y.dup('c').data().asFloat();
                    classes[s][b] = argMaxRows(labels[s][b], (int) y.size(1));
                }
            }
        }

        static SoftmaxCrossEntropy of(org.nd4j.linalg.lossfunctions.ILossFunction loss, IActivation activation,
                                      List<List<Batch>> batches) {
            if ((loss.getClass() == org.nd4j.linalg.lossfunctions.impl.LossMCXENT.class
                    || loss.getClass() == org.nd4j.linalg.lossfunctions.impl.LossNegativeLogLikelihood.class)
                    && ((org.nd4j.linalg.lossfunctions.impl.LossMCXENT) loss).getWeights() == null
                    && activation instanceof org.nd4j.linalg.activations.impl.ActivationSoftmax) {
                for (List<Batch> set : batches) {
                    for (Batch b : set) {
                        if (b.labels()[0].rank() != 2) {
                            return null;
                        }
                    }
                }
                return new SoftmaxCrossEntropy(((org.nd4j.linalg.lossfunctions.impl.LossMCXENT) loss)
                        .getSoftmaxClipEps(), batches);
            }
            return null;
        }

        private static int[] argMaxRows(float[] v, int cols) {
            int rows = v.length / cols;
            int[] out = new int[rows];
            for (int r = 0; r < rows; r++) {
                int best = 0;
                for (int c = 1; c < cols; c++) {
                    if (v[r * cols + c] > v[r * cols + best]) {
                        best = c;
                    }
                }
                out[r] = best;
            }
            return out;
        }

        /** {mean loss, accuracy} of the batch's pre-activations {@code z}. */
        double[] evaluate(INDArray z, int set, int batch) {
            float[] v = z.data().asFloat();
            float[] y = labels[set][batch];
            int[] truth = classes[set][batch];
            int rows = truth.length;
            int cols = v.length / rows;
            double total = 0;
            int correct = 0;
            for (int r = 0; r < rows; r++) {
                int o = r * cols;
                int best = 0;
                double max = v[o];
                for (int c = 1; c < cols; c++) {
                    if (v[o + c] > max) {
                        max = v[o + c];
                        best = c;
                    }
                }
                if (best == truth[r]) {
                    correct++;
                }
                double sum = 0;
                for (int c = 0; c < cols; c++) {
                    sum += Math.exp(v[o + c] - max);
                }
                for (int c = 0; c < cols; c++) {
                    if (y[o + c] != 0f) {
                        double p = Math.exp(v[o + c] - max) / sum;
                        if (clip > 0) {
                            p = Math.min(Math.max(p, clip), 1.0 - clip);
                        }
                        total -= y[o + c] * Math.log(p);
                    }
                }
            }
            return new double[] {total / rows, correct / (double) rows};
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

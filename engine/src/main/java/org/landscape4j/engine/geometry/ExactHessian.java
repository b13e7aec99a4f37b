package org.landscape4j.engine.geometry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.bytedeco.javacpp.DoublePointer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution2D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationHardTanH;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossL2;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Exact Hessian-vector products of the landscape's own loss by Pearlmutter's R-operator: the loss the surface is drawn
 * from (inference mode: batch norm with its running statistics, no dropout, no regularization), averaged over the
 * evaluation set's examples, in double precision on ND4J's ops.
 *
 * <p>One product {@code H v} is one forward pass that carries every activation {@code a} and its directional
 * derivative {@code R{a} = d/dt a(θ + t v)}, then one backward pass that carries the gradient {@code g} of the loss
 * with respect to every activation and its directional derivative {@code R{g}}; at the parameters, {@code R{g} = H v}.
 * Piecewise-linear pieces (ReLU, leaky ReLU, hard tanh, max pooling) have zero second derivative almost everywhere and
 * contribute only through their (fixed) masks and selections: exactly what automatic differentiation gives.
 *
 * <p>Layer kinds with an exact rule: dense, 2D convolution (NCHW; truncate, same and strict modes, stride, padding,
 * dilation; ND4J's {@code conv2d} and {@code conv2d_bp}), batch normalization in inference mode (γ, β variables, the
 * running mean and variance constants), max and average subsampling (NCHW), global max/average/sum pooling, zero
 * padding, dropout (identity), activation layers, reshape preprocessors, element-wise add/subtract/average/product
 * vertices and merge vertices; activations identity, ReLU, leaky ReLU, ELU, tanh, sigmoid, softplus, hard tanh and
 * softmax; output or loss layers with softmax + multi-class cross-entropy (or negative log-likelihood) and MSE or L2
 * with any of those element-wise activations. Anything else makes {@link #compile} return the layer it cannot
 * handle, and the caller falls back to finite differences of DL4J gradients.
 *
 * <p><b>Cost.</b> A product forms the activations' gradients but not the parameters' gradient. Per dense layer it
 * takes 3 matrix products forward and 5 backward (2 and 1 at the first layer, whose input has no R-derivative and
 * needs no gradient; a gradient takes 1 and 2); per convolution 3 convolutions forward and 3 {@code conv2d_bp}
 * backward (2 and 1 at the first layer; a gradient 1 and 1). Measured in double precision on a 2-core machine
 * shared with other builds (load 0.4-4), medians of interleaved rounds against DL4J's inference forward pass of the same double network
 * ({@code ExactHessianCost}): an MLP 784-128-128-10 on 256 examples, one product 4.9-5.9 forward passes (11.5-13.9
 * before the parameters' gradient was skipped, θ, v and {@code H v} were kept in reused flat arrays and a block's
 * arrays put in a workspace); a CNN (conv16-pool-conv32-pool-dense64, 3x32x32, 128 examples) 3.8-5.1 (4.7-6.1
 * before), where ND4J's double {@code conv2d_bp} (4-5 forward convolutions' time, most of it the input gradient's
 * {@code col2im}) is most of a product. The fallback costs 2 gradients. Memory: blocks of 256 examples, four arrays
 * (value, R, gradient, R-gradient) per activation; a block's arrays in a 64 MB workspace per thread, kept by the
 * thread, and what does not fit allocated as usual and freed with the block.
 *
 * <p>DL4J clips softmax probabilities to {@code [1e-10, 1 − 1e-10]} inside its cross-entropy score; the function
 * differentiated here is the unclipped one (the two differ by at most {@code 1e-10} per example in value).
 * Not thread-safe.
 */
final class ExactHessian {

    /** Relative agreement with DL4J's inference forward pass required on a probe of the data. */
    private static final double PROBE_TOLERANCE = 1e-8;
    /** Rows processed at once; the loss is a sum over examples, so blocks change nothing but memory. */
    private static final long BLOCK_ROWS = 256;
    /** The workspace of a block's arrays (one per thread); what does not fit is allocated as usual and freed with it. */
    private static final String WORKSPACE = "landscape4j-exact-hessian";
    private static final WorkspaceConfiguration BLOCK_MEMORY = WorkspaceConfiguration.builder()
            .initialSize(64L << 20).policyLearning(LearningPolicy.NONE)
            .policyAllocation(AllocationPolicy.STRICT).policySpill(SpillPolicy.EXTERNAL)
            .policyReset(ResetPolicy.BLOCK_LEFT).build();

    private final List<Node> nodes;
    private final Head head;
    private final int slots;
    private final List<INDArray> features;
    private final List<INDArray> labels;
    private final double scale;
    private final int numParams;
    private final String summary;
    /** The parameter-sized arrays every pass reuses, and the parameters' views of them. */
    private final Flats flats;

    /** The result of {@link #compile}: the products, or why the network has none. */
    record Compiled(ExactHessian hessian, String unsupported) {
    }

    private ExactHessian(List<Node> nodes, Head head, int slots, List<INDArray> features, List<INDArray> labels,
                         double scale, int numParams) {
        this.nodes = nodes;
        this.head = head;
        this.slots = slots;
        this.features = features;
        this.labels = labels;
        this.scale = scale;
        this.numParams = numParams;
        this.flats = new Flats(numParams);
        List<String> kinds = new ArrayList<>();
        for (Node n : nodes) {
            if (!(n instanceof Reshape)) {
                kinds.add(n.kind());
            }
        }
        kinds.add(head.kind());
        this.summary = String.join(", ", kinds);
    }

    /**
     * Compiles {@code net} (a double-precision network, only read: its configuration, parameter layout and the
     * activation shapes of its forward pass on a probe of the data) for {@code batches}; checks its own forward pass
     * against DL4J's on the probe.
     */
    static Compiled compile(Model net, List<DataSet> batches) {
        DataSet first = batches.get(0);
        INDArray probe = rows(first.getFeatures().castTo(DataType.DOUBLE), 0, Math.min(2, first.numExamples()));
        INDArray probeLabels = rows(first.getLabels().castTo(DataType.DOUBLE), 0, Math.min(2, first.numExamples()));
        Builder b = new Builder(net, probe);
        try {
            if (net instanceof MultiLayerNetwork m) {
                b.network(m);
            } else {
                b.graph((ComputationGraph) net);
            }
        } catch (RuntimeException e) {
            return new Compiled(null, "the network could not be compiled (" + e + ")");
        }
        if (b.unsupported != null) {
            return new Compiled(null, b.unsupported);
        }
        long examples = batches.stream().mapToLong(DataSet::numExamples).sum();
        double scale = net.conf().isMiniBatch() ? 1.0 / examples : 1.0;
        List<INDArray> xs = batches.stream().map(d -> d.getFeatures().castTo(DataType.DOUBLE)).toList();
        List<INDArray> ys = batches.stream().map(d -> d.getLabels().castTo(DataType.DOUBLE)).toList();
        ExactHessian h = new ExactHessian(List.copyOf(b.nodes), b.head, b.shapes.size(), xs, ys, scale,
                (int) net.params().length());
        String disagreement = h.check(net, probe, probeLabels, b.expected);
        return disagreement == null ? new Compiled(h, null) : new Compiled(null, disagreement);
    }

    /** The layer kinds, for descriptions: {@code "conv2d, relu, maxpool, dense, softmax-mcxent"}. */
    String summary() {
        return summary;
    }

    int numParams() {
        return numParams;
    }

    /** The loss at {@code theta} (mean over the examples), by this class's forward pass. */
    double loss(double[] theta) {
        return run(theta, null, false, false).loss;
    }

    /** The gradient of the loss at {@code theta} over all parameters (0 at batch-norm running statistics). */
    double[] gradient(double[] theta) {
        return run(theta, null, true, true).gradient;
    }

    /**
     * {@code H v} at {@code theta} (0 at batch-norm running statistics, which are constants of the loss). The
     * parameters' gradient is not formed: only the activations' gradients, which {@code H v} needs.
     */
    double[] times(double[] theta, double[] v) {
        return run(theta, v, true, false).hv;
    }

    private record Totals(double loss, double[] gradient, double[] hv) {
    }

    private Totals run(double[] theta, double[] v, boolean backward, boolean gradient) {
        Pass p = new Pass(flats, theta, v, slots, gradient);
        double loss = 0;
        for (int i = 0; i < features.size(); i++) {
            INDArray x = features.get(i);
            INDArray y = labels.get(i);
            long n = x.size(0);
            for (long from = 0; from < n; from += BLOCK_ROWS) {
                long to = Math.min(n, from + BLOCK_ROWS);
                // every array of a block dies with it: a workspace makes their allocation a pointer bump
                try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(BLOCK_MEMORY,
                        WORKSPACE)) {
                    p.startBlock(rows(x, from, to));
                    for (Node node : nodes) {
                        node.forward(p);
                    }
                    loss += head.lossAndSeed(p, rows(y, from, to), scale, backward);
                    if (backward) {
                        for (int k = nodes.size() - 1; k >= 0; k--) {
                            if (p.g[nodes.get(k).out] != null) {
                                nodes.get(k).backward(p);
                            }
                        }
                    }
                    p.startBlock(null);
                }
            }
        }
        return new Totals(loss * scale, p.gradient(), p.hv());
    }

    /** Compares the activations and the loss of this class's forward pass with DL4J's on the probe. */
    private String check(Model net, INDArray x, INDArray y, Map<Integer, INDArray> expected) {
        double[] theta = net.params().toDoubleVector();
        Pass p = new Pass(flats, theta, null, slots, false);
        p.startBlock(x);
        for (Node node : nodes) {
            node.forward(p);
            INDArray want = expected.get(node.out);
            if (want != null) {
                INDArray have = p.a[node.out];
                double s = Math.max(1e-12, Transforms.abs(want, true).maxNumber().doubleValue());
                double diff = !Arrays.equals(want.shape(), have.shape()) ? Double.POSITIVE_INFINITY
                        : want.sub(have).amaxNumber().doubleValue() / s;
                if (!(diff <= PROBE_TOLERANCE)) {
                    return node.source + " disagrees with DL4J's forward pass on a probe of the data (relative"
                            + " difference " + String.format(Locale.ROOT, "%.2g", diff) + ")";
                }
            }
        }
        double mine = head.lossAndSeed(p, y, 1.0 / x.size(0), false) / x.size(0);
        DataSet d = new DataSet(x, y);
        double dl4j = (net instanceof MultiLayerNetwork m ? m.score(d, false) : ((ComputationGraph) net).score(d, false))
                - (net instanceof MultiLayerNetwork m ? m.calcRegularizationScore(true)
                : ((ComputationGraph) net).calcRegularizationScore(true));
        if (!net.conf().isMiniBatch()) {
            dl4j /= x.size(0);
        }
        if (!(Math.abs(mine - dl4j) <= 1e-7 * Math.max(1, Math.abs(dl4j)))) {
            return "the exact curvature's loss disagrees with DL4J's score on a probe of the data (" + mine + " vs "
                    + dl4j + ")";
        }
        return null;
    }

    static INDArray rows(INDArray x, long from, long to) {
        if (from == 0 && to == x.size(0)) {
            return x;
        }
        INDArrayIndex[] index = new INDArrayIndex[x.rank()];
        index[0] = NDArrayIndex.interval(from, to);
        for (int d = 1; d < index.length; d++) {
            index[d] = NDArrayIndex.all();
        }
        return x.get(index).dup('c');
    }

    // ---------------------------------------------------------------------------------------------------------------
    // One pass: slots, parameters and accumulators

    /**
     * The flat, parameter-sized arrays of one {@link ExactHessian}'s passes — {@code θ}, {@code v}, the gradient and
     * {@code H v} — allocated once (outside any workspace) on first use, and every parameter's views of them. Values
     * move in and out by one bulk copy through the buffers' pointers: ND4J's {@code createFromArray} and
     * {@code toDoubleVector} copy element by element and allocate, about 30 times slower for a large network.
     */
    static final class Flats {
        private final int length;
        private final INDArray[] arrays = new INDArray[4];
        private final Map<Param, INDArray[]> views = new HashMap<>();

        Flats(int length) {
            this.length = length;
        }

        /** Array {@code i} (0 θ, 1 v, 2 gradient, 3 H v), allocated on first use. */
        private INDArray array(int i) {
            if (arrays[i] == null) {
                try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                    arrays[i] = Nd4j.createUninitialized(DataType.DOUBLE, length);
                }
            }
            return arrays[i];
        }

        /** Array {@code i} holding {@code values}. */
        INDArray load(int i, double[] values) {
            if (values.length != length) {
                throw new IllegalArgumentException("a flat vector must have " + length + " entries, had "
                        + values.length);
            }
            INDArray a = array(i);
            ((DoublePointer) a.data().addressPointer()).put(values);
            return a;
        }

        /** Array {@code i} set to 0. */
        INDArray zeroed(int i) {
            return array(i).assign(0);
        }

        double[] read(int i) {
            double[] out = new double[length];
            ((DoublePointer) arrays[i].data().addressPointer()).get(out);
            return out;
        }

        /** The parameter's views of the four arrays ({@code null} where an array is not allocated yet). */
        INDArray[] views(Param p) {
            INDArray[] v = views.computeIfAbsent(p, q -> new INDArray[4]);
            for (int i = 0; i < 4; i++) {
                if (v[i] == null && arrays[i] != null) {
                    v[i] = p.view(arrays[i]);
                }
            }
            return v;
        }
    }

    /**
     * The state of one product: the parameters {@code θ} and direction {@code v} (as views of the {@link Flats}),
     * the per-slot activations {@code a}, their R-derivatives {@code r} ({@code null} = zero), gradients {@code g}
     * and their R-derivatives {@code rg}, and the accumulated gradient (only when asked for) and {@code H v} over the
     * flat parameter vector, summed in place into the flats.
     */
    static final class Pass {
        private final Flats flats;
        private final boolean direction;
        private final boolean gradient;
        final INDArray[] a;
        final INDArray[] r;
        final INDArray[] g;
        final INDArray[] rg;
        /** Per slot, an element-wise activation's first derivative at its input, computed once per block. */
        final INDArray[] slope;

        Pass(Flats flats, double[] theta, double[] v, int slots, boolean gradient) {
            this.flats = flats;
            this.direction = v != null;
            this.gradient = gradient;
            flats.load(0, theta);
            if (direction) {
                flats.load(1, v);
                flats.zeroed(3);
            }
            if (gradient) {
                flats.zeroed(2);
            }
            this.a = new INDArray[slots];
            this.r = new INDArray[slots];
            this.g = new INDArray[slots];
            this.rg = new INDArray[slots];
            this.slope = new INDArray[slots];
        }

        void startBlock(INDArray x) {
            Arrays.fill(a, null);
            Arrays.fill(r, null);
            Arrays.fill(g, null);
            Arrays.fill(rg, null);
            Arrays.fill(slope, null);
            a[0] = x;
        }

        /** The parameter's value at {@code θ}. */
        INDArray value(Param p) {
            return flats.views(p)[0];
        }

        /** The parameter's part of {@code v}, or {@code null} when there is no direction (loss and gradient only). */
        INDArray direction(Param p) {
            return direction ? flats.views(p)[1] : null;
        }

        /** Whether the parameters' gradient is wanted: nodes skip the products that only it needs otherwise. */
        boolean wantsGradient() {
            return gradient;
        }

        /** Adds {@code gradient} and {@code rGradient} (either may be {@code null}) to the parameter's entries. */
        void accumulate(Param p, INDArray gradient, INDArray rGradient) {
            INDArray[] t = flats.views(p);
            if (gradient != null && this.gradient) {
                t[2].addi(gradient.reshape(p.shape()));
            }
            if (rGradient != null && direction) {
                t[3].addi(rGradient.reshape(p.shape()));
            }
        }

        /** Adds a gradient and its R-derivative to slot {@code s} (copies on first use: arrays are shared). */
        void addGrad(int s, INDArray gradient, INDArray rGradient) {
            if (s == 0) {
                return;
            }
            g[s] = g[s] == null ? gradient.dup() : g[s].addi(gradient);
            if (rGradient != null) {
                rg[s] = rg[s] == null ? rGradient.dup() : rg[s].addi(rGradient);
            }
        }

        boolean hasDirection() {
            return direction;
        }

        double[] gradient() {
            return gradient ? flats.read(2) : null;
        }

        double[] hv() {
            return direction ? flats.read(3) : null;
        }
    }

    /** A parameter tensor inside the flat vector: where, which shape, which storage order. */
    record Param(long offset, long[] shape, char order) {
        static Param of(Model net, org.deeplearning4j.nn.api.Layer layer, String key) {
            INDArray view = layer.paramTable().get(key);
            if (view == null) {
                return null;
            }
            return new Param(view.offset() - net.params().offset(), view.shape(),
                    view.rank() <= 1 ? 'c' : view.ordering());
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** The tensor as a view of {@code flat} (its entries in this storage order), or {@code null} for none. */
        INDArray view(INDArray flat) {
            if (flat == null) {
                return null;
            }
            return Nd4j.create(flat.data(), shape.clone(), Nd4j.getStrides(shape, order), flat.offset() + offset,
                    order, DataType.DOUBLE);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Param p && p.offset == offset && Arrays.equals(p.shape, shape);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(offset) * 31 + Arrays.hashCode(shape);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Nodes

    /** One operation: reads slots {@code in}, writes slot {@code out}; forward carries R, backward carries R{g}. */
    abstract static class Node {
        final String source;
        final int[] in;
        final int out;

        Node(String source, int[] in, int out) {
            this.source = source;
            this.in = in;
            this.out = out;
        }

        abstract void forward(Pass p);

        /** Given {@code g[out]} and {@code rg[out]}, adds to the inputs' and the parameters' gradients. */
        abstract void backward(Pass p);

        abstract String kind();
    }

    static INDArray plus(INDArray a, INDArray b) {
        return a == null ? b : b == null ? a : a.add(b);
    }

    /** A dense layer's pre-activation {@code z = x W + b}, W {@code [nIn, nOut]}. */
    static final class Dense extends Node {
        private final Param w;
        private final Param b;

        Dense(String source, int in, int out, Param w, Param b) {
            super(source, new int[] {in}, out);
            this.w = w;
            this.b = b;
        }

        @Override
        void forward(Pass p) {
            INDArray x = p.a[in[0]];
            INDArray rx = p.r[in[0]];
            INDArray z = x.mmul(p.value(w));
            if (b != null) {
                z.addiRowVector(p.value(b));
            }
            p.a[out] = z;
            if (p.hasDirection()) {
                INDArray rz = x.mmul(p.direction(w));
                if (b != null) {
                    rz.addiRowVector(p.direction(b));
                }
                if (rx != null) {
                    rz.addi(rx.mmul(p.value(w)));
                }
                p.r[out] = rz;
            }
        }

        @Override
        void backward(Pass p) {
            INDArray x = p.a[in[0]];
            INDArray rx = p.r[in[0]];
            INDArray gz = p.g[out];
            INDArray rgz = p.rg[out];
            INDArray xt = x.transpose();
            INDArray hw = null;
            if (p.hasDirection()) {
                hw = xt.mmul(rgz);
                if (rx != null) {
                    hw.addi(rx.transpose().mmul(gz));
                }
            }
            p.accumulate(w, p.wantsGradient() ? xt.mmul(gz) : null, hw);
            if (b != null) {
                p.accumulate(b, p.wantsGradient() ? gz.sum(0) : null, rgz == null ? null : rgz.sum(0));
            }
            if (in[0] != 0) {
                INDArray wt = p.value(w).transpose();
                INDArray rgx = p.hasDirection() ? rgz.mmul(wt).addi(gz.mmul(p.direction(w).transpose())) : null;
                p.addGrad(in[0], gz.mmul(wt), rgx);
            }
        }

        @Override
        String kind() {
            return "dense";
        }
    }

    /** A 2D convolution's pre-activation (NCHW, weights {@code [out, in, kH, kW]}), ND4J's conv2d and conv2d_bp. */
    static final class Convolution extends Node {
        private final Param w;
        private final Param b;
        private final Conv2DConfig config;
        private final long channelsOut;
        private long[] args;

        Convolution(String source, int in, int out, Param w, Param b, ConvolutionLayer conf) {
            super(source, new int[] {in}, out);
            this.w = w;
            this.b = b;
            int[] k = conf.getKernelSize();
            int[] s = conf.getStride();
            int[] pad = conf.getPadding();
            int[] d = conf.getDilation();
            this.config = Conv2DConfig.builder()
                    .kH(k[0]).kW(k[1]).sH(s[0]).sW(s[1]).pH(pad[0]).pW(pad[1]).dH(d[0]).dW(d[1])
                    .paddingMode(ConvolutionUtils.paddingModeForConvolutionMode(conf.getConvolutionMode()))
                    .dataFormat(Conv2DConfig.NCHW).weightsFormat(WeightsFormat.OIYX)
                    .build();
            this.channelsOut = w.shape()[0];
        }

        private INDArray bias(Pass p, boolean direction) {
            if (b == null) {
                return Nd4j.zeros(DataType.DOUBLE, channelsOut);
            }
            INDArray v = direction ? p.direction(b) : p.value(b);
            return v.reshape(v.length());
        }

        private INDArray conv(INDArray x, INDArray kernel, INDArray bias) {
            Conv2D op = new Conv2D(new INDArray[] {x, kernel, bias}, null, config);
            INDArray z = Nd4j.exec(op)[0];
            if (args == null) {
                args = op.iArgs();
            }
            return z;
        }

        /** {gradI, gradW, gradB} of {@code conv(x, kernel) + bias} for the output gradient {@code gz}. */
        private INDArray[] backprop(INDArray x, INDArray kernel, INDArray gz) {
            INDArray gi = Nd4j.createUninitialized(DataType.DOUBLE, x.shape());
            INDArray gw = Nd4j.createUninitialized(DataType.DOUBLE, kernel.shape());
            INDArray gb = Nd4j.createUninitialized(DataType.DOUBLE, channelsOut);
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                    .addInputs(x, kernel, Nd4j.zeros(DataType.DOUBLE, channelsOut), gz)
                    .addOutputs(gi, gw, gb).addIntegerArguments(java.util.Arrays.stream(args).mapToInt(a -> (int) a).toArray())
                    .callInplace(false).build());
            return new INDArray[] {gi, gw, gb};
        }

        @Override
        void forward(Pass p) {
            INDArray x = p.a[in[0]];
            INDArray rx = p.r[in[0]];
            p.a[out] = conv(x, p.value(w), bias(p, false));
            if (p.hasDirection()) {
                INDArray rz = conv(x, p.direction(w), bias(p, true));
                if (rx != null) {
                    rz.addi(conv(rx, p.value(w), Nd4j.zeros(DataType.DOUBLE, channelsOut)));
                }
                p.r[out] = rz;
            }
        }

        @Override
        void backward(Pass p) {
            INDArray x = p.a[in[0]];
            INDArray rx = p.r[in[0]];
            // the plain product gives the input's gradient and the weights' gradient: skipped when neither is wanted
            INDArray[] plain = in[0] != 0 || p.wantsGradient() || !p.hasDirection()
                    ? backprop(x, p.value(w), p.g[out]) : null;
            if (!p.hasDirection()) {
                p.accumulate(w, plain[1], null);
                if (b != null) {
                    p.accumulate(b, plain[2], null);
                }
                p.addGrad(in[0], plain[0], null);
                return;
            }
            // gx = convᵀ(gz; W), gW = corr(x, gz): both bilinear, so R{gx} = convᵀ(R{gz}; W) + convᵀ(gz; V) and
            // R{gW} = corr(x, R{gz}) + corr(R{x}, gz); one conv2d_bp gives both halves of each
            INDArray[] second = backprop(x, p.value(w), p.rg[out]);
            INDArray rgx = second[0];
            INDArray hw = second[1];
            if (rx != null || in[0] != 0) {
                INDArray[] cross = backprop(rx != null ? rx : x, p.direction(w), p.g[out]);
                rgx.addi(cross[0]);
                if (rx != null) {
                    hw.addi(cross[1]);
                }
            }
            p.accumulate(w, plain == null ? null : plain[1], hw);
            if (b != null) {
                p.accumulate(b, plain == null ? null : plain[2], second[2]);
            }
            if (plain != null) {
                p.addGrad(in[0], plain[0], rgx);
            }
        }

        @Override
        String kind() {
            return "conv2d";
        }
    }

    /**
     * Batch normalization in inference mode, {@code y = γ (x − μ) s + β} with {@code s = 1/sqrt(var + eps)} per
     * channel (axis 1); μ and var are constants, γ and β variables unless locked.
     */
    static final class BatchNorm extends Node {
        private final Param gamma;
        private final Param beta;
        private final Param mean;
        private final Param var;
        private final boolean logStd;
        private final double eps;
        private final double lockedGamma;
        private final double lockedBeta;

        BatchNorm(String source, int in, int out, Param gamma, Param beta, Param mean, Param var, boolean logStd,
                  BatchNormalization conf) {
            super(source, new int[] {in}, out);
            this.gamma = gamma;
            this.beta = beta;
            this.mean = mean;
            this.var = var;
            this.logStd = logStd;
            this.eps = conf.getEps();
            boolean apply = conf.getGamma() != 1.0 && conf.getBeta() != 0.0;
            this.lockedGamma = apply ? conf.getGamma() : 1.0;
            this.lockedBeta = apply ? conf.getBeta() : 0.0;
        }

        private static INDArray channels(INDArray v, int rank) {
            long c = v.length();
            return rank == 2 ? v.reshape(1, c) : v.reshape(1, c, 1, 1);
        }

        private static INDArray sumToChannels(INDArray x) {
            return x.rank() == 2 ? x.sum(0) : x.sum(0, 2, 3);
        }

        private INDArray scale(Pass p, int rank) {
            INDArray stored = p.value(var);
            INDArray variance = logStd ? Transforms.pow(Nd4j.valueArrayOf(stored.shape(), 10.0, DataType.DOUBLE),
                    stored, false).muli(Transforms.pow(Nd4j.valueArrayOf(stored.shape(), 10.0, DataType.DOUBLE),
                    stored, false)) : stored;
            return channels(Transforms.pow(variance.add(eps), -0.5, false), rank);
        }

        private INDArray gammaOf(Pass p, long c, int rank) {
            return channels(gamma != null ? p.value(gamma) : Nd4j.valueArrayOf(new long[] {c}, lockedGamma,
                    DataType.DOUBLE), rank);
        }

        private INDArray normalized(Pass p, INDArray x) {
            INDArray mu = channels(p.value(mean), x.rank());
            return x.sub(mu).muli(scale(p, x.rank()));
        }

        @Override
        void forward(Pass p) {
            INDArray x = p.a[in[0]];
            int rank = x.rank();
            long c = x.size(1);
            INDArray s = scale(p, rank);
            INDArray gm = gammaOf(p, c, rank);
            INDArray xhat = normalized(p, x);
            INDArray y = xhat.mul(gm);
            y.addi(channels(beta != null ? p.value(beta) : Nd4j.valueArrayOf(new long[] {c}, lockedBeta,
                    DataType.DOUBLE), rank));
            p.a[out] = y;
            if (p.hasDirection()) {
                INDArray ry = null;
                if (p.r[in[0]] != null) {
                    ry = p.r[in[0]].mul(gm.mul(s));
                }
                if (gamma != null) {
                    ry = plus(ry, xhat.mul(channels(p.direction(gamma), rank)));
                }
                if (beta != null) {
                    INDArray vb = channels(p.direction(beta), rank);
                    ry = ry == null ? Nd4j.zeros(DataType.DOUBLE, y.shape()).addi(vb) : ry.addi(vb);
                }
                p.r[out] = ry;
            }
        }

        @Override
        void backward(Pass p) {
            INDArray x = p.a[in[0]];
            INDArray rx = p.r[in[0]];
            int rank = x.rank();
            INDArray s = scale(p, rank);
            INDArray gm = gammaOf(p, x.size(1), rank);
            INDArray gy = p.g[out];
            INDArray rgy = p.rg[out];
            INDArray xhat = normalized(p, x);
            if (gamma != null) {
                INDArray h = null;
                if (rgy != null) {
                    h = sumToChannels(rgy.mul(xhat));
                    if (rx != null) {
                        h.addi(sumToChannels(gy.mul(rx).muli(s)));
                    }
                }
                p.accumulate(gamma, p.wantsGradient() ? sumToChannels(gy.mul(xhat)) : null, h);
            }
            if (beta != null) {
                p.accumulate(beta, p.wantsGradient() ? sumToChannels(gy) : null,
                        rgy == null ? null : sumToChannels(rgy));
            }
            if (in[0] != 0) {
                INDArray gs = gm.mul(s);
                INDArray rgx = null;
                if (rgy != null) {
                    rgx = rgy.mul(gs);
                    if (gamma != null) {
                        rgx.addi(gy.mul(channels(p.direction(gamma), rank)).muli(s));
                    }
                }
                p.addGrad(in[0], gy.mul(gs), rgx);
            }
        }

        @Override
        String kind() {
            return "batchnorm";
        }
    }

    /** An element-wise activation {@code a = σ(z)} with its first and second derivatives, or softmax over axis 1. */
    static final class Activation extends Node {
        private final Function f;

        Activation(String source, int in, int out, Function f) {
            super(source, new int[] {in}, out);
            this.f = f;
        }

        @Override
        void forward(Pass p) {
            INDArray z = p.a[in[0]];
            INDArray rz = p.r[in[0]];
            if (f.kind() == Kind.SOFTMAX) {
                INDArray s = softmax(z);
                p.a[out] = s;
                if (rz != null) {
                    p.r[out] = softmaxJvp(s, rz);
                }
                return;
            }
            p.a[out] = f.value(z);
            if (rz != null) {
                p.r[out] = rz.mul(slope(p));
            }
        }

        /** {@code σ'(z)}, once per block (forward and backward both need it). */
        private INDArray slope(Pass p) {
            if (p.slope[out] == null) {
                p.slope[out] = f.first(p.a[in[0]]);
            }
            return p.slope[out];
        }

        @Override
        void backward(Pass p) {
            INDArray z = p.a[in[0]];
            INDArray rz = p.r[in[0]];
            INDArray ga = p.g[out];
            INDArray rga = p.rg[out];
            if (f.kind() == Kind.SOFTMAX) {
                INDArray s = p.a[out];
                INDArray gz = softmaxJvp(s, ga);
                INDArray rgz = rga == null ? null : softmaxJvp(s, rga);
                if (rz != null) {
                    INDArray rs = p.r[out];
                    // R{s ⊙ (ga − Σ s ga)} beyond s ⊙ (R{ga} − Σ s R{ga}): rs ⊙ (ga − Σ s ga) − s Σ rs ga
                    INDArray extra = ga.subColumnVector(s.mul(ga).sum(true, 1)).muli(rs);
                    extra.subi(s.mulColumnVector(rs.mul(ga).sum(true, 1)));
                    rgz = plus(rgz, extra);
                }
                p.addGrad(in[0], gz, rgz);
                return;
            }
            INDArray d1 = slope(p);
            INDArray gz = ga.mul(d1);
            INDArray rgz = rga == null ? null : rga.mul(d1);
            if (rz != null && f.curved()) {
                rgz = plus(rgz, f.second(z).muli(rz).muli(ga));
            }
            p.addGrad(in[0], gz, rgz);
        }

        @Override
        String kind() {
            return f.kind().name().toLowerCase(Locale.ROOT);
        }
    }

    static INDArray softmax(INDArray z) {
        INDArray e = Transforms.exp(z.subColumnVector(z.max(true, 1)), false);
        return e.diviColumnVector(e.sum(true, 1));
    }

    /** {@code s ⊙ (u − Σ_j s_j u_j)}: the softmax Jacobian (symmetric) times {@code u}, rows independent. */
    static INDArray softmaxJvp(INDArray s, INDArray u) {
        return u.subColumnVector(s.mul(u).sum(true, 1)).muli(s);
    }

    /** The element-wise activations with an exact rule, and softmax over axis 1. */
    enum Kind {
        IDENTITY(false), RELU(false), LEAKYRELU(false), ELU(true), TANH(true), SIGMOID(true), SOFTPLUS(true),
        HARDTANH(false), SOFTMAX(true);

        final boolean curved;

        Kind(boolean curved) {
            this.curved = curved;
        }
    }

    /** An activation function with its value, first and second derivative; {@code alpha} for leaky ReLU and ELU. */
    record Function(Kind kind, double alpha) {
        static final Function IDENTITY = new Function(Kind.IDENTITY, 0);

        boolean curved() {
            return kind.curved;
        }

        INDArray value(INDArray z) {
            return switch (kind) {
                case IDENTITY -> z.dup();
                case RELU -> Transforms.relu(z, true);
                case LEAKYRELU -> z.mul(first(z));
                case ELU -> {
                    INDArray pos = positive(z);
                    INDArray neg = Transforms.exp(Transforms.min(z, 0.0, true), false).subi(1).muli(alpha);
                    yield z.mul(pos).addi(neg.muli(pos.rsub(1)));
                }
                case TANH -> Transforms.tanh(z, true);
                case SIGMOID -> Transforms.sigmoid(z, true);
                case SOFTPLUS -> Transforms.softPlus(z, true);
                case HARDTANH -> Transforms.min(Transforms.max(z, -1.0, true), 1.0, false);
                case SOFTMAX -> softmax(z);
            };
        }

        INDArray first(INDArray z) {
            return switch (kind) {
                case IDENTITY -> Nd4j.onesLike(z);
                case RELU -> positive(z);
                case LEAKYRELU -> {
                    INDArray pos = positive(z);
                    yield pos.rsub(1).muli(alpha).addi(pos);
                }
                case ELU -> {
                    INDArray pos = positive(z);
                    yield Transforms.exp(Transforms.min(z, 0.0, true), false).muli(alpha).muli(pos.rsub(1)).addi(pos);
                }
                case TANH -> {
                    INDArray t = Transforms.tanh(z, true);
                    yield t.muli(t).rsubi(1);
                }
                case SIGMOID -> {
                    INDArray s = Transforms.sigmoid(z, true);
                    yield s.mul(s.rsub(1));
                }
                case SOFTPLUS -> Transforms.sigmoid(z, true);
                case HARDTANH -> Transforms.abs(z, true).lt(1.0).castTo(DataType.DOUBLE);
                case SOFTMAX -> throw new IllegalStateException("softmax is not element-wise");
            };
        }

        INDArray second(INDArray z) {
            return switch (kind) {
                case ELU -> Transforms.exp(Transforms.min(z, 0.0, true), false).muli(alpha)
                        .muli(positive(z).rsubi(1));
                case TANH -> {
                    INDArray t = Transforms.tanh(z, true);
                    yield t.mul(t).rsubi(1).muli(t).muli(-2);
                }
                case SIGMOID -> {
                    INDArray s = Transforms.sigmoid(z, true);
                    yield s.mul(s.rsub(1)).muli(s.mul(-2).addi(1));
                }
                case SOFTPLUS -> {
                    INDArray s = Transforms.sigmoid(z, true);
                    yield s.mul(s.rsub(1));
                }
                default -> Nd4j.zerosLike(z);
            };
        }

        private static INDArray positive(INDArray z) {
            return z.gt(0.0).castTo(DataType.DOUBLE);
        }
    }

    /** The function with an exact rule for {@code activation}, or {@code null}. */
    static Function functionOf(IActivation activation) {
        if (activation == null || activation instanceof ActivationIdentity) {
            return Function.IDENTITY;
        }
        if (activation instanceof ActivationReLU relu) {
            boolean plain = relu.getMax() == null && (relu.getThreshold() == null || relu.getThreshold() == 0)
                    && (relu.getNegativeSlope() == null || relu.getNegativeSlope() == 0);
            return plain ? new Function(Kind.RELU, 0) : null;
        }
        if (activation instanceof ActivationLReLU l) {
            return new Function(Kind.LEAKYRELU, l.getAlpha());
        }
        if (activation instanceof ActivationELU e) {
            return new Function(Kind.ELU, e.getAlpha());
        }
        Kind kind = activation instanceof ActivationTanH ? Kind.TANH
                : activation instanceof ActivationSigmoid ? Kind.SIGMOID
                : activation instanceof ActivationSoftPlus ? Kind.SOFTPLUS
                : activation instanceof ActivationHardTanH ? Kind.HARDTANH
                : activation instanceof ActivationSoftmax ? Kind.SOFTMAX : null;
        return kind == null ? null : new Function(kind, 0);
    }

    /** A reshape (preprocessor) or identity (dropout): no work, the output is a view of the input. */
    static final class Reshape extends Node {
        private final long[] outShape;

        Reshape(String source, int in, int out, long[] outShape) {
            super(source, new int[] {in}, out);
            this.outShape = outShape;
        }

        private long[] shape(long n, long[] s) {
            long[] full = new long[s.length + 1];
            full[0] = n;
            System.arraycopy(s, 0, full, 1, s.length);
            return full;
        }

        @Override
        void forward(Pass p) {
            INDArray x = p.a[in[0]];
            long[] shape = shape(x.size(0), outShape);
            p.a[out] = x.dup('c').reshape('c', shape);
            p.r[out] = p.r[in[0]] == null ? null : p.r[in[0]].dup('c').reshape('c', shape);
        }

        @Override
        void backward(Pass p) {
            long[] shape = p.a[in[0]].shape();
            p.addGrad(in[0], p.g[out].dup('c').reshape('c', shape),
                    p.rg[out] == null ? null : p.rg[out].dup('c').reshape('c', shape));
        }

        @Override
        String kind() {
            return "reshape";
        }
    }

    /**
     * Max or average subsampling over NCHW windows, in Java over the flat arrays: the maximum's position (the first
     * one in window order) is found once per block and used for the value, its R-derivative ({@code R{y} = R{x}} at
     * that position) and both backward products, so they are one linear map and its transpose.
     */
    static final class Pooling extends Node {
        private final boolean max;
        private final int kH;
        private final int kW;
        private final int sH;
        private final int sW;
        private final int pH;
        private final int pW;
        private final int dH;
        private final int dW;
        private final boolean same;
        private final boolean includePad;
        private final long[] outShape;
        private int[] argmax;

        Pooling(String source, int in, int out, SubsamplingLayer conf, long[] outShape) {
            super(source, new int[] {in}, out);
            this.max = conf.getPoolingType() == PoolingType.MAX;
            int[] k = conf.getKernelSize();
            int[] s = conf.getStride();
            int[] pad = conf.getPadding();
            int[] d = conf.getDilation();
            this.kH = k[0];
            this.kW = k[1];
            this.sH = s[0];
            this.sW = s[1];
            this.pH = pad[0];
            this.pW = pad[1];
            this.dH = d[0];
            this.dW = d[1];
            this.same = conf.getConvolutionMode() == ConvolutionMode.Same;
            this.includePad = conf.isAvgPoolIncludePadInDivisor();
            this.outShape = outShape;
        }

        /** For each output position of one plane (c-order): its window's positions in the input plane, -1 padded. */
        private int[][] windows(long h, long w) {
            long oh = outShape[1];
            long ow = outShape[2];
            long top = pH;
            long left = pW;
            if (same) {
                top = Math.max(0, (oh - 1) * sH + (long) (kH - 1) * dH + 1 - h) / 2;
                left = Math.max(0, (ow - 1) * sW + (long) (kW - 1) * dW + 1 - w) / 2;
            }
            int[][] win = new int[(int) (oh * ow)][kH * kW];
            int o = 0;
            for (long i = 0; i < oh; i++) {
                for (long j = 0; j < ow; j++, o++) {
                    int q = 0;
                    for (int ki = 0; ki < kH; ki++) {
                        long y = i * sH - top + (long) ki * dH;
                        for (int kj = 0; kj < kW; kj++, q++) {
                            long x = j * sW - left + (long) kj * dW;
                            win[o][q] = y < 0 || y >= h || x < 0 || x >= w ? -1 : (int) (y * w + x);
                        }
                    }
                }
            }
            return win;
        }

        private int[][] windows;
        private int[] divisors;
        private long inPlane;

        @Override
        void forward(Pass p) {
            INDArray x = p.a[in[0]];
            long[] shape = x.shape();
            if (windows == null || inPlane != shape[2] * shape[3]) {
                windows = windows(shape[2], shape[3]);
                inPlane = shape[2] * shape[3];
                divisors = new int[windows.length];
                for (int o = 0; o < windows.length; o++) {
                    int n = 0;
                    for (int i : windows[o]) {
                        n += i >= 0 ? 1 : 0;
                    }
                    divisors[o] = includePad ? kH * kW : n;
                }
            }
            int planes = (int) (shape[0] * shape[1]);
            double[] xs = x.dup('c').data().asDouble();
            double[] ys = new double[planes * windows.length];
            if (max) {
                argmax = new int[ys.length];
            }
            for (int plane = 0, o = 0; plane < planes; plane++) {
                int base = (int) (plane * inPlane);
                for (int[] window : windows) {
                    if (max) {
                        int best = -1;
                        double m = Double.NEGATIVE_INFINITY;
                        for (int i : window) {
                            if (i >= 0 && (best < 0 || xs[base + i] > m)) {
                                best = base + i;
                                m = xs[best];
                            }
                        }
                        argmax[o] = best;
                        ys[o++] = m;
                    } else {
                        double sum = 0;
                        for (int i : window) {
                            if (i >= 0) {
                                sum += xs[base + i];
                            }
                        }
                        ys[o] = sum / divisors[o % windows.length];
                        o++;
                    }
                }
            }
            long[] full = {shape[0], outShape[0], outShape[1], outShape[2]};
            p.a[out] = Nd4j.create(ys, full, 'c');
            if (p.r[in[0]] != null) {
                p.r[out] = Nd4j.create(apply(p.r[in[0]].dup('c').data().asDouble(), planes), full, 'c');
            }
        }

        /** The pooling's linear map (at the current maxima) applied to an input-shaped array. */
        private double[] apply(double[] xs, int planes) {
            double[] ys = new double[planes * windows.length];
            for (int plane = 0, o = 0; plane < planes; plane++) {
                int base = (int) (plane * inPlane);
                for (int k = 0; k < windows.length; k++, o++) {
                    if (max) {
                        ys[o] = xs[argmax[o]];
                    } else {
                        double sum = 0;
                        for (int i : windows[k]) {
                            if (i >= 0) {
                                sum += xs[base + i];
                            }
                        }
                        ys[o] = sum / divisors[k];
                    }
                }
            }
            return ys;
        }

        /** Its transpose applied to an output-shaped array. */
        private INDArray transpose(INDArray gy, long[] inShape) {
            double[] gs = gy.dup('c').data().asDouble();
            int planes = (int) (inShape[0] * inShape[1]);
            double[] gx = new double[(int) (planes * inPlane)];
            for (int plane = 0, o = 0; plane < planes; plane++) {
                int base = (int) (plane * inPlane);
                for (int k = 0; k < windows.length; k++, o++) {
                    if (max) {
                        gx[argmax[o]] += gs[o];
                    } else {
                        double share = gs[o] / divisors[k];
                        for (int i : windows[k]) {
                            if (i >= 0) {
                                gx[base + i] += share;
                            }
                        }
                    }
                }
            }
            return Nd4j.create(gx, inShape, 'c');
        }

        @Override
        void backward(Pass p) {
            long[] inShape = p.a[in[0]].shape();
            p.addGrad(in[0], transpose(p.g[out], inShape), p.rg[out] == null ? null : transpose(p.rg[out], inShape));
        }

        @Override
        String kind() {
            return max ? "maxpool" : "avgpool";
        }
    }

    /** Global max, average or sum pooling over every axis after the channel axis (no masks). */
    static final class GlobalPooling extends Node {
        private final PoolingType type;
        private final long[] outShape;
        private int[] argmax;

        GlobalPooling(String source, int in, int out, PoolingType type, long[] outShape) {
            super(source, new int[] {in}, out);
            this.type = type;
            this.outShape = outShape;
        }

        private long[] full(long n) {
            long[] s = new long[outShape.length + 1];
            s[0] = n;
            System.arraycopy(outShape, 0, s, 1, outShape.length);
            return s;
        }

        private static long area(INDArray x) {
            return x.length() / (x.size(0) * x.size(1));
        }

        @Override
        void forward(Pass p) {
            INDArray x = p.a[in[0]];
            long n = x.size(0);
            long c = x.size(1);
            int area = (int) area(x);
            if (type == PoolingType.MAX) {
                double[] xs = x.dup('c').data().asDouble();
                double[] ys = new double[(int) (n * c)];
                argmax = new int[ys.length];
                for (int o = 0; o < ys.length; o++) {
                    int best = o * area;
                    for (int i = o * area + 1; i < (o + 1) * area; i++) {
                        if (xs[i] > xs[best]) {
                            best = i;
                        }
                    }
                    argmax[o] = best;
                    ys[o] = xs[best];
                }
                p.a[out] = Nd4j.create(ys, full(n), 'c');
                if (p.r[in[0]] != null) {
                    double[] rs = p.r[in[0]].dup('c').data().asDouble();
                    double[] ry = new double[ys.length];
                    for (int o = 0; o < ys.length; o++) {
                        ry[o] = rs[argmax[o]];
                    }
                    p.r[out] = Nd4j.create(ry, full(n), 'c');
                }
                return;
            }
            p.a[out] = reduce(x).reshape(full(n));
            p.r[out] = p.r[in[0]] == null ? null : reduce(p.r[in[0]]).reshape(full(n));
        }

        private INDArray reduce(INDArray x) {
            INDArray flat = x.dup('c').reshape(x.size(0), x.size(1), area(x));
            return type == PoolingType.AVG ? flat.mean(2) : flat.sum(2);
        }

        private INDArray spread(INDArray gy, long[] inShape, long area) {
            if (type == PoolingType.MAX) {
                double[] gs = gy.dup('c').data().asDouble();
                long len = area * gs.length;
                double[] gx = new double[(int) len];
                for (int o = 0; o < gs.length; o++) {
                    gx[argmax[o]] += gs[o];
                }
                return Nd4j.create(gx, inShape, 'c');
            }
            INDArray g = gy.reshape(inShape[0], inShape[1], 1);
            if (type == PoolingType.AVG) {
                g = g.div(area);
            }
            return g.broadcast(inShape[0], inShape[1], area).dup('c').reshape('c', inShape);
        }

        @Override
        void backward(Pass p) {
            INDArray x = p.a[in[0]];
            long area = area(x);
            p.addGrad(in[0], spread(p.g[out], x.shape(), area),
                    p.rg[out] == null ? null : spread(p.rg[out], x.shape(), area));
        }

        @Override
        String kind() {
            return "global-" + type.name().toLowerCase(Locale.ROOT);
        }
    }

    /** Zero padding of NCHW images (top, bottom, left, right). */
    static final class ZeroPadding extends Node {
        private final int top;
        private final int bottom;
        private final int left;
        private final int right;

        ZeroPadding(String source, int in, int out, int[] padding) {
            super(source, new int[] {in}, out);
            this.top = padding[0];
            this.bottom = padding[1];
            this.left = padding[2];
            this.right = padding[3];
        }

        private INDArray pad(INDArray x) {
            INDArray y = Nd4j.zeros(DataType.DOUBLE, x.size(0), x.size(1), x.size(2) + top + bottom,
                    x.size(3) + left + right);
            interior(y, x.size(2), x.size(3)).assign(x);
            return y;
        }

        private INDArray interior(INDArray y, long h, long w) {
            return y.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(top, top + h),
                    NDArrayIndex.interval(left, left + w));
        }

        @Override
        void forward(Pass p) {
            p.a[out] = pad(p.a[in[0]]);
            p.r[out] = p.r[in[0]] == null ? null : pad(p.r[in[0]]);
        }

        @Override
        void backward(Pass p) {
            long h = p.a[in[0]].size(2);
            long w = p.a[in[0]].size(3);
            p.addGrad(in[0], interior(p.g[out], h, w).dup('c'),
                    p.rg[out] == null ? null : interior(p.rg[out], h, w).dup('c'));
        }

        @Override
        String kind() {
            return "zero-padding";
        }
    }

    /** An element-wise vertex: add, subtract (two inputs), average, or product (two inputs). */
    static final class ElementWise extends Node {
        private final ElementWiseVertex.Op op;

        ElementWise(String source, int[] in, int out, ElementWiseVertex.Op op) {
            super(source, in, out);
            this.op = op;
        }

        @Override
        void forward(Pass p) {
            INDArray x0 = p.a[in[0]];
            switch (op) {
                case Add, Average -> {
                    INDArray y = x0.dup();
                    INDArray ry = null;
                    for (int k = 0; k < in.length; k++) {
                        if (k > 0) {
                            y.addi(p.a[in[k]]);
                        }
                        ry = p.r[in[k]] == null ? ry : ry == null ? p.r[in[k]].dup() : ry.addi(p.r[in[k]]);
                    }
                    if (op == ElementWiseVertex.Op.Average) {
                        y.divi(in.length);
                        if (ry != null) {
                            ry.divi(in.length);
                        }
                    }
                    p.a[out] = y;
                    p.r[out] = ry;
                }
                case Subtract -> {
                    p.a[out] = x0.sub(p.a[in[1]]);
                    INDArray r0 = p.r[in[0]];
                    INDArray r1 = p.r[in[1]];
                    p.r[out] = r1 == null ? r0 : r0 == null ? r1.neg() : r0.sub(r1);
                }
                case Product -> {
                    INDArray x1 = p.a[in[1]];
                    p.a[out] = x0.mul(x1);
                    INDArray r0 = p.r[in[0]];
                    INDArray r1 = p.r[in[1]];
                    p.r[out] = plus(r0 == null ? null : r0.mul(x1), r1 == null ? null : r1.mul(x0));
                }
                default -> throw new IllegalStateException(op.toString());
            }
        }

        @Override
        void backward(Pass p) {
            INDArray g = p.g[out];
            INDArray rg = p.rg[out];
            switch (op) {
                case Add -> {
                    for (int s : in) {
                        p.addGrad(s, g, rg);
                    }
                }
                case Average -> {
                    for (int s : in) {
                        p.addGrad(s, g.div(in.length), rg == null ? null : rg.div(in.length));
                    }
                }
                case Subtract -> {
                    p.addGrad(in[0], g, rg);
                    p.addGrad(in[1], g.neg(), rg == null ? null : rg.neg());
                }
                case Product -> {
                    INDArray x0 = p.a[in[0]];
                    INDArray x1 = p.a[in[1]];
                    INDArray r0 = p.r[in[0]];
                    INDArray r1 = p.r[in[1]];
                    INDArray rg0 = rg == null ? null : plus(rg.mul(x1), r1 == null ? null : g.mul(r1));
                    INDArray rg1 = rg == null ? null : plus(rg.mul(x0), r0 == null ? null : g.mul(r0));
                    p.addGrad(in[0], g.mul(x1), rg0);
                    p.addGrad(in[1], g.mul(x0), rg1);
                }
                default -> throw new IllegalStateException(op.toString());
            }
        }

        @Override
        String kind() {
            return op.name().toLowerCase(Locale.ROOT);
        }
    }

    /** A merge vertex: concatenation along {@code axis}. */
    static final class Merge extends Node {
        private final int axis;

        Merge(String source, int[] in, int out, int axis) {
            super(source, in, out);
            this.axis = axis;
        }

        @Override
        void forward(Pass p) {
            INDArray[] xs = new INDArray[in.length];
            boolean anyR = false;
            for (int k = 0; k < in.length; k++) {
                xs[k] = p.a[in[k]];
                anyR |= p.r[in[k]] != null;
            }
            p.a[out] = Nd4j.concat(axis, xs);
            if (anyR) {
                INDArray[] rs = new INDArray[in.length];
                for (int k = 0; k < in.length; k++) {
                    rs[k] = p.r[in[k]] != null ? p.r[in[k]] : Nd4j.zerosLike(xs[k]);
                }
                p.r[out] = Nd4j.concat(axis, rs);
            }
        }

        private INDArray part(INDArray y, long start, long size) {
            INDArrayIndex[] index = new INDArrayIndex[y.rank()];
            for (int d = 0; d < index.length; d++) {
                index[d] = d == axis ? NDArrayIndex.interval(start, start + size) : NDArrayIndex.all();
            }
            return y.get(index).dup('c');
        }

        @Override
        void backward(Pass p) {
            long start = 0;
            for (int s : in) {
                long size = p.a[s].size(axis);
                p.addGrad(s, part(p.g[out], start, size), p.rg[out] == null ? null : part(p.rg[out], start, size));
                start += size;
            }
        }

        @Override
        String kind() {
            return "merge";
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Loss heads

    /** The loss on the output slot: seeds {@code g} and {@code R{g}} there. */
    abstract static class Head {
        final String source;
        final int in;

        Head(String source, int in) {
            this.source = source;
            this.in = in;
        }

        /** The block's summed loss; with {@code backward}, sets {@code g[in]} and {@code rg[in]} times {@code scale}. */
        abstract double lossAndSeed(Pass p, INDArray y, double scale, boolean backward);

        abstract String kind();
    }

    /** Softmax over the logits {@code z} and multi-class cross-entropy {@code −Σ y log softmax(z)}. */
    static final class SoftmaxCrossEntropy extends Head {
        SoftmaxCrossEntropy(String source, int in) {
            super(source, in);
        }

        @Override
        double lossAndSeed(Pass p, INDArray y, double scale, boolean backward) {
            INDArray z = p.a[in];
            INDArray m = z.max(true, 1);
            INDArray e = Transforms.exp(z.subColumnVector(m), false);
            INDArray sum = e.sum(true, 1);
            INDArray lse = Transforms.log(sum, true).addi(m);
            INDArray ySum = y.sum(true, 1);
            double loss = ySum.mul(lse).sumNumber().doubleValue() - y.mul(z).sumNumber().doubleValue();
            if (backward) {
                INDArray s = e.diviColumnVector(sum);
                p.g[in] = s.mulColumnVector(ySum).subi(y).muli(scale);
                INDArray rz = p.r[in];
                p.rg[in] = rz == null ? null : softmaxJvp(s, rz).muliColumnVector(ySum).muli(scale);
            }
            return loss;
        }

        @Override
        String kind() {
            return "softmax-cross-entropy";
        }
    }

    /** Squared error {@code Σ (ŷ − y)²}, divided by the output count for MSE (DL4J's {@code LossMSE}). */
    static final class SquaredError extends Head {
        private final boolean mean;

        SquaredError(String source, int in, boolean mean) {
            super(source, in);
            this.mean = mean;
        }

        @Override
        double lossAndSeed(Pass p, INDArray y, double scale, boolean backward) {
            INDArray out = p.a[in];
            INDArray diff = out.sub(y);
            double per = mean ? 1.0 / out.size(1) : 1.0;
            double loss = diff.mul(diff).sumNumber().doubleValue() * per;
            if (backward) {
                p.g[in] = diff.muli(2 * per * scale);
                p.rg[in] = p.r[in] == null ? null : p.r[in].mul(2 * per * scale);
            }
            return loss;
        }

        @Override
        String kind() {
            return mean ? "mse" : "l2";
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Compilation

    /** Reads a network's structure into nodes, slot shapes and the probe's expected activations. */
    private static final class Builder {
        final Model net;
        final List<Node> nodes = new ArrayList<>();
        final List<long[]> shapes = new ArrayList<>();
        final Map<Integer, INDArray> values = new HashMap<>();
        final Map<Integer, INDArray> expected = new HashMap<>();
        final INDArray probe;
        Head head;
        String unsupported;

        Builder(Model net, INDArray probe) {
            this.net = net;
            this.probe = probe;
            values.put(newSlot(probe), probe);
        }

        int newSlot(INDArray like) {
            shapes.add(Arrays.copyOfRange(like.shape(), 1, like.rank()));
            return shapes.size() - 1;
        }

        int newSlot(long[] shapeWithoutBatch) {
            shapes.add(shapeWithoutBatch.clone());
            return shapes.size() - 1;
        }

        void network(MultiLayerNetwork m) {
            List<INDArray> acts = m.feedForward(probe, false);
            int slot = 0;
            int n = m.getnLayers();
            for (int l = 0; l < n && unsupported == null; l++) {
                org.deeplearning4j.nn.api.Layer layer = m.getLayer(l);
                Layer conf = layer.conf().getLayer();
                String source = "layer " + l + " '" + conf.getLayerName() + "' (" + conf.getClass().getSimpleName()
                        + ")";
                slot = preprocess(m.getLayerWiseConfigurations().getInputPreProcess(l), slot, source);
                if (unsupported != null) {
                    return;
                }
                if (l == n - 1) {
                    head(layer, conf, source, slot);
                } else {
                    slot = layer(layer, conf, source, slot, acts.get(l + 1));
                }
            }
        }

        void graph(ComputationGraph graph) {
            ComputationGraphConfiguration conf = graph.getConfiguration();
            Map<String, INDArray> acts = graph.feedForward(new INDArray[] {probe}, false, false);
            Map<String, Integer> slots = new HashMap<>();
            slots.put(conf.getNetworkInputs().get(0), 0);
            String output = conf.getNetworkOutputs().get(0);
            for (int index : graph.topologicalSortOrder()) {
                if (unsupported != null) {
                    return;
                }
                String name = graph.getVertices()[index].getVertexName();
                if (slots.containsKey(name)) {
                    continue;
                }
                GraphVertex vertex = conf.getVertices().get(name);
                int[] in = conf.getVertexInputs().get(name).stream().mapToInt(slots::get).toArray();
                if (vertex instanceof LayerVertex lv) {
                    Layer layerConf = lv.getLayerConf().getLayer();
                    String source = "vertex '" + name + "' (" + layerConf.getClass().getSimpleName() + ")";
                    if (in.length != 1) {
                        refuse(source + " has " + in.length + " inputs");
                        return;
                    }
                    int slot = preprocess(lv.getPreProcessor(), in[0], source);
                    if (unsupported != null) {
                        return;
                    }
                    if (name.equals(output)) {
                        head(graph.getLayer(name), layerConf, source, slot);
                    } else {
                        slots.put(name, layer(graph.getLayer(name), layerConf, source, slot, acts.get(name)));
                    }
                } else {
                    String source = "vertex '" + name + "' (" + vertex.getClass().getSimpleName() + ")";
                    if (name.equals(output)) {
                        refuse(source + " is the network output without a loss layer");
                        return;
                    }
                    slots.put(name, vertex(vertex, source, in, acts.get(name)));
                }
            }
            if (unsupported == null && head == null) {
                refuse("the graph's output is not an output layer");
            }
        }

        int vertex(GraphVertex vertex, String source, int[] in, INDArray act) {
            if (vertex instanceof ElementWiseVertex ew) {
                for (int s : in) {
                    if (!Arrays.equals(shapes.get(s), shapes.get(in[0]))) {
                        return refuse(source + " broadcasts inputs of different shapes");
                    }
                }
                ElementWiseVertex.Op op = ew.getOp();
                boolean ok = op == ElementWiseVertex.Op.Add || op == ElementWiseVertex.Op.Average
                        || (op == ElementWiseVertex.Op.Subtract || op == ElementWiseVertex.Op.Product)
                        && in.length == 2;
                return ok ? add(new ElementWise(source, in, newSlot(act), op), act)
                        : refuse(source + " (" + op + " of " + in.length + " inputs) has no exact rule");
            }
            if (vertex instanceof MergeVertex merge) {
                return add(new Merge(source, in, newSlot(act), merge.getMergeAxis()), act);
            }
            if (vertex instanceof PreprocessorVertex pv && in.length == 1) {
                return preprocess(pv.getPreProcessor(), in[0], source);
            }
            return refuse(source + " has no exact rule");
        }

        int preprocess(InputPreProcessor pre, int slot, String source) {
            if (pre == null) {
                return slot;
            }
            INDArray out = org.landscape4j.engine.internal.Preprocessors.asReshape(pre, values.get(slot));
            if (out == null) {
                return refuse(source + ": input preprocessor " + pre.getClass().getSimpleName()
                        + " is not a plain reshape");
            }
            int next = newSlot(out);
            values.put(next, out);
            nodes.add(new Reshape(source + " preprocessor", slot, next, shapes.get(next)));
            return next;
        }

        Param param(org.deeplearning4j.nn.api.Layer layer, String key) {
            return Param.of(net, layer, key);
        }

        /** The activation after {@code slot} (the layer's output is {@code act}); the output slot. */
        int activation(IActivation activation, String source, int slot, INDArray act) {
            Function f = functionOf(activation);
            if (f == null) {
                return refuse(source + ": activation " + activation + " has no exact rule");
            }
            if (f.kind() == Kind.IDENTITY) {
                if (act != null) {
                    expected.put(slot, act);
                    values.put(slot, act);
                }
                return slot;
            }
            if (f.kind() == Kind.SOFTMAX && shapes.get(slot).length != 1) {
                return refuse(source + ": softmax over a rank-" + (shapes.get(slot).length + 1) + " activation");
            }
            int out = act != null ? newSlot(act) : newSlot(shapes.get(slot));
            nodes.add(new Activation(source, slot, out, f));
            if (act != null) {
                expected.put(out, act);
                values.put(out, act);
            }
            return out;
        }

        int layer(org.deeplearning4j.nn.api.Layer layer, Layer conf, String source, int in, INDArray act) {
            Class<?> type = conf.getClass();
            int rank = values.get(in).rank();
            if (type == DenseLayer.class) {
                DenseLayer d = (DenseLayer) conf;
                if (d.hasLayerNorm()) {
                    return refuse(source + " uses layer normalization");
                }
                if (rank != 2) {
                    return refuse(source + " reads a rank-" + rank + " input");
                }
                int z = newSlot(new long[] {d.getNOut()});
                nodes.add(new Dense(source, in, z, param(layer, "W"), d.hasBias() ? param(layer, "b") : null));
                return activation(d.getActivationFn(), source, z, act);
            }
            if (type == ConvolutionLayer.class || type == Convolution2D.class) {
                ConvolutionLayer c = (ConvolutionLayer) conf;
                if (c.getCnn2dDataFormat() != CNN2DFormat.NCHW || rank != 4) {
                    return refuse(source + " uses the NHWC format");
                }
                int z = newSlot(act);
                nodes.add(new Convolution(source, in, z, param(layer, "W"), c.hasBias() ? param(layer, "b") : null,
                        c));
                return activation(c.getActivationFn(), source, z, act);
            }
            if (type == SubsamplingLayer.class) {
                SubsamplingLayer s = (SubsamplingLayer) conf;
                if (s.getCnn2dDataFormat() != CNN2DFormat.NCHW || rank != 4
                        || s.getPoolingType() != PoolingType.MAX && s.getPoolingType() != PoolingType.AVG) {
                    return refuse(source + " uses " + s.getPoolingType() + " pooling or NHWC");
                }
                int out = newSlot(act);
                return add(new Pooling(source, in, out, s, shapes.get(out)), act);
            }
            if (type == BatchNormalization.class) {
                BatchNormalization bn = (BatchNormalization) conf;
                if (!(rank == 2 || rank == 4 && bn.getCnn2DFormat() == CNN2DFormat.NCHW)) {
                    return refuse(source + " normalizes rank-" + rank + " or NHWC activations");
                }
                boolean logStd = bn.isUseLogStd();
                return add(new BatchNorm(source, in, newSlot(act), bn.isLockGammaBeta() ? null : param(layer, "gamma"),
                        bn.isLockGammaBeta() ? null : param(layer, "beta"), param(layer, "mean"),
                        param(layer, logStd ? "log10stdev" : "var"), logStd, bn), act);
            }
            if (type == DropoutLayer.class) {
                int out = newSlot(act);
                nodes.add(new Reshape(source, in, out, shapes.get(out)));
                values.put(out, act);
                return out;
            }
            if (type == ActivationLayer.class) {
                // DL4J's activation layer works in place on its input in inference: that activation is gone
                expected.remove(in);
                return activation(((ActivationLayer) conf).getActivationFn(), source, in, act);
            }
            if (type == GlobalPoolingLayer.class) {
                GlobalPoolingLayer gp = (GlobalPoolingLayer) conf;
                int[] dims = gp.getPoolingDimensions();
                boolean allSpatial = dims == null || rank == 4 && Arrays.equals(dims, new int[] {2, 3})
                        || rank == 3 && Arrays.equals(dims, new int[] {2});
                if (gp.getPoolingType() == PoolingType.PNORM || !allSpatial || rank < 3) {
                    return refuse(source + " uses p-norm pooling, chosen dimensions or a rank-" + rank + " input");
                }
                int out = newSlot(act);
                return add(new GlobalPooling(source, in, out, gp.getPoolingType(), shapes.get(out)), act);
            }
            if (type == ZeroPaddingLayer.class) {
                ZeroPaddingLayer z = (ZeroPaddingLayer) conf;
                return z.getDataFormat() == CNN2DFormat.NCHW
                        ? add(new ZeroPadding(source, in, newSlot(act), z.getPadding()), act)
                        : refuse(source + " uses the NHWC format");
            }
            return refuse(source + " has no exact rule");
        }

        void head(org.deeplearning4j.nn.api.Layer layer, Layer conf, String source, int in) {
            IActivation activation;
            ILossFunction loss;
            int z;
            if (conf.getClass() == OutputLayer.class) {
                OutputLayer o = (OutputLayer) conf;
                if (values.get(in).rank() != 2) {
                    refuse(source + " reads a rank-" + values.get(in).rank() + " input");
                    return;
                }
                z = newSlot(new long[] {o.getNOut()});
                nodes.add(new Dense(source, in, z, param(layer, "W"), o.hasBias() ? param(layer, "b") : null));
                activation = o.getActivationFn();
                loss = o.getLossFn();
            } else if (conf.getClass() == LossLayer.class && values.get(in).rank() == 2) {
                LossLayer o = (LossLayer) conf;
                z = in;
                activation = o.getActivationFn();
                loss = o.getLossFn();
            } else {
                refuse(source + " is an output layer without an exact rule");
                return;
            }
            if (loss instanceof LossMCXENT x && x.getWeights() == null && activation instanceof ActivationSoftmax) {
                head = new SoftmaxCrossEntropy(source, z);
                return;
            }
            if (loss instanceof LossL2 l2 && l2.getWeights() == null
                    && (loss.getClass() == LossMSE.class || loss.getClass() == LossL2.class)) {
                Function f = functionOf(activation);
                if (f == null || f.kind() == Kind.SOFTMAX) {
                    refuse(source + ": activation " + activation + " with " + loss + " has no exact rule");
                    return;
                }
                int out = activation(activation, source, z, null);
                if (unsupported == null) {
                    head = new SquaredError(source, out, loss.getClass() == LossMSE.class);
                }
                return;
            }
            refuse(source + ": loss " + loss + " with activation " + activation + " has no exact rule");
        }

        int add(Node node, INDArray act) {
            nodes.add(node);
            expected.put(node.out, act);
            values.put(node.out, act);
            return node.out;
        }

        int refuse(String reason) {
            if (unsupported == null) {
                unsupported = reason;
            }
            return 0;
        }
    }
}

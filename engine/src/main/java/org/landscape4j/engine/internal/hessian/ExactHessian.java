package org.landscape4j.engine.internal.hessian;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
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
 * <p><b>Layer kinds.</b> The network is read through {@link NetworkGraph}; which {@code LayerKind} has an exact rule,
 * and which is refused by name, is the one exhaustive switch of {@code HessianBuilder.rule} (the loss heads:
 * {@code HessianBuilder.head} and {@code Head.rule}). Each rule is a static method in its node's file of this
 * package ({@code Dense.rule}, {@code Convolution.rule}, ...), next to the node's forward and backward passes;
 * the activation functions with an exact rule are {@code Function.Kind}'s. Only graphs with one input and one
 * output have exact products. Anything else makes {@link #compile} return the layer it cannot handle, and the caller
 * falls back to finite differences of DL4J gradients.
 *
 * <p><b>Cost.</b> A product forms the activations' gradients but not the parameters' gradient. Per dense layer it
 * takes 3 matrix products forward and 5 backward (2 and 1 at the first layer, whose input has no R-derivative and
 * needs no gradient; a gradient takes 1 and 2); per convolution 3 convolutions forward and 3 {@code conv2d_bp}
 * backward (2 and 1 at the first layer; a gradient 1 and 1). Measured in double precision on a 2-core machine
 * shared with other builds (load 0.4-4), medians of interleaved rounds against DL4J's inference forward pass of the
 * same double network ({@code ExactHessianCost}): an MLP 784-128-128-10 on 256 examples, one product 4.9-5.9
 * forward passes (11.5-13.9 before the parameters' gradient was skipped, θ, v and {@code H v} were kept in reused
 * flat arrays and a block's arrays put in a workspace); a CNN (conv16-pool-conv32-pool-dense64, 3x32x32, 128 examples) 3.8-5.1 (4.7-6.1
 * before), where ND4J's double {@code conv2d_bp} (4-5 forward convolutions' time, most of it the input gradient's
 * {@code col2im}) is most of a product. The fallback costs 2 gradients. Memory: blocks of 256 examples, four arrays
 * (value, R, gradient, R-gradient) per activation; a block's arrays in a 64 MB workspace per thread, kept by the
 * thread, and what does not fit allocated as usual and freed with the block.
 *
 * <p>DL4J clips softmax probabilities to {@code [1e-10, 1 − 1e-10]} inside its cross-entropy score; the function
 * differentiated here is the unclipped one (the two differ by at most {@code 1e-10} per example in value).
 * Not thread-safe.
 */
public final class ExactHessian {

    /** Relative agreement with DL4J's inference forward pass required on a probe of the data. */
    private static final double PROBE_TOLERANCE = 1e-8;
    /** Rows processed at once; the loss is a sum over examples, so blocks change nothing but memory. */
    private static final long BLOCK_ROWS = 256;
    /** The workspace of a block's arrays (one per thread); what does not fit is allocated as usual, freed with it. */
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

    /**
     * The result of {@link #compile}: the products, or why the network has none.
     *
     * @param hessian     the products, or {@code null}
     * @param unsupported why there are none (the first node without an exact rule, named), or {@code null}
     */
    public record Compiled(ExactHessian hessian, String unsupported) {
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
    public static Compiled compile(Model net, List<DataSet> batches) {
        DataSet first = batches.get(0);
        INDArray probe = rows(first.getFeatures().castTo(DataType.DOUBLE), 0, Math.min(2, first.numExamples()));
        INDArray probeLabels = rows(first.getLabels().castTo(DataType.DOUBLE), 0, Math.min(2, first.numExamples()));
        NetworkGraph graph;
        try {
            graph = NetworkGraph.of(net);
        } catch (IllegalArgumentException e) {
            return new Compiled(null, e.getMessage());
        }
        HessianBuilder b;
        try {
            b = new HessianBuilder(graph, probe);
        } catch (RuntimeException e) {
            return new Compiled(null, "the network could not be compiled (" + e + ")");
        }
        if (b.unsupported() != null) {
            return new Compiled(null, b.unsupported());
        }
        long examples = batches.stream().mapToLong(DataSet::numExamples).sum();
        double scale = net.conf().isMiniBatch() ? 1.0 / examples : 1.0;
        List<INDArray> xs = batches.stream().map(d -> d.getFeatures().castTo(DataType.DOUBLE)).toList();
        List<INDArray> ys = batches.stream().map(d -> d.getLabels().castTo(DataType.DOUBLE)).toList();
        ExactHessian h = new ExactHessian(List.copyOf(b.steps()), b.head(), b.shapes().size(), xs, ys, scale,
                (int) net.params().length());
        String disagreement = h.check(net, probe, probeLabels, b.expected());
        return disagreement == null ? new Compiled(h, null) : new Compiled(null, disagreement);
    }

    /** The layer kinds, for descriptions: {@code "conv2d, relu, maxpool, dense, softmax-cross-entropy"}. */
    public String summary() {
        return summary;
    }

    /** The length of the flat parameter vectors this class takes and returns. */
    public int numParams() {
        return numParams;
    }

    /** The loss at {@code theta} (mean over the examples), by this class's forward pass. */
    public double loss(double[] theta) {
        return run(theta, null, false, false).loss;
    }

    /** The gradient of the loss at {@code theta} over all parameters (0 at batch-norm running statistics). */
    public double[] gradient(double[] theta) {
        return run(theta, null, true, true).gradient;
    }

    /**
     * {@code H v} at {@code theta} (0 at batch-norm running statistics, which are constants of the loss). The
     * parameters' gradient is not formed: only the activations' gradients, which {@code H v} needs.
     */
    public double[] times(double[] theta, double[] v) {
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
        double dl4j = (net instanceof MultiLayerNetwork m ? m.score(d, false)
                : ((ComputationGraph) net).score(d, false))
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

    private static INDArray rows(INDArray x, long from, long to) {
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
}

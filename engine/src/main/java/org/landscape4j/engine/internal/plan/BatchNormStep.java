package org.landscape4j.engine.internal.plan;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalization in inference mode, {@code (x − mean) / sqrt(var + eps) · γ + β} with the running statistics,
 * through ND4J's native {@code batchnorm} op into the step's buffer (dense {@code [n, c]} or NCHW input, channel axis
 * 1). The statistics are read from the worker's parameter views at every run, so directions that move them
 * ("states" directions, interpolation between models) are honoured; DL4J's log10-std parameterization is converted the
 * way DL4J converts it. Like DL4J, the layer's activation function is not applied.
 */
final class BatchNormStep extends Step {

    private final LayerRef layer;
    private final double eps;
    private final boolean lockGammaBeta;
    private final double gamma;
    private final double beta;
    private final boolean logStd;
    /** The channel axis of the input: 1 for dense and NCHW input, 3 for channels-last images. */
    private final int axis;

    BatchNormStep(String source, int input, int output, LayerRef layer, BatchNormalization conf, boolean logStd) {
        super(source, new int[] {input}, output);
        this.layer = layer;
        this.eps = conf.getEps();
        this.lockGammaBeta = conf.isLockGammaBeta();
        this.gamma = conf.getGamma();
        this.beta = conf.getBeta();
        this.logStd = logStd;
        this.axis = 1;
    }

    private BatchNormStep(BatchNormStep channelsFirst, int axis) {
        super(channelsFirst.source, channelsFirst.inputs, channelsFirst.output);
        this.layer = channelsFirst.layer;
        this.eps = channelsFirst.eps;
        this.lockGammaBeta = channelsFirst.lockGammaBeta;
        this.gamma = channelsFirst.gamma;
        this.beta = channelsFirst.beta;
        this.logStd = channelsFirst.logStd;
        this.axis = axis;
    }

    /** The plan's rule for batch normalization of rank-2 or NCHW rank-4 activations. */
    static int rule(PlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        BatchNormalization bn = node.config(BatchNormalization.class);
        return b.add(new BatchNormStep(node.source(), in, b.newSlot(act), b.ref(node), bn, bn.isUseLogStd()), act);
    }

    @Override
    Step channelsLast(boolean[] image) {
        return touches(image) ? new BatchNormStep(this, 3) : this;
    }

    @Override
    Kernel bind(Model copy) {
        Statistics stats = statistics(copy);
        return new Kernel() {
            @Override
            public void prepare() {
                stats.refresh();
            }

            @Override
            public void run(INDArray[] in, INDArray out) {
                Nd4j.exec(DynamicCustomOp.builder("batchnorm")
                        .addInputs(in[0], stats.mean, stats.var, stats.gamma, stats.beta).addOutputs(out)
                        .addIntegerArguments(1, 1, axis).addFloatingPointArguments(eps)
                        .callInplace(false).build());
            }
        };
    }

    /** The layer's statistics and affine parameters as flat views of a worker's network copy. */
    Statistics statistics(Model copy) {
        return new Statistics(copy);
    }

    double eps() {
        return eps;
    }

    /** Mean, variance, γ and β of one worker; {@link #refresh} recomputes the variance from DL4J's log10-std. */
    final class Statistics {
        final INDArray mean;
        final INDArray var;
        final INDArray gamma;
        final INDArray beta;
        private final INDArray stored;

        private Statistics(Model copy) {
            mean = flat(layer.param(copy, "mean"));
            stored = flat(layer.param(copy, logStd ? "log10stdev" : "var"));
            DataType type = mean.dataType();
            long channels = mean.length();
            var = logStd ? Nd4j.createUninitialized(type, channels) : stored;
            if (lockGammaBeta) {
                // DL4J applies locked values only when both differ from the defaults (its own condition, kept)
                boolean apply = BatchNormStep.this.gamma != 1.0 && BatchNormStep.this.beta != 0.0;
                gamma = Nd4j.valueArrayOf(new long[] {channels}, apply ? BatchNormStep.this.gamma : 1.0, type);
                beta = Nd4j.valueArrayOf(new long[] {channels}, apply ? BatchNormStep.this.beta : 0.0, type);
            } else {
                gamma = flat(layer.param(copy, "gamma"));
                beta = flat(layer.param(copy, "beta"));
            }
            refresh();
        }

        /** After the parameters moved: var = (10^log10(std))^2, as DL4J computes it. */
        void refresh() {
            if (logStd) {
                var.assign(Transforms.pow(Nd4j.valueArrayOf(stored.shape(), 10.0, var.dataType()), stored, false));
                var.muli(var);
            }
        }
    }

    private static INDArray flat(INDArray p) {
        return p.reshape(p.length());
    }

    @Override
    String kind() {
        return "batchnorm";
    }
}

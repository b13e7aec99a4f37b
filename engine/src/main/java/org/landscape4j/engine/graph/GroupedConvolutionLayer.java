package org.landscape4j.engine.graph;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * DL4J's runtime layer of a {@link GroupedConvolution2D}: per group, ND4J's {@code conv2d} forward and
 * {@code conv2d_bp} backward on the group's input channels, filters and output channels (NCHW, weights OIYX), the
 * parameters' gradients written into DL4J's gradient views.
 */
final class GroupedConvolutionLayer extends BaseLayer<GroupedConvolution2D> {

    GroupedConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        GroupedConvolution2D c = layerConf();
        // copies: ND4J M2.1 slices a view of the parameter vector wrongly (an interval of a weight view came out
        // rank 0), so groups are cut from arrays of their own
        INDArray w = getParam("W").dup('c');
        INDArray b = c.hasBias() ? getParam("b").reshape(c.getNOut()).dup() : null;
        int groups = c.getGroups();
        long inPer = c.getNIn() / groups;
        long outPer = c.getNOut() / groups;
        long[] shape = {input.size(0), c.getNOut(), c.outputSize(0, input.size(2)), c.outputSize(1, input.size(3))};
        INDArray y = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(), shape, 'c');
        Conv2DConfig config = c.config(Conv2DConfig.NCHW);
        for (int g = 0; g < groups; g++) {
            INDArray x = input.get(channels(g, inPer)).castTo(w.dataType()).dup('c');
            INDArray yg = Nd4j.createUninitialized(w.dataType(), shape[0], outPer, shape[2], shape[3]);
            INDArray wg = filters(w, g, outPer).dup('c');
            INDArray[] in = b != null ? new INDArray[] {x, wg, group(b, g, outPer).dup()} : new INDArray[] {x, wg};
            Nd4j.exec(new Conv2D(in, new INDArray[] {yg}, config));
            y.get(channels(g, outPer)).assign(yg);
        }
        return y;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        GroupedConvolution2D c = layerConf();
        INDArray w = getParam("W").dup('c');
        int groups = c.getGroups();
        long inPer = c.getNIn() / groups;
        long outPer = c.getNOut() / groups;
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, w.dataType(), input.shape(), 'c');
        INDArray[] dws = new INDArray[groups];
        INDArray[] dbs = new INDArray[groups];
        int[] args = null;
        for (int g = 0; g < groups; g++) {
            INDArray x = input.get(channels(g, inPer)).castTo(w.dataType()).dup('c');
            INDArray wg = filters(w, g, outPer).dup('c');
            INDArray dy = epsilon.get(channels(g, outPer)).castTo(w.dataType()).dup('c');
            if (args == null) {
                args = java.util.Arrays.stream(new Conv2D(new INDArray[] {x, wg}, null, c.config(Conv2DConfig.NCHW))
                        .iArgs()).mapToInt(Math::toIntExact).toArray();
            }
            INDArray dxg = Nd4j.createUninitialized(w.dataType(), x.shape());
            dws[g] = Nd4j.createUninitialized(w.dataType(), wg.shape());
            dbs[g] = Nd4j.createUninitialized(w.dataType(), outPer);
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                    .addInputs(x, wg, Nd4j.zeros(w.dataType(), outPer), dy).addOutputs(dxg, dws[g], dbs[g])
                    .addIntegerArguments(args).callInplace(false).build());
            dx.get(channels(g, inPer)).assign(dxg);
        }
        Gradient gradient = new DefaultGradient();
        INDArray dw = gradientViews.get("W");
        dw.assign(Nd4j.concat(0, dws).reshape(dw.shape()));
        gradient.gradientForVariable().put("W", dw);
        if (c.hasBias()) {
            INDArray db = gradientViews.get("b");
            db.assign(Nd4j.concat(0, dbs).reshape(db.shape()));
            gradient.gradientForVariable().put("b", db);
        }
        return new Pair<>(gradient, dx);
    }

    /** Channels {@code [g * count, (g + 1) * count)} of an NCHW image array. */
    private static INDArrayIndex[] channels(int g, long count) {
        return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.interval(g * count, (g + 1) * count),
            NDArrayIndex.all(), NDArrayIndex.all()};
    }

    /** Group {@code g}'s filters {@code [count, in / groups, kH, kW]} of a weight array of its own, a view. */
    private static INDArray filters(INDArray w, int g, long count) {
        return w.get(NDArrayIndex.interval(g * count, (g + 1) * count), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all());
    }

    /** Group {@code g}'s part of a rank-1 per-channel vector of its own, a view. */
    private static INDArray group(INDArray v, int g, long count) {
        return v.get(NDArrayIndex.interval(g * count, (g + 1) * count));
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public Type type() {
        return Type.CONVOLUTIONAL;
    }
}

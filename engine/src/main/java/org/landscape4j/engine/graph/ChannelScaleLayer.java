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

/**
 * DL4J's runtime layer of a {@link ChannelScale}: {@code y = x · W[c]} along axis 1; backward {@code dx = dy · W[c]},
 * {@code dW = Σ dy · x} over examples and pixels.
 */
final class ChannelScaleLayer extends BaseLayer<ChannelScale> {

    ChannelScaleLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray w = getParam("W").dup();
        INDArray y = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(), input.shape(), 'c');
        return y.assign(input.castTo(w.dataType()).mul(ChannelLayerNorm.along(w, input.rank(), 1)));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray w = getParam("W").dup();
        DataType type = w.dataType();
        INDArray x = input.castTo(type);
        INDArray dy = epsilon.castTo(type);
        int[] others = x.rank() == 2 ? new int[] {0} : new int[] {0, 2, 3};
        INDArray dw = gradientViews.get("W");
        dw.assign(dy.mul(x).sum(others).reshape(dw.shape()));
        Gradient gradient = new DefaultGradient();
        gradient.gradientForVariable().put("W", dw);
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, type, x.shape(), 'c');
        return new Pair<>(gradient, dx.assign(dy.mul(ChannelLayerNorm.along(w, x.rank(), 1))));
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public Type type() {
        return Type.FEED_FORWARD;
    }
}

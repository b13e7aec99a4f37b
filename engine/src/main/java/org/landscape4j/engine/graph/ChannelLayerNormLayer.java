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
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * DL4J's runtime layer of a {@link ChannelLayerNorm} (images NCHW or features, normalized along axis 1). Backward,
 * with {@code x̂} the normalized input and {@code σ = sqrt(var + eps)}: {@code dγ = Σ dy x̂}, {@code dβ = Σ dy} (over
 * examples and pixels) and {@code dx = (g − mean_c g − x̂ mean_c(g x̂)) / σ} with {@code g = dy γ}.
 */
final class ChannelLayerNormLayer extends BaseLayer<ChannelLayerNorm> {

    ChannelLayerNormLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray gamma = getParam("gamma").dup();
        INDArray y = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, gamma.dataType(), input.shape(), 'c');
        return ChannelLayerNorm.normalize(input.castTo(gamma.dataType()), gamma, getParam("beta").dup(),
                layerConf().getEps(), 1, y);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray gamma = getParam("gamma").dup();
        DataType type = gamma.dataType();
        INDArray x = input.castTo(type);
        INDArray dy = epsilon.castTo(type);
        int rank = x.rank();
        INDArray centred = x.sub(x.mean(true, 1));
        INDArray sigma = Transforms.sqrt(centred.mul(centred).mean(true, 1).addi(layerConf().getEps()), false);
        INDArray xhat = centred.div(sigma);
        int[] others = rank == 2 ? new int[] {0} : new int[] {0, 2, 3};
        INDArray g = dy.mul(ChannelLayerNorm.along(gamma, rank, 1));
        INDArray dx = g.sub(g.mean(true, 1)).subi(xhat.mul(g.mul(xhat).mean(true, 1))).divi(sigma);
        INDArray dGamma = gradientViews.get("gamma");
        INDArray dBeta = gradientViews.get("beta");
        dGamma.assign(dy.mul(xhat).sum(others).reshape(dGamma.shape()));
        dBeta.assign(dy.sum(others).reshape(dBeta.shape()));
        Gradient gradient = new DefaultGradient();
        gradient.gradientForVariable().put("gamma", dGamma);
        gradient.gradientForVariable().put("beta", dBeta);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, type, x.shape(), 'c');
        return new Pair<>(gradient, out.assign(dx));
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public Type type() {
        return Type.NORMALIZATION;
    }
}

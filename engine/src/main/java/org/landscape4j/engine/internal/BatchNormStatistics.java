package org.landscape4j.engine.internal;

import java.util.List;

import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Recomputes batch-norm running statistics on data: the one rule shared by the landscape's points and the geometry
 * tools (curves between minima).
 */
public final class BatchNormStatistics {

    private BatchNormStatistics() {
    }

    /**
     * Sets every batch-norm layer's running mean and variance to the statistics of its input on {@code features}, in
     * layer order (each layer sees the statistics already recomputed before it). Variance is the biased batch
     * variance, as DL4J uses in training; DL4J's log10-std parameterization is honoured.
     */
    public static void recompute(MultiLayerNetwork net, INDArray features) {
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
}

package org.landscape4j.engine.internal;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
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
     * layer order; the biased batch variance, as DL4J uses in training; DL4J's log10-std parameterization honoured.
     */
    public static void recompute(MultiLayerNetwork net, INDArray features) {
        PointEvaluator.recomputeBatchNorm(net, features);
    }
}

package org.landscape4j.engine.graph;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** DL4J's gradient of a network against central differences of DL4J's loss, for the engine's own layers' tests. */
final class CentralDifferences {

    private CentralDifferences() {
    }

    /** Classification data: {@code n} examples of {@code shape} (seeded normal), classes {@code i % classes}. */
    static DataSet data(long seed, int n, int classes, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        long[] full = new long[shape.length + 1];
        full[0] = n;
        System.arraycopy(shape, 0, full, 1, shape.length);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, n, classes);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % classes, 1);
        }
        return new DataSet(Nd4j.randn(DataType.DOUBLE, full), y);
    }

    /**
     * The largest difference, over every parameter, between DL4J's gradient of the mean loss (its own, summed over
     * examples, divided by their number) and the central difference of {@code score(data, false)} with step 1e-6.
     */
    static double worstGradientError(MultiLayerNetwork net, DataSet data) {
        net.setInput(data.getFeatures());
        net.setLabels(data.getLabels());
        net.computeGradientAndScore();
        double[] gradient = net.gradient().gradient().toDoubleVector();
        double[] theta = net.params().toDoubleVector();
        double worst = 0;
        for (int i = 0; i < theta.length; i++) {
            MultiLayerNetwork c = net.clone();
            theta[i] += 1e-6;
            c.setParams(Nd4j.createFromArray(theta).reshape(1, theta.length));
            double plus = c.score(data, false);
            theta[i] -= 2e-6;
            c.setParams(Nd4j.createFromArray(theta).reshape(1, theta.length));
            double minus = c.score(data, false);
            theta[i] += 1e-6;
            worst = Math.max(worst, Math.abs((plus - minus) / 2e-6 - gradient[i] / data.numExamples()));
        }
        return worst;
    }
}

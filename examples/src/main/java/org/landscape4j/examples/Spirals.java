package org.landscape4j.examples;

import java.util.Random;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The embedded default data set: three interleaved noisy spirals in the plane (the classic "spiral" toy problem),
 * made by code from a seed, so the demo needs no download and no file.
 */
public final class Spirals {

    private Spirals() {
    }

    /**
     * {@code n} points, classes 0..2 in turn, features (x, y), one-hot labels.
     *
     * @param n     number of examples, at least 3
     * @param noise standard deviation of the angular noise
     * @param seed  random seed
     */
    public static DataSet make(int n, double noise, long seed) {
        if (n < 3) {
            throw new IllegalArgumentException("spirals need at least 3 examples, was " + n);
        }
        Random r = new Random(seed);
        INDArray x = Nd4j.create(DataType.FLOAT, n, 2);
        INDArray y = Nd4j.create(DataType.FLOAT, n, 3);
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            double t = r.nextDouble();
            double radius = 0.1 + 0.9 * t;
            double angle = 4.0 * t + c * 2.0 * Math.PI / 3 + r.nextGaussian() * noise;
            x.putScalar(i, 0, radius * Math.cos(angle));
            x.putScalar(i, 1, radius * Math.sin(angle));
            y.putScalar(i, c, 1.0);
        }
        return new DataSet(x, y);
    }
}

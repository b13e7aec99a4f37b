package org.landscape4j.examples;

import java.util.Random;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The examples' image data: FashionMNIST from Debian's package (installed when we can), or, when it is not there,
 * an embedded stand-in made by code (ten classes of noisy 28x28 prototype patterns) with a message saying so.
 *
 * @param train  training examples, features {@code [n, side*side]} in [0, 1], one-hot labels {@code [n, 10]}
 * @param test   test examples
 * @param side   image side in pixels (28, or 14 when downsampled for CPU-sized convolution examples)
 * @param source where the data came from, for the printout
 */
public record ExampleData(DataSet train, DataSet test, int side, String source) {

    /**
     * {@code trainSize} training and {@code testSize} test examples.
     *
     * @param downsample average 2x2 pixel blocks (28x28 to 14x14): 4x less convolution work
     */
    public static ExampleData load(int trainSize, int testSize, boolean downsample) {
        DataSet train;
        DataSet test;
        String source;
        if (FashionMnist.install()) {
            train = FashionMnist.load(FashionMnist.Split.TRAIN, trainSize);
            test = FashionMnist.load(FashionMnist.Split.TEST, testSize);
            source = "FashionMNIST (" + FashionMnist.DEBIAN_DIR + ")";
        } else {
            System.out.println("FashionMNIST is not installed (" + FashionMnist.INSTALL_COMMAND
                    + "): using the embedded stand-in data instead");
            train = standIn(trainSize, 1);
            test = standIn(testSize, 2);
            source = "embedded stand-in (FashionMNIST not installed)";
        }
        if (downsample) {
            return new ExampleData(halve(train), halve(test), 14, source + ", downsampled to 14x14");
        }
        return new ExampleData(train, test, 28, source);
    }

    /** The first {@code n} examples of {@code d} (all of them when it has fewer), as copies. */
    public static DataSet head(DataSet d, int n) {
        int m = Math.min(n, d.numExamples());
        return new DataSet(d.getFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, m),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).dup(),
                d.getLabels().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, m),
                        org.nd4j.linalg.indexing.NDArrayIndex.all()).dup());
    }

    /**
     * The data of a seed that measures on training images only: {@code trainSize} 28x28 training images as tensors
     * {@code [n, 1, 28, 28]}, and the first {@code evalSize} of them, on which its landscapes are evaluated.
     */
    public static TrainingImages trainingImages(int trainSize, int evalSize) {
        ExampleData data = load(trainSize, 10, false);
        DataSet train = data.trainImages();
        return new TrainingImages(train, head(train, evalSize), data.source());
    }

    /**
     * Training images and the evaluation subset of them.
     *
     * @param train  the training images {@code [n, 1, 28, 28]}
     * @param eval   the first of them, copied, to evaluate landscapes on
     * @param source where the data came from, for the printout
     */
    public record TrainingImages(DataSet train, DataSet eval, String source) {
    }

    /** The training examples as image tensors {@code [n, 1, side, side]} (a view). */
    public DataSet trainImages() {
        return images(train, side);
    }

    /** The test examples as image tensors {@code [n, 1, side, side]} (a view). */
    public DataSet testImages() {
        return images(test, side);
    }

    /** {@code d} with its flat {@code side x side} rows as image tensors {@code [n, 1, side, side]} (a view). */
    public static DataSet images(DataSet d, int side) {
        return new DataSet(d.getFeatures().reshape('c', d.numExamples(), 1, side, side), d.getLabels());
    }

    /** Ten noisy prototype patterns, 28x28: a stand-in with FashionMNIST's shapes, not its difficulty. */
    static DataSet standIn(int n, long seed) {
        Random prototypes = new Random(42);
        float[][] proto = new float[10][784];
        for (float[] p : proto) {
            for (int j = 0; j < p.length; j++) {
                p[j] = prototypes.nextFloat() < 0.3 ? 1f : 0f;
            }
        }
        Random r = new Random(seed);
        INDArray x = Nd4j.create(DataType.FLOAT, n, 784);
        INDArray y = Nd4j.create(DataType.FLOAT, n, 10);
        for (int i = 0; i < n; i++) {
            int c = i % 10;
            for (int j = 0; j < 784; j++) {
                x.putScalar(i, j, Math.min(1, Math.max(0, proto[c][j] * 0.7 + r.nextGaussian() * 0.3)));
            }
            y.putScalar(i, c, 1);
        }
        return new DataSet(x, y);
    }

    /** 28x28 to 14x14 by averaging 2x2 blocks. */
    static DataSet halve(DataSet d) {
        INDArray x = d.getFeatures().reshape('c', d.numExamples(), 14, 2, 14, 2);
        INDArray small = x.mean(2, 4).reshape('c', d.numExamples(), 196).castTo(DataType.FLOAT);
        return new DataSet(small, d.getLabels());
    }
}

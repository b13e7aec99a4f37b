package org.landscape4j.engine.geometry;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/** The exact-Hessian tests' networks and data, for the curvature package's tests (those helpers are package-private). */
public final class CurvatureFixtures {

    private CurvatureFixtures() {
    }

    /** {@code n} examples of shape {@code featureShape}, Gaussian features and one-hot labels of {@code classes}. */
    public static DataSet classes(long seed, int n, int classes, long... featureShape) {
        return ExactHessianTest.classes(seed, n, classes, featureShape);
    }

    /** Convolutions with batch norm (random running statistics), ReLU, global max pooling, dense with batch norm. */
    public static MultiLayerNetwork cnnWithBatchNorm() {
        return ExactHessianTest.cnnWithBatchNorm();
    }

    /** {@code (a + aᵀ) / 2}: an explicit Hessian without its rounding asymmetry. */
    public static double[][] symmetrized(double[][] a) {
        return ExactHessianTest.symmetrized(a);
    }

    /** A 3x3 convolution (3 channels), ReLU, max pooling, dense ReLU and softmax, trained 200 epochs on {@code data}. */
    public static MultiLayerNetwork trainedReluMaxPool(DataSet data) {
        return ExactHessianTest.trainedReluMaxPool(data);
    }
}

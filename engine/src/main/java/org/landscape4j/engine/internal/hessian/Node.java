package org.landscape4j.engine.internal.hessian;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One operation of the exact Hessian's passes: reads slots {@code in}, writes slot {@code out}; forward carries the
 * R-derivative, backward the gradient and its R-derivative. One subclass per layer kind with an exact rule, each with
 * the static {@code rule} that {@link HessianBuilder} calls for its {@code LayerKind}.
 */
abstract class Node {
    final String source;
    final int[] in;
    final int out;

    Node(String source, int[] in, int out) {
        this.source = source;
        this.in = in;
        this.out = out;
    }

    abstract void forward(Pass p);

    /** Given {@code g[out]} and {@code rg[out]}, adds to the inputs' and the parameters' gradients. */
    abstract void backward(Pass p);

    /** The kind, for {@link ExactHessian#summary()}: {@code "dense"}, {@code "relu"}... */
    abstract String kind();

    /** {@code a + b}, where {@code null} is zero. */
    static INDArray plus(INDArray a, INDArray b) {
        return a == null ? b : b == null ? a : a.add(b);
    }
}

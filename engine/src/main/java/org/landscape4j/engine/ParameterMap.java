package org.landscape4j.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A point of a landscape whose parameters are not a fixed linear combination of anchor vectors: a function of the
 * point's coordinates that writes the whole flat parameter vector (e.g. the Julia/Flux write-up's {@code linear2x} and
 * {@code barycentric} planes, which norm intermediate vectors per point). A run with a map evaluates every parameter
 * per point (no first-layer factorization). Implementations are shared by the run's workers: {@link #write} must be
 * thread-safe (keep no per-call state in fields).
 */
@FunctionalInterface
interface ParameterMap {

    /**
     * Writes the parameters of the point at {@code coordinates} into {@code target}.
     *
     * @param coordinates the point's coordinates, one per axis
     * @param target      the network copy's live flat parameter vector
     */
    void write(double[] coordinates, INDArray target);

    /**
     * Makes a run's map from its model and anchor vectors; serializable, so a run that travels to another JVM (see
     * {@link PortableRun}) rebuilds the same map there.
     */
    @FunctionalInterface
    interface Factory extends java.io.Serializable {
        /**
         * @param prototype the run's model (only read)
         * @param anchors   the run's anchor vectors
         */
        ParameterMap create(org.deeplearning4j.nn.api.Model prototype, INDArray[] anchors);
    }
}

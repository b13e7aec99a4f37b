package org.landscape4j.engine.device;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A network compiled for a device, once per landscape. Holds no device memory itself: each worker's
 * {@link DeviceWorker} owns its own.
 */
public interface DevicePlan {

    /**
     * What {@code Landscape.evaluationPlan()} says about it, e.g. {@code "CUDA plan, 3 steps (dense+relu, dense+relu,
     * output softmax-cross-entropy), device memory 41 MB per worker"}.
     */
    String description();

    /**
     * A worker for one stream's thread: the anchors, the evaluation data and every buffer resident on the device,
     * owned by the worker and freed by its {@link DeviceWorker#close()}.
     *
     * @param anchors the vectors whose combination {@code Σ w_k anchors[k]} is a point, shaped like the flat
     *                parameters (only read)
     * @throws IllegalStateException when the device cannot hold them (out of device memory), saying how much was asked
     */
    DeviceWorker newWorker(INDArray[] anchors);
}

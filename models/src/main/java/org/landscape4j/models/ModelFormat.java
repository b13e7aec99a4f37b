package org.landscape4j.models;

/** What a model file was, as {@link Models#load} recognised it by its content. */
public enum ModelFormat {
    /** A DL4J {@code ModelSerializer} zip ({@code configuration.json} + {@code coefficients.bin}). */
    DL4J,
    /** A Keras 2 / tf.keras HDF5 file ({@code model.save('m.h5')}), imported with DL4J's Keras importer. */
    KERAS_HDF5,
    /** An ONNX model ({@code torch.onnx.export}), converted to a {@code ComputationGraph}. */
    ONNX
}

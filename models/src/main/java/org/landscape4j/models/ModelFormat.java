package org.landscape4j.models;

/** What a model file was, as {@link Models#load} recognised it by its content. */
public enum ModelFormat {
    /** A DL4J {@code ModelSerializer} zip ({@code configuration.json} + {@code coefficients.bin}). */
    DL4J,
    /**
     * A Keras HDF5 file ({@code model.save('m.h5')} of Keras 2, tf.keras or Keras 3), imported with DL4J's Keras
     * importer.
     */
    KERAS_HDF5,
    /** A Keras 3 archive ({@code model.save('m.keras')}), translated for DL4J's Keras importer. */
    KERAS,
    /** An ONNX model ({@code torch.onnx.export}), converted to a {@code ComputationGraph}. */
    ONNX
}

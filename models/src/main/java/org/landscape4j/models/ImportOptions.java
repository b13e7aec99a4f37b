package org.landscape4j.models;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * How {@link Models#load(java.nio.file.Path, ImportOptions)} imports a file.
 *
 * @param loss     the loss to append, or {@code null} to use the file's own: required for ONNX files and Keras files
 *                 saved without a {@code compile()}; for a compiled Keras file it replaces the file's loss; refused
 *                 for DL4J zips, whose output layers carry their loss
 * @param dataType the floating-point type of the imported network's parameters and activations: {@code FLOAT}
 *                 (PyTorch's and Keras' default) or {@code DOUBLE}; a DL4J zip keeps its own
 */
public record ImportOptions(Loss loss, DataType dataType) {

    public ImportOptions {
        if (dataType == null) {
            dataType = DataType.FLOAT;
        }
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE, was " + dataType);
        }
    }

    /** The file's own loss, float32. */
    public static ImportOptions defaults() {
        return new ImportOptions(null, DataType.FLOAT);
    }

    /** {@code loss}, float32. */
    public static ImportOptions withLoss(Loss loss) {
        return new ImportOptions(loss, DataType.FLOAT);
    }

    /** These options with parameters and activations of {@code type}. */
    public ImportOptions withDataType(DataType type) {
        return new ImportOptions(loss, type);
    }
}

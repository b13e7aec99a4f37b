package org.landscape4j.models;

import java.nio.file.Path;

/** Keras HDF5 files through DL4J's Keras importer. */
final class KerasImporter {

    private KerasImporter() {
    }

    static ImportedModel load(byte[] bytes, String source, Path file, ImportOptions options) {
        throw new ModelImportException("Keras import is not done yet: " + source);
    }
}

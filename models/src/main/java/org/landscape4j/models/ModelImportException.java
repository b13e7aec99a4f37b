package org.landscape4j.models;

/**
 * A model file that cannot be imported: not a model, a foreign or corrupt file, an unsupported layer or op, a missing
 * loss. Thrown before any work, with a one-line message naming the thing (a command line prints it and exits 2).
 */
public final class ModelImportException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public ModelImportException(String message) {
        super(message);
    }

    /** An exception with {@code message}, caused by {@code cause}. */
    public ModelImportException(String message, Throwable cause) {
        super(message, cause);
    }
}

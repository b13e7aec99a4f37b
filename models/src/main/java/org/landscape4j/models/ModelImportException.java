package org.landscape4j.models;

/**
 * A model file that cannot be imported: not a model, a foreign or corrupt file, an unsupported layer or op, a missing
 * loss. Thrown before any work, with a one-line message naming the thing (a command line prints it and exits 2).
 */
public final class ModelImportException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** An exception with {@code message} (on one line: a line break and the spaces around it become one space). */
    public ModelImportException(String message) {
        super(oneLine(message));
    }

    /** An exception with {@code message} (on one line), caused by {@code cause}. */
    public ModelImportException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** {@code message} on one line: what a library below said over several lines is still one refusal. */
    private static String oneLine(String message) {
        return message == null ? null : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}

package org.landscape4j.cli;

/**
 * A user error (a missing file, a model that does not load, data that does not fit, a bad option value): the command
 * prints its message on one line and exits with {@link LandscapeCommand#EXIT_BAD_INPUT}, never a stack trace.
 */
public final class BadInput extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message the one-line reason, naming the bad value */
    public BadInput(String message) {
        super(message);
    }
}

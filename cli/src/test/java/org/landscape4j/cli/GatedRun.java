package org.landscape4j.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * A {@code landscape} run that stops at its first progress line, while it is computing: its first point is in the
 * checkpoint (a point is appended before it is emitted, and the progress bar draws the first one), the rest are not,
 * and the checkpoint stays locked until the run is let go. As a program (in a child JVM) it prints
 * {@code checkpointed} when it stops, waits for a line on its standard input, and exits with the command's code after
 * printing the command's output.
 *
 * <p>Usage: {@code GatedRun <landscape arguments...>}
 */
public final class GatedRun {

    private GatedRun() {
    }

    /**
     * The error stream of a gated run: collects the text and calls {@code stop} (which blocks) on the first flush
     * after a progress line.
     */
    static final class Gate extends Writer {
        private final Runnable stop;
        private final StringBuilder text = new StringBuilder();
        private boolean stopped;

        Gate(Runnable stop) {
            this.stop = stop;
        }

        @Override
        public void write(char[] c, int off, int len) {
            synchronized (text) {
                text.append(c, off, len);
            }
        }

        @Override
        public void flush() {
            boolean now;
            synchronized (text) {
                now = !stopped && text.indexOf("] ") >= 0;
                stopped |= now;
            }
            if (now) {
                stop.run();
            }
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            synchronized (text) {
                return text.toString();
            }
        }
    }

    public static void main(String[] args) {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Gate gate = new Gate(() -> {
            System.out.println("checkpointed");
            System.out.flush();
            try {
                in.readLine();
            } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        StringWriter out = new StringWriter();
        int code = LandscapeCommand.execute(args, new PrintWriter(out), new PrintWriter(gate));
        System.out.print(out);
        System.out.flush();
        System.err.print(gate);
        System.err.flush();
        System.exit(code);
    }
}

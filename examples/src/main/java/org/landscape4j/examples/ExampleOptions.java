package org.landscape4j.examples;

import java.nio.file.Path;

/**
 * The command line of every example: {@code [--out DIR] [--size tiny|cpu|full]}.
 *
 * @param out  the output folder
 * @param size {@code tiny} for tests (seconds), {@code cpu} (default: minutes on 2 CPU cores), {@code full} (the
 *             seed's own sizes, for a GPU or a long run)
 */
public record ExampleOptions(Path out, Size size) {

    /** How big an example runs. */
    public enum Size { TINY, CPU, FULL }

    public ExampleOptions {
        if (out == null || size == null) {
            throw new IllegalArgumentException("out and size must not be null");
        }
    }

    /**
     * Parses the command line.
     *
     * @param defaultOut the folder when {@code --out} is not given
     * @throws IllegalArgumentException naming an unknown option or size
     */
    public static ExampleOptions parse(String[] args, String defaultOut) {
        Path out = Path.of(defaultOut);
        Size size = Size.CPU;
        for (int i = 0; i < args.length; i++) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--size" -> {
                    String v = args[++i];
                    try {
                        size = Size.valueOf(v.toUpperCase(java.util.Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("size must be tiny, cpu or full, was " + v);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --out DIR, --size tiny|cpu|full");
            }
        }
        return new ExampleOptions(out, size);
    }

    /** {@code tiny}, {@code cpu} or {@code full} value by size. */
    public int pick(int tiny, int cpu, int full) {
        return switch (size) {
            case TINY -> tiny;
            case CPU -> cpu;
            case FULL -> full;
        };
    }

    /** {@code tiny}, {@code cpu} or {@code full} value by size. */
    public double pick(double tiny, double cpu, double full) {
        return switch (size) {
            case TINY -> tiny;
            case CPU -> cpu;
            case FULL -> full;
        };
    }
}

package org.landscape4j.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import org.landscape4j.engine.Axis;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code landscape} command: {@code surface}, {@code line}, {@code interpolate} and {@code plot}.
 *
 * <pre>
 * landscape surface --model m.zip --data mnist/ --grid -1:1:51 --norm filter --seed 1 --out run/
 * landscape line --model m.zip --data data.csv --grid -1:1:101 --out line/
 * landscape interpolate --from a.zip --to b.zip --data data.bin --out interp/
 * landscape plot run/
 * </pre>
 *
 * <p>Exit codes: 0 done, {@value #EXIT_BAD_INPUT} bad input (a one-line reason on stderr: a missing file, a model
 * that does not load, data that does not fit the model, a bad option such as a grid of one point, a checkpoint of
 * another run), {@value #EXIT_IO} a file could not be read or written, 1 an internal error (with its stack trace).
 */
@Command(name = "landscape", mixinStandardHelpOptions = true, version = "landscape4j 0.1.0",
        description = "Loss landscapes and curvature of PyTorch (ONNX), Keras and Deeplearning4j models.",
        subcommands = {SurfaceCommand.class, LineCommand.class, InterpolateCommand.class, HessianCommand.class,
            ConnectCommand.class, PlotCommand.class})
public final class LandscapeCommand implements Runnable {

    /** Exit code for bad input. */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code for a file that could not be read or written. */
    public static final int EXIT_IO = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command: surface, line, interpolate, hessian, connect or plot");
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.log.io.jhdf", "error");
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(execute(args, out, err));
    }

    /**
     * Runs the command line with the given streams and returns the exit code (what {@link #main} exits with).
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new LandscapeCommand());
        cl.registerConverter(Axis.class, new GridConverter());        // every --grid, --ygrid: MIN:MAX:N
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((e, a) -> {
            String command = e.getCommandLine().getCommandName();
            err.println("landscape: " + e.getMessage() + " (see `" + (command.equals("landscape") ? "landscape"
                    : "landscape " + command) + " --help`)");
            err.flush();
            return EXIT_BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof BadInput) {
                err.println("landscape: " + e.getMessage());
                err.flush();
                return EXIT_BAD_INPUT;
            }
            if (e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
                err.println("landscape: " + ModelFile.firstLine(e));
                err.flush();
                return EXIT_IO;
            }
            err.println("landscape: internal error, please report it with this trace:");
            e.printStackTrace(err);
            err.flush();
            return 1;
        });
        return cl.execute(args);
    }
}

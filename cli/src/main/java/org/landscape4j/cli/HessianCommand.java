package org.landscape4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.charts.ChartFiles;
import org.landscape4j.charts.SpectralDensityChart;
import org.landscape4j.engine.curvature.Density;
import org.landscape4j.engine.curvature.Eigenvalues;
import org.landscape4j.engine.curvature.Hessian;
import org.landscape4j.engine.curvature.PerLayer;
import org.landscape4j.engine.curvature.Trace;
import org.nd4j.linalg.dataset.DataSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code landscape hessian}: the curvature numbers of a model at its parameters, as PyHessian (Yao et al. 2020) and
 * loss-landscape's {@code plot_hessian_eigen.py} give them: the top eigenvalues with their residuals, Hutchinson's
 * trace, and on request the spectral density and a per-layer table. Exact Hessian-vector products where every layer
 * kind has a rule (the method line says which), over the weights by default.
 */
@Command(name = "hessian", mixinStandardHelpOptions = true,
        description = "Computes the Hessian of the model's loss on --data at its parameters: the top eigenvalues"
                + " with their residuals and the trace (± standard error); --density adds the spectral density"
                + " (stochastic Lanczos quadrature, PyHessian's), --per-layer a table per layer. Writes hessian.txt,"
                + " eigenvalues.csv and, when asked, density.csv, density.png and layers.csv.")
final class HessianCommand implements Callable<Integer> {

    /** The most eigenvalues asked for: each costs a Lanczos vector of every parameter. */
    static final int MAX_TOP = 50;
    /** The Lanczos steps and probes of the spectral density: PyHessian's defaults (100 steps) would do as well. */
    static final int DENSITY_STEPS = 90;
    static final int DENSITY_PROBES = 5;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "a DL4J zip, a Keras .keras/.h5 or an ONNX file")
    Path model;

    @Option(names = "--loss", paramLabel = "cross-entropy|mse",
            description = "the loss of an ONNX or uncompiled Keras model (required for those, refused for DL4J zips)")
    String loss;

    @Mixin
    DataOptions data;

    @Option(names = "--top", defaultValue = "5", paramLabel = "K",
            description = "the top K eigenvalues, 1 to " + MAX_TOP + " (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--probes", defaultValue = "100", paramLabel = "N",
            description = "Rademacher probes of the trace and the per-layer traces, >= 2 (default: ${DEFAULT-VALUE})")
    int probes;

    @Option(names = "--parameters", defaultValue = "weights", paramLabel = "weights|all",
            description = "the Hessian's variables: the dense and convolution weights (loss-landscape's"
                    + " plot_hessian_eigen.py, the default) or every trained parameter (PyHessian's)")
    String parameters;

    @Option(names = "--density", description = "the spectral density (" + DENSITY_STEPS + " Lanczos steps, "
            + DENSITY_PROBES + " probes): density.csv and density.png")
    boolean density;

    @Option(names = "--per-layer", description = "per layer: parameters, trace ± standard error, λmax: layers.csv")
    boolean perLayer;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
            description = "the seed of the Lanczos start and the probes (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the directory of the files")
    Path out;

    @Override
    public Integer call() throws IOException {
        Hessian.Options options = options();
        RunDirectory.checkCanBeCreated(out);
        Model net = ModelFile.imported(model, "--model", ModelFile.loss(loss)).model();
        DataSet examples = data.load(net);
        List<String> lines = new ArrayList<>();
        List<String> written = new ArrayList<>();
        Files.createDirectories(out);
        try (Hessian h = Hessian.of(net, examples, options)) {
            lines.add(h.toString());
            lines.add("examples: " + examples.numExamples() + " of " + data.data);
            Eigenvalues e = h.eigenvalues(top);
            lines.add(e.toString());
            StringBuilder csv = new StringBuilder("rank,eigenvalue,residual_norm,relative_residual,converged\n");
            for (int i = 0; i < e.size(); i++) {
                csv.append(String.format(Locale.ROOT, "%d,%.17g,%.6g,%.6g,%b%n", i + 1, e.values()[i],
                        e.residualNorms()[i], e.relativeResiduals()[i], e.converged(i)));
            }
            written.add(write("eigenvalues.csv", csv.toString()));
            Trace trace = h.trace(probes);
            lines.add(trace.toString());
            if (perLayer) {
                PerLayer layers = h.perLayer(probes);
                lines.add(layers.toString());
                StringBuilder t = new StringBuilder("layer,parameters,trace,standard_error,lambda_max,"
                        + "relative_residual\n");
                for (PerLayer.LayerCurvature l : layers.layers()) {
                    t.append(String.format(Locale.ROOT, "%s,%d,%.17g,%.6g,%.17g,%.6g%n", l.layer(), l.parameters(),
                            l.trace(), l.standardError(), l.lambdaMax(), l.relativeResidual()));
                }
                written.add(write("layers.csv", t.toString()));
            }
            if (density) {
                Density d = h.density(DENSITY_STEPS, DENSITY_PROBES);
                lines.add(d.toString());
                double sigma = SpectralDensityChart.defaultSigma(d);
                int points = 1000;
                double[] x = SpectralDensityChart.grid(d, points);
                double[] y = d.at(x, sigma);
                StringBuilder t = new StringBuilder("eigenvalue,density\n");
                for (int i = 0; i < points; i++) {
                    t.append(String.format(Locale.ROOT, "%.9g,%.9g%n", x[i], y[i]));
                }
                written.add(write("density.csv", t.toString()));
                ChartFiles.png(SpectralDensityChart.of(d, "Hessian spectral density", points, sigma),
                        out.resolve("density.png"), 900, 540);
                written.add("density.png");
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new BadInput(ModelFile.firstLine(e));
        }
        written.add(0, write("hessian.txt", String.join("\n", lines) + "\n"));
        PrintWriter stdout = spec.commandLine().getOut();
        lines.forEach(stdout::println);
        stdout.println("wrote " + out + ": " + String.join(", ", written));
        stdout.flush();
        return 0;
    }

    /** The options, checked before any file is read. */
    private Hessian.Options options() {
        if (top < 1 || top > MAX_TOP) {
            throw new BadInput("--top must be between 1 and " + MAX_TOP + ", was " + top);
        }
        if (probes < 2) {
            throw new BadInput("--probes must be >= 2, was " + probes);
        }
        data.check();
        Hessian.Parameters p = switch (parameters.toLowerCase(Locale.ROOT)) {
            case "weights" -> Hessian.Parameters.WEIGHTS;
            case "all" -> Hessian.Parameters.ALL_TRAINABLE;
            default -> throw new BadInput("--parameters must be weights or all, was '" + parameters + "'");
        };
        ModelFile.loss(loss);
        return Hessian.Options.DEFAULT.withParameters(p).withSeed(seed);
    }

    private String write(String name, String text) throws IOException {
        Files.writeString(out.resolve(name), text);
        return name;
    }
}

package org.landscape4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.Directions;
import org.landscape4j.engine.Normalization;
import org.landscape4j.engine.RandomDirections;
import org.landscape4j.models.ImportedModel;
import org.landscape4j.models.Loss;
import org.landscape4j.models.ModelImportException;
import org.landscape4j.models.ReferenceDirections;
import org.nd4j.linalg.api.ndarray.INDArray;

import picocli.CommandLine.Option;

/**
 * The options of {@code surface} and {@code line}: a model file and the directions around it — seeded random ones
 * (the default), or one of the other sources: a loss-landscape direction file, the plane through three models, the
 * principal components of saved snapshots, the top Hessian eigenvectors.
 */
final class RandomDirectionOptions {

    @Option(names = {"--model", "--model_file"}, paramLabel = "FILE",
            description = "the model: a DL4J zip (ModelSerializer), a Keras .keras or .h5 file or an ONNX file"
                    + " (torch.onnx.export); required except with --plane-through or --pca")
    Path model;

    @Option(names = {"--loss", "--loss_name"}, paramLabel = "cross-entropy|mse",
            description = "the loss of an ONNX or uncompiled Keras model (required for those, refused for DL4J"
                    + " zips): cross-entropy = PyTorch's CrossEntropyLoss on the logits, mse = MSELoss")
    String loss;

    // no picocli default: null tells a --norm left out from an explicit "--norm filter", which --xnorm layer contradicts
    @Option(names = "--norm", paramLabel = "filter|layer|model|none",
            description = "direction normalization (default: filter)")
    String norm;

    @Option(names = "--bias-bn", description = "move biases and batch-norm gamma/beta too (random and --pca)")
    boolean biasBn;

    @Option(names = "--seed", defaultValue = "1", description = "random seed of the directions (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = {"--directions", "--dir_file"}, paramLabel = "FILE.h5",
            description = "the directions of a loss-landscape (tomgoldstein) direction file (/xdirection,"
                    + " /ydirection; weights or states), for an ONNX model exported from PyTorch")
    Path directionFile;

    @Option(names = "--plane-through", arity = "3", paramLabel = "MODEL",
            description = "the plane through three model files A B C (Gram-Schmidt basis), drawn around A")
    List<Path> planeThrough;

    @Option(names = "--pca", paramLabel = "DIR",
            description = "the top principal components (centred, as loss-landscape's PCA) of the trajectory of"
                    + " the model files in DIR (at least 3 snapshots of one architecture, any format --model reads,"
                    + " in file-name order, numbers compared by value: epoch2 before epoch10); drawn around --model"
                    + " if given, else around the last snapshot")
    Path pca;

    @Option(names = "--hessian", description = "the top Hessian eigenvectors of the loss on the --data set")
    boolean hessian;

    // loss-landscape's (tomgoldstein) plot_surface.py flags, with its meanings: the README's table

    @Option(names = {"--xnorm", "--ynorm"}, paramLabel = "filter|layer", hidden = true)
    List<String> llNorm;

    @Option(names = {"--xignore", "--yignore"}, paramLabel = "biasbn", hidden = true)
    List<String> llIgnore;

    @Option(names = "--dir_type", paramLabel = "weights|states", hidden = true)
    String llDirType;

    @Option(names = "--model_file2", paramLabel = "FILE", hidden = true)
    Path modelFile2;

    @Option(names = "--model_file3", paramLabel = "FILE", hidden = true)
    Path modelFile3;

    /**
     * loss-landscape's flags as this CLI's options, checked before any file is read: {@code --xnorm}/{@code --ynorm}
     * (one normalization for both here), {@code --xignore biasbn} (this CLI's default), {@code --dir_type},
     * {@code --model_file2 B --model_file3 C} (the plane through {@code --model_file} A, B and C).
     */
    private void lossLandscapeFlags() {
        if (llNorm != null) {
            String first = llNorm.get(0);
            if (llNorm.stream().anyMatch(n -> !n.equals(first))) {
                throw new BadInput("--xnorm and --ynorm differ (" + String.join(", ", llNorm) + "): both"
                        + " directions are normalized alike here");
            }
            if (!first.equals("filter") && !first.equals("layer")) {
                throw new BadInput("--xnorm " + first + " has no equivalent here: use filter or layer, or --norm"
                        + " none / model");
            }
            if (norm != null && !norm.equals(first)) {
                throw new BadInput("--norm " + norm + " and --xnorm " + first + " contradict each other");
            }
            norm = first;
        }
        if (llIgnore != null) {
            for (String ignore : llIgnore) {
                if (!ignore.equals("biasbn")) {
                    throw new BadInput("--xignore takes biasbn (loss-landscape's only value), was '" + ignore + "'");
                }
            }
            if (biasBn) {
                throw new BadInput("--xignore biasbn and --bias-bn contradict each other");
            }
        }
        if (llDirType != null && !llDirType.equals("weights")) {
            if (!llDirType.equals("states")) {
                throw new BadInput("--dir_type must be weights or states, was '" + llDirType + "'");
            }
            if (directionFile == null) {
                throw new BadInput("--dir_type states: random directions here hold the batch-norm running"
                        + " statistics fixed; loss-landscape's states directions come with --directions FILE");
            }
        }
        if (modelFile3 != null && modelFile2 == null) {
            throw new BadInput("--model_file3 needs --model_file2");
        }
        if (modelFile2 != null) {
            if (modelFile3 == null) {
                throw new BadInput("--model_file2 alone is loss-landscape's interpolation between two models: use"
                        + " `landscape interpolate --from A --to B`");
            }
            if (model == null || planeThrough != null) {
                throw new BadInput("--model_file2 and --model_file3 take the plane through --model_file, them:"
                        + " give --model_file and no --plane-through");
            }
            planeThrough = List.of(model, modelFile2, modelFile3);
            model = null;
        }
    }

    /**
     * The landscape around the model of {@code --model} along the random directions of {@code --norm},
     * {@code --bias-bn} and {@code --seed}, one direction per axis.
     *
     * @throws BadInput when the model does not load or {@code --norm} is unknown
     */
    ComputeOptions.Subject around(List<Axis> axes) {
        return around(axes, null);
    }

    /**
     * The landscape of the command: the model file(s) and the directions of whichever source is given (random by
     * default), one direction per axis. Checks the options before reading any file.
     *
     * @param compute the command's data options, for {@code --hessian}
     * @throws BadInput for sources that cannot be combined, a missing or bad file, fewer than 3 snapshots
     */
    ComputeOptions.Subject around(List<Axis> axes, ComputeOptions compute) {
        lossLandscapeFlags();
        Loss lossFunction = loss();
        List<String> sources = new ArrayList<>();
        if (directionFile != null) {
            sources.add("--directions");
        }
        if (planeThrough != null) {
            sources.add("--plane-through");
        }
        if (pca != null) {
            sources.add("--pca");
        }
        if (hessian) {
            sources.add("--hessian");
        }
        if (sources.size() > 1) {
            throw new BadInput(String.join(" and ", sources) + " are two sources of directions: give one");
        }
        if (planeThrough != null && model != null) {
            throw new BadInput("--plane-through A B C draws the plane around A: leave out --model " + model);
        }
        if (model == null && planeThrough == null && pca == null) {
            throw new BadInput("Missing required option: '--model=FILE' (or --plane-through A B C, or --pca DIR)");
        }
        if (planeThrough != null) {
            if (axes.size() != 2) {
                throw new BadInput("--plane-through gives a plane: use `landscape surface`");
            }
            ImportedModel a = ModelFile.imported(planeThrough.get(0), "--plane-through", lossFunction);
            ImportedModel b = ModelFile.imported(planeThrough.get(1), "--plane-through", lossFunction);
            ImportedModel c = ModelFile.imported(planeThrough.get(2), "--plane-through", lossFunction);
            Directions.Given plane;
            try {
                plane = Directions.planeThrough(a.model(), b.model(), c.model());
            } catch (IllegalArgumentException e) {
                throw new BadInput("--plane-through " + planeThrough.get(0) + " " + planeThrough.get(1) + " "
                        + planeThrough.get(2) + ": " + ModelFile.firstLine(e));
            }
            return new ComputeOptions.Subject(a.model(), plane, seed, axes, a.description());
        }
        if (pca != null) {
            List<Path> files = snapshots(pca);
            ImportedModel m = model == null ? null : ModelFile.imported(model, "--model", lossFunction);
            List<INDArray> params = new ArrayList<>();
            Model last = null;
            ImportedModel lastImported = null;
            for (Path f : files) {
                lastImported = ModelFile.imported(f, "--pca", lossFunction);
                last = lastImported.model();
                params.add(last.params().dup());
            }
            Model around = m == null ? last : m.model();
            if (m != null) {
                // the components are drawn around the trained model: the trajectory ends there
                params.add(around.params().dup());
            }
            Directions.Given d;
            try {
                d = Directions.pca(around, params, true, !biasBn);
            } catch (IllegalArgumentException e) {
                throw new BadInput("--pca " + pca + ": " + ModelFile.firstLine(e));
            }
            return new ComputeOptions.Subject(around, firstOf(d, axes), seed, axes,
                    (m == null ? lastImported : m).description());
        }
        ImportedModel m = ModelFile.imported(model, "--model", lossFunction);
        if (directionFile != null) {
            Directions.Given d;
            try {
                d = ReferenceDirections.read(directionFile, m);
            } catch (ModelImportException e) {
                throw new BadInput("--directions: " + ModelFile.firstLine(e));
            }
            if (d.vectors().size() < axes.size()) {
                throw new BadInput("--directions: " + directionFile + " holds only /xdirection; a surface needs"
                        + " /ydirection too (or use `landscape line`)");
            }
            return new ComputeOptions.Subject(m.model(), firstOf(d, axes), seed, axes, m.description());
        }
        if (hessian) {
            Directions.Given d;
            try {
                d = Directions.hessian(m.model(), compute.trainingData(m.model()), axes.size());
            } catch (IllegalArgumentException e) {
                throw new BadInput("--hessian: " + ModelFile.firstLine(e));
            }
            return new ComputeOptions.Subject(m.model(), d, seed, axes, m.description());
        }
        return new ComputeOptions.Subject(m.model(), directions(), seed, axes, m.description());
    }

    /** {@code d} with as many directions as {@code axes} (a line takes a plane's first). */
    private static Directions.Given firstOf(Directions.Given d, List<Axis> axes) {
        if (d.vectors().size() <= axes.size()) {
            return d;
        }
        return new Directions.Given(d.description() + ", first direction", d.vectors().subList(0, axes.size()),
                d.centre(), List.of(), List.of(), d.batchNormFeatures());
    }

    /** The model files in {@code dir}, in file-name order with runs of digits compared as numbers. */
    static List<Path> snapshots(Path dir) {
        return snapshots(dir, "--pca", 3);
    }

    /**
     * The model files in {@code dir}, in file-name order (numbers by value), at least {@code min}.
     *
     * @throws BadInput naming {@code option} when {@code dir} is not a directory or holds fewer
     */
    static List<Path> snapshots(Path dir, String option, int min) {
        if (!Files.isDirectory(dir)) {
            throw new BadInput(option + ": " + dir + " is not a directory of model snapshots");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString(), RandomDirectionOptions::natural))
                    .toList();
        } catch (IOException e) {
            throw new BadInput(option + ": cannot list " + dir + " (" + e.getMessage() + ")");
        }
        if (files.size() < min) {
            throw new BadInput(option + ": " + dir + " holds " + files.size() + " model file" + (files.size() == 1
                    ? "" : "s") + "; " + (option.equals("--pca") ? "a trajectory needs" : option + " needs")
                    + " at least " + min + " snapshots");
        }
        return files;
    }

    /** File names compared with runs of digits as numbers ({@code m2 < m10}). */
    static int natural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int ei = i;
                while (ei < a.length() && Character.isDigit(a.charAt(ei))) {
                    ei++;
                }
                int ej = j;
                while (ej < b.length() && Character.isDigit(b.charAt(ej))) {
                    ej++;
                }
                int c = new java.math.BigInteger(a.substring(i, ei)).compareTo(new java.math.BigInteger(
                        b.substring(j, ej)));
                if (c != 0) {
                    return c;
                }
                i = ei;
                j = ej;
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** {@code --loss} as a {@link Loss}, or {@code null}. */
    Loss loss() {
        return ModelFile.loss(loss);
    }

    /** The random directions named by {@code --norm} and {@code --bias-bn}. */
    private Directions directions() {
        Normalization n = switch (norm == null ? "filter" : norm) {
            case "filter" -> Normalization.FILTER;
            case "layer" -> Normalization.LAYER;
            case "model" -> Normalization.MODEL;
            case "none" -> Normalization.NONE;
            default -> throw new BadInput("--norm must be filter, layer, model or none, was '" + norm + "'");
        };
        return new RandomDirections(n, biasBn, false);
    }
}

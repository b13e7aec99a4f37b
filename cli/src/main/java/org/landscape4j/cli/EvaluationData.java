package org.landscape4j.cli;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Evaluation data from a file, by kind: a NumPy {@code .npz} archive ({@code np.savez("data.npz", x=features,
 * y=labels)}: features of any shape the model takes, flat rows reshaped to its images; labels as integer class
 * indices {@code [n]}, or floating-point {@code [n]} / {@code [n, k]} targets or one-hot rows, used as they are), a
 * directory of IDX files ({@code <prefix>-images-idx3-ubyte[.gz]} and {@code <prefix>-labels-idx1-ubyte[.gz]}, as
 * MNIST and FashionMNIST ship; pixels scaled to [0, 1]), a {@code .csv} file (one example per row: the features, then
 * the class index; a non-numeric first line is a header), or anything else as a DL4J {@code DataSet.save} file. Class
 * indices become one-hot labels of the model's output size (read from its output layer, or from its output on one
 * example where the layer does not say, as in imported graphs).
 */
final class EvaluationData {

    private EvaluationData() {
    }

    /** {@link #load(String, Path, String, Model, int)} of {@code --data}. */
    static DataSet load(Path path, String idxPrefix, Model model, int limit) {
        return load("--data", path, idxPrefix, model, limit);
    }

    /**
     * The examples in {@code path}, at most {@code limit}, shaped for {@code model}.
     *
     * @param option the option that named the path, for the messages: {@code --data} or {@code --test-data}
     * @throws BadInput naming the option and the path when the file is missing, unreadable or does not fit
     */
    static DataSet load(String option, Path path, String idxPrefix, Model model, int limit) {
        if (!Files.exists(path)) {
            throw new BadInput(option + ": " + path + " does not exist");
        }
        DataSet data;
        if (Files.isDirectory(path)) {
            data = idx(option, path, idxPrefix, classes(option, model));
        } else if (path.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
            data = csv(option, path, model);
        } else if (path.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".npz")) {
            data = NumpyData.load(option, path, model);
        } else {
            data = new DataSet();
            try {
                data.load(path.toFile());
            } catch (RuntimeException e) {
                throw new BadInput(option + ": " + path + " is not a saved DL4J DataSet, a .npz or .csv file or an"
                        + " IDX directory (" + ModelFile.firstLine(e) + ")");
            }
            if (data.getFeatures() == null || data.getLabels() == null) {
                throw new BadInput(option + ": " + path + " holds no features or no labels");
            }
        }
        if (data.numExamples() == 0) {
            throw new BadInput(option + ": " + path + " holds no examples");
        }

        if (limit > 0 && limit < data.numExamples()) {
            data = new DataSet(data.getFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, limit),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).dup(),
                    data.getLabels().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, limit),
                            org.nd4j.linalg.indexing.NDArrayIndex.all()).dup());
        }
        return asImagesFor(model, data);
    }

    /**
     * Flat rows (IDX images, CSV) as square NCHW image tensors {@code [n, c, side, side]} when the model's first layer
     * is a 2D convolution or pooling that takes image tensors ({@code InputType.convolutional}, no preprocessor);
     * anything else unchanged, so that the engine's own shape check names what does not fit.
     */
    static DataSet asImagesFor(Model model, DataSet data) {
        INDArray x = data.getFeatures();
        if (x.rank() != 2) {
            return data;
        }
        org.deeplearning4j.nn.conf.layers.Layer first = null;
        if (model instanceof MultiLayerNetwork net) {
            if (net.getLayerWiseConfigurations().getInputPreProcess(0) == null) {
                first = net.getLayer(0).conf().getLayer();
            }
        } else {
            ComputationGraph g = (ComputationGraph) model;
            List<String> inputs = g.getConfiguration().getNetworkInputs();
            if (inputs.size() == 1) {
                for (var e : g.getConfiguration().getVertexInputs().entrySet()) {
                    if (e.getValue().contains(inputs.get(0))
                            && g.getConfiguration().getVertices().get(e.getKey())
                            instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv && lv.getPreProcessor() == null) {
                        first = lv.getLayerConf().getLayer();
                    }
                }
            }
        }
        long channels;
        if (first instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer conv
                && !(first instanceof org.deeplearning4j.nn.conf.layers.Convolution1DLayer)) {
            channels = conv.getNIn();
        } else if (first instanceof org.deeplearning4j.nn.conf.layers.SubsamplingLayer
                && !(first instanceof org.deeplearning4j.nn.conf.layers.Subsampling1DLayer)) {
            channels = 1;
        } else {
            return data;
        }
        long pixels = x.size(1) / Math.max(1, channels);
        long side = Math.round(Math.sqrt(pixels));
        if (channels < 1 || pixels * channels != x.size(1) || side * side != pixels) {
            return data;
        }
        return new DataSet(x.reshape('c', x.size(0), channels, side, side), data.getLabels());
    }

    /** The number of outputs of the model's (first) output layer. */
    static int classes(String option, Model model) {
        return classes(option, model, null);
    }

    /**
     * The number of outputs of the model's (first) output layer or, when the layer does not say (a loss layer of an
     * imported graph behind a pooling), of the model's output on the first example of {@code features}.
     */
    static int classes(String option, Model model, INDArray features) {
        org.deeplearning4j.nn.conf.layers.Layer out;
        if (model instanceof MultiLayerNetwork net) {
            out = net.getLayer(net.getnLayers() - 1).conf().getLayer();
        } else {
            ComputationGraph g = (ComputationGraph) model;
            String vertex = g.getConfiguration().getNetworkOutputs().get(0);
            out = g.getLayer(vertex).conf().getLayer();
            // an imported graph ends in a loss (or activation) layer of unset size: the size is its input's
            for (int hops = 0; hops < 8 && out instanceof FeedForwardLayer ff && ff.getNOut() <= 0; hops++) {
                List<String> inputs = g.getConfiguration().getVertexInputs().get(vertex);
                if (inputs == null || inputs.size() != 1 || g.getLayer(inputs.get(0)) == null) {
                    break;
                }
                vertex = inputs.get(0);
                out = g.getLayer(vertex).conf().getLayer();
            }
        }
        if (out instanceof FeedForwardLayer ff && ff.getNOut() > 0) {
            return (int) ff.getNOut();
        }
        if (features != null) {
            INDArray first = features.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1));
            try {
                INDArray output = model instanceof MultiLayerNetwork net ? net.output(first, false)
                        : ((ComputationGraph) model).outputSingle(false, first);
                if (output.rank() == 2) {
                    return (int) output.size(1);
                }
            } catch (RuntimeException e) {
                throw new BadInput(option + ": the model does not take features of shape "
                        + java.util.Arrays.toString(features.shape()) + " (" + ModelFile.firstLine(e) + ")");
            }
        }
        throw new BadInput(option + ": the model's output layer " + out.getClass().getSimpleName()
                + " has no output size; give the labels as one-hot rows (floating point) in a .npz file");
    }

    /** The delimiter the first non-empty line of {@code file} uses: tab, semicolon, or comma (the default). */
    private static char delimiter(Path file) throws IOException {
        try (java.util.stream.Stream<String> lines = Files.lines(file)) {
            String first = lines.filter(l -> !l.isBlank()).findFirst().orElse("");
            return first.indexOf('\t') >= 0 ? '\t' : first.indexOf(';') >= 0 && first.indexOf(',') < 0 ? ';' : ',';
        }
    }

    /**
     * Reads the CSV with Apache Commons CSV (quoted cells, errors with line numbers); the delimiter (comma, semicolon
     * or tab) is the one the first line uses.
     */
    private static DataSet csv(String option, Path file, Model model) {
        List<float[]> rows = new ArrayList<>();
        int columns = -1;
        try (java.io.Reader in = Files.newBufferedReader(file);
             org.apache.commons.csv.CSVParser parser = org.apache.commons.csv.CSVFormat.DEFAULT.builder()
                     .setDelimiter(delimiter(file)).setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(true)
                     .get().parse(in)) {
            for (org.apache.commons.csv.CSVRecord record : parser) {
                long line = parser.getCurrentLineNumber();
                float[] row = new float[record.size()];
                try {
                    for (int c = 0; c < record.size(); c++) {
                        row[c] = Float.parseFloat(record.get(c));
                    }
                } catch (NumberFormatException e) {
                    if (rows.isEmpty() && columns < 0) {
                        columns = record.size();          // a header line
                        continue;
                    }
                    throw new BadInput(option + ": " + file + " line " + line + " is not numeric: "
                            + String.join(",", record.toList()));
                }
                if (columns >= 0 && record.size() != columns) {
                    throw new BadInput(option + ": " + file + " line " + line + " has " + record.size()
                            + " columns, the first line has " + columns);
                }
                columns = record.size();
                rows.add(row);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new BadInput(option + ": cannot read " + file + " (" + e.getMessage() + ")");
        }
        if (rows.isEmpty()) {
            throw new BadInput(option + ": " + file + " holds no examples");
        }
        if (columns < 2) {
            throw new BadInput(option + ": " + file + " has " + columns + " column; expected the features, then the"
                    + " class");
        }
        int n = rows.size();
        int d = columns - 1;
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows.get(i), 0, x, i * d, d);
        }
        INDArray features = Nd4j.create(x, new long[] {n, d}, DataType.FLOAT);
        int classes = classes(option, model, asImagesFor(model, new DataSet(features, null)).getFeatures());
        float[] y = new float[n * classes];
        for (int i = 0; i < n; i++) {
            float[] r = rows.get(i);
            int label = (int) r[d];
            if (label != r[d] || label < 0 || label >= classes) {
                throw new BadInput(option + ": " + file + " example " + (i + 1) + " has class " + r[d]
                        + ", the model has " + classes + " outputs (classes 0.." + (classes - 1) + ")");
            }
            y[i * classes + label] = 1f;
        }
        return new DataSet(features, Nd4j.create(y, new long[] {n, classes}, DataType.FLOAT));
    }

    private static DataSet idx(String option, Path dir, String prefix, int classes) {
        try {
            return org.landscape4j.io.IdxFiles.read(dir, prefix, classes, Integer.MAX_VALUE);
        } catch (IllegalArgumentException e) {
            throw new BadInput(option + ": " + e.getMessage() + (e.getMessage().contains("has no ")
                    ? " (an IDX directory needs images and labels; --idx-prefix picks train or t10k)" : ""));
        } catch (java.io.UncheckedIOException e) {
            throw new BadInput(option + ": " + e.getMessage());
        }
    }
}

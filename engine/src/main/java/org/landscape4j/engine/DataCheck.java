package org.landscape4j.engine;

import java.util.Arrays;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.engine.graph.GroupedConvolution2D;
import org.landscape4j.engine.graph.LayerKind;
import org.landscape4j.engine.graph.NetworkGraph;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.internal.NetworkEvaluator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Checks an evaluation set against a network before any work: the number of feature and label arrays, finite
 * values, and, for a {@link MultiLayerNetwork}, the feature shape its first layer accepts and the label width of
 * its output layer.
 *
 * <p>Feature shapes follow what DL4J itself accepts for the first layer's kind (the shape DL4J's own
 * {@code output(x)} takes): a dense or output layer takes {@code [examples, nIn]}; a 2D convolution or pooling layer
 * {@code [examples, channels, height, width]} (NCHW; channels last for NHWC); a 1D convolution or pooling layer
 * {@code [examples, channels, length]} (NCW); a network built with {@code InputType.convolutionalFlat} takes flat
 * rows {@code [examples, height·width·channels]} or image tensors; a dense layer after
 * {@code InputType.convolutional} takes image tensors or flat rows. Other first layers are checked by the dry run,
 * which evaluates two examples and reports DL4J's own message.
 */
final class DataCheck {

    private DataCheck() {
    }

    /** @throws IllegalArgumentException naming the set, the shape found and the shape expected */
    static void check(NetworkGraph graph, EvaluationSet set) {
        String name = "evaluation set '" + set.name() + "'";
        INDArray[] features = set.features();
        INDArray[] labels = set.labels();
        int inputs = graph.inputs();
        int outputs = graph.outputs();
        if (graph.model() instanceof MultiLayerNetwork) {
            if (features.length == 1) {
                checkFeatures(graph, features[0], name);
            }
            NetworkGraph.Node last = graph.layers().get(graph.layers().size() - 1);
            if (last.kind() == LayerKind.OUTPUT && labels.length == 1) {
                OutputLayer out = last.config(OutputLayer.class);
                if (labels[0].rank() != 2 || labels[0].size(1) != out.getNOut()) {
                    throw new IllegalArgumentException(name + ": labels have shape "
                            + Arrays.toString(labels[0].shape()) + " but the output layer '" + out.getLayerName()
                            + "' has nOut = " + out.getNOut());
                }
            }
        }
        if (features.length != inputs) {
            throw new IllegalArgumentException(name + " has " + features.length + " feature arrays, the network has "
                    + inputs + " inputs");
        }
        if (labels.length != outputs) {
            throw new IllegalArgumentException(name + " has " + labels.length + " label arrays, the network has "
                    + outputs + " outputs");
        }
        requireFinite(features, name + ": features");
        requireFinite(labels, name + ": labels");
    }

    private static void requireFinite(INDArray[] arrays, String what) {
        for (INDArray a : arrays) {
            if (!allFinite(a)) {
                throw new IllegalArgumentException(what + " contain NaN or infinite values");
            }
        }
    }

    /** Whether every entry of {@code a} is finite (the one NaN/infinity test of the engine's input checks). */
    static boolean allFinite(INDArray a) {
        return !BooleanIndexing.or(a, Conditions.isNan()) && !BooleanIndexing.or(a, Conditions.isInfinite());
    }

    /** The first layer's accepted feature shapes, checked; kinds not listed are left to the dry run. */
    private static void checkFeatures(NetworkGraph graph, INDArray features, String name) {
        NetworkGraph.Node firstNode = graph.layers().get(0);
        Layer first = firstNode.config(Layer.class);
        NetworkGraph.Node head = graph.nodes().get(0);
        InputPreProcessor pre = head.kind() == LayerKind.PREPROCESSOR ? head.config(InputPreProcessor.class) : null;
        long[] shape = features.shape();
        String takes;
        boolean fits;
        if (pre instanceof FeedForwardToCnnPreProcessor p) {
            long flat = p.getInputHeight() * p.getInputWidth() * p.getNumChannels();
            takes = "[examples, " + flat + "] (flat " + p.getInputHeight() + "x" + p.getInputWidth() + "x"
                    + p.getNumChannels() + " images) or [examples, " + p.getNumChannels() + ", " + p.getInputHeight()
                    + ", " + p.getInputWidth() + "]";
            fits = shape.length == 2 ? shape[1] == flat : shape.length == 4 && Arrays.equals(
                    Arrays.copyOfRange(shape, 1, 4),
                    new long[] {p.getNumChannels(), p.getInputHeight(), p.getInputWidth()});
        } else if (pre instanceof CnnToFeedForwardPreProcessor p) {
            long[] image = image(p.getFormat(), p.getNumChannels(), p.getInputHeight(), p.getInputWidth());
            takes = "[examples, " + image[0] + ", " + image[1] + ", " + image[2] + "] (" + p.getFormat() + ")";
            fits = shape.length == 4 && Arrays.equals(Arrays.copyOfRange(shape, 1, 4), image)
                    || shape.length == 2 && shape[1] == p.getNumChannels() * p.getInputHeight() * p.getInputWidth();
        } else if (pre != null) {
            return;
        } else {
            switch (firstNode.kind()) {
                case CONVOLUTION_1D -> {
                    Convolution1DLayer c = (Convolution1DLayer) first;
                    boolean ncw = c.getRnnDataFormat() != RNNFormat.NWC;
                    takes = ncw ? "[examples, " + c.getNIn() + ", length] (NCW)"
                            : "[examples, length, " + c.getNIn() + "] (NWC)";
                    fits = shape.length == 3 && shape[ncw ? 1 : 2] == c.getNIn();
                }
                case CONVOLUTION_2D, DEPTHWISE_CONVOLUTION_2D -> {
                    ConvolutionLayer c = (ConvolutionLayer) first;
                    boolean nchw = c.getCnn2dDataFormat() != CNN2DFormat.NHWC;
                    takes = nchw ? "[examples, " + c.getNIn() + ", height, width] (NCHW)"
                            : "[examples, height, width, " + c.getNIn() + "] (NHWC)";
                    fits = shape.length == 4 && shape[nchw ? 1 : 3] == c.getNIn();
                }
                case GROUPED_CONVOLUTION_2D -> {
                    long nIn = ((GroupedConvolution2D) first).getNIn();
                    takes = "[examples, " + nIn + ", height, width] (NCHW)";
                    fits = shape.length == 4 && shape[1] == nIn;
                }
                case SUBSAMPLING_1D -> {
                    takes = "[examples, channels, length]";
                    fits = shape.length == 3;
                }
                case SUBSAMPLING_2D -> {
                    takes = "[examples, channels, height, width]";
                    fits = shape.length == 4;
                }
                case DENSE, OUTPUT -> {
                    long nIn = ((FeedForwardLayer) first).getNIn();
                    takes = "[examples, " + nIn + "]";
                    fits = shape.length == 2 && shape[1] == nIn;
                }
                default -> {
                    return;
                }
            }
        }
        if (!fits) {
            throw new IllegalArgumentException(name + ": features have shape " + Arrays.toString(shape)
                    + " but layer 0 '" + first.getLayerName() + "' (" + first.getClass().getSimpleName() + ") takes "
                    + takes);
        }
    }

    private static long[] image(CNN2DFormat format, long channels, long height, long width) {
        return format == CNN2DFormat.NHWC ? new long[] {height, width, channels}
                : new long[] {channels, height, width};
    }

    /**
     * Evaluates the first examples of each set on a scratch copy of {@code prototype} so that shape errors surface
     * before work, named.
     *
     * @throws IllegalArgumentException naming the set, its shapes and DL4J's message
     */
    static void dryRun(Model prototype, List<List<Batch>> batches, List<String> sets) {
        NetworkEvaluator evaluator = NetworkEvaluator.over(NetworkEvaluator.copyOf(prototype));
        for (int s = 0; s < batches.size(); s++) {
            Batch first = batches.get(s).get(0);
            long n = Math.min(2, first.size());
            Batch probe = first.head(n);
            try {
                evaluator.forwardLoss(probe);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("evaluation set '" + sets.get(s)
                        + "' does not fit the network (features " + Arrays.toString(first.features()[0].shape())
                        + ", labels " + Arrays.toString(first.labels()[0].shape()) + "): " + e.getMessage(), e);
            }
        }
    }
}

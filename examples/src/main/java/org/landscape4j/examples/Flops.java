package org.landscape4j.examples;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.landscape4j.engine.graph.GroupedConvolution2D;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The floating-point operations of one example's forward pass, counted from the layer configurations: 2 x the
 * multiply-accumulates of the 2D convolutions ({@code outH·outW·nOut · (nIn / groups)·kH·kW}: a plain
 * {@link ConvolutionLayer} has one group, a {@link DepthwiseConvolution2D} as many as its input channels, the
 * engine's {@link GroupedConvolution2D} its own) and of the dense and output layers ({@code nIn·nOut}). Batch norm,
 * activations, pooling, additions, squeeze-and-excitation gates and the loss are not counted (they are a few
 * operations per activation, not per weight), as the usual FLOP counts of CNNs do. For the benchmark's GFLOP/s; the
 * PyTorch peer counts its own networks the same way (a convolution's {@code groups} included), so a mismatch shows the
 * architectures differ.
 */
final class Flops {

    private Flops() {
    }

    /**
     * FLOPs per example of {@code net} on inputs shaped like {@code features} ({@code [n, size]} or NCHW
     * {@code [n, c, h, w]}).
     *
     * @throws IllegalArgumentException for a convolution kind it does not count (1D, 3D, separable, transposed)
     */
    static long perExample(Model net, INDArray features) {
        return perLayer(net, features).values().stream().mapToLong(Long::longValue).sum();
    }

    /** {@link #perExample} by layer name (layers that count nothing left out), in the network's order. */
    static Map<String, Long> perLayer(Model net, INDArray features) {
        InputType in = features.rank() == 4
                ? InputType.convolutional(features.size(2), features.size(3), features.size(1))
                : InputType.feedForward(features.size(1));
        Map<String, Long> flops = new LinkedHashMap<>();
        if (net instanceof MultiLayerNetwork m) {
            List<InputType> outputs = m.getLayerWiseConfigurations().getLayerActivationTypes(in);
            for (int i = 0; i < outputs.size(); i++) {
                Layer layer = m.getLayerWiseConfigurations().getConf(i).getLayer();
                put(flops, layer.getLayerName() != null ? layer.getLayerName() : "layer" + i, layer, outputs.get(i));
            }
        } else {
            ComputationGraph g = (ComputationGraph) net;
            Map<String, InputType> outputs = g.getConfiguration().getLayerActivationTypes(in);
            for (Map.Entry<String, GraphVertex> v : g.getConfiguration().getVertices().entrySet()) {
                if (v.getValue() instanceof LayerVertex lv) {
                    put(flops, v.getKey(), lv.getLayerConf().getLayer(), outputs.get(v.getKey()));
                }
            }
        }
        return flops;
    }

    private static void put(Map<String, Long> flops, String name, Layer layer, InputType output) {
        long macs = macs(layer, output);
        if (macs > 0) {
            flops.put(name, 2 * macs);
        }
    }

    /** The multiply-accumulates per example of {@code layer}, whose output is {@code output}; 0 for other layers. */
    private static long macs(Layer layer, InputType output) {
        if (layer instanceof GroupedConvolution2D g) {
            return convolution(g.getKernelSize(), g.getNIn() / g.getGroups(), g.getNOut(), output);
        }
        if (layer instanceof DepthwiseConvolution2D d) {
            // each output channel reads one input channel
            return convolution(d.getKernelSize(), 1, d.getNOut(), output);
        }
        if (layer instanceof ConvolutionLayer conv) {
            if (conv.getClass() != ConvolutionLayer.class) {
                throw new IllegalArgumentException("FLOP count: layer '" + layer.getLayerName() + "' is a "
                        + layer.getClass().getSimpleName() + "; only 2D ConvolutionLayer, DepthwiseConvolution2D, "
                        + "GroupedConvolution2D, DenseLayer and output layers are counted");
            }
            return convolution(conv.getKernelSize(), conv.getNIn(), conv.getNOut(), output);
        }
        if (layer instanceof DenseLayer || layer instanceof BaseOutputLayer) {
            FeedForwardLayer ff = (FeedForwardLayer) layer;
            return ff.getNIn() * ff.getNOut();
        }
        return 0;
    }

    /** {@code outH·outW·nOut · inPerGroup·kH·kW}: each output value reads {@code inPerGroup} channels' windows. */
    private static long convolution(int[] k, long inPerGroup, long nOut, InputType output) {
        if (!(output instanceof InputType.InputTypeConvolutional out)) {
            throw new IllegalArgumentException("FLOP count: a 2D convolution with a " + output.getType() + " output");
        }
        return out.getHeight() * out.getWidth() * nOut * inPerGroup * k[0] * k[1];
    }
}

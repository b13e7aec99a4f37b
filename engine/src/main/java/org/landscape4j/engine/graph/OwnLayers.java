package org.landscape4j.engine.graph;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What DL4J asks of every layer of the engine's own ({@link GroupedConvolution2D}, {@link ChannelLayerNorm},
 * {@link ChannelScale}), written once: the runtime layer wired to its parameters ({@link #instantiate}), and the
 * parameter table's bookkeeping ({@link Parameters}: a layer says its keys, their views of the flat vector and their
 * initial values).
 */
final class OwnLayers {

    private OwnLayers() {
    }

    /** {@code layer} (a new runtime layer of {@code conf}) with its listeners, index and parameter views. */
    static org.deeplearning4j.nn.api.Layer instantiate(BaseLayer<?> layer, NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int index,
                                                       INDArray paramsView, boolean initialize) {
        layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(conf.getLayer().initializer().init(conf, paramsView, initialize));
        layer.setConf(conf);
        return layer;
    }

    /** A layer's parameter table: weights then biases, views of the flat vector in row-major order. */
    abstract static class Parameters implements ParamInitializer {

        /** The views of {@code flat} (the layer's part of the parameter vector), by key, in this order. */
        abstract Map<String, INDArray> views(Layer layer, INDArray flat);

        /** Writes the initial values into {@code params}. */
        abstract void initialize(Layer layer, Map<String, INDArray> params);

        @Override
        public long numParams(NeuralNetConfiguration conf) {
            return numParams(conf.getLayer());
        }

        @Override
        public List<String> paramKeys(Layer layer) {
            List<String> keys = new ArrayList<>(weightKeys(layer));
            keys.addAll(biasKeys(layer));
            return keys;
        }

        @Override
        public boolean isWeightParam(Layer layer, String key) {
            return weightKeys(layer).contains(key);
        }

        @Override
        public boolean isBiasParam(Layer layer, String key) {
            return biasKeys(layer).contains(key);
        }

        @Override
        public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray view, boolean initialize) {
            Map<String, INDArray> params = views(conf.getLayer(), view.reshape(view.length()));
            if (initialize) {
                initialize(conf.getLayer(), params);
            }
            return params;
        }

        @Override
        public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray view) {
            return views(conf.getLayer(), view.reshape(view.length()));
        }
    }
}

package org.landscape4j.engine;

import org.landscape4j.engine.parameters.ParameterRole;

import org.landscape4j.engine.parameters.ParameterSegment;

import org.landscape4j.engine.parameters.ParameterLayout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

class ParameterLayoutTest {

    @Test
    void denseWeightsAreColumnMajorWithFiltersOnAxisOne() {
        MultiLayerNetwork net = Fixtures.mlp(Fixtures.blobs(30, 1), 0);
        ParameterLayout layout = ParameterLayout.of(net);

        ParameterSegment w = layout.segment("hidden", "W");
        assertThat(w.shape()).containsExactly(4, 8);
        assertThat(w.order()).isEqualTo('f');
        assertThat(w.role()).isEqualTo(ParameterRole.WEIGHT);
        assertThat(w.filterAxis()).isEqualTo(1);
        assertThat(w.filterCount()).isEqualTo(8);
        assertThat(layout.segment("hidden", "b").role()).isEqualTo(ParameterRole.BIAS);
        assertThat(layout.numParams()).isEqualTo(4 * 8 + 8 + 8 * 3 + 3);
    }

    @Test
    void convolutionAndBatchNormSegmentsHaveTheirRoles() {
        MultiLayerNetwork net = Fixtures.cnn(Fixtures.images(8, 1), 0);
        ParameterLayout layout = ParameterLayout.of(net);

        ParameterSegment conv = layout.segment("conv", "W");
        assertThat(conv.shape()).containsExactly(4, 1, 3, 3);
        assertThat(conv.filterAxis()).isZero();
        assertThat(layout.segment("bn", "gamma").role()).isEqualTo(ParameterRole.BATCHNORM_GAMMA);
        assertThat(layout.segment("bn", "beta").role()).isEqualTo(ParameterRole.BATCHNORM_BETA);
        assertThat(layout.segments()).filteredOn(s -> s.layerName().equals("bn")
                        && s.role() == ParameterRole.BATCHNORM_RUNNING_STATISTIC).hasSize(2);
    }

    /** Every entry of every segment, read through the layout, is the entry DL4J's own view holds. */
    @Test
    void segmentsAddressTheSameEntriesAsTheLayersViews() {
        MultiLayerNetwork net = Fixtures.cnn(Fixtures.images(8, 1), 0);
        INDArray flat = net.params();
        flat.assign(Nd4j.linspace(0, flat.length() - 1, flat.length()).reshape(flat.shape()));
        ParameterLayout layout = ParameterLayout.of(net);
        for (Layer layer : net.getLayers()) {
            for (Map.Entry<String, INDArray> e : layer.paramTable().entrySet()) {
                ParameterSegment s = layout.segment(layer.conf().getLayer().getLayerName(), e.getKey());
                INDArray view = e.getValue();
                for (long pos = 0; pos < s.length(); pos++) {
                    long[] idx = s.order() == 'c'
                            ? Shape.ind2subC(view.shape(), pos) : Shape.ind2sub(view.shape(), pos);
                    assertThat(view.getDouble(idx)).as("%s entry %d", s, pos)
                            .isCloseTo((double) (s.offset() + pos), within(1e-3));
                }
            }
        }
    }

    @Test
    void filterOfFollowsTheStorageOrder() {
        ParameterSegment dense = new ParameterSegment(0, "d", "DenseLayer", "W", 0, new long[] {3, 2}, 'f',
                ParameterRole.WEIGHT, 1);
        assertThat(new long[] {dense.filterOf(0), dense.filterOf(2), dense.filterOf(3), dense.filterOf(5)})
                .containsExactly(0, 0, 1, 1);
        ParameterSegment conv = new ParameterSegment(0, "c", "ConvolutionLayer", "W", 0, new long[] {2, 1, 2, 2},
                'c', ParameterRole.WEIGHT, 0);
        assertThat(new long[] {conv.filterOf(0), conv.filterOf(3), conv.filterOf(4), conv.filterOf(7)})
                .containsExactly(0, 0, 1, 1);
    }

    @Test
    void unsupportedLayerKindIsRejectedByName() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new LSTM.Builder().name("memory").nIn(3).nOut(4).build())
                .layer(new RnnOutputLayer.Builder().name("rnnOut").nIn(4).nOut(2).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();

        assertThatThrownBy(() -> ParameterLayout.of(net))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 0 'memory' is a LSTM")
                .hasMessageContaining("DenseLayer");
    }

    @Test
    void uninitialisedNetworkIsRejected() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nIn(2).nOut(2).build()).build());

        assertThatThrownBy(() -> ParameterLayout.of(net)).hasMessageContaining("not initialised");
    }
}

package org.landscape4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.landscape4j.engine.graph.GroupedConvolution2D;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapePoint;
import org.landscape4j.engine.Metric;
import org.landscape4j.engine.RandomDirections;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The benchmark's logic that does not time anything: FLOP counts, tables, the summary row, the peer's and profile's output. */
class BenchTest {

    private static DataSet images(String model, int n) {
        DataSet flat = ExampleData.standIn(n, 3);
        return model.equals("resnet20") ? BenchNetworks.paddedRgb(flat) : model.equals("mlp") ? flat
                : ExampleData.images(flat, 28);
    }

    @Test
    void flopsAreTwiceTheMultiplyAccumulatesOfConvolutionsAndDenseLayersCountedByHand() {
        // MLP: 784·128 + 128·10
        assertThat(Flops.perExample(BenchNetworks.untrained("mlp"), images("mlp", 1).getFeatures()))
                .isEqualTo(2L * (784 * 128 + 128 * 10));
        // LeNet: conv 5x5 1->8 on 28 gives 24x24; pool 12; conv 5x5 8->16 gives 8x8; pool 4; dense 256->64->10
        assertThat(Flops.perExample(BenchNetworks.untrained("lenet"), images("lenet", 1).getFeatures()))
                .isEqualTo(2L * (24 * 24 * 8 * 25 + 8 * 8 * 16 * 8 * 25 + 256 * 64 + 64 * 10))
                .isEqualTo(674_048);
    }

    @Test
    void resNet20CountsWhatThePyTorchPeerCountsForItsResNet20() {
        long stage1 = 32 * 32 * 16 * 16 * 9L;                 // one 3x3 16->16 convolution on 32x32
        long expected = 32 * 32 * 16 * 3 * 9L                 // stem
                + 6 * stage1                                  // stage 1: 3 blocks x 2 convolutions
                + 16 * 16 * 32 * 16 * 9L + 5 * 16 * 16 * 32 * 32 * 9L + 16 * 16 * 32 * 16   // stage 2 + projection
                + 8 * 8 * 64 * 32 * 9L + 5 * 8 * 8 * 64 * 64 * 9L + 8 * 8 * 64 * 32         // stage 3 + projection
                + 64 * 10;
        assertThat(Flops.perExample(BenchNetworks.untrained("resnet20"), images("resnet20", 1).getFeatures()))
                .isEqualTo(2 * expected)
                .isEqualTo(81_626_368L);                      // bench_peer.py's count of its ResNet-20
    }

    @Test
    void depthwiseAndGroupedConvolutionsCountTheirInputChannelsPerGroupAsThePeersConv2dHookDoes() {
        // MobileNetV2's and EfficientNet-B0's imports: 1x1 convolutions, depthwise 3x3 (DL4J), grouped (the engine's)
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .convolutionMode(ConvolutionMode.Truncate).graphBuilder().addInputs("in")
                .addLayer("expand", new ConvolutionLayer.Builder(1, 1).nIn(3).nOut(8).build(), "in")
                .addLayer("depthwise", new DepthwiseConvolution2D.Builder(3, 3).nIn(8).nOut(16).depthMultiplier(2)
                        .stride(2, 2).padding(1, 1).build(), "expand")
                .addLayer("grouped", new GroupedConvolution2D(16, 8, 4, new int[] {3, 3}, new int[] {1, 1},
                        new int[] {1, 1}, new int[] {1, 1}, false), "depthwise")
                .addLayer("dense", new DenseLayer.Builder().nOut(10).build(), "grouped")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).build(), "dense")
                .setOutputs("out").setInputTypes(InputType.convolutional(8, 8, 3)).build());
        g.init();

        // torch: out.numel() · (in_channels / groups) · k·k per example, out.numel() = Cout·H·W
        assertThat(Flops.perLayer(g, Nd4j.zeros(DataType.FLOAT, 1, 3, 8, 8))).containsExactly(
                Map.entry("expand", 2L * 8 * 8 * 8 * 3),
                Map.entry("depthwise", 2L * 4 * 4 * 16 * 9),         // 8 -> 4 by stride 2, one input channel each
                Map.entry("grouped", 2L * 4 * 4 * 8 * (16 / 4) * 9),
                Map.entry("dense", 2L * 8 * 4 * 4 * 10),
                Map.entry("out", 2L * 10 * 10));
    }

    @Test
    void anImportedNetworkWithoutAPythonWithPyTorchSaysWhy(@TempDir Path dir) throws Exception {
        PyTorchPeer none = PyTorchPeer.find(List.of(dir.resolve("no-python").toString()), dir);

        assertThat(BenchNetworks.isImported("mobilenet_v2")).isTrue();
        assertThat(BenchNetworks.evaluationData("efficientnet_b0", 2).getFeatures().shape())
                .containsExactly(2, 3, 32, 32);
        assertThatThrownBy(() -> BenchNetworks.imported("mobilenet_v2", none, dir))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no Python found");
        assertThatThrownBy(() -> BenchNetworks.untrained("efficientnet_b0"))
                .hasMessageStartingWith("'efficientnet_b0' is imported from PyTorch through ONNX");
        assertThat(NetworkSummary.notMeasured("MobileNetV2")).hasSize(NetworkSummary.COLUMNS.length)
                .startsWith("MobileNetV2", "not measured").endsWith("not measured");
        assertThat(Bench.conversions("ONNX ir 7\nconverted: 35 Conv -> ConvolutionLayer\nparameters: 262"))
                .isEqualTo("converted: 35 Conv -> ConvolutionLayer");
    }

    @Test
    void resNet20IsPlannedAndItsLossesAreDl4jsScores() {
        DataSet data = images("resnet20", 6);
        ComputationGraph net = (ComputationGraph) BenchNetworks.untrained("resnet20");
        net.fit(data);
        Landscape l = Landscape.builder().model(net).directions(RandomDirections.FILTER_NORMALIZED, 2)
                .grid(-0.5, 0.5, 2).evaluateOn("eval", data).metrics(Metric.loss()).workers(1).build();
        INDArray[] d = l.directions();
        INDArray centre = net.params().dup();
        ComputationGraph copy = net.clone();

        assertThat(l.evaluationPlan()).startsWith("inference plan, ")
                .contains("conv2d+batchnorm+relu, conv2d+batchnorm+relu, conv2d+batchnorm, elementwise-add+relu");
        for (LandscapePoint p : l.points().collectList().block()) {
            double[] c = p.coordinates();
            copy.setParams(centre.add(d[0].mul(c[0])).addi(d[1].mul(c[1])));
            double score = copy.score(data, false);
            assertThat(Math.abs(p.value("eval", "loss") - score) / score).isLessThan(1e-4);
        }
    }

    @Test
    void theReportRendersMarkdownAndQuotedCsv() {
        BenchReport r = new BenchReport("bench", false);
        r.header("backend CPU");
        BenchReport.Table t = r.table("Rates", "model", "method", "points/s");
        t.row("MLP", "engine, default settings: 2 steps (dense, output) | x", "2216");
        t.note("a note");

        assertThat(r.markdown()).isEqualTo("# bench\n\nbackend CPU  \n\n## Rates\n\n| model | method | points/s |\n"
                + "| --- | --- | --- |\n| MLP | engine, default settings: 2 steps (dense, output) \\| x | 2216 |\n\n"
                + "a note  \n");
        assertThat(r.csv()).isEqualTo("#,Rates\nmodel,method,points/s\n"
                + "MLP,\"engine, default settings: 2 steps (dense, output) | x\",2216\n");
        assertThatThrownBy(() -> t.row("MLP", "engine"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("table 'Rates' has 3 columns, the row has 2 cells: MLP | engine");
    }

    @Test
    void ratesHaveThreeSignificantDigits() {
        assertThat(List.of(BenchReport.sig3(2216.4), BenchReport.sig3(73.44), BenchReport.sig3(4.8),
                BenchReport.sig3(0.1534), BenchReport.sig3(Double.NaN))).containsExactly("2216", "73.4", "4.80",
                "0.153", "-");
    }

    @Test
    void theSummaryRowComparesHereWithTheFasterPyTorchLayoutAndThePeak() {
        PyTorchPeer.Result plain = new PyTorchPeer.Result("vgg", "plain", 2000, 12, 1.0, 14_941_184, 2, "1.13", "");
        PyTorchPeer.Result last = new PyTorchPeer.Result("vgg", "channels_last", 250, 15, 2.0, 14_941_184, 2, "1.13",
                "");
        NetworkSummary s = new NetworkSummary("VGG", 14_941_184, 14_941_184, 2000, 5.0, 0.1, plain, last, true, 8e-7);

        // 14,941,184 FLOP x 2,000 = 29.9 GFLOP per point; here 5 points/s = 149 GFLOP/s, of a 200 GFLOP/s peak 74.7%
        assertThat(s.cells(200)).containsExactly("VGG", "29.9", "5.00", "50.0x", "1.00 (batch 2000)",
                "2.00 (batch 250)", "2.50x", "149", "74.7%", "59.8", "29.9%", "8.0e-07");
    }

    @Test
    void withoutThePeerItsCellsSayNotMeasuredAndTheMlpHasNoChannelsLast() {
        // the first layer factorized: 2·128·10 FLOP per example computed per point
        NetworkSummary none = new NetworkSummary("MLP", 203_264, 2560, 2000, 2000, 80, null, null, false, 2e-6);
        assertThat(none.cells(100)).containsExactly("MLP", "0.407", "2000", "25.0x", "not measured", "not measured",
                "not measured", "10.2 (f)", "10.2% (f)", "not measured", "not measured", "2.0e-06");

        PyTorchPeer.Result plain = new PyTorchPeer.Result("mlp", "plain", 2000, 300, 100, 203_264, 2, "1.13", "");
        assertThat(new NetworkSummary("MLP", 203_264, 203_264, 2000, 2000, 80, plain, null, true, 0).cells(100)[5])
                .isEqualTo("-");
    }

    @Test
    void thePeersJsonLinesAreRead() {
        Map<String, String> r = PyTorchPeer.parseFlatJson("{\"status\": \"result\", \"model\": \"vgg\", "
                + "\"points\": 12, \"points_per_s\": 1.0847894386636796, \"blas\": \"OpenBLAS (/usr/lib/x\\\"y)\", "
                + "\"shape\": [2000, 1, 28, 28], \"ok\": true}");
        assertThat(r).containsEntry("status", "result").containsEntry("points", "12")
                .containsEntry("points_per_s", "1.0847894386636796").containsEntry("blas", "OpenBLAS (/usr/lib/x\"y)")
                .containsEntry("shape", "[2000, 1, 28, 28]").containsEntry("ok", "true");
    }

    @Test
    void theProfileAttributesOneDnnPrimitivesToTheStepThatRanThemAndSplitsOutTheReorders() {
        List<String> child = List.of("dnnl_verbose,exec,cpu,convolution,x,,,,,,99",    // warm-up: not counted
                "### begin vgg",
                "dnnl_verbose,exec,cpu,reorder,jit:uni,undef,src dst,,,16x16x3x3,0.5",   // BN folding: not counted
                "### prepared",
                "dnnl_verbose,exec,cpu,reorder,jit:blk,undef,src dst,,,256x16x28x28,2",
                "dnnl_verbose,exec,cpu,convolution,brgconv:avx512_core,forward_inference,src wei,,alg,mb256,5",
                "dnnl_verbose,exec,cpu,reorder,jit:blk,undef,src dst,,,256x16x28x28,1",
                "### step 0",
                "### step 1",
                "dnnl_verbose,exec,cpu,pooling_v2,jit,forward_inference,src,,alg,mb256,1.5",
                "### step 2",
                "### step 3",
                "### end",
                "### update 1000000",
                "### prepare 2000000",
                "### time 0 10000000 conv2d+batchnorm\tlayer 0 'c' (ConvolutionLayer) + layer 1 'bn' (BatchNormalization)",
                "### time 1 1000000 activation\tlayer 2 'relu' (ActivationLayer)",
                "### time 2 3000000 maxpool2d\tlayer 3 'pool' (SubsamplingLayer)",
                "### time 3 3000000 output + loss\tlayer 4 'out' (OutputLayer)");

        PlanProfile.Profiled p = PlanProfile.parse("vgg", child);

        assertThat(p.totalMs()).isEqualTo(20.0);
        assertThat(p.steps().get(0).primitives()).containsExactly(Map.entry("reorder", 3.0),
                Map.entry("convolution", 5.0));
        assertThat(p.steps().get(0).reorderCalls()).isEqualTo(2);
        assertThat(p.groupRows()).containsExactly(
                new String[] {"vgg", "parameter update (θ + a·d1 + b·d2)", "1", "1.00", "5.0%", "0.00"},
                new String[] {"vgg", "per-point preparation (BN folding)", "1", "2.00", "10.0%", "0.00"},
                new String[] {"vgg", "conv", "1", "7.00", "35.0%", "5.00"},
                new String[] {"vgg", "format reorders", "2", "3.00", "15.0%", "3.00"},
                new String[] {"vgg", "activation", "1", "1.00", "5.0%", "0.00"},
                new String[] {"vgg", "pooling", "1", "3.00", "15.0%", "1.50"},
                new String[] {"vgg", "output + loss", "1", "3.00", "15.0%", "0.00"},
                new String[] {"vgg", "the point", "", "20.0", "100%", ""});
    }

    @Test
    void theFactorizedLayerIsReadFromTheEvaluationPlan() {
        assertThat(Bench.factorizedLayer("inference plan, 6 steps (conv2d, ...), first layer factorized (layer 0 "
                + "'layer0' (ConvolutionLayer), products 111 MB), 2 workers")).isEqualTo("layer0");
        assertThat(Bench.factorizedLayer("..., first layer factorized (vertex 'stem' (ConvolutionLayer), ..."))
                .isEqualTo("stem");
        assertThat(Bench.factorizedLayer("inference plan, 17 steps (conv2d+batchnorm, ...), 2 workers")).isEmpty();
        assertThat(Flops.perLayer(BenchNetworks.untrained("lenet"), images("lenet", 1).getFeatures()))
                .containsExactly(java.util.Map.entry("layer0", 2L * 24 * 24 * 8 * 25),
                        java.util.Map.entry("layer2", 2L * 8 * 8 * 16 * 8 * 25), java.util.Map.entry("layer4", 2L * 256 * 64),
                        java.util.Map.entry("layer5", 2L * 64 * 10));
    }

    @Test
    void optionsAreValidatedByName() {
        assertThat(Bench.Options.parse("--models", "mlp,resnet20", "--seconds", "3").models())
                .containsExactly("mlp", "resnet20");
        assertThatThrownBy(() -> Bench.Options.parse("--models", "mlp,alexnet"))
                .hasMessage("unknown model 'alexnet'; models: mlp, lenet, vgg, resnet, resnet20, mobilenet_v2, "
                        + "efficientnet_b0");
        assertThatThrownBy(() -> Bench.Options.parse("--min-points", "1"))
                .hasMessage("--min-points must be >= 2, was 1");
        assertThatThrownBy(() -> Bench.Options.parse("--sections", "summary,gpu"))
                .hasMessage("unknown section 'gpu'; sections: summary, profile, threads, memory");
    }
}

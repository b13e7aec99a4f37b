package org.landscape4j.examples;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.landscape4j.models.ImportOptions;
import org.landscape4j.models.ImportedModel;
import org.landscape4j.models.Loss;
import org.landscape4j.models.Models;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The benchmark's networks ({@link Bench}, {@link PlanProfile}, {@link PlanBits}): an MLP 784-128-10, the LeNet-like
 * CNN, a VGG-like network with batch norm, a ResNet-like graph and ResNet-20 (CIFAR-shaped), each built here and
 * seeded; torchvision's MobileNetV2 and EfficientNet-B0, which the PyTorch peer writes as ONNX and {@link Models}
 * imports ({@link #imported}); and their evaluation data (FashionMNIST test images, or the stand-in without them).
 */
public final class BenchNetworks {

    /** The networks built here with DL4J's configuration builders. */
    static final List<String> BUILT = List.of("mlp", "lenet", "vgg", "resnet", "resnet20");

    /** torchvision 0.14's networks (10 classes), imported from PyTorch through ONNX; not trained. */
    static final List<String> IMPORTED = List.of("mobilenet_v2", "efficientnet_b0");

    /** The networks, by the names of {@code --models}. */
    static final List<String> MODELS = Stream.concat(BUILT.stream(), IMPORTED.stream()).toList();

    private BenchNetworks() {
    }

    /** {@code name} if it is one of {@link #MODELS}. */
    static String checkModel(String name) {
        if (!MODELS.contains(name)) {
            throw new IllegalArgumentException("unknown model '" + name + "'; models: " + String.join(", ", MODELS));
        }
        return name;
    }

    /** {@code name} if it is one of {@link #BUILT}: the imported networks exist only once the peer exported them. */
    static String checkBuilt(String name) {
        if (IMPORTED.contains(checkModel(name))) {
            throw new IllegalArgumentException("'" + name + "' is imported from PyTorch through ONNX, which only Bench "
                    + "does; networks built here: " + String.join(", ", BUILT));
        }
        return name;
    }

    /** Whether {@code model} is one of {@link #IMPORTED}. */
    static boolean isImported(String model) {
        return IMPORTED.contains(model);
    }

    /**
     * {@code model}, one of {@link #IMPORTED}, as the PyTorch peer builds it (seeded; batch-norm statistics and
     * affine parameters drawn away from their defaults; not trained): {@code bench_peer.py --export} writes it to
     * {@code dir/MODEL.onnx} the way the models module's README says, then {@link Models#load} imports it with
     * cross-entropy.
     *
     * @throws IllegalStateException    when the peer cannot write it (no Python with PyTorch and torchvision)
     * @throws IllegalArgumentException when the import refuses the file ({@code ModelImportException})
     */
    static ImportedModel imported(String model, PyTorchPeer python, Path dir) {
        if (!isImported(model)) {
            throw new IllegalArgumentException("'" + model + "' is built here; imported networks: "
                    + String.join(", ", IMPORTED));
        }
        Path file = python.export(model, dir.resolve(model + ".onnx"));
        return Models.load(file, ImportOptions.withLoss(Loss.CROSS_ENTROPY));
    }

    static DataSet trainingData(boolean real) {
        return real ? FashionMnist.load(FashionMnist.Split.TRAIN, 10_000) : ExampleData.standIn(10_000, 1);
    }

    /**
     * The first {@code samples} FashionMNIST test images (the stand-in without them) shaped for {@code model}:
     * {@code [n, 784]} for the MLP, {@code [n, 1, 28, 28]}, or {@code [n, 3, 32, 32]} for ResNet-20 and the imported
     * networks.
     */
    static DataSet evaluationData(String model, int samples) {
        DataSet flat = FashionMnist.available() ? FashionMnist.load(FashionMnist.Split.TEST, samples)
                : ExampleData.standIn(samples, 2);
        return shaped(model, flat);
    }

    private static DataSet shaped(String model, DataSet flat) {
        return switch (checkModel(model)) {
            case "mlp" -> flat;
            case "resnet20", "mobilenet_v2", "efficientnet_b0" -> paddedRgb(flat);
            default -> ExampleData.images(flat, 28);
        };
    }

    /** 28x28 images as CIFAR-shaped ones: zero-padded by 2 to 32x32 and replicated to 3 channels, NCHW. */
    static DataSet paddedRgb(DataSet flat) {
        long n = flat.numExamples();
        INDArray x = Nd4j.zeros(flat.getFeatures().dataType(), n, 3, 32, 32);
        INDArray images = flat.getFeatures().reshape('c', n, 28, 28);
        for (int c = 0; c < 3; c++) {
            x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(c),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 30),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 30)).assign(images);
        }
        return new DataSet(x, flat.getLabels());
    }

    /** {@code model}, one of {@link #BUILT}, initialised and not trained. */
    static Model untrained(String model) {
        Model net = switch (checkBuilt(model)) {
            case "mlp" -> new MultiLayerNetwork(mlp(128));
            case "lenet" -> new MultiLayerNetwork(leNet());
            case "vgg" -> new MultiLayerNetwork(vgg());
            case "resnet" -> new ComputationGraph(resNet(8, 16));
            default -> new ComputationGraph(resNet20());
        };
        if (net instanceof MultiLayerNetwork m) {
            m.init();
        } else {
            ((ComputationGraph) net).init();
        }
        return net;
    }

    /** {@code model} trained briefly on {@code train} (so batch norm's running statistics are not the defaults). */
    static Model trained(String model, DataSet train) {
        Model net = untrained(model);
        int[] examples = switch (model) {
            case "mlp" -> new int[] {10_000, 2};
            case "lenet" -> new int[] {5_000, 1};
            case "vgg" -> new int[] {1_000, 1};
            default -> new int[] {200, 1};
        };
        DataSet data = shaped(model, ExampleData.head(train, examples[0]));
        for (int e = 0; e < examples[1]; e++) {
            for (DataSet b : data.batchBy(100)) {
                if (net instanceof MultiLayerNetwork m) {
                    m.fit(b);
                } else {
                    ((ComputationGraph) net).fit(b);
                }
            }
        }
        return net;
    }

    /** The benchmark MLP 784-width-10 (relu, softmax). */
    public static MultiLayerConfiguration mlp(int width) {
        return new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).updater(new Adam(1e-3))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(width).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(width).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    /**
     * The LeNet-like CNN of the speed issue, exactly, so it can be compared outside: conv 5x5x8 ReLU, max pool 2,
     * conv 5x5x16 ReLU, max pool 2, dense 64 ReLU, dense 10 softmax, on 28x28x1 image tensors.
     */
    public static MultiLayerConfiguration leNet() {
        return new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).updater(new Adam(1e-3))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(8).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1))
                .build();
    }

    /**
     * A VGG-like network with batch norm, the shape of seed 003 with narrow channels: three stages of two 3x3
     * convolutions (16, 32, 64 channels), each convolution followed by batch norm and ReLU, max pooling after each
     * stage; dense 128 with dropout; softmax 10; 28x28x1 images.
     */
    public static MultiLayerConfiguration vgg() {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(new Adam(1e-3)).weightInit(WeightInit.RELU).convolutionMode(ConvolutionMode.Same).list();
        for (int width : new int[] {16, 32, 64}) {
            for (int i = 0; i < 2; i++) {
                b.layer(new ConvolutionLayer.Builder(3, 3).nOut(width).activation(Activation.IDENTITY).build())
                        .layer(new BatchNormalization.Builder().build())
                        .layer(new ActivationLayer.Builder().activation(Activation.RELU).build());
            }
            b.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                    .build());
        }
        return b.layer(new DenseLayer.Builder().nOut(128).activation(Activation.RELU).dropOut(0.5).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1))
                .build();
    }

    /**
     * A ResNet-like graph, the shape of seed 001: a 3x3 stem convolution with batch norm and ReLU, then residual
     * blocks (conv, batch norm, ReLU, conv, batch norm, added to the skip path, ReLU), global average pooling,
     * softmax 10; {@code layers} counts the convolutions and the output layer (8: stem + 3 blocks + output).
     */
    public static ComputationGraphConfiguration resNet(int layers, int channels) {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(5)
                .dataType(DataType.FLOAT).updater(new Adam(1e-3)).weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same).graphBuilder().addInputs("in")
                .addLayer("stem", new ConvolutionLayer.Builder(3, 3).nOut(channels).activation(Activation.IDENTITY)
                        .build(), "in")
                .addLayer("stem-bn", new BatchNormalization.Builder().build(), "stem")
                .addLayer("stem-relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "stem-bn");
        String last = "stem-relu";
        for (int block = 0; block < (layers - 2) / 2; block++) {
            String p = "b" + block + "-";
            g.addLayer(p + "c1", new ConvolutionLayer.Builder(3, 3).nOut(channels).activation(Activation.IDENTITY)
                            .build(), last)
                    .addLayer(p + "bn1", new BatchNormalization.Builder().build(), p + "c1")
                    .addLayer(p + "relu1", new ActivationLayer.Builder().activation(Activation.RELU).build(), p + "bn1")
                    .addLayer(p + "c2", new ConvolutionLayer.Builder(3, 3).nOut(channels)
                            .activation(Activation.IDENTITY).build(), p + "relu1")
                    .addLayer(p + "bn2", new BatchNormalization.Builder().build(), p + "c2")
                    .addVertex(p + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), last, p + "bn2")
                    .addLayer(p + "relu2", new ActivationLayer.Builder().activation(Activation.RELU).build(), p + "add");
            last = p + "relu2";
        }
        return g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last)
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").setInputTypes(InputType.convolutional(28, 28, 1)).build();
    }

    /**
     * ResNet-20 for CIFAR (He et al. 2016; the ResNet-20 of seed 001's depth study and of Li et al.'s reference code):
     * a 3x3 stem convolution of 16 channels with batch norm and ReLU, three stages of 16, 32 and 64 channels with three
     * basic blocks each (conv 3x3, batch norm, ReLU, conv 3x3, batch norm, added to the shortcut, ReLU), the first
     * block of stages 2 and 3 striding by 2 (32 to 16 to 8), global average pooling and softmax 10; on 32x32x3 inputs.
     * Shortcuts are the identity, or where a block strides and widens a 1x1 stride-2 convolution with batch norm
     * (projection, "option B", as Li et al.'s {@code resnet.py}). Convolutions have no bias (batch norm follows each)
     * and pad explicitly by 1, PyTorch's arithmetic: 3x3 stride 2 on 32 gives 16 either way.
     */
    public static ComputationGraphConfiguration resNet20() {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(7)
                .dataType(DataType.FLOAT).updater(new Adam(1e-3)).weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Truncate).graphBuilder().addInputs("in")
                .addLayer("stem", conv(3, 16, 1), "in")
                .addLayer("stem-bn", new BatchNormalization.Builder().build(), "stem")
                .addLayer("stem-relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "stem-bn");
        String last = "stem-relu";
        int width = 16;
        for (int stage = 0; stage < 3; stage++) {
            int out = 16 << stage;
            for (int block = 0; block < 3; block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                String p = "s" + stage + "b" + block + "-";
                g.addLayer(p + "c1", conv(3, out, stride), last)
                        .addLayer(p + "bn1", new BatchNormalization.Builder().build(), p + "c1")
                        .addLayer(p + "relu1", new ActivationLayer.Builder().activation(Activation.RELU).build(),
                                p + "bn1")
                        .addLayer(p + "c2", conv(3, out, 1), p + "relu1")
                        .addLayer(p + "bn2", new BatchNormalization.Builder().build(), p + "c2");
                String shortcut = last;
                if (stride != 1 || width != out) {
                    g.addLayer(p + "proj", conv(1, out, stride), last)
                            .addLayer(p + "proj-bn", new BatchNormalization.Builder().build(), p + "proj");
                    shortcut = p + "proj-bn";
                }
                g.addVertex(p + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), shortcut, p + "bn2")
                        .addLayer(p + "relu2", new ActivationLayer.Builder().activation(Activation.RELU).build(),
                                p + "add");
                last = p + "relu2";
                width = out;
            }
        }
        return g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last)
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").setInputTypes(InputType.convolutional(32, 32, 3)).build();
    }

    /** A {@code k x k} convolution without bias or activation, padded by {@code k / 2}. */
    private static ConvolutionLayer conv(int k, int channels, int stride) {
        return new ConvolutionLayer.Builder(k, k).stride(stride, stride).padding(k / 2, k / 2).nOut(channels)
                .hasBias(false).activation(Activation.IDENTITY).build();
    }
}

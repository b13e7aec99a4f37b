package org.landscape4j.cuda;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.landscape4j.engine.device.DeviceRequest;
import org.landscape4j.engine.graph.NetworkGraph;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.parameters.ParameterSegment;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The CUDA plan's rules, one per {@code LayerKind} in one exhaustive {@code switch}: walks the network read once and
 * turns each node into a {@link DeviceOp} (each rule in its op's file), a view of its input's buffer
 * ({@link ViewRule}), or the {@link OutputHead}; records each buffer's width and the probe's activations DL4J computed,
 * which the plan is checked against on the device. A kind the CUDA plan has no rule for is refused by name, before
 * any work: a landscape that asked for the GPU does not quietly run on the CPU.
 *
 * <p>Values are the graph's; a <em>slot</em> is a value as the plan sees it (a buffer, its width per example and its
 * rank), and views share their input's buffer. Buffer {@code 0} is the network's input: a batch's features.
 */
final class CudaPlanBuilder {

    static final String HEAD = "CUDA asked for, but ";
    static final String TAIL = "; run this network on the CPU (Backend.AUTO)";
    private static final String RUNS = " (the CUDA plan runs dense, output and loss layers, activations, dropout,"
            + " reshaping and flattening preprocessors, 2D convolutions (grouped and depthwise too), max and average"
            + " pooling, global pooling, batch norm, two-input element-wise adds, zero padding, upsampling, merge"
            + " vertices, and the engine's channel slice, shuffle, gate, scale and layer norm)";

    final DeviceRequest request;
    final List<DeviceOp> ops = new ArrayList<>();
    /** Per buffer: floats per example. */
    final List<Long> widths = new ArrayList<>();
    /** Per buffer: floats whatever the rows (a convolution's weights of the point). */
    final List<Long> fixed = new ArrayList<>();
    /** Whether the plan keeps images NHWC (it convolves or pools them): features are uploaded so. */
    final boolean channelsLast;
    /** Whether the plan calls cuDNN. */
    boolean needsCudnn;
    /** Per buffer written by an op: DL4J's activation on the probe, which the op must reproduce. */
    final Map<Integer, INDArray> expected = new HashMap<>();
    private final List<int[]> slots = new ArrayList<>();    // {buffer, rank}
    private final List<long[]> slotShapes = new ArrayList<>();
    private final int[] consumers;
    private int[] slotOf;
    private final List<Long> slotWidths = new ArrayList<>();
    private OutputHead head;

    /**
     * Reads {@code request}'s graph on {@code features}, a probe of the data.
     *
     * @throws IllegalArgumentException naming the first node, loss or setting the CUDA plan does not run
     */
    CudaPlanBuilder(DeviceRequest request, INDArray[] features) {
        this.request = request;
        NetworkGraph graph = request.graph();
        if (graph.inputs() != 1 || graph.outputs() != 1) {
            throw refusal("the network has " + graph.inputs() + " inputs and " + graph.outputs() + " outputs (the CUDA"
                    + " plan runs networks of one input and one output)");
        }
        DataType type = request.prototype().params().dataType();
        if (type != DataType.FLOAT) {
            throw refusal("the network's parameters are " + type + " (the CUDA plan computes in float: convert the"
                    + " network with net.convertDataType(DataType.FLOAT))");
        }
        INDArray[] acts = graph.probe(features);
        consumers = new int[graph.values()];
        boolean images = false;
        for (NetworkGraph.Node node : graph.nodes()) {
            for (int v : node.inputs()) {
                consumers[v]++;
            }
            images |= switch (node.kind()) {
                case CONVOLUTION_2D, DEPTHWISE_CONVOLUTION_2D, GROUPED_CONVOLUTION_2D, SUBSAMPLING_2D, GLOBAL_POOLING,
                     BATCH_NORMALIZATION, ZERO_PADDING, UPSAMPLING_2D, CHANNEL_GATE, CHANNEL_SLICE, CHANNEL_SHUFFLE,
                     CHANNEL_LAYER_NORM, CHANNEL_SCALE -> true;
                default -> false;
            };
        }
        channelsLast = images && features[0].rank() == 4;
        slotOf = new int[graph.values()];
        slotOf[0] = newSlot(features[0]);
        for (NetworkGraph.Node node : graph.nodes()) {
            String problem = node.structuralProblem();
            if (problem != null) {
                throw refusal(problem);
            }
            int in = slotOf[node.inputs()[0]];
            slotOf[node.output()] = node.isOutput() ? OutputHead.rule(this, node, in) : rule(node, in,
                    acts[node.output()]);
        }
        if (head == null) {
            throw refusal("the network's output is not an output or loss layer");
        }
    }

    /** The rule of {@code node}'s kind: the slot of its output. */
    private int rule(NetworkGraph.Node node, int in, INDArray act) {
        return switch (node.kind()) {
            case DENSE -> DenseOp.rule(this, node, in, act);
            case CONVOLUTION_2D, DEPTHWISE_CONVOLUTION_2D -> ConvOp.rule(this, node, in, act);
            case GROUPED_CONVOLUTION_2D -> ConvOp.groupedRule(this, node, in, act);
            case BATCH_NORMALIZATION -> ConvOp.foldBatchNorm(this, node, in, act);
            case SUBSAMPLING_2D -> PoolOp.subsampling(this, node, in, act);
            case GLOBAL_POOLING -> PoolOp.global(this, node, in, act);
            case ELEMENT_WISE -> AddOp.rule(this, node, act);
            case ZERO_PADDING -> ShapeOps.pad(this, node, in, act);
            case MERGE -> ShapeOps.merge(this, node, act);
            case UPSAMPLING_2D -> ChannelOps.upsample(this, node, in, act);
            case CHANNEL_GATE -> ChannelOps.gate(this, node, act);
            case CHANNEL_SCALE -> ChannelOps.scale(this, node, in, act);
            case CHANNEL_LAYER_NORM -> ChannelOps.layerNorm(this, node, in, act);
            case CHANNEL_SLICE -> ChannelOps.slice(this, node, in, act);
            case CHANNEL_SHUFFLE -> ChannelOps.shuffle(this, node, in, act);
            case ACTIVATION -> ActivationOp.rule(this, node, in, act);
            case DROPOUT -> ViewRule.identity(this, node, in, act);
            case PREPROCESSOR -> ViewRule.reshape(this, node, in, act);
            case OUTPUT, LOSS, CNN_LOSS -> throw refusal(node.source() + " is a loss layer inside the network");
            case CONVOLUTION_1D, SUBSAMPLING_1D -> throw refusal(node.source() + " has no CUDA-plan rule yet" + RUNS);
            case LOCAL_RESPONSE_NORMALIZATION, OTHER_VERTEX ->
                    throw refusal(node.source() + " has no CUDA-plan rule" + RUNS);
        };
    }

    /** The refusal of what the CUDA plan does not run, in one line. */
    IllegalArgumentException refusal(String what) {
        return new IllegalArgumentException(HEAD + what + TAIL);
    }

    /** {@code node}'s parameter {@code key} in the layout, or {@code null}. */
    ParameterSegment segment(NetworkGraph.Node node, String key) {
        return request.layout().segments().stream()
                .filter(s -> s.layerIndex() == node.layerIndex() && s.key().equals(key)).findFirst().orElse(null);
    }

    /** A new slot with a buffer of its own, shaped like {@code like} (with the examples). */
    int newSlot(INDArray like) {
        return newSlot(like.shape());
    }

    /** A new slot with a buffer of its own, of DL4J shape {@code shape} (the probe's rows first). */
    int newSlot(long[] shape) {
        long width = 1;
        for (int i = 1; i < shape.length; i++) {
            width *= shape[i];
        }
        widths.add(width);
        fixed.add(0L);
        return slot(widths.size() - 1, shape);
    }

    /** A new rank-2 slot with a buffer of its own, {@code width} floats per example. */
    int newSlot(long width) {
        widths.add(width);
        fixed.add(0L);
        return slot(widths.size() - 1, new long[] {1, width});
    }

    /** A new buffer of {@code n} floats whatever the rows, written once per point: its index. */
    int scratch(long n) {
        widths.add(0L);
        fixed.add(n);
        return widths.size() - 1;
    }

    /** A slot viewing {@code in}'s buffer as {@code act} (same bytes, another shape). */
    int alias(int in, INDArray act) {
        if (act.length() / act.size(0) != width(in)) {
            throw new IllegalStateException("a view must keep the width of its input: " + width(in) + " vs "
                    + act.length() / act.size(0));
        }
        return slot(buffer(in), act.shape());
    }

    private int slot(int buffer, long[] shape) {
        long width = 1;
        for (int i = 1; i < shape.length; i++) {
            width *= shape[i];
        }
        slots.add(new int[] {buffer, shape.length});
        slotWidths.add(width);
        slotShapes.add(shape);
        return slots.size() - 1;
    }

    /** The slot's DL4J shape (NCHW for images, whatever the device's layout); its first entry is the probe's rows. */
    long[] shape(int slot) {
        return slotShapes.get(slot);
    }

    /** The slot of graph value {@code value}. */
    int slotOfValue(int value) {
        return slotOf[value];
    }

    /** How many nodes read graph value {@code value}. */
    int consumers(int value) {
        return consumers[value];
    }

    /** The index in {@link #ops} of the op writing {@code buffer}, or -1. */
    int writer(int buffer) {
        for (int i = ops.size() - 1; i >= 0; i--) {
            if (ops.get(i).output() == buffer) {
                return i;
            }
        }
        return -1;
    }

    /** Replaces op {@code at} by {@code op}, writing the same buffer, which must now reproduce {@code act}. */
    void replace(int at, DeviceOp op, INDArray act) {
        ops.set(at, op);
        expected.put(op.output(), layout(act));
    }

    /** DL4J's activation in the device's layout: images NHWC in a channels-last plan. */
    INDArray layout(INDArray act) {
        return channelsLast && act.rank() == 4 ? act.permute(0, 2, 3, 1) : act;
    }

    int buffer(int slot) {
        return slots.get(slot)[0];
    }

    int rank(int slot) {
        return slots.get(slot)[1];
    }

    long width(int slot) {
        return slotWidths.get(slot);
    }

    /** Adds {@code op}, which writes {@code slot}'s buffer and must reproduce {@code act}. */
    int add(DeviceOp op, int slot, INDArray act) {
        ops.add(op);
        expected.put(op.output(), layout(act));
        return slot;
    }

    /**
     * Adds {@code op}, which writes {@code slot}'s buffer: a step of the plan's own, such as the padding before a
     * window that pads asymmetrically, which no DL4J activation matches (the step after it is checked).
     */
    int addStep(DeviceOp op, int slot) {
        ops.add(op);
        return slot;
    }

    void setHead(OutputHead h) {
        head = h;
    }

    OutputHead head() {
        return head;
    }

    /** Refuses labels of network output {@code output} that are not {@code [examples, outputs]} in every batch. */
    void requireLabels(int output, long outputs, String source) {
        for (List<Batch> set : request.batches()) {
            for (Batch b : set) {
                INDArray y = b.labels()[output];
                if (y.rank() != 2 || y.size(1) != outputs) {
                    throw refusal(source + ": labels shaped " + java.util.Arrays.toString(y.shape()) + " (the CUDA"
                            + " plan's heads read [examples, " + outputs + "])");
                }
            }
        }
    }
}

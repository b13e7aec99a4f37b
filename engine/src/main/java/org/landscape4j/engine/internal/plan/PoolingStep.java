package org.landscape4j.engine.internal.plan;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max or average pooling ({@code SubsamplingLayer}, NCHW; {@code Subsampling1DLayer} as a 2D pooling of width 1), with
 * exactly the native op and arguments DL4J's own layer uses, written into the step's buffer.
 */
final class PoolingStep extends Step {

    private final String op;
    private final int[] arguments;
    private final boolean oneDimensional;

    private PoolingStep(String source, int input, int output, String op, int[] arguments, boolean oneDimensional) {
        super(source, new int[] {input}, output);
        this.op = op;
        this.arguments = arguments;
        this.oneDimensional = oneDimensional;
    }

    /** The plan's rule for a max or average subsampling layer (NCHW; 1D ones are a subclass). */
    static int rule(PlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        SubsamplingLayer s = node.config(SubsamplingLayer.class);
        PoolingStep step = of(node.source(), in, b.newSlot(act), s);
        return step == null ? b.refuse(node.source() + " uses " + s.getPoolingType() + " pooling or NHWC")
                : b.add(step, act);
    }

    /** A pooling step, or {@code null} when the pooling type is not max or average (p-norm pooling). */
    static PoolingStep of(String source, int input, int output, SubsamplingLayer conf) {
        String op;
        int extra;
        switch (conf.getPoolingType()) {
            case MAX -> {
                op = "maxpool2d";
                extra = 0;
            }
            case AVG -> {
                op = "avgpool2d";
                // DL4J: 1 divides by the number of values present (legacy models), 0 by kH*kW
                extra = conf.isAvgPoolIncludePadInDivisor() ? 1 : 0;
            }
            default -> {
                return null;
            }
        }
        int[] k = conf.getKernelSize();
        int[] s = conf.getStride();
        int[] p = conf.getPadding();
        int[] d = conf.getDilation();
        boolean oneD = conf instanceof Subsampling1DLayer;
        if (oneD) {
            k = new int[] {k[0], 1};
            s = new int[] {s[0], 1};
            p = new int[] {p[0], 0};
            d = new int[] {d[0], 1};
        }
        boolean same = conf.getConvolutionMode() == ConvolutionMode.Same;
        return new PoolingStep(source, input, output, op,
                new int[] {k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], same ? 1 : 0, extra, 0}, oneD);
    }

    @Override
    Step channelsLast(boolean[] image) {
        if (!touches(image)) {
            return this;
        }
        int[] nhwc = arguments.clone();
        nhwc[10] = 1; // the native op's data format argument: 1 = NHWC
        return new PoolingStep(source, inputs[0], output, op, nhwc, false);
    }

    @Override
    Kernel bind(Model copy) {
        if (callsOneDnn(copy.params().dataType())) {
            return new OneDnnMaxPooling(new long[] {arguments[0], arguments[1]}, new long[] {arguments[2], arguments[3]},
                    new long[] {arguments[4], arguments[5]}, arguments[8] == 1);
        }
        if (oneDimensional) {
            return (in, out) -> run(in[0].reshape(in[0].size(0), in[0].size(1), in[0].size(2), 1),
                    out.reshape(out.size(0), out.size(1), out.size(2), 1));
        }
        return (in, out) -> run(in[0], out);
    }

    /**
     * Whether this pooling runs on oneDNN directly ({@link OneDnnMaxPooling}): a channels-last 2D max pooling without
     * dilation in a float network, oneDNN's natives loaded.
     */
    boolean callsOneDnn(DataType type) {
        return op.equals("maxpool2d") && arguments[10] == 1 && !oneDimensional && arguments[6] == 1
                && arguments[7] == 1 && type == DataType.FLOAT && OneDnn.available();
    }

    private void run(INDArray in, INDArray out) {
        Nd4j.exec(DynamicCustomOp.builder(op).addInputs(in).addOutputs(out).addIntegerArguments(arguments)
                .callInplace(false).build());
    }

    @Override
    String kind() {
        return op;
    }
}

package org.landscape4j.cuda;

import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An {@code ActivationLayer}: one kernel from its input buffer into its own; a ReLU that alone reads a convolution
 * without activation or an add is fused into it instead (the CPU plan's ReLU post-op and fused add + ReLU).
 */
record ActivationOp(String source, int input, int output, long width, DeviceActivation.Use activation)
        implements DeviceOp {

    /** The CUDA plan's rule for an activation layer. */
    static int rule(CudaPlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        DeviceActivation.Use use = DeviceActivation.of(node.config(ActivationLayer.class).getActivationFn(),
                node.source());
        int at = b.writer(b.buffer(in));
        if (use.kind() == DeviceActivation.RELU && at >= 0 && b.consumers(node.inputs()[0]) == 1) {
            // a ReLU that only reads a convolution (cuDNN fuses it) or an add (the same kernel) is theirs
            DeviceOp fused = null;
            if (b.ops.get(at) instanceof ConvOp c && c.activation().kind() == DeviceActivation.IDENTITY) {
                fused = new ConvOp(c.source() + " + " + node.source(), c.input(), c.output(), c.geometry(),
                        c.weights(), c.bias(), c.bn(), c.krsc(), c.biasBuffer(), use);
            } else if (b.ops.get(at) instanceof AddOp a && !a.relu()) {
                fused = new AddOp(a.source() + " + " + node.source(), a.a(), a.b(), a.output(), a.width(), true);
            }
            if (fused != null) {
                b.replace(at, fused, act);
                return b.alias(in, act);
            }
        }
        // DL4J's activation layer works in place on its input in inference: that activation is gone from the probe
        b.expected.remove(b.buffer(in));
        int out = b.newSlot(act);
        return b.add(new ActivationOp(node.source(), b.buffer(in), b.buffer(out), b.width(in), use), out, act);
    }

    @Override
    public void run(Device d, Device.Buffer theta, Device.Buffer[] buffers, int rows) {
        d.biasActivation(buffers[input], buffers[output], rows, Math.toIntExact(width), null, 0, activation.kind(),
                activation.alpha());
    }

    @Override
    public String kind() {
        return activation.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}

package org.landscape4j.cuda;

import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/** An {@code ActivationLayer}: one kernel from its input buffer into its own. */
record ActivationOp(String source, int input, int output, long width, DeviceActivation.Use activation)
        implements DeviceOp {

    /** The CUDA plan's rule for an activation layer. */
    static int rule(CudaPlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        DeviceActivation.Use use = DeviceActivation.of(node.config(ActivationLayer.class).getActivationFn(),
                node.source());
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

package org.landscape4j.cuda;

import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An element-wise vertex adding two activations of the same shape: one kernel, with the ReLU of an activation layer
 * that alone reads it ({@code relu}, fused by {@link ActivationOp}).
 */
record AddOp(String source, int a, int b, int output, long width, boolean relu) implements DeviceOp {

    /** The CUDA plan's rule for an element-wise vertex: the add of two inputs. */
    static int rule(CudaPlanBuilder b, NetworkGraph.Node node, INDArray act) {
        ElementWiseVertex v = node.config(ElementWiseVertex.class);
        int[] ins = node.inputs();
        if (v.getOp() != ElementWiseVertex.Op.Add || ins.length != 2) {
            throw b.refusal(node.source() + " is a " + v.getOp() + " of " + ins.length + " inputs (the CUDA plan's"
                    + " element-wise vertices add two)");
        }
        int x = b.slotOfValue(ins[0]);
        int y = b.slotOfValue(ins[1]);
        if (b.width(x) != b.width(y) || b.rank(x) != b.rank(y)) {
            throw b.refusal(node.source() + " adds activations of different shapes");
        }
        int out = b.newSlot(act);
        return b.add(new AddOp(node.source(), b.buffer(x), b.buffer(y), b.buffer(out), b.width(x), false), out,
                act);
    }

    @Override
    public void run(Device d, Device.Buffer theta, Device.Buffer[] buffers, int rows) {
        d.add(buffers[a], buffers[b], buffers[output], rows * width,
                relu ? DeviceActivation.RELU : DeviceActivation.IDENTITY);
    }

    @Override
    public String kind() {
        return relu ? "add+relu" : "add";
    }
}

package org.landscape4j.cuda;

import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.landscape4j.engine.graph.NetworkGraph;
import org.landscape4j.engine.parameters.ParameterSegment;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A dense layer: one SGEMM of the input rows with the weights where they lie in θ, then one kernel adding the bias
 * and applying the activation in place. DL4J holds {@code W} as {@code [nIn, nOut]}, in {@code 'f'} order in the flat
 * vector (a column-major {@code nIn × nOut} matrix, leading dimension {@code nIn}); the input rows are a column-major
 * {@code nIn × rows} matrix, so the output rows, column-major {@code nOut × rows}, are {@code Wᵀ · Xᵀ}.
 *
 * @param weights the weights' matrix
 * @param bias    offset of the bias in θ, or -1
 */
record DenseOp(String source, int input, int output, Weights weights, long bias, DeviceActivation.Use activation)
        implements DeviceOp {

    /**
     * Where a {@code [nIn, nOut]} weight matrix lies in θ and how to read it.
     *
     * @param offset its first element in θ
     * @param order  {@code 'f'} (DL4J's) or {@code 'c'}
     */
    record Weights(long offset, int nIn, int nOut, char order) {

        /** {@code out (nOut × rows) = Wᵀ · in (nIn × rows)}, column-major. */
        void multiply(Device d, Device.Buffer theta, Device.Buffer in, Device.Buffer out, int rows) {
            // 'f': W is nIn × nOut (ld nIn), transposed; 'c': the same bytes are Wᵀ, nOut × nIn (ld nOut), as they are
            boolean f = order == 'f';
            d.gemm(f, false, nOut, rows, nIn, theta, offset, f ? nIn : nOut, in, nIn, out, nOut);
        }

        /** The weights of {@code node}'s parameter {@code W}, refused by name unless a rank-2 {@code [nIn, nOut]}. */
        static Weights of(CudaPlanBuilder b, NetworkGraph.Node node, long nIn, long nOut) {
            ParameterSegment w = b.segment(node, "W");
            long[] shape = w == null ? null : w.shape();
            if (shape == null || shape.length != 2 || shape[0] != nIn || shape[1] != nOut) {
                throw b.refusal(node.source() + " has no [" + nIn + ", " + nOut + "] weight matrix W");
            }
            return new Weights(w.offset(), Math.toIntExact(nIn), Math.toIntExact(nOut), w.order());
        }
    }

    /** The CUDA plan's rule for a dense layer (without layer normalization). */
    static int rule(CudaPlanBuilder b, NetworkGraph.Node node, int in, INDArray act) {
        DenseLayer d = node.config(DenseLayer.class);
        if (d.hasLayerNorm()) {
            throw b.refusal(node.source() + " uses layer normalization, which has no CUDA-plan rule yet");
        }
        long nIn = b.width(in);
        if (b.rank(in) != 2 || act.rank() != 2) {
            throw b.refusal(node.source() + " reads rank-" + b.rank(in) + " activations (the CUDA plan's dense layers"
                    + " read [examples, features])");
        }
        Weights w = Weights.of(b, node, nIn, act.size(1));
        long bias = d.hasBias() ? b.segment(node, "b").offset() : -1;
        int out = b.newSlot(act);
        return b.add(new DenseOp(node.source(), b.buffer(in), b.buffer(out), w, bias,
                DeviceActivation.of(d.getActivationFn(), node.source())), out, act);
    }

    @Override
    public void run(Device d, Device.Buffer theta, Device.Buffer[] buffers, int rows) {
        weights.multiply(d, theta, buffers[input], buffers[output], rows);
        d.biasActivation(buffers[output], buffers[output], rows, weights.nOut(), bias < 0 ? null : theta, bias,
                activation.kind(), activation.alpha());
    }

    @Override
    public String kind() {
        return activation.kind() == DeviceActivation.IDENTITY ? "dense"
                : "dense+" + activation.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}

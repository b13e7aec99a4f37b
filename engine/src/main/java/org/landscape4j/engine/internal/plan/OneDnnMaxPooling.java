package org.landscape4j.engine.internal.plan;

import java.util.HashMap;
import java.util.Map;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;

/**
 * A channels-last 2D max pooling run by oneDNN's pooling primitive directly, one primitive per row count made once:
 * ND4J's {@code maxpool2d} reaches the same primitive but makes its descriptor on every call (half of the op's time on
 * the VGG-like network's blocks). A maximum is exact, and padding never wins (oneDNN and ND4J both skip it), so the
 * outputs are ND4J's bit for bit ({@code OneDnnConvolutionTest}). Native objects are the kernel's ({@link OneDnnKernel}).
 */
final class OneDnnMaxPooling extends OneDnnKernel {

    private final long[] kernel;
    private final long[] strides;
    private final long[] padding;
    private final boolean same;
    private final Map<Long, Primitive> byRows = new HashMap<>();

    /**
     * @param kernel  kH, kW
     * @param strides sH, sW
     * @param padding pH, pW (DL4J's, before the first row and column; ignored in Same mode)
     * @param same    DL4J's Same mode: the padding is what makes {@code ceil(in / stride)} outputs
     */
    OneDnnMaxPooling(long[] kernel, long[] strides, long[] padding, boolean same) {
        this.kernel = kernel;
        this.strides = strides;
        this.padding = padding;
        this.same = same;
    }

    @Override
    public void run(INDArray[] in, INDArray out) {
        INDArray x = in[0];
        requireReadable("pooling", x, out);
        byRows.computeIfAbsent(x.size(0), n -> new Primitive(x, out)).run(x, out);
    }

    @Override
    void forget() {
        byRows.clear();
    }

    private final class Primitive {
        private final pooling_forward pooling;
        private final memory source;
        private final memory destination;
        private final IntMemoryMap args;

        Primitive(INDArray x, INDArray y) {
            long[] in = {x.size(1), x.size(2)};
            long[] outSize = {y.size(1), y.size(2)};
            long[] padL = new long[2];
            long[] padR = new long[2];
            for (int d = 0; d < 2; d++) {
                padL[d] = OneDnnConvolution.padBefore(same ? PaddingMode.SAME : PaddingMode.VALID, in[d], outSize[d],
                        kernel[d], strides[d], 1, padding[d]);
                padR[d] = OneDnnConvolution.padAfter(in[d], outSize[d], kernel[d], strides[d], 1, padL[d]);
            }
            memory.desc src = own(new memory.desc(new long[] {x.size(0), x.size(3), in[0], in[1]},
                    memory.data_type.f32, memory.format_tag.nhwc));
            memory.desc dst = own(new memory.desc(new long[] {y.size(0), y.size(3), outSize[0], outSize[1]},
                    memory.data_type.f32, memory.format_tag.nhwc));
            pooling_forward.desc desc = own(new pooling_forward.desc(dnnl.prop_kind.forward_inference,
                    dnnl.algorithm.pooling_max, src, dst, strides, kernel, padL, padR));
            primitive_attr attr = own(new primitive_attr());
            attr.set_scratchpad_mode(dnnl.scratchpad_mode.user);
            pooling_forward.primitive_desc pd = own(new pooling_forward.primitive_desc(desc, attr, OneDnn.engine()));
            pooling = own(new pooling_forward(pd));
            source = own(new memory(src, OneDnn.engine(), (Pointer) null));
            destination = own(new memory(dst, OneDnn.engine(), (Pointer) null));
            args = own(new IntMemoryMap());
            args.put(dnnl.DNNL_ARG_SRC, source);
            args.put(dnnl.DNNL_ARG_DST, destination);
            args.put(dnnl.DNNL_ARG_SCRATCHPAD, own(new memory(own(pd.scratchpad_desc()), OneDnn.engine())));
        }

        void run(INDArray x, INDArray y) {
            source.set_data_handle(x.data().addressPointer());
            destination.set_data_handle(y.data().addressPointer());
            pooling.execute(stream(), args);
            stream()._wait();
        }
    }
}

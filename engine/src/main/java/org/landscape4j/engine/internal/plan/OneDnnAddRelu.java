package org.landscape4j.engine.internal.plan;

import java.util.HashMap;
import java.util.Map;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code out = max(0, a + b)} in one pass through oneDNN's binary primitive with a ReLU post-op: a residual block's
 * add and the ReLU after it, which ND4J runs as two passes over the block. The same bits (float addition, an exact
 * ReLU). One primitive per row count, made once; its native objects are the kernel's ({@link OneDnnKernel}).
 */
final class OneDnnAddRelu extends OneDnnKernel {

    private final Map<Long, Primitive> byRows = new HashMap<>();

    @Override
    public void run(INDArray[] in, INDArray out) {
        requireReadable("add", in[0], in[1], out);
        byRows.computeIfAbsent(out.size(0), n -> new Primitive(n, out.length() / n)).run(in[0], in[1], out);
    }

    @Override
    void forget() {
        byRows.clear();
    }

    private final class Primitive {
        private final binary add;
        private final memory a;
        private final memory b;
        private final memory dst;
        private final IntMemoryMap args;

        Primitive(long rows, long perRow) {
            memory.desc md = own(new memory.desc(new long[] {rows, perRow}, memory.data_type.f32,
                    memory.format_tag.ab));
            post_ops ops = own(new post_ops());
            ops.append_eltwise(1f, dnnl.algorithm.eltwise_relu, 0f, 0f);
            primitive_attr attr = own(new primitive_attr());
            attr.set_post_ops(ops);
            attr.set_scratchpad_mode(dnnl.scratchpad_mode.user);
            binary.desc desc = own(new binary.desc(dnnl.algorithm.binary_add, md, md, md));
            binary.primitive_desc pd = own(new binary.primitive_desc(desc, attr, OneDnn.engine()));
            add = own(new binary(pd));
            a = own(new memory(md, OneDnn.engine(), (Pointer) null));
            b = own(new memory(md, OneDnn.engine(), (Pointer) null));
            dst = own(new memory(md, OneDnn.engine(), (Pointer) null));
            args = own(new IntMemoryMap());
            args.put(dnnl.DNNL_ARG_SRC_0, a);
            args.put(dnnl.DNNL_ARG_SRC_1, b);
            args.put(dnnl.DNNL_ARG_DST, dst);
            args.put(dnnl.DNNL_ARG_SCRATCHPAD, own(new memory(own(pd.scratchpad_desc()), OneDnn.engine())));
        }

        void run(INDArray x, INDArray y, INDArray out) {
            a.set_data_handle(x.data().addressPointer());
            b.set_data_handle(y.data().addressPointer());
            dst.set_data_handle(out.data().addressPointer());
            add.execute(stream(), args);
            stream()._wait();
        }
    }
}

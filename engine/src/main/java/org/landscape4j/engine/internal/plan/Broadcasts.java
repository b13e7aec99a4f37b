package org.landscape4j.engine.internal.plan;

import java.lang.ref.Reference;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BroadcastOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's broadcast ops, with the op kept reachable until its native call has returned.
 *
 * <p>Why not {@code INDArray.addiRowVector} or {@code Nd4j.exec(broadcastOp)}: in ND4J 1.0.0-M2.1,
 * {@code NativeOpExecutioner.exec(BroadcastOp, OpContext)} passes the op's dimension array ({@code op.dimensions()},
 * an array made with the op and referenced only by it) to {@code execBroadcast}, and does not touch the op after the
 * call. The JIT may therefore end the op's life before the native call returns; a garbage collection at that moment
 * lets ND4J's deallocator free the dimension array's native buffer while the kernel reads it: SIGSEGV in
 * {@code sd::DataBuffer::primary()} (reproduced by {@code StressTest}, whose {@code System.gc()} calls make
 * it likely). Its reduce and index-reduce paths read the op after the call and are not affected. DL4J's own layers
 * still use the affected path; the inference plan does not.
 */
final class Broadcasts {

    private Broadcasts() {
    }

    /** {@code target += row} for every row of a matrix {@code target}, as {@code addiRowVector} computes it. */
    static void addRowVector(INDArray target, INDArray row) {
        exec(new BroadcastAddOp(target, row, target, 1));
    }

    /** Runs {@code op}; it (and the arrays it holds) stays reachable until the native call has returned. */
    static void exec(BroadcastOp op) {
        try {
            Nd4j.getExecutioner().exec(op);
        } finally {
            Reference.reachabilityFence(op);
        }
    }
}

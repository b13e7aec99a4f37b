package org.landscape4j.engine.internal.plan;

import java.util.ArrayDeque;
import java.util.Deque;

import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A kernel that calls oneDNN directly ({@link OneDnn}): it owns every native object it makes (primitives, their
 * descriptors, the memories oneDNN allocates, its stream) and frees them, newest first, in {@link #close()}, which
 * the worker calls after its last run. Memories over ND4J's arrays only borrow them.
 */
abstract class OneDnnKernel implements Step.Kernel {

    private final Deque<Pointer> owned = new ArrayDeque<>();
    private stream stream;

    /** {@code p}, freed by {@link #close()}. */
    final <T extends Pointer> T own(T p) {
        owned.push(p);
        return p;
    }

    /** This kernel's stream, made on first use (on the worker's thread). */
    final stream stream() {
        if (stream == null) {
            stream = own(new stream(OneDnn.engine()));
        }
        return stream;
    }

    /**
     * @throws IllegalStateException naming the array, unless oneDNN can read and write every one of {@code arrays} in
     *                               place ({@link OneDnn#readable})
     */
    static void requireReadable(String what, INDArray... arrays) {
        for (INDArray a : arrays) {
            if (!OneDnn.readable(a)) {
                throw new IllegalStateException("oneDNN " + what + " needs dense C-order float arrays, got "
                        + a.shapeInfoToString());
            }
        }
    }

    /** Forgets what was made from the owned objects (the primitives by shape); called before they are freed. */
    abstract void forget();

    @Override
    public final void close() {
        forget();
        while (!owned.isEmpty()) {
            owned.pop().close();
        }
        stream = null;
    }
}

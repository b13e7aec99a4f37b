package org.landscape4j.engine.internal.plan;

import java.util.ArrayDeque;
import java.util.Deque;

import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;

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

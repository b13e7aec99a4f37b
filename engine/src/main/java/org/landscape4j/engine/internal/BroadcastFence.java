package org.landscape4j.engine.internal;

import java.lang.ref.Reference;
import java.lang.reflect.Field;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BroadcastOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.cpu.nativecpu.ops.NativeOpExecutioner;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A workaround for a use-after-free in ND4J 1.0.0-M2.1 that crashes the JVM (SIGSEGV in
 * {@code sd::DataBuffer::primary()} or {@code TadDescriptor}) when a garbage collection runs during a broadcast op:
 * {@code NativeOpExecutioner.exec(BroadcastOp, OpContext)} hands the op's dimension array (made with the op, referenced
 * only by it) to the native {@code execBroadcast} and never touches the op afterwards, so the JIT may end the op's life
 * before the call returns, and ND4J's deallocator then frees the dimension buffer the kernel is reading. Every
 * {@code addiRowVector} runs this path, DL4J's own dense and output layers included. A 20-line program (a loop of
 * {@code addiRowVector} and a thread calling {@code System.gc()}) crashes within a minute or two; with the op kept
 * reachable it does not (ND4J's broadcast use-after-free, see BroadcastFence).
 *
 * <p>{@link #install()} replaces ND4J's CPU executioner with this subclass, whose only difference is a
 * {@link Reference#reachabilityFence} on the op after the call; it copies the profiling mode. ND4J has no setter
 * for its executioner, so the field is set by reflection (ND4J is on the class path, so nothing is opened). It is done
 * once per JVM, only when the executioner is exactly ND4J's CPU one (another backend is left alone), and not at all
 * with {@code -Dlandscape4j.broadcastFence=false}. The inference plan's own broadcasts keep their ops reachable
 * whether or not this is installed.
 */
public final class BroadcastFence extends NativeOpExecutioner {

    private static volatile boolean done;

    /** Installs the fenced executioner if ND4J's CPU executioner is in use (idempotent, thread-safe). */
    public static void install() {
        if (done) {
            return;
        }
        synchronized (BroadcastFence.class) {
            if (done) {
                return;
            }
            done = true;
            if (!Boolean.parseBoolean(System.getProperty("landscape4j.broadcastFence", "true"))) {
                return;
            }
            OpExecutioner current = Nd4j.getExecutioner();
            if (current.getClass() != NativeOpExecutioner.class) {
                return;
            }
            try {
                BroadcastFence fenced = new BroadcastFence();
                fenced.setProfilingMode(current.getProfilingMode());
                Field f = Nd4j.class.getDeclaredField("OP_EXECUTIONER_INSTANCE");
                f.setAccessible(true);
                f.set(null, fenced);
            } catch (ReflectiveOperationException | RuntimeException e) {
                System.getLogger(BroadcastFence.class.getName()).log(System.Logger.Level.WARNING, "could not install"
                        + " the broadcast fence (ND4J's executioner is unchanged): " + e);
            }
        }
    }

    /** Whether ND4J's executioner is this fenced one. */
    public static boolean installed() {
        return Nd4j.getExecutioner() instanceof BroadcastFence;
    }

    private BroadcastFence() {
    }

    @Override
    public INDArray exec(BroadcastOp op, OpContext oc) {
        try {
            return super.exec(op, oc);
        } finally {
            Reference.reachabilityFence(op);
        }
    }
}

package org.landscape4j.engine.internal;

import java.util.function.Supplier;

import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The calling thread's ND4J random generator ({@code Nd4j.getRandom()}), from which DL4J draws everything random in
 * training mode: dropout masks, DropConnect, Gaussian noise. ND4J keeps one generator per thread, seeded from the
 * clock when a thread first asks for it, and DL4J seeds it only in {@code init()}: a training step on a worker thread,
 * or after other work on the same thread, draws other masks every run. {@link #seeded} gives a piece of work its own
 * seed and leaves the thread's generator as it found it.
 */
public final class ThreadRandom {

    private ThreadRandom() {
    }

    /**
     * Runs {@code work} with this thread's ND4J generator seeded with {@code seed}, then restores the generator's state
     * (so the caller's own random stream continues undisturbed). The same seed gives the same draws on any thread.
     */
    public static <T> T seeded(long seed, Supplier<T> work) {
        Random random = Nd4j.getRandom();
        long root = random.rootState();
        long node = random.nodeState();
        random.setSeed(seed);
        try {
            return work.get();
        } finally {
            random.setStates(root, node);
        }
    }
}

package org.landscape4j.engine;

import java.nio.file.Path;
import java.util.List;

import org.nd4j.linalg.dataset.DataSet;

/**
 * The program {@link CheckpointTest} starts in a child JVM and kills: a resumable 9x9 surface of a small MLP that
 * prints {@code point <index> <restored>} after each point it emits and then sleeps, so the test can kill it mid-run.
 *
 * <p>Usage: {@code CheckpointChild <checkpoint file> <milliseconds per point>}
 */
public final class CheckpointChild {

    private CheckpointChild() {
    }

    /** The landscape both the child and the test compute: the same data, model and spec on every JVM. */
    static Landscape landscape() {
        DataSet data = Fixtures.blobs(150, 3);
        LandscapeSpec spec = new LandscapeSpec(Fixtures.mlp(data, 3), RandomDirections.FILTER_NORMALIZED, 1,
                List.of(Axis.linear(-1, 1, 9), Axis.linear(-1, 1, 9)), List.of(EvaluationSet.of("train", data)),
                List.of());
        return Landscape.compile(spec.withExecution(Execution.DEFAULT.withWorkers(1)));
    }

    public static void main(String[] args) {
        Path checkpoint = Path.of(args[0]);
        long delay = Long.parseLong(args[1]);
        landscape().points(checkpoint).doOnNext(p -> {
            System.out.println("point " + p.index() + " " + p.isRestored());
            System.out.flush();
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).blockLast();
        System.out.println("done");
    }
}

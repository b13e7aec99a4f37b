package org.landscape4j.spark;

import java.nio.file.Path;
import java.util.List;

import org.apache.spark.SparkConf;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.EvaluationSet;
import org.landscape4j.engine.Fixtures;
import org.landscape4j.engine.LandscapeSpec;
import org.landscape4j.engine.Metric;
import org.landscape4j.engine.RandomDirections;
import org.landscape4j.engine.Landscape;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The driver {@link DriverKillTest} starts in a child JVM and kills: a resumable 9x9 surface on Spark
 * {@code local[2]} in tasks of 2 points, each point slowed to ~60 ms by the counting metric; prints
 * {@code point <index> <restored>} for every point it emits (after the checkpoint has it).
 *
 * <p>Usage: {@code SparkChild <checkpoint file>}
 */
public final class SparkChild {

    private SparkChild() {
    }

    /** The spec both the child and the test compute: the same data, model and grid on every JVM. */
    static LandscapeSpec spec() {
        DataSet data = Fixtures.blobs(150, 3);
        return new LandscapeSpec(Fixtures.mlp(data, 3), RandomDirections.FILTER_NORMALIZED, 1,
                List.of(Axis.linear(-1, 1, 9), Axis.linear(-1, 1, 9)),
                List.of(EvaluationSet.of("train", data).withBatchSize(50)),
                List.of(Metric.loss(), Counting.counting(20)));
    }

    public static void main(String[] args) {
        try (SparkExecutor spark = SparkExecutor.of(new SparkConf().setMaster("local[2]").setAppName("child")
                .set("spark.ui.enabled", "false")).pointsPerTask(2)) {
            Landscape l = Landscape.compile(spec().withExecution(spark.execution()));
            l.points(Path.of(args[0])).doOnNext(p -> {
                System.out.println("point " + p.index() + " " + p.isRestored());
                System.out.flush();
            }).blockLast();
        }
        System.out.println("done");
    }
}

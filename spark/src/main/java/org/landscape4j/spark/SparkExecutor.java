package org.landscape4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SimpleFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.landscape4j.engine.Execution;
import org.landscape4j.engine.PointExecutor;
import org.landscape4j.engine.PortableRun;

import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Schedulers;
import scala.runtime.AbstractFunction0;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Computes a landscape's points on Apache Spark: the grid's remaining positions, in the landscape's order, are cut
 * into tasks of {@link #pointsPerTask(int) a few points}; the run (model, anchor vectors, evaluation data, grid and
 * metrics) is broadcast once; each task rebuilds an evaluator with the engine's own code and returns its points, which
 * stream back into the landscape's {@code Flux} as tasks finish. Everything else is the local engine's: checkpoints
 * record every point the driver receives, results and their numbers are the same.
 *
 * <pre>{@code
 * try (SparkExecutor spark = SparkExecutor.master("spark://host:7077")) {
 *     Landscape l = landscape(b -> b.model(net).directions(FILTER_NORMALIZED, 2).grid(-1, 1, 51)
 *             .evaluateOn("train", train).executor(spark));
 *     Surface s = l.surface(Path.of("run.ckpt"));   // kill it, run it again: only missing points are submitted
 * }
 * }</pre>
 *
 * <p>One job per subscription, in its own job group: cancelling the {@code Flux} cancels the group, so tasks that have
 * not started never run and running ones stop after their current point. A failed task is retried by Spark
 * ({@code spark.task.maxFailures}, 4 on a cluster; in local mode give the count in the master URL, e.g.
 * {@code local[2,4]}), and recomputes its points exactly. Custom metrics must have {@link java.io.Serializable}
 * functions; compiling a landscape that has another one fails before any work.
 *
 * <p>On Java 17 the driver JVM needs Spark's {@code --add-opens} options (see docs/spark.md); executors get them from
 * Spark.
 */
public final class SparkExecutor implements PointExecutor, AutoCloseable {

    /** Most points in one task when {@link #pointsPerTask(int)} is automatic. */
    static final int MAX_AUTOMATIC_POINTS_PER_TASK = 64;

    private final Context context;
    private final int pointsPerTask;

    private SparkExecutor(Context context, int pointsPerTask) {
        this.context = context;
        this.pointsPerTask = pointsPerTask;
    }

    /** A given context, or one made from a configuration on first use; shared by an executor and its copies. */
    private static final class Context {
        private final SparkConf conf;
        private SparkContext context;

        Context(SparkContext context, SparkConf conf) {
            this.context = context;
            this.conf = conf;
        }

        synchronized SparkContext get() {
            if (context == null || (conf != null && context.isStopped())) {
                context = new SparkContext(conf);
            }
            return context;
        }

        synchronized void close() {
            if (conf != null && context != null) {
                context.stop();
                context = null;
            }
        }

        @Override
        public synchronized String toString() {
            return conf != null ? conf.get("spark.master") : context.master();
        }
    }

    /**
     * Computes on an existing context (e.g. {@code sparkSession.sparkContext()}); {@link #close()} leaves it running.
     */
    public static SparkExecutor on(SparkContext context) {
        if (context == null) {
            throw new IllegalArgumentException("Spark context must not be null");
        }
        return new SparkExecutor(new Context(context, null), 0);
    }

    /** Computes on an existing context; {@link #close()} leaves it running. */
    public static SparkExecutor on(JavaSparkContext context) {
        if (context == null) {
            throw new IllegalArgumentException("Spark context must not be null");
        }
        return on(context.sc());
    }

    /**
     * Computes on a context of its own, created on first use with this master URL ({@code local[2]},
     * {@code local[2,4]} to retry failed tasks locally, {@code spark://host:7077}, ...) and application name
     * {@code landscape4j}; {@link #close()} stops it.
     *
     * @throws IllegalArgumentException now, not on first use, for a URL Spark would refuse, naming it and the forms
     *                                  Spark accepts: {@code local}, {@code local[N]}, {@code local[*]},
     *                                  {@code local[N,F]}, {@code local-cluster[N,C,MB]},
     *                                  {@code spark://host:port[,host:port...]}, and {@code yarn} or
     *                                  {@code k8s://host:port} when their Spark module is on the class path
     */
    public static SparkExecutor master(String url) {
        MasterUrl.check(url);
        return of(new SparkConf().setMaster(url).setAppName("landscape4j"));
    }

    /**
     * Computes on a context of its own, created on first use from {@code conf}; {@link #close()} stops it.
     *
     * @throws IllegalArgumentException now, as {@link #master(String)}, when {@code spark.master} is missing or a URL
     *                                  Spark would refuse
     */
    public static SparkExecutor of(SparkConf conf) {
        if (conf == null || !conf.contains("spark.master")) {
            throw new IllegalArgumentException("the Spark configuration must set spark.master, e.g. local[2]");
        }
        MasterUrl.check(conf.get("spark.master"));
        return new SparkExecutor(new Context(null, conf.clone()), 0);
    }

    /**
     * This executor with {@code n} points per task; 0 (the default) picks about four tasks per core of the cluster,
     * at most {@value #MAX_AUTOMATIC_POINTS_PER_TASK} points each. Fewer, larger tasks cost less per point (each task
     * makes one evaluator, i.e. one network copy); more, smaller tasks stream points back sooner, balance uneven
     * executors and lose less work to a failure or a cancel.
     */
    public SparkExecutor pointsPerTask(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("points per task must be >= 0 (0 = automatic), was " + n);
        }
        return new SparkExecutor(context, n);
    }

    /** This executor as a landscape's execution: {@code Execution.DEFAULT.withExecutor(this)}. */
    public Execution execution() {
        return Execution.DEFAULT.withExecutor(this);
    }

    /** The Spark context, created now if this executor owns one and has not made it yet. */
    public SparkContext context() {
        return context.get();
    }

    /** How many tasks {@code points} positions make with this executor on {@code context}'s default parallelism. */
    int pointsPerTaskFor(int points, int parallelism) {
        if (pointsPerTask > 0) {
            return pointsPerTask;
        }
        int tasks = Math.max(1, 4 * parallelism);
        return Math.max(1, Math.min(MAX_AUTOMATIC_POINTS_PER_TASK, (points + tasks - 1) / tasks));
    }

    @Override
    public Flux<PortableRun.Computed> compute(PortableRun run, int[] positions) {
        if (positions.length == 0) {
            return Flux.empty();
        }
        return Flux.<PortableRun.Computed>create(sink -> submit(run, positions, sink), FluxSink.OverflowStrategy.BUFFER)
                // Spark calls back on its scheduler thread: subscribers run elsewhere and never hold it up.
                .subscribeOn(Schedulers.boundedElastic())
                .publishOn(Schedulers.boundedElastic(), 256);
    }

    private void submit(PortableRun run, int[] positions, FluxSink<PortableRun.Computed> sink) {
        SparkContext sc = context();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
        int size = pointsPerTaskFor(positions.length, sc.defaultParallelism());
        List<int[]> chunks = new ArrayList<>();
        for (int start = 0; start < positions.length; start += size) {
            chunks.add(Arrays.copyOfRange(positions, start, Math.min(positions.length, start + size)));
        }
        Broadcast<PortableRun> broadcast = jsc.broadcast(run);
        String group = "landscape4j-" + UUID.randomUUID();
        AtomicBoolean cancelled = new AtomicBoolean();
        SimpleFutureAction<BoxedUnit> job;
        // The job group is a property of the submitting thread: set it just around the submission.
        sc.setJobGroup(group, "landscape4j: " + positions.length + " points in " + chunks.size() + " tasks", true);
        try {
            job = sc.submitJob(jsc.parallelize(chunks, chunks.size()).rdd(), new EvaluatePartition(broadcast),
                    scala.collection.immutable.Range$.MODULE$.apply(0, chunks.size()), new Emit(sink), new Unit());
        } finally {
            sc.clearJobGroup();
        }
        job.onComplete(new AbstractFunction1<scala.util.Try<BoxedUnit>, BoxedUnit>() {
            @Override
            public BoxedUnit apply(scala.util.Try<BoxedUnit> result) {
                broadcast.destroy(false);
                if (!cancelled.get()) {
                    if (result.isSuccess()) {
                        sink.complete();
                    } else {
                        sink.error(result.failed().get());
                    }
                }
                return BoxedUnit.UNIT;
            }
        }, scala.concurrent.ExecutionContext$.MODULE$.fromExecutor(Runnable::run));
        sink.onCancel(() -> {
            cancelled.set(true);
            sc.cancelJobGroup(group, "the landscape's subscriber cancelled");
        });
    }

    /** Emits each finished task's points, on Spark's scheduler thread (the sink only queues them). */
    private static final class Emit extends AbstractFunction2<Object, ArrayList<PortableRun.Computed>, BoxedUnit> {
        private final FluxSink<PortableRun.Computed> sink;

        Emit(FluxSink<PortableRun.Computed> sink) {
            this.sink = sink;
        }

        @Override
        public BoxedUnit apply(Object partition, ArrayList<PortableRun.Computed> points) {
            for (PortableRun.Computed p : points) {
                sink.next(p);
            }
            return BoxedUnit.UNIT;
        }
    }

    /** The job's overall result: nothing; the points travel through {@link Emit}. */
    private static final class Unit extends AbstractFunction0<BoxedUnit> {
        @Override
        public BoxedUnit apply() {
            return BoxedUnit.UNIT;
        }
    }

    /**
     * Stops the Spark context if this executor (or the executor it was derived from) created it; a context given to
     * {@link #on} keeps running.
     */
    @Override
    public void close() {
        context.close();
    }

    @Override
    public String toString() {
        return "Spark " + context + (pointsPerTask > 0 ? ", " + pointsPerTask + " points per task" : "");
    }
}

package org.landscape4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.landscape4j.engine.Axis;
import org.landscape4j.engine.EvaluationSet;
import org.landscape4j.engine.Fixtures;
import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapeSpec;
import org.landscape4j.engine.Metric;
import org.landscape4j.engine.Order;
import org.landscape4j.engine.RandomDirections;
import org.landscape4j.engine.Surface;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A real standalone cluster on 127.0.0.1, from the Maven artifacts alone: a Master and a Worker in child JVMs (the
 * classes {@code start-master.sh} and {@code start-worker.sh} run), the executor JVM launched by the Worker, this JVM
 * the driver.
 *
 * <p>The Worker builds the executor's class path from {@code $SPARK_HOME/jars} plus the application's
 * {@code spark.executor.extraClassPath}: without a Spark distribution, {@code SPARK_HOME} is an empty directory with
 * an empty {@code jars} folder and the executors take the Maven class path through {@code extraClassPath}, as on a
 * cluster whose nodes share the application's jars.
 */
class StandaloneClusterTest {

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aLandscapeOnAStandaloneMasterAndWorkerEqualsTheLocalRun(@TempDir Path dir) throws Exception {
        Path sparkHome = Files.createDirectories(dir.resolve("spark-home"));
        Files.createDirectories(sparkHome.resolve("jars"));
        Path work = Files.createDirectories(dir.resolve("work"));
        int port = freePort();
        String master = "spark://127.0.0.1:" + port;
        Map<String, String> env = Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.13");
        Process masterJvm = ChildJvm.start(dir.resolve("master.log"), env, "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", "0");
        Process workerJvm = null;
        try {
            workerJvm = ChildJvm.start(dir.resolve("worker.log"), env, "org.apache.spark.deploy.worker.Worker",
                    "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--webui-port", "0",
                    "--work-dir", work.toString(), master);

            DataSet data = Fixtures.blobs(150, 3);
            LandscapeSpec spec = new LandscapeSpec(Fixtures.mlp(data, 3), RandomDirections.FILTER_NORMALIZED, 1,
                    List.of(Axis.linear(-1, 1, 9), Axis.linear(-1, 1, 9)),
                    List.of(EvaluationSet.of("train", data).withBatchSize(50)),
                    List.of(Metric.loss(), Metric.accuracy()));
            Surface local = Landscape.compile(spec).surface();

            SparkConf conf = new SparkConf().setMaster(master).setAppName("landscape4j-standalone-test")
                    .set("spark.ui.enabled", "false")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.executor.memory", "1g")
                    .set("spark.executor.extraClassPath", ChildJvm.classPath())
                    .set("spark.executorEnv.OMP_NUM_THREADS", "1")
                    .set("spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1");
            try (SparkExecutor spark = SparkExecutor.of(conf).pointsPerTask(10)) {
                Surface remote = Landscape.compile(spec.withExecution(spark.execution().withOrder(Order.COARSE_TO_FINE)))
                        .surface();
                assertThat(spark.context().statusTracker().getExecutorInfos()).as("driver and one executor JVM; logs in %s",
                        dir).hasSize(2);
                assertThat(remote.flatValues("train", "loss")).containsExactly(local.flatValues("train", "loss"));
                assertThat(remote.flatValues("train", "accuracy"))
                        .containsExactly(local.flatValues("train", "accuracy"));
            }
            // The Worker's executor really ran elsewhere: its directory holds the executor's own log.
            try (var files = Files.walk(work)) {
                assertThat(files.filter(p -> p.getFileName().toString().equals("stderr"))).isNotEmpty();
            }
        } finally {
            if (workerJvm != null) {
                workerJvm.destroy();
                workerJvm.waitFor(30, TimeUnit.SECONDS);
            }
            masterJvm.destroy();
            masterJvm.waitFor(30, TimeUnit.SECONDS);
        }
    }
}

package org.landscape4j.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.ExternalClusterManager;
import org.apache.spark.scheduler.SchedulerBackend;
import org.apache.spark.scheduler.TaskScheduler;

/**
 * A cluster manager of the test class path (a {@code META-INF/services} entry, as Spark's YARN and Kubernetes
 * modules register theirs) that claims {@code landscape4j-test://} URLs; it is never asked to run anything.
 */
public final class TestClusterManager implements ExternalClusterManager {

    @Override
    public boolean canCreate(String masterUrl) {
        return masterUrl.startsWith("landscape4j-test://");
    }

    @Override
    public TaskScheduler createTaskScheduler(SparkContext sc, String masterUrl) {
        throw new UnsupportedOperationException("a test cluster manager");
    }

    @Override
    public SchedulerBackend createSchedulerBackend(SparkContext sc, String masterUrl, TaskScheduler scheduler) {
        throw new UnsupportedOperationException("a test cluster manager");
    }

    @Override
    public void initialize(TaskScheduler scheduler, SchedulerBackend backend) {
        throw new UnsupportedOperationException("a test cluster manager");
    }
}

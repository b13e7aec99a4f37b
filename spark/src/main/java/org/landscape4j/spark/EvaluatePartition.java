package org.landscape4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;

import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.landscape4j.engine.PortableRun;

import scala.runtime.AbstractFunction1;

/**
 * What one Spark task does: takes the broadcast run (rebuilt once per executor JVM), makes one evaluator and computes
 * the partition's positions of the visiting order with it, stopping between points when Spark kills the task.
 */
final class EvaluatePartition extends AbstractFunction1<scala.collection.Iterator<int[]>,
        ArrayList<PortableRun.Computed>> implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Broadcast<PortableRun> run;

    EvaluatePartition(Broadcast<PortableRun> run) {
        this.run = run;
    }

    @Override
    public ArrayList<PortableRun.Computed> apply(scala.collection.Iterator<int[]> chunks) {
        TaskContext task = TaskContext.get();
        PortableRun portable = run.value();
        ArrayList<PortableRun.Computed> out = new ArrayList<>();
        while (chunks.hasNext()) {
            Iterator<PortableRun.Computed> points = portable.evaluate(chunks.next());
            while (points.hasNext()) {
                if (task != null) {
                    task.killTaskIfInterrupted();
                }
                out.add(points.next());
            }
        }
        return out;
    }
}

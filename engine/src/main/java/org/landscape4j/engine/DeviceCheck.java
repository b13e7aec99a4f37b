package org.landscape4j.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.device.DeviceBackend;
import org.landscape4j.engine.device.DevicePlan;
import org.landscape4j.engine.device.DeviceRequest;
import org.landscape4j.engine.graph.NetworkGraph;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.parameters.ParameterLayout;

/**
 * A landscape asked to run on a device ({@link Backend#CUDA}), checked before any work: the back end's module is on
 * the class path ({@link ServiceLoader} finds a {@link DeviceBackend} for it), it can run on this machine, and the
 * landscape asks nothing of it that only the CPU computes. Each refusal is one line naming what is missing and what to
 * do.
 *
 * <p>What stays on the CPU, refused with {@code Backend.CUDA}: curvature metrics (exact Hessian-vector products are
 * the engine's CPU code), custom metrics (they read the output activations on the host), point maps and batch-norm
 * statistics recomputed per point (DL4J's forward pass), {@link Precision#BF16} (the CPU's oneDNN convolutions), and a
 * {@link PointExecutor} such as Spark (its executors compute on their own JVMs' CPU back end).
 */
final class DeviceCheck {

    /** The device modules, by the backend they serve: what to add to the class path. */
    private static final String MODULE = "org.landscape4j:landscape4j-cuda";

    private DeviceCheck() {
    }

    /**
     * The device back end of {@code wanted}, able to run here, or {@code null} when {@code wanted} is not a device.
     *
     * @throws IllegalStateException naming the missing module or what the machine lacks
     */
    static DeviceBackend require(Backend wanted) {
        if (wanted != Backend.CUDA) {
            return null;
        }
        List<DeviceBackend> found = new ArrayList<>();
        String broken = null;
        try {
            for (DeviceBackend d : ServiceLoader.load(DeviceBackend.class, DeviceCheck.class.getClassLoader())) {
                found.add(d);
            }
        } catch (ServiceConfigurationError e) {
            broken = e.getMessage();
        }
        return require(wanted, found, broken);
    }

    /** {@link #require(Backend)} over the back ends {@code found}; {@code broken}: why one could not be loaded. */
    static DeviceBackend require(Backend wanted, List<DeviceBackend> found, String broken) {
        DeviceBackend device = found.stream().filter(d -> wanted.name().equals(d.backend())).findFirst().orElse(null);
        if (device == null) {
            throw new IllegalStateException(wanted + " asked for, but " + (broken != null
                    ? "its back end could not be loaded (" + firstLine(broken) + "): check that " + MODULE
                    + " and JavaCPP 1.5.13 are on the class path, not JavaCPP 1.5.7 alone"
                    : "the GPU back end is not on the class path: add the dependency " + MODULE + " (it brings"
                    + " JavaCPP's CUDA 13 bindings; the CUDA 13 libraries come from the NVIDIA driver and toolkit)"));
        }
        String why = device.unavailableReason();
        if (why != null) {
            throw new IllegalStateException(firstLine(why));
        }
        return device;
    }

    /**
     * Refuses, before any work, what a device run would have to compute on the CPU.
     *
     * @throws IllegalArgumentException naming the setting and the way out
     */
    static void requireSettings(Backend wanted, Execution e, List<Metric> metrics, boolean pointMap,
                                boolean batchNormRecompute) {
        String head = wanted + " asked for, but ";
        String tail = ": it runs on the CPU only; drop backend(" + wanted + ") for this landscape";
        if (e.executor() != null) {
            throw new IllegalArgumentException(head + "the points are computed by " + e.executor() + ", whose executors"
                    + " run the CPU back end: drop backend(" + wanted + ") or the executor");
        }
        if (e.precision() == Precision.BF16) {
            throw new IllegalArgumentException(head + "precision BF16 is the CPU's oneDNN convolutions; the GPU back"
                    + " end computes in Precision.FLOAT or the opt-in Precision.TF32");
        }
        for (Metric m : metrics) {
            if (m instanceof Metric.Curvature || m instanceof Metric.HessianTrace) {
                throw new IllegalArgumentException(head + "the curvature metric '" + m.name() + "' needs exact"
                        + " Hessian-vector products" + tail);
            }
            if (m instanceof Metric.Custom) {
                throw new IllegalArgumentException(head + "the custom metric '" + m.name() + "' reads the output"
                        + " activations on the host" + tail);
            }
        }
        if (pointMap) {
            throw new IllegalArgumentException(head + "these directions write each point through a point map, not as"
                    + " a combination of vectors" + tail);
        }
        if (batchNormRecompute) {
            throw new IllegalArgumentException(head + "batch-norm statistics recomputed per point use DL4J's forward"
                    + " pass" + tail);
        }
    }

    /** The accuracy the (resolved) metrics need. */
    static DeviceRequest.Accuracy accuracy(List<Metric> metrics) {
        return metrics.stream().filter(m -> m instanceof Metric.Accuracy).map(m -> ((Metric.Accuracy) m).perLabel()
                ? DeviceRequest.Accuracy.PER_LABEL : DeviceRequest.Accuracy.ARG_MAX).findFirst()
                .orElse(DeviceRequest.Accuracy.NONE);
    }

    /** The strategy of a device run: the device's plan, compiled and checked there. */
    static EvaluationStrategy compile(DeviceBackend device, Model prototype, ParameterLayout layout,
                                      List<List<Batch>> batches, List<Metric> metrics, Execution execution,
                                      int anchors) {
        DevicePlan plan = device.compile(new DeviceRequest(prototype, NetworkGraph.of(prototype), layout, batches,
                accuracy(metrics), execution.precision() == Precision.TF32, anchors,
                execution.factorizeFirstLayer() ? execution.firstLayerMemory() : 0));
        return new EvaluationStrategy(null, -1, 0, 0, plan.description(), plan);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

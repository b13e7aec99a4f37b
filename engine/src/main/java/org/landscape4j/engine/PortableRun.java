package org.landscape4j.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleBiFunction;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.landscape4j.engine.curvature.Hessian;
import org.landscape4j.engine.geometry.BezierCurve;
import org.landscape4j.engine.geometry.Curve;
import org.landscape4j.engine.geometry.PolygonalChain;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.internal.plan.InferencePlan;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link LandscapeRun} in a form that travels to another JVM (Java-serializable, e.g. as one Spark broadcast): the
 * model as {@link ModelSerializer} bytes, the anchor vectors and the evaluation data in ND4J's binary format (exact
 * bits), the grid, order, metrics and evaluator settings. Wherever it is deserialized, {@link #evaluate} rebuilds the
 * run once per JVM and computes points with the same engine code a local run uses, so the numbers are the same bits.
 *
 * <p>Custom metrics travel by Java serialization of their functions, which must be {@link Serializable}
 * ({@link #requirePortable} checks that before any work).
 */
public final class PortableRun implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The values of the point at {@code position} of the visiting order, one per (set, metric). */
    public record Computed(int position, double[] values) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private final String id;
    private final byte[] model;
    private final byte[] vectors;
    private final byte[] data;
    private final byte[] plan;
    private final ArrayList<Serializable> metricFunctions;
    private final int total;
    private final int valuesPerPoint;
    /** Makes the run's point map from the model and anchors, or {@code null} for points {@code Σ w_k anchors[k]}. */
    private final ParameterMap.Factory map;

    private transient volatile LandscapeRun run;

    private PortableRun(String id, byte[] model, byte[] vectors, byte[] data, byte[] plan,
                        ArrayList<Serializable> metricFunctions, int total, int valuesPerPoint,
                        ParameterMap.Factory map) {
        this.map = map;
        this.id = id;
        this.model = model;
        this.vectors = vectors;
        this.data = data;
        this.plan = plan;
        this.metricFunctions = metricFunctions;
        this.total = total;
        this.valuesPerPoint = valuesPerPoint;
    }

    /**
     * Rejects metrics that cannot travel: a custom metric whose function is not {@link Serializable} or captures
     * something that is not.
     *
     * @param where what the metrics would travel to, for the message (e.g. "Spark")
     * @throws IllegalArgumentException naming the metric
     */
    static void requirePortable(List<Metric> metrics, String where) {
        for (Metric m : metrics) {
            if (m instanceof Metric.Custom custom) {
                String why = custom.function() instanceof Serializable ? null
                        : "its function (" + custom.function().getClass().getName() + ") is not Serializable";
                if (why == null) {
                    try (ObjectOutputStream out = new ObjectOutputStream(ByteArrayOutputStream.nullOutputStream())) {
                        out.writeObject(custom.function());
                    } catch (NotSerializableException e) {
                        why = "its function captures a " + e.getMessage() + ", which is not Serializable";
                    } catch (IOException e) {
                        why = "its function cannot be serialized: " + e;
                    }
                }
                if (why != null) {
                    throw new IllegalArgumentException("metric '" + custom.name() + "' cannot run on " + where + ": "
                            + why + ". Give it a Serializable function, e.g. a lambda cast to "
                            + "(ToDoubleBiFunction<INDArray, INDArray> & Serializable) capturing only Serializable "
                            + "values, or a class implementing both");
                }
            }
        }
    }

    /**
     * The portable form of a run with exactly these inputs (see {@link LandscapeRun}'s constructor).
     *
     * @param curve the curve whose coefficients weight the anchors, or {@code null} for anchors (centre, d1, d2)
     *              weighted (1, c1, c2)
     * @param curveFromStart whether a curve's anchors are {@code (start, anchor_k − start)}, weighted with 1 on the
     *              start (see {@link DirectionVectors#curveWeights})
     * @param map   makes the map writing a point's parameters from its coordinates, or {@code null}
     */
    static PortableRun of(Model prototype, INDArray[] anchors, Curve curve, boolean curveFromStart,
                          ParameterMap.Factory map, List<Axis> axes,
                          Order order, List<List<Batch>> batches, List<Metric> metrics, MetricKeys keys,
                          boolean factorize, long firstLayerMemory, INDArray batchNormFeatures) {
        requirePortable(metrics, "another JVM");
        try {
            ByteArrayOutputStream modelBytes = new ByteArrayOutputStream();
            ModelSerializer.writeModel(prototype, modelBytes, false);

            ByteArrayOutputStream vectorBytes = new ByteArrayOutputStream();
            DataOutputStream v = new DataOutputStream(vectorBytes);
            writeArrays(v, anchors);
            v.flush();

            ByteArrayOutputStream dataBytes = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(dataBytes);
            d.writeInt(batches.size());
            for (List<Batch> set : batches) {
                d.writeInt(set.size());
                for (Batch b : set) {
                    writeArrays(d, b.features());
                    writeArrays(d, b.labels());
                    d.writeLong(b.size());
                }
            }
            d.writeBoolean(batchNormFeatures != null);
            if (batchNormFeatures != null) {
                Nd4j.write(batchNormFeatures, d);
            }
            d.flush();

            ArrayList<Serializable> functions = new ArrayList<>();
            ByteArrayOutputStream planBytes = new ByteArrayOutputStream();
            DataOutputStream p = new DataOutputStream(planBytes);
            p.writeBoolean(prototype instanceof ComputationGraph);
            p.writeInt(axes.size());
            for (Axis a : axes) {
                p.writeDouble(a.min());
                p.writeDouble(a.max());
                p.writeInt(a.points());
                p.writeUTF(a.spacing().name());
            }
            p.writeUTF(order.name());
            p.writeUTF(curve == null ? "" : curve instanceof PolygonalChain ? "polygonal" : "bezier");
            p.writeInt(curve instanceof PolygonalChain chain ? chain.bends()
                    : curve instanceof BezierCurve bezier ? bezier.degree() : 0);
            p.writeBoolean(curveFromStart);
            p.writeInt(metrics.size());
            for (Metric m : metrics) {
                p.writeUTF(m.name());
                p.writeUTF(m instanceof Metric.Loss ? "loss" : m instanceof Metric.Accuracy a
                        ? (a.perLabel() ? "accuracy-per-label" : "accuracy")
                        : m instanceof Metric.Curvature ? "curvature"
                        : m instanceof Metric.HessianTrace ? "hessian-trace" : "custom");
                if (m instanceof Metric.Curvature c) {
                    p.writeUTF(c.extreme().name());
                    writeOptions(p, c.options());
                }
                if (m instanceof Metric.HessianTrace t) {
                    p.writeInt(t.probes());
                    writeOptions(p, t.options());
                }
                if (m instanceof Metric.Custom custom) {
                    functions.add((Serializable) custom.function());
                }
            }
            writeStrings(p, keys.sets());
            writeStrings(p, keys.metrics());
            p.writeBoolean(factorize);
            p.writeLong(firstLayerMemory);
            p.flush();

            int total = 1;
            for (Axis a : axes) {
                total *= a.points();
            }
            return new PortableRun(java.util.UUID.randomUUID().toString(), modelBytes.toByteArray(),
                    vectorBytes.toByteArray(), dataBytes.toByteArray(), planBytes.toByteArray(), functions, total,
                    keys.size(), map);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize the landscape's model or data", e);
        }
    }

    /** A random id of this run, the same in every copy; executors may cache what they rebuild under it. */
    public String id() {
        return id;
    }

    /** Number of points of the grid. */
    public int total() {
        return total;
    }

    /** Number of values per point: evaluation sets × metrics. */
    public int valuesPerPoint() {
        return valuesPerPoint;
    }

    /** Bytes of the model ({@link ModelSerializer} zip, without updater state). */
    public long modelBytes() {
        return model.length;
    }

    /** Bytes of the anchor vectors (centre and directions, or a curve's anchors). */
    public long vectorBytes() {
        return vectors.length;
    }

    /** Bytes of the evaluation data. */
    public long dataBytes() {
        return data.length;
    }

    /**
     * Evaluates the given positions of the visiting order lazily, one point per {@code next()}, in the given order,
     * with one new evaluator (one network copy) for the whole iteration, closed after the last point; the caller may
     * stop between points. The run
     * itself (model, vectors, data, first-layer products) is rebuilt once per JVM and copy of this object and then
     * shared by the callers, as a local run's workers share it.
     */
    public java.util.Iterator<Computed> evaluate(int[] positions) {
        int[] todo = positions.clone();
        LandscapeRun r = run();
        PointEvaluator evaluator = r.newEvaluator();
        return new java.util.Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < todo.length;
            }

            @Override
            public Computed next() {
                if (next >= todo.length) {
                    throw new java.util.NoSuchElementException("all " + todo.length + " positions were evaluated");
                }
                int n = todo[next++];
                LandscapePoint p = r.point(evaluator, n, n);
                double[] values = new double[valuesPerPoint];
                for (int k = 0; k < values.length; k++) {
                    values[k] = p.value(k);
                }
                if (next == todo.length) {
                    // its buffers now, not at GC; a caller that stops early leaves it to GC, unreachable and unused
                    evaluator.close();
                }
                return new Computed(n, values);
            }
        };
    }

    private LandscapeRun run() {
        LandscapeRun r = run;
        if (r == null) {
            synchronized (this) {
                r = run;
                if (r == null) {
                    r = rebuild();
                    run = r;
                }
            }
        }
        return r;
    }

    private LandscapeRun rebuild() {
        try {
            DataInputStream p = new DataInputStream(new ByteArrayInputStream(plan));
            boolean graph = p.readBoolean();
            Model prototype = graph
                    ? ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(model), false)
                    : ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(model), false);
            List<Axis> axes = new ArrayList<>();
            for (int i = p.readInt(); i > 0; i--) {
                axes.add(new Axis(p.readDouble(), p.readDouble(), p.readInt(), Spacing.valueOf(p.readUTF())));
            }
            Order order = Order.valueOf(p.readUTF());
            String curveKind = p.readUTF();
            int curveParameter = p.readInt();
            Curve curve = switch (curveKind) {
                case "" -> null;
                case "polygonal" -> new PolygonalChain(curveParameter);
                default -> new BezierCurve(curveParameter);
            };
            boolean curveFromStart = p.readBoolean();
            List<Metric> metrics = new ArrayList<>();
            int custom = 0;
            for (int i = p.readInt(); i > 0; i--) {
                String name = p.readUTF();
                String kind = p.readUTF();
                metrics.add(switch (kind) {
                    case "loss" -> Metric.loss();
                    case "accuracy" -> Metric.accuracy();
                    case "accuracy-per-label" -> new Metric.Accuracy(true);
                    case "curvature" -> new Metric.Curvature(Metric.Curvature.Extreme.valueOf(p.readUTF()),
                            readOptions(p));
                    case "hessian-trace" -> new Metric.HessianTrace(p.readInt(), readOptions(p));
                    default -> Metric.of(name, castFunction(metricFunctions.get(custom++)));
                });
            }
            MetricKeys keys = new MetricKeys(readStrings(p), readStrings(p));
            boolean factorize = p.readBoolean();
            long firstLayerMemory = p.readLong();

            INDArray[] anchors = readArrays(new DataInputStream(new ByteArrayInputStream(vectors)));

            DataInputStream d = new DataInputStream(new ByteArrayInputStream(data));
            List<List<Batch>> batches = new ArrayList<>();
            for (int s = d.readInt(); s > 0; s--) {
                List<Batch> set = new ArrayList<>();
                for (int b = d.readInt(); b > 0; b--) {
                    set.add(new Batch(readArrays(d), readArrays(d), d.readLong()));
                }
                batches.add(List.copyOf(set));
            }
            INDArray batchNormFeatures = d.readBoolean() ? Nd4j.read(d) : null;

            java.util.function.Function<double[], double[]> weights = curve == null ? LandscapeRun.aroundCentre()
                    : DirectionVectors.curveWeights(curve, curveFromStart);
            // the same choice of evaluator as the driver's landscape made, from the same inputs
            long examples = batches.stream().flatMap(List::stream).mapToLong(Batch::size).sum();
            EvaluationStrategy strategy = EvaluationStrategy.choose(
                    InferencePlan.compile(prototype, batches.get(0).get(0)), ParameterLayout.of(prototype),
                    new Execution(order, 1, factorize).withFirstLayerMemory(firstLayerMemory), anchors.length,
                    examples, batches.stream().flatMap(List::stream).mapToLong(Batch::size).max().orElse(1),
                    batchNormFeatures != null);
            return new LandscapeRun(prototype, anchors, weights, axes, order, batches, metrics, keys, strategy,
                    batchNormFeatures, map == null ? null : map.create(prototype, anchors));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rebuild the landscape run from its portable form", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static ToDoubleBiFunction<INDArray, INDArray> castFunction(Serializable f) {
        return (ToDoubleBiFunction<INDArray, INDArray>) f;
    }

    private static void writeArrays(DataOutputStream out, INDArray[] arrays) throws IOException {
        out.writeInt(arrays.length);
        for (INDArray a : arrays) {
            Nd4j.write(a, out);
        }
    }

    private static INDArray[] readArrays(DataInputStream in) throws IOException {
        INDArray[] arrays = new INDArray[in.readInt()];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = Nd4j.read(in);
        }
        return arrays;
    }

    private static void writeStrings(DataOutputStream out, List<String> values) throws IOException {
        out.writeInt(values.size());
        for (String s : values) {
            out.writeUTF(s);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        List<String> values = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
            values.add(in.readUTF());
        }
        return values;
    }

    /** A curvature metric's options, every component. */
    private static void writeOptions(DataOutputStream out, Hessian.Options options) throws IOException {
        out.writeUTF(options.parameters().name());
        out.writeInt(options.maxLanczosSteps());
        out.writeDouble(options.tolerance());
        out.writeLong(options.seed());
        out.writeDouble(options.relativeStep());
    }

    private static Hessian.Options readOptions(DataInputStream in) throws IOException {
        return new Hessian.Options(Hessian.Parameters.valueOf(in.readUTF()), in.readInt(), in.readDouble(),
                in.readLong(), in.readDouble());
    }

    @Override
    public String toString() {
        return "PortableRun " + id + " (" + total + " points; model " + model.length + " B, vectors "
                + vectors.length + " B, data " + data.length + " B)";
    }
}

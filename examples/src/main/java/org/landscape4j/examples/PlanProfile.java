package org.landscape4j.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.internal.Batch;
import org.landscape4j.engine.internal.NetworkEvaluator;
import org.landscape4j.engine.internal.plan.FirstLayerProducts;
import org.landscape4j.engine.internal.plan.InferencePlan;
import org.landscape4j.engine.internal.plan.PlanWorker;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where the time of one point goes: the engine's inference plan for one of the benchmark's networks (default settings:
 * first layer factorized where it applies, BN folded into convolutions), one worker, one ND4J thread, the 2,000
 * evaluation images, after 3 warm-up points. Every step is timed ({@link PlanWorker#profile}), and so are the
 * parameter update (θ + a·d1 + b·d2 over the whole vector) and the per-point preparation (BN folding). The point runs
 * in a child JVM with oneDNN's verbose trace on ({@code DNNL_VERBOSE=1}), whose per-primitive times, attributed to the
 * step that ran them, split out the <em>format reorders</em> (NCHW to oneDNN's blocked or NHWC layouts and back) that
 * happen inside ND4J's conv2d and pooling ops. Networks are untrained: the time does not depend on the weights.
 *
 * <pre>PlanProfile [--samples N] [--bf16] vgg resnet20 ...   (models: lenet, vgg, resnet, resnet20, mlp)</pre>
 *
 * <p>{@code --bf16} profiles the plan with its convolutions in bfloat16 ({@code Precision.BF16}).
 */
public final class PlanProfile {

    private static final String MARK = "### ";

    private PlanProfile() {
    }

    public static void main(String[] args) throws IOException {
        int samples = 2000;
        List<String> models = new ArrayList<>();
        boolean child = false;
        boolean bf16 = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--samples" -> samples = Integer.parseInt(args[++i]);
                case "--child" -> child = true;
                case "--bf16" -> bf16 = true;
                default -> models.add(BenchNetworks.checkBuilt(args[i]));
            }
        }
        if (models.isEmpty()) {
            throw new IllegalArgumentException("name a model to profile: " + String.join(", ", BenchNetworks.BUILT));
        }
        if (child) {
            for (String m : models) {
                child(m, samples, bf16);
            }
            return;
        }
        BenchReport report = new BenchReport("landscape4j per-step profile", true);
        BenchReport.Table groups = report.table(GROUPS_TITLE, GROUP_COLUMNS);
        BenchReport.Table steps = report.table(STEPS_TITLE, STEP_COLUMNS);
        for (String m : models) {
            inChild(m, samples, bf16).addTo(groups, steps);
        }
    }

    static final String GROUPS_TITLE = "Where the time of one point goes (1 worker, 1 thread, 2,000 samples, after 3 "
            + "warm-up points; format reorders from oneDNN's trace)";
    static final String[] GROUP_COLUMNS = {"model", "part", "calls", "ms", "% of the point", "in oneDNN primitives ms"};
    static final String STEPS_TITLE = "Per-step time of one point";
    static final String[] STEP_COLUMNS = {"model", "step", "ms", "of which oneDNN reorders ms",
        "oneDNN primitives (ms)"};

    // ---- the child: one point, marked between steps -------------------------------------------------------------

    private static void child(String model, int samples, boolean bf16) {
        DataSet data = BenchNetworks.evaluationData(model, samples);
        Model net = BenchNetworks.untrained(model);
        Batch batch = new Batch(new INDArray[] {data.getFeatures()}, new INDArray[] {data.getLabels()},
                data.numExamples());
        List<List<Batch>> batches = List.of(List.of(batch));
        InferencePlan plan = InferencePlan.compile(net, batch);
        if (!plan.isSupported()) {
            throw new IllegalStateException(model + ": " + plan.unsupportedReason());
        }
        if (bf16) {
            plan = plan.inBf16();
        }
        Nd4j.getRandom().setSeed(1);
        INDArray[] anchors = {net.params(), Nd4j.randn(net.params().dataType(), net.params().shape()).muli(0.01),
            Nd4j.randn(net.params().dataType(), net.params().shape()).muli(0.01)};
        int step = plan.factorizableStep();
        FirstLayerProducts products = step < 0 ? null : FirstLayerProducts.compute(plan, step, net, anchors, batches);
        Model copy = NetworkEvaluator.copyOf(net);
        PlanWorker worker = plan.newWorker(copy, batches, false, step, products);
        double[] w = {1, 0.3, -0.2};
        for (int i = 0; i < 3; i++) {
            FirstLayerProducts.combine(copy.params(), anchors, w);
            worker.pointChanged();
            worker.run(0, 0, w);
        }
        System.out.println(MARK + "begin " + model);
        System.out.flush();
        long t0 = System.nanoTime();
        FirstLayerProducts.combine(copy.params(), anchors, w);
        long t1 = System.nanoTime();
        worker.pointChanged();
        long t2 = System.nanoTime();
        System.out.println(MARK + "prepared");
        System.out.flush();
        List<PlanWorker.StepTime> times = worker.profile(0, 0, w, i -> {
            System.out.println(MARK + "step " + i);
            System.out.flush();
        });
        System.out.println(MARK + "end");
        System.out.println(MARK + "update " + (t1 - t0));
        System.out.println(MARK + "prepare " + (t2 - t1));
        for (PlanWorker.StepTime t : times) {
            System.out.println(MARK + "time " + t.step() + " " + t.nanos() + " " + t.kind() + "\t" + t.source());
        }
        System.out.flush();
        worker.close();
    }

    // ---- the parent: run the child, read its marks and oneDNN's trace -------------------------------------------

    /** Profiles one point of {@code model} in a child JVM with oneDNN's verbose trace. */
    static Profiled inChild(String model, int samples) throws IOException {
        return inChild(model, samples, false);
    }

    /** {@link #inChild(String, int)}, with the plan's convolutions in bfloat16 when {@code bf16}. */
    static Profiled inChild(String model, int samples, boolean bf16) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx3g", "-cp", System.getProperty("java.class.path"),
                PlanProfile.class.getName(), "--child", "--samples", Integer.toString(samples), model));
        if (bf16) {
            command.add("--bf16");
        }
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        b.environment().put("DNNL_VERBOSE", "1");
        b.environment().put("ONEDNN_VERBOSE", "1");
        b.environment().put("OMP_NUM_THREADS", "1");
        b.environment().put("OPENBLAS_NUM_THREADS", "1");
        Process p = b.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        }
        try {
            if (p.waitFor() != 0) {
                throw new IllegalStateException("profiling " + model + " failed:\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while profiling " + model, e);
        }
        return parse(model, lines);
    }

    /** One step's times: the plan's clock and oneDNN's primitives that ran in it (ms by primitive kind). */
    record StepProfile(int step, String kind, String source, double ms, Map<String, Double> primitives,
                       int reorderCalls) {
        double reorderMs() {
            return primitives.getOrDefault("reorder", 0.0);
        }

        double primitiveMs() {
            return primitives.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    /**
     * A profiled point.
     *
     * @param traced whether oneDNN's trace had any primitive (not with the generic natives)
     */
    record Profiled(String model, double updateMs, double prepareMs, List<StepProfile> steps, boolean traced) {

        double totalMs() {
            return updateMs + prepareMs + steps.stream().mapToDouble(StepProfile::ms).sum();
        }

        /**
         * The parts of the point: parameter update, preparation, then each step kind's group (its time without the
         * reorders in it), and the format reorders of all steps in one row of their own.
         */
        List<String[]> groupRows() {
            Map<String, double[]> groups = new LinkedHashMap<>();     // name -> {calls, ms, primitive ms}
            groups.put("parameter update (θ + a·d1 + b·d2)", new double[] {1, updateMs, 0});
            groups.put("per-point preparation (BN folding)", new double[] {1, prepareMs, 0});
            for (String g : new String[] {"conv", "format reorders", "batch norm", "activation", "pooling",
                "add", "dense", "output + loss"}) {
                groups.put(g, new double[3]);
            }
            for (StepProfile s : steps) {
                double[] g = groups.computeIfAbsent(group(s.kind()), k -> new double[3]);
                g[0]++;
                g[1] += s.ms() - s.reorderMs();
                g[2] += s.primitiveMs() - s.reorderMs();
                double[] r = groups.get("format reorders");
                r[0] += s.reorderCalls();
                r[1] += s.reorderMs();
                r[2] += s.reorderMs();
            }
            double total = totalMs();
            List<String[]> rows = new ArrayList<>();
            for (Map.Entry<String, double[]> e : groups.entrySet()) {
                double[] g = e.getValue();
                if (g[0] == 0 && g[1] == 0) {
                    continue;
                }
                boolean reorders = e.getKey().equals("format reorders");
                rows.add(new String[] {model, e.getKey(), Integer.toString((int) g[0]), ms(g[1]),
                    String.format(Locale.ROOT, "%.1f%%", 100 * g[1] / total),
                    traced || !reorders ? ms(g[2]) : "no oneDNN trace"});
            }
            rows.add(new String[] {model, "the point", "", ms(total), "100%", ""});
            return rows;
        }

        List<String[]> stepRows() {
            List<String[]> rows = new ArrayList<>();
            for (StepProfile s : steps) {
                List<String> prims = new ArrayList<>();
                s.primitives().forEach((k, v) -> prims.add(k + " " + ms(v)));
                rows.add(new String[] {model, s.kind() + " " + s.source(), ms(s.ms()), ms(s.reorderMs()),
                    String.join(", ", prims)});
            }
            return rows;
        }

        void addTo(BenchReport.Table groups, BenchReport.Table steps) {
            groupRows().forEach(groups::row);
            stepRows().forEach(steps::row);
        }
    }

    /** The part of the point a step kind belongs to. */
    static String group(String kind) {
        if (kind.contains("conv")) {
            return "conv";
        }
        if (kind.equals("batchnorm")) {
            return "batch norm";
        }
        if (kind.equals("activation")) {
            return "activation";
        }
        if (kind.contains("pool") || kind.startsWith("global-")) {
            return "pooling";
        }
        if (kind.startsWith("elementwise-") || kind.equals("merge")) {
            return "add";
        }
        if (kind.startsWith("dense")) {
            return "dense";
        }
        if (kind.equals("output + loss")) {
            return "output + loss";
        }
        return "other (" + kind + ")";
    }

    /**
     * Reads a child's output: the marks it printed and the oneDNN trace lines between them
     * ({@code dnnl_verbose,exec,cpu,<primitive>,<implementation>,...,<time ms>}), each primitive counted in the step
     * whose mark follows it.
     */
    static Profiled parse(String model, List<String> lines) {
        boolean in = false;
        boolean traced = false;
        Map<String, Double> pending = new LinkedHashMap<>();
        int pendingReorders = 0;
        Map<Integer, Map<String, Double>> primitives = new LinkedHashMap<>();
        Map<Integer, Integer> reorders = new LinkedHashMap<>();
        double update = 0;
        double prepare = 0;
        List<StepProfile> steps = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith(MARK + "begin")) {
                in = true;
            } else if (line.startsWith(MARK + "end")) {
                in = false;
            } else if (line.startsWith(MARK + "prepared")) {
                pending.clear();                               // BN folding's own ops are not a step's
                pendingReorders = 0;
            } else if (in && line.startsWith(MARK + "step ")) {
                int step = Integer.parseInt(line.substring(MARK.length() + 5).trim());
                Map<String, Double> p = primitives.computeIfAbsent(step, k -> new LinkedHashMap<>());
                pending.forEach((k, v) -> p.merge(k, v, Double::sum));
                reorders.merge(step, pendingReorders, Integer::sum);
                pending.clear();
                pendingReorders = 0;
            } else if (in && (line.startsWith("dnnl_verbose,exec,") || line.startsWith("onednn_verbose,exec,"))) {
                String[] f = line.split(",");
                if (f.length > 4) {
                    traced = true;
                    pending.merge(f[3], Double.parseDouble(f[f.length - 1]), Double::sum);
                    if (f[3].equals("reorder")) {
                        pendingReorders++;
                    }
                }
            } else if (line.startsWith(MARK + "update ")) {
                update = Long.parseLong(line.substring(MARK.length() + 7).trim()) / 1e6;
            } else if (line.startsWith(MARK + "prepare ")) {
                prepare = Long.parseLong(line.substring(MARK.length() + 8).trim()) / 1e6;
            } else if (line.startsWith(MARK + "time ")) {
                String[] f = line.substring(MARK.length() + 5).split(" ", 3);
                int step = Integer.parseInt(f[0]);
                String[] kindSource = f[2].split("\t", 2);
                steps.add(new StepProfile(step, kindSource[0], kindSource.length > 1 ? kindSource[1] : "",
                        Long.parseLong(f[1]) / 1e6, primitives.getOrDefault(step, Map.of()),
                        reorders.getOrDefault(step, 0)));
            }
        }
        if (steps.isEmpty()) {
            throw new IllegalStateException("profiling " + model + " printed no step times");
        }
        return new Profiled(model, update, prepare, steps, traced);
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
    }
}

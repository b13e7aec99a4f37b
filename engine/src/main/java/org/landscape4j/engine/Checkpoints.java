package org.landscape4j.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import org.landscape4j.engine.internal.Batch;
import org.nd4j.linalg.api.ndarray.INDArray;

import reactor.core.publisher.Flux;

/**
 * What a landscape's checkpoint records about the run it belongs to, and the resumable stream over a
 * {@link CheckpointFile}: restored points first, then the missing ones, each written before it is emitted.
 */
final class Checkpoints {

    /** The header format; a file of another format is refused, naming it. */
    static final String FORMAT = "2";

    private Checkpoints() {
    }

    /**
     * What a checkpoint of a landscape must match, in the order it is compared: the spec's parts, then the
     * fingerprints of the model parameters and of the direction vectors.
     *
     * @param batches   per set, the engine's own resident batches (later changes to the caller's arrays do not change
     *                  them, so they are what the run evaluates)
     * @param evaluator how each point is evaluated ({@link EvaluationStrategy#description()})
     * @param vectors   the direction vectors or curve anchors
     */
    static Map<String, String> header(LandscapeSpec spec, MetricKeys keys, List<List<Batch>> batches,
                                      String evaluator, String modelFingerprint, INDArray[] vectors) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("format", FORMAT);
        h.put("grid", spec.axes().toString());
        h.put("directions", spec.directions() + ", seed " + spec.seed());
        List<String> data = new ArrayList<>();
        for (int s = 0; s < batches.size(); s++) {
            List<INDArray> arrays = new ArrayList<>();
            int inputs = batches.get(s).get(0).features().length;
            int outputs = batches.get(s).get(0).labels().length;
            for (int i = 0; i < inputs + outputs; i++) {
                for (Batch b : batches.get(s)) {
                    INDArray a = i < inputs ? b.features()[i] : b.labels()[i - inputs];
                    arrays.add(a.reshape(a.length()));
                }
            }
            long examples = batches.get(s).stream().mapToLong(Batch::size).sum();
            data.add(keys.sets().get(s) + " (" + examples + " examples, data "
                    + Fingerprint.of(arrays.toArray(INDArray[]::new)) + ")");
        }
        h.put("evaluation data", String.join(", ", data));
        h.put("metrics", String.join(", ", keys.metrics()));
        h.put("evaluator", evaluator);
        h.put("precision", spec.execution().precision().name()); // BF16 points must not continue a float run
        h.put("model parameters", modelFingerprint);
        StringBuilder dirs = new StringBuilder();
        for (INDArray v : vectors) {
            dirs.append(dirs.length() == 0 ? "" : ",").append(Fingerprint.of(v));
        }
        h.put("direction vectors", dirs.toString());
        h.put("points", Integer.toString(spec.totalPoints()));
        h.put("values", Integer.toString(keys.size()));
        return h;
    }

    /**
     * The points of a run recorded in {@code checkpoint}: the file is checked against {@code header} now (before any
     * work); on subscription it is opened and locked, its points are streamed first (flagged restored), then
     * {@code compute} streams the missing ones and each is appended before it is emitted.
     *
     * @param runs    a fresh run, to turn recorded values back into points
     * @param compute the points not marked done, with sequence numbers from the given first one
     */
    static Flux<LandscapePoint> resumable(Path checkpoint, Map<String, String> header, MetricKeys keys,
                                          Supplier<LandscapeRun> runs,
                                          BiFunction<boolean[], Integer, Flux<LandscapePoint>> compute) {
        CheckpointFile.check(checkpoint, header);
        int points = Integer.parseInt(header.get("points"));
        return Flux.using(() -> CheckpointFile.open(checkpoint, header, keys.size()), file -> {
            LandscapeRun run = runs.get();
            boolean[] done = new boolean[points];
            List<LandscapePoint> restored = new ArrayList<>();
            for (CheckpointFile.Record r : file.recovered()) {
                done[r.index()] = true;
                restored.add(run.restored(r.index(), restored.size(), r.values()));
            }
            return Flux.fromIterable(restored).concatWith(compute.apply(done, restored.size()).doOnNext(p -> {
                double[] v = new double[keys.size()];
                for (int k = 0; k < v.length; k++) {
                    v[k] = p.value(k);
                }
                file.append(p.index(), v);
            }));
        }, CheckpointFile::close);
    }
}

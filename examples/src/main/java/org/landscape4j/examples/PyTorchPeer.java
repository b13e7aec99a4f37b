package org.landscape4j.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's PyTorch peer: {@code bench_peer.py} (a resource of this module, from {@code src/main/python}) run
 * with a Python that has PyTorch, in the same invocation as the Java measurements, on the same networks, input shapes,
 * grid, evaluation images and timing protocol. The peer draws its own random directions (speed is compared, not
 * numbers). Without a Python with PyTorch nothing fails: {@link #unavailable()} says why and how to install it. It
 * also writes the imported networks' ONNX files ({@link #export}), so the Java side imports what the peer measures.
 */
final class PyTorchPeer {

    static final String SCRIPT = "bench_peer.py";
    static final String INSTALL = "apt-get install python3-torch";

    /** One measurement of the peer: a network in one memory layout at one batch size. */
    record Result(String model, String layout, int batch, int points, double pointsPerSecond, long flopsPerExample,
                  int threads, String torch, String blas) {
    }

    private final String python;
    private final Path script;
    private final String unavailable;
    private final Map<String, String> versions;

    private PyTorchPeer(String python, Path script, String unavailable, Map<String, String> versions) {
        this.python = python;
        this.script = script;
        this.unavailable = unavailable;
        this.versions = versions;
    }

    /**
     * Finds a Python with PyTorch among {@code candidates} (the first that has it), writing the script into
     * {@code dir}; a peer that is {@link #unavailable()} when none has it.
     */
    static PyTorchPeer find(List<String> candidates, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path script = dir.resolve(SCRIPT);
        try (InputStream in = PyTorchPeer.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                return new PyTorchPeer(null, null, "the peer script " + SCRIPT + " is not on the class path", Map.of());
            }
            Files.write(script, in.readAllBytes());
        }
        List<String> tried = new ArrayList<>();
        String missing = null;
        for (String python : candidates) {
            List<Map<String, String>> out = run(List.of(python, script.toString(), "--probe"), Map.of());
            Map<String, String> first = out.isEmpty() ? Map.of() : out.get(0);
            if ("ok".equals(first.get("status"))) {
                return new PyTorchPeer(python, script, null, first);
            }
            if ("torch-missing".equals(first.get("status"))) {
                missing = first.get("message");
            }
            tried.add(python);
        }
        return new PyTorchPeer(null, script, missing != null ? missing + " (tried " + String.join(", ", tried) + ")"
                : "no Python found (tried " + String.join(", ", tried) + "); PyTorch: `" + INSTALL + "`", Map.of());
    }

    /** Why the peer cannot run ({@code null} when it can), with how to install what is missing. */
    String unavailable() {
        return unavailable;
    }

    /** {@code "python /usr/bin/python3, torch 1.13.0a0, OpenBLAS (...)"} of the Python found. */
    String describe() {
        return unavailable != null ? "PyTorch peer not measured: " + unavailable
                : "PyTorch peer: " + python + ", torch " + versions.get("torch") + ", dense layers on "
                + versions.get("blas") + ", MKL-DNN " + versions.get("mkldnn");
    }

    /**
     * Measures {@code model} in every layout and batch size with the given protocol; an empty list when the peer is
     * unavailable or failed (the failure is printed, never thrown).
     */
    List<Result> measure(String model, double seconds, double warmup, int minPoints, int threads, String batches) {
        if (unavailable != null) {
            return List.of();
        }
        List<Result> results = new ArrayList<>();
        for (String batch : batches.split(",")) {
            List<String> command = List.of(python, script.toString(), "--models", model,
                    "--seconds", Double.toString(seconds), "--warmup", Double.toString(warmup),
                    "--min-points", Integer.toString(minPoints), "--threads", Integer.toString(threads),
                    "--batch", batch.trim(), "--data", FashionMnist.DEBIAN_DIR.toString());
            String threadsText = Integer.toString(threads);
            for (Map<String, String> r : run(command, Map.of("OMP_NUM_THREADS", threadsText, "MKL_NUM_THREADS",
                    threadsText, "OPENBLAS_NUM_THREADS", threadsText))) {
                if ("result".equals(r.get("status"))) {
                    results.add(new Result(r.get("model"), r.get("layout"), Integer.parseInt(r.get("batch")),
                            Integer.parseInt(r.get("points")), Double.parseDouble(r.get("points_per_s")),
                            Long.parseLong(r.get("flops_per_example")), Integer.parseInt(r.get("threads")),
                            r.get("torch"), r.get("blas")));
                } else if (!"data".equals(r.get("status"))) {
                    System.out.println("PyTorch peer: " + r);
                }
            }
        }
        return results;
    }

    /**
     * Writes {@code model}, one of {@link BenchNetworks#IMPORTED}, as ONNX to {@code file}: {@code bench_peer.py
     * --export}, the network its measurement builds (same seed, same weights), exported the models module's way.
     *
     * @return {@code file}
     * @throws IllegalStateException why it could not: the peer is {@link #unavailable()}, torchvision is missing, or
     *                               the export failed (its output is printed)
     */
    Path export(String model, Path file) {
        if (unavailable != null) {
            throw new IllegalStateException(unavailable);
        }
        for (Map<String, String> r : run(List.of(python, script.toString(), "--export", model, file.toString()),
                Map.of())) {
            if ("exported".equals(r.get("status")) && Files.isRegularFile(file)) {
                return file;
            }
            if (r.containsKey("message")) {
                throw new IllegalStateException(r.get("message"));
            }
        }
        throw new IllegalStateException(SCRIPT + " --export " + model + " wrote no ONNX file with " + python
                + " (its output is above)");
    }

    /** The fastest result of {@code layout}, or {@code null}. */
    static Result best(List<Result> results, String layout) {
        Result best = null;
        for (Result r : results) {
            if (r.layout().equals(layout) && (best == null || r.pointsPerSecond() > best.pointsPerSecond())) {
                best = r;
            }
        }
        return best;
    }

    /** Runs a command, returning its JSON lines (other lines are echoed); empty when it cannot start. */
    private static List<Map<String, String>> run(List<String> command, Map<String, String> env) {
        List<Map<String, String>> lines = new ArrayList<>();
        try {
            ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
            b.environment().putAll(env);
            Process p = b.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.startsWith("{")) {
                        lines.add(parseFlatJson(line));
                    } else if (!line.isBlank()) {
                        System.out.println("  peer: " + line);
                    }
                }
            }
            int code = p.waitFor();
            if (code != 0) {
                System.out.println("PyTorch peer " + String.join(" ", command) + " exited with " + code);
            }
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return lines;
    }

    private static final Pattern FIELD = Pattern.compile(
            "\"([^\"]+)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|\\[[^\\]]*\\]|[^,}\\s]+)");

    /** The fields of one flat JSON object (strings, numbers, booleans, flat lists kept as their text). */
    static Map<String, String> parseFlatJson(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
            fields.put(m.group(1), m.group(3) != null ? m.group(3).replace("\\\"", "\"").replace("\\\\", "\\")
                    : m.group(2));
        }
        return fields;
    }

    /** The candidates tried, in order: {@code --python}, then $LANDSCAPE4J_PYTHON, python3, /usr/bin/python3. */
    static List<String> candidates(String given) {
        List<String> c = new ArrayList<>();
        if (given != null) {
            c.add(given);
        }
        String env = System.getenv("LANDSCAPE4J_PYTHON");
        if (env != null && !env.isBlank()) {
            c.add(env);
        }
        for (String p : new String[] {"python3", "/usr/bin/python3"}) {
            if (!c.contains(p)) {
                c.add(p);
            }
        }
        return c;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "PyTorchPeer(%s)", unavailable == null ? python : "unavailable");
    }
}

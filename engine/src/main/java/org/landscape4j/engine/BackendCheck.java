package org.landscape4j.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.nd4j.linalg.factory.Nd4j;

/**
 * The ND4J backend a landscape asked for ({@link Execution#backend()}) against the one ND4J loaded, checked before any
 * work, and the loaded backend's one-line description for {@link Provenance#backend()} and
 * {@link Landscape#evaluationPlan()}. When {@link Backend#ND4J_CUDA} is asked for and not loaded, the refusal names the
 * first thing missing: the CUDA backend on the class path, an NVIDIA GPU, a compute capability nd4j-cuda-11.6 has
 * machine code for, the CUDA 11 runtime. {@link Backend#CUDA}, the engine's own GPU back end, is checked by
 * {@link DeviceCheck}.
 */
final class BackendCheck {

    /** ND4J's CUDA backend (nd4j-cuda-11.6), looked up by name: the default build does not have it. */
    static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";

    private static volatile String description;

    private BackendCheck() {
    }

    /**
     * Refuses, in one line saying why, when {@code wanted} is not the loaded backend (or cannot run here).
     *
     * @throws IllegalStateException naming what is missing
     */
    static void require(Backend wanted) {
        if (wanted == Backend.AUTO || wanted == Backend.CUDA) {
            return;                                         // CUDA: DeviceCheck
        }
        String why = refusal(wanted, Machine.probe(wanted == Backend.ND4J_CUDA));
        if (why != null) {
            throw new IllegalStateException(why);
        }
    }

    /** A GPU: its name and compute capability ({@code major} -1 when unknown). */
    record Gpu(String name, int major, int minor) {
        String capability() {
            return major < 0 ? "unknown" : major + "." + minor;
        }
    }

    /**
     * What the checks read of this machine.
     *
     * @param loadedBackend   the simple class name of ND4J's loaded backend
     * @param cudaOnClassPath whether nd4j-cuda's backend class is on the class path
     * @param gpus            the NVIDIA GPUs found, or {@code null} when none was (then {@code gpuProbe} says how it
     *                        looked); only read when CUDA is asked for
     * @param gpuProbe        how the GPUs were looked for ({@code "nvidia-smi"}, or what was missing)
     * @param cudaRuntime     where the CUDA 11 runtime library was found, or {@code null}
     */
    record Machine(String loadedBackend, boolean cudaOnClassPath, List<Gpu> gpus, String gpuProbe,
                   String cudaRuntime) {

        static Machine probe(boolean cuda) {
            String loaded = Nd4j.getBackend().getClass().getSimpleName();
            if (!cuda) {
                return new Machine(loaded, false, null, "not looked for", null);
            }
            boolean onClassPath;
            try {
                Class.forName(CUDA_BACKEND, false, BackendCheck.class.getClassLoader());
                onClassPath = true;
            } catch (ClassNotFoundException | LinkageError e) {
                onClassPath = false;
            }
            List<Gpu> gpus = isCuda(loaded) ? nd4jDevices() : null;
            String probe = "ND4J's device list";
            if (gpus == null) {
                probe = "nvidia-smi";
                gpus = nvidiaSmi();
            }
            if (gpus == null) {
                probe = "no nvidia-smi on the PATH, no /proc/driver/nvidia/gpus";
                gpus = procGpus();
            }
            return new Machine(loaded, onClassPath, gpus == null || gpus.isEmpty() ? null : gpus, probe,
                    findCudaRuntime());
        }
    }

    /** Why {@code wanted} cannot run on {@code m}, in one line, or {@code null} when it can. */
    static String refusal(Backend wanted, Machine m) {
        boolean cudaLoaded = isCuda(m.loadedBackend());
        if (wanted == Backend.CPU) {
            return cudaLoaded ? "CPU asked for, but ND4J loaded " + m.loadedBackend() + " (nd4j-cuda on the class path"
                    + " takes priority over nd4j-native): build without -Pcuda (Backend.CUDA, the engine's GPU back end,"
                    + " runs beside nd4j-native)" : null;
        }
        if (wanted != Backend.ND4J_CUDA) {
            return null;
        }
        String head = "ND4J_CUDA asked for, but ";
        if (!cudaLoaded && !m.cudaOnClassPath()) {
            return head + "no CUDA backend is on the class path (ND4J loaded " + m.loadedBackend() + "): build with "
                    + "-Pcuda, which adds nd4j-cuda-11.6, the only CUDA backend of ND4J 1.0.0-M2.1";
        }
        if (m.gpus() == null) {
            return head + "no NVIDIA GPU was found (" + m.gpuProbe() + ")";
        }
        Gpu gpu = m.gpus().get(0);
        if (gpu.major() >= 9 || (gpu.major() >= 0 && gpu.major() * 10 + gpu.minor() < 37)) {
            return head + "GPU 0 '" + gpu.name() + "' has compute capability " + gpu.capability()
                    + ": nd4j-cuda-11.6 (ND4J 1.0.0-M2.1) carries machine code for sm_37 to sm_86 only and no PTX, "
                    + "so it cannot run there";
        }
        if (cudaLoaded) {
            return null;
        }
        if (m.cudaRuntime() == null) {
            return head + "the CUDA 11 runtime (libcudart.so.11.0) is not on LD_LIBRARY_PATH, in the ld.so cache or "
                    + "in /usr/local/cuda*/lib64: nd4j-cuda-11.6 needs CUDA 11.6 and cuDNN 8.3 (or "
                    + "org.bytedeco:cuda 11.6-8.3-1.5.7 with classifier linux-x86_64-redist on the class path)";
        }
        return head + "ND4J loaded " + m.loadedBackend() + " although nd4j-cuda-11.6, GPU 0 '" + gpu.name()
                + "' (compute capability " + gpu.capability() + ") and " + m.cudaRuntime() + " were found: ND4J's "
                + "start-up log says why its CUDA backend did not load";
    }

    /**
     * The loaded backend in one line, e.g. {@code "CPU (ND4J CpuBackend, oneDNN + OpenBLAS, 2 cores, AMD EPYC)"} or
     * {@code "CUDA (ND4J JCublasBackend, GPU 0 NVIDIA A100-SXM4-40GB, compute capability 8.0)"}; read once per JVM
     * (ND4J loads one backend per JVM).
     */
    static String describe() {
        String d = description;
        if (d == null) {
            d = describeNow();
            description = d;
        }
        return d;
    }

    private static String describeNow() {
        String name = Nd4j.getBackend().getClass().getSimpleName();
        if (isCuda(name)) {
            List<Gpu> gpus = nd4jDevices();
            if (gpus == null || gpus.isEmpty()) {
                return "CUDA (ND4J " + name + ")";
            }
            Gpu g = gpus.get(0);
            return "CUDA (ND4J " + name + ", GPU 0 " + g.name() + ", compute capability " + g.capability()
                    + (gpus.size() > 1 ? ", " + gpus.size() + " GPUs" : "") + ")";
        }
        if (!Nd4j.getEnvironment().isCPU()) {
            return "ND4J " + name;
        }
        String build = Nd4j.getBackend().buildInfo();
        List<String> libraries = new ArrayList<>();
        libraries.add(build.contains("HAVE_ONEDNN") ? "oneDNN" : "no oneDNN");
        if (build.contains("HAVE_OPENBLAS")) {
            libraries.add("OpenBLAS");
        }
        return "CPU (ND4J " + name + ", " + String.join(" + ", libraries) + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, " + cpuModel() + ")";
    }

    static boolean isCuda(String backendClassName) {
        return CUDA_BACKEND.endsWith("." + backendClassName);
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(System.getProperty("os.arch"));
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }

    /** The devices of a loaded CUDA backend, from ND4J's environment information, or {@code null}. */
    @SuppressWarnings("unchecked")
    private static List<Gpu> nd4jDevices() {
        Object info = Nd4j.getExecutioner().getEnvironmentInformation().get("cuda.devicesInformation");
        if (!(info instanceof List<?> list)) {
            return null;
        }
        List<Gpu> gpus = new ArrayList<>();
        for (Object o : list) {
            Map<String, Object> m = (Map<String, Object>) o;
            gpus.add(new Gpu(String.valueOf(m.get("cuda.deviceName")), intOf(m.get("cuda.deviceMajor")),
                    intOf(m.get("cuda.deviceMinor"))));
        }
        return gpus;
    }

    private static int intOf(Object o) {
        try {
            return o == null ? -1 : Integer.parseInt(o.toString().trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The GPUs nvidia-smi lists, with their compute capability when the driver reports it; {@code null} without it. */
    private static List<Gpu> nvidiaSmi() {
        List<String> lines = run("nvidia-smi", "--query-gpu=name,compute_cap", "--format=csv,noheader");
        if (lines == null) {
            lines = run("nvidia-smi", "--query-gpu=name", "--format=csv,noheader");       // drivers before 510
        }
        return lines == null ? null : parseNvidiaSmi(lines);
    }

    /** nvidia-smi's {@code name, compute_cap} lines ({@code "NVIDIA H100 80GB HBM3, 9.0"}) as GPUs. */
    static List<Gpu> parseNvidiaSmi(List<String> lines) {
        List<Gpu> gpus = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            int comma = line.lastIndexOf(',');
            String cap = comma < 0 ? "" : line.substring(comma + 1).trim();
            int dot = cap.indexOf('.');
            if (dot > 0 && cap.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
                gpus.add(new Gpu(line.substring(0, comma).trim(), Integer.parseInt(cap.substring(0, dot)),
                        Integer.parseInt(cap.substring(dot + 1))));
            } else {
                gpus.add(new Gpu(line.trim(), -1, -1));
            }
        }
        return gpus;
    }

    private static List<Gpu> procGpus() {
        Path dir = Path.of("/proc/driver/nvidia/gpus");
        if (!Files.isDirectory(dir)) {
            return null;
        }
        List<Gpu> gpus = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.sorted().toList()) {
                String model = Files.readAllLines(p.resolve("information")).stream()
                        .filter(l -> l.startsWith("Model:")).findFirst()
                        .map(l -> l.substring(6).trim()).orElse(p.getFileName().toString());
                gpus.add(new Gpu(model, -1, -1));
            }
        } catch (IOException | RuntimeException e) {
            return gpus.isEmpty() ? null : gpus;
        }
        return gpus;
    }

    /** Where {@code libcudart.so.11*} is: a library directory, the ld.so cache or a CUDA redist jar; or {@code null}. */
    private static String findCudaRuntime() {
        Set<String> dirs = new LinkedHashSet<>();
        for (String var : new String[] {System.getenv("LD_LIBRARY_PATH"), System.getProperty("java.library.path")}) {
            if (var != null) {
                dirs.addAll(List.of(var.split(java.io.File.pathSeparator)));
            }
        }
        dirs.add("/usr/local/cuda/lib64");
        dirs.add("/usr/lib/x86_64-linux-gnu");
        dirs.add("/usr/lib64");
        try (Stream<Path> local = Files.list(Path.of("/usr/local"))) {
            local.filter(p -> p.getFileName().toString().startsWith("cuda-11")).forEach(p -> dirs.add(p + "/lib64"));
        } catch (IOException | RuntimeException e) {
            // no /usr/local: nothing to add
        }
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            try (Stream<Path> files = Files.list(Path.of(d))) {
                if (files.anyMatch(f -> f.getFileName().toString().startsWith("libcudart.so.11"))) {
                    return "libcudart.so.11 in " + d;
                }
            } catch (IOException | RuntimeException e) {
                // not a readable directory
            }
        }
        try {
            if (new String(Files.readAllBytes(Path.of("/etc/ld.so.cache")), StandardCharsets.ISO_8859_1)
                    .contains("libcudart.so.11")) {
                return "libcudart.so.11 in the ld.so cache";
            }
        } catch (IOException | RuntimeException e) {
            // no cache
        }
        for (String e : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            String f = e.toLowerCase(Locale.ROOT);
            if (f.contains("cuda-11") && f.contains("redist")) {
                return Path.of(e).getFileName() + " on the class path";
            }
        }
        return null;
    }

    /** The output lines of a short command, or {@code null} when it is missing, fails or takes over 10 s. */
    private static List<String> run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {          // its few lines fit the pipe: read them after it ends
                p.destroyForcibly();
                return null;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.exitValue() == 0 ? out.lines().toList() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}

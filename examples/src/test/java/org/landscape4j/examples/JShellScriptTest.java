package org.landscape4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the JShell scripts through the JShell API, each in a fresh shell after {@code examples/startup.jsh}, as
 * {@code bin/jshell-landscape examples/<script>.jsh} does, so they cannot rot: every snippet must be complete and
 * compile to a VALID snippet (a method that refers to something missing is RECOVERABLE, not REJECTED, and counts as
 * a failure too), and no snippet may throw. The scripts run in full, at the small sizes written in them.
 */
class JShellScriptTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getFileName().toString().equals("examples")
            ? Path.of("..").toAbsolutePath().normalize() : Path.of("").toAbsolutePath();
    private static final Path SEEDS = ROOT.resolve("examples/src/main/java/org/landscape4j/examples/seeds");

    @Test
    void startupAndLandscapeScriptsRunCleanly() throws Exception {
        Files.deleteIfExists(ROOT.resolve("examples/target/jshell-heatmap.png"));
        String summary;
        try (JShell shell = shell()) {
            assertThat(run(shell, "examples/startup.jsh", "examples/landscape.jsh")).isEmpty();
            summary = shell.eval("s.toString()").get(0).value();
        }
        assertThat(summary).contains("Surface 21x21").contains("train/loss").contains("min ");
        assertThat(ROOT.resolve("examples/target/jshell-heatmap.png")).isNotEmptyFile();
    }

    /** The seed scripts: every {@code examples/*.jsh} but the start-up script and {@code landscape.jsh}. */
    static Stream<String> seedScripts() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve("examples"))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".jsh") && !n.equals("startup.jsh") && !n.equals("landscape.jsh"))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("seedScripts")
    void seedScriptRunsCleanlyAndWritesItsPictures(String script) throws Exception {
        String name = script.substring(0, script.length() - ".jsh".length());
        Path folder = ROOT.resolve("examples/target/jshell").resolve(name);
        deleteRecursively(folder);
        try (JShell shell = shell()) {
            assertThat(run(shell, "examples/startup.jsh", "examples/" + script)).isEmpty();
        }
        assertThat(folder.resolve("findings.csv")).exists();
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.filter(f -> f.toString().endsWith(".png"))).isNotEmpty()
                    .allSatisfy(f -> assertThat(f).isNotEmptyFile());
        }
    }

    @Test
    void everyRunnableSeedExampleHasAScript() throws IOException {
        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.list(SEEDS)) {
            for (Path f : files.sorted().toList()) {
                if (Files.readString(f).contains("public static void main(String[] args)")) {
                    String className = f.getFileName().toString().replace(".java", "");
                    String script = className.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT) + ".jsh";
                    if (!Files.exists(ROOT.resolve("examples").resolve(script))) {
                        missing.add(className + " -> examples/" + script);
                    }
                }
            }
        }
        assertThat(missing).isEmpty();
        assertThat(seedScripts()).hasSizeGreaterThanOrEqualTo(6);
    }

    private static void deleteRecursively(Path folder) throws IOException {
        if (Files.exists(folder)) {
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    private static JShell shell() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JShell shell = JShell.builder().executionEngine("local")
                .out(new PrintStream(out, true, StandardCharsets.UTF_8))
                .err(new PrintStream(out, true, StandardCharsets.UTF_8)).build();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            shell.addToClasspath(entry);
        }
        return shell;
    }

    /**
     * Evaluates the scripts as the jshell tool loads a file: line by line, each snippet as soon as the lines read so
     * far complete one (so a line that starts with {@code .} after a complete statement is an error, as there);
     * writing under this checkout's target folder. Returns the problems.
     */
    private static List<String> run(JShell shell, String... scripts) throws IOException {
        List<String> problems = new ArrayList<>();
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        for (String script : scripts) {
            String text = Files.readString(ROOT.resolve(script)).replace("examples/target/",
                    ROOT.resolve("examples/target") + "/");
            String pending = "";
            for (String line : text.split("\n", -1)) {
                pending += line + "\n";
                SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(pending);
                while (info.completeness().isComplete()) {
                    problems.addAll(eval(shell, script, info.source()));
                    pending = info.remaining();
                    info = analysis.analyzeCompletion(pending);
                }
                if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                    pending = ""; // blank lines and comments
                }
            }
            if (!pending.isBlank()) {
                problems.add(script + ": incomplete at the end: " + pending.strip());
            }
        }
        return problems;
    }

    private static List<String> eval(JShell shell, String script, String source) {
        List<String> problems = new ArrayList<>();
        for (SnippetEvent e : shell.eval(source)) {
            boolean own = e.causeSnippet() == null;
            if (own && e.status() != Snippet.Status.VALID || e.exception() != null) {
                problems.add(script + ": " + source.strip() + " -> " + e.status() + " "
                        + (e.exception() == null ? shell.diagnostics(e.snippet()).map(
                                d -> d.getMessage(null)).toList() : e.exception().toString()));
            }
        }
        return problems;
    }
}

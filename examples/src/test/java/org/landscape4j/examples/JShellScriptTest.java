package org.landscape4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

import org.junit.jupiter.api.Test;

/** Runs {@code examples/startup.jsh} then {@code examples/landscape.jsh} through the JShell API, so they cannot rot. */
class JShellScriptTest {

    @Test
    void startupAndLandscapeScriptsRunCleanly() throws Exception {
        Path root = Path.of("").toAbsolutePath().getFileName().toString().equals("examples")
                ? Path.of("..").toAbsolutePath().normalize() : Path.of("").toAbsolutePath();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> problems = new ArrayList<>();
        String summary;
        try (JShell shell = JShell.builder().executionEngine("local")
                .out(new PrintStream(out, true, StandardCharsets.UTF_8))
                .err(new PrintStream(out, true, StandardCharsets.UTF_8)).build()) {
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                shell.addToClasspath(entry);
            }
            for (String script : new String[] {"examples/startup.jsh", "examples/landscape.jsh"}) {
                String rest = Files.readString(root.resolve(script)).replace("examples/target/",
                        root.resolve("examples/target").toString() + "/");
                SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
                while (!rest.isBlank()) {
                    SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
                    String source = info.source();
                    rest = info.remaining();
                    if (source == null || source.isBlank()) {
                        break;
                    }
                    for (SnippetEvent e : shell.eval(source)) {
                        if (e.status() == Snippet.Status.REJECTED || e.exception() != null) {
                            problems.add(script + ": " + source.strip() + " -> " + e.status() + " "
                                    + (e.exception() == null ? shell.diagnostics(e.snippet()).map(
                                            d -> d.getMessage(null)).toList() : e.exception().toString()));
                        }
                    }
                }
            }
            summary = shell.eval("s.toString()").get(0).value();
        }
        assertThat(problems).isEmpty();
        assertThat(summary).contains("Surface 21x21").contains("train/loss").contains("min ");
        assertThat(root.resolve("examples/target/jshell-heatmap.png")).isNotEmptyFile();
    }
}

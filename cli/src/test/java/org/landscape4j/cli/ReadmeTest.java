package org.landscape4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.landscape4j.engine.Axis;

import picocli.CommandLine;

/**
 * Keeps the README (and the pages under docs/ it links to) honest: every {@code bin/landscape} command line in them
 * parses with the real command, every option the README names exists, the two commands {@code .ci/run} relies on are
 * there verbatim, and every relative link points to a file of the checkout (and to a heading of it, with an anchor).
 */
class ReadmeTest {

    // surefire runs in the module's directory; the README is the project's
    private static final Path ROOT = Path.of("..");
    private static final Pattern OPTION = Pattern.compile("`(--[a-z][a-z0-9-]*)");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)|src=\"([^\"]+)\"");

    /** The command lines of a Markdown file: lines starting with {@code bin/landscape}, continuations joined. */
    static List<String> commandLines(String markdown) {
        List<String> out = new ArrayList<>();
        String[] lines = markdown.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (!line.startsWith("bin/landscape ")) {
                continue;
            }
            StringBuilder command = new StringBuilder();
            while (line.endsWith("\\") && i + 1 < lines.length) {
                command.append(line, 0, line.length() - 1).append(' ');
                line = lines[++i].strip();
            }
            command.append(line);
            String text = command.toString().replaceAll("\\s+", " ");
            int comment = text.indexOf(" #");
            out.add((comment < 0 ? text : text.substring(0, comment)).strip());
        }
        return out;
    }

    /** Parses as {@code bin/landscape} does ({@link LandscapeCommand#execute}), without running anything. */
    static void parse(String commandLine) {
        String[] words = commandLine.substring("bin/landscape ".length()).strip().split("\\s+");
        CommandLine cl = new CommandLine(new LandscapeCommand());
        cl.registerConverter(Axis.class, new GridConverter());
        CommandLine.ParseResult result = cl.parseArgs(words);
        assertThat(result.subcommand()).as("a command: %s", commandLine).isNotNull();
        assertThat(result.subcommand().isUsageHelpRequested()).as("--help in %s", commandLine).isFalse();
    }

    static String read(String relative) throws IOException {
        return Files.readString(ROOT.resolve(relative));
    }

    @Test
    void everyCommandLineOfTheReadmeParses() throws IOException {
        List<String> commands = commandLines(read("README.md"));
        assertThat(commands).as("the README's bin/landscape lines").hasSizeGreaterThanOrEqualTo(8);
        for (String c : commands) {
            assertThat(c).as("an elided command line in the README").doesNotContain("...", "…");
            assertThatCode(() -> parse(c)).as(c).doesNotThrowAnyException();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"docs/cli.md", "docs/models.md", "docs/spark.md", "docs/api.md"})
    void everyCompleteCommandLineOfTheDocsParses(String page) throws IOException {
        // "bin/landscape surface ... --master URL" shows one option, the rest elided: not a command to parse
        for (String c : commandLines(read(page))) {
            if (!c.contains("...")) {
                assertThatCode(() -> parse(c)).as(page + ": " + c).doesNotThrowAnyException();
            }
        }
    }

    @Test
    void aCommandLineWithAnUnknownOptionIsCaught() {
        assertThatCode(() -> parse("bin/landscape surface --model m.onnx --data d.npz --out run/ --xnrom filter"))
                .isInstanceOf(CommandLine.UnmatchedArgumentException.class);
        assertThat(commandLines("text\n    bin/landscape line --model m.zip \\\n  --data d.csv --out o/   # a line\n"))
                .containsExactly("bin/landscape line --model m.zip --data d.csv --out o/");
    }

    @Test
    void everyOptionTheReadmeNamesExists() throws IOException {
        Set<String> known = new LinkedHashSet<>();
        CommandLine cl = new CommandLine(new LandscapeCommand());
        cl.getSubcommands().values().forEach(sub -> sub.getCommandSpec().options()
                .forEach(o -> known.addAll(Arrays.asList(o.names()))));
        // loss-landscape's own flags are named in the mapping section's left column and in its prose; ours are
        // every option named anywhere else, and the table's right column
        String readme = read("README.md");
        int from = readme.indexOf("### From tomgoldstein/loss-landscape's flags");
        int to = readme.indexOf("\n## ", from);
        assertThat(from).as("the README's loss-landscape section").isNotNegative();
        StringBuilder ours = new StringBuilder(readme.substring(0, from)).append(readme.substring(to));
        List<String> rows = readme.substring(from, to).lines().filter(l -> l.startsWith("| ")).toList();
        assertThat(rows).as("the flag table").hasSizeGreaterThanOrEqualTo(15);
        for (String row : rows) {
            String[] cells = row.split("(?<!\\\\)\\|");
            ours.append('\n').append(cells[2]);
        }
        List<String> named = new ArrayList<>();
        Matcher m = OPTION.matcher(ours);
        while (m.find()) {
            named.add(m.group(1));
        }
        assertThat(named).as("options the README names").isNotEmpty();
        assertThat(known).as("the commands' options").containsAll(named);
    }

    @Test
    void theReadmeHoldsTheTwoCommandsTheCiRuns() throws IOException {
        String readme = read("README.md");
        assertThat(readme).contains("\nmvn -B -q -pl examples -am -DskipTests package exec:exec\n", "\nmvn -B verify\n");
        assertThat(read(".ci/run")).contains("mvn -B verify");
        assertThat(readme.lines().count()).as("the README's length").isLessThanOrEqualTo(300);
    }

    /** GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, spaces as hyphens. */
    static Set<String> anchors(Path markdown) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        for (String line : Files.readAllLines(markdown)) {
            if (line.matches("^#{1,6} .*")) {
                String heading = line.replaceFirst("^#+ ", "").strip().toLowerCase(java.util.Locale.ROOT);
                out.add(heading.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return out;
    }

    @Test
    void everyRelativeLinkPointsToAFile() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path page : pages) {
            Matcher m = LINK.matcher(Files.readString(page));
            while (m.find()) {
                String target = m.group(1) != null ? m.group(1) : m.group(2);
                if (target.matches("^[a-z]+:.*")) {
                    continue;                                       // https:, mailto:
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty() ? page : page.getParent().resolve(file);
                links++;
                if (!Files.exists(resolved)) {
                    broken.add(ROOT.relativize(page) + ": " + target);
                } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
                    broken.add(ROOT.relativize(page) + ": " + target + " (no such heading)");
                }
            }
        }
        assertThat(links).as("relative links checked").isGreaterThan(20);
        assertThat(broken).as("links to missing files").isEmpty();
    }
}

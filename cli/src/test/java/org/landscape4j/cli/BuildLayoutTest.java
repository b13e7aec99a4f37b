package org.landscape4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The build's promises to library users: a BOM with every library module, at the build's version. */
class BuildLayoutTest {

    private static final Path ROOT = Path.of("..");

    @Test
    void theBomManagesEveryLibraryModuleAtTheBuildsVersion() throws IOException {
        String parent = Files.readString(ROOT.resolve("pom.xml"));
        String bom = Files.readString(ROOT.resolve("bom").resolve("pom.xml"));
        List<String> modules = all(Pattern.compile("<module>([^<]+)</module>"), parent);
        assertThat(modules).contains("bom", "engine", "examples");
        for (String module : modules) {
            if (module.equals("bom") || module.equals("examples")) {
                continue;
            }
            String artifact = first(Pattern.compile("\n  <artifactId>([^<]+)</artifactId>"),
                    Files.readString(ROOT.resolve(module).resolve("pom.xml")));
            assertThat(bom).as(module).contains("<artifactId>" + artifact + "</artifactId>");
        }
        assertThat(first(Pattern.compile("\n  <version>([^<]+)</version>"), bom))
                .isEqualTo(first(Pattern.compile("\n  <version>([^<]+)</version>"), parent));
    }

    private static List<String> all(Pattern p, String text) {
        return p.matcher(text).results().map(m -> m.group(1)).toList();
    }

    private static String first(Pattern p, String text) {
        Matcher m = p.matcher(text);
        assertThat(m.find()).as(p.pattern()).isTrue();
        return m.group(1);
    }
}

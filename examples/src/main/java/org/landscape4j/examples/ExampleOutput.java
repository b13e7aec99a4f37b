package org.landscape4j.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jfree.chart.JFreeChart;
import org.jfree.chart3d.Chart3D;
import org.landscape4j.charts.ChartFiles;
import org.landscape4j.engine.LandscapeResult;

/**
 * Where an example writes its pictures (PNG), numbers (CSV) and findings (a table printed and saved as
 * {@code findings.csv}). Everything in {@code findings.csv} and the results' CSVs is reproduced byte for byte by the
 * same command on the same machine; wall-time claims, which are not, go to {@code timings.csv}
 * ({@link #timingClaim}).
 */
public final class ExampleOutput {

    private final Path dir;
    private final List<String> written = new ArrayList<>();
    private final StringBuilder findings = new StringBuilder();
    private final StringBuilder timings = new StringBuilder();
    private final long started = System.nanoTime();

    /** Creates {@code dir}. */
    public ExampleOutput(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** The folder. */
    public Path dir() {
        return dir;
    }

    /**
     * Writes a chart as PNG, 900x640; with the environment variable {@value #GALLERY} naming a folder, also a
     * 480x340 copy there (how the gallery of docs/experiments.md is made), named {@code <this folder's name>-<name>.png}.
     */
    public Path png(String name, JFreeChart chart) {
        Path gallery = galleryFile(name);
        if (gallery != null) {
            uncheck(() -> ChartFiles.png(chart, gallery, 480, 340));
        }
        return record(() -> ChartFiles.png(chart, dir.resolve(name + ".png"), 900, 640));
    }

    /** Writes a 3D chart as PNG, 900x700 (and 480x370 for the gallery, as {@link #png(String, JFreeChart)}). */
    public Path png(String name, Chart3D chart) {
        Path gallery = galleryFile(name);
        if (gallery != null) {
            uncheck(() -> ChartFiles.png(chart, gallery, 480, 370));
        }
        return record(() -> ChartFiles.png(chart, dir.resolve(name + ".png"), 900, 700));
    }

    /** The environment variable naming the folder for small gallery copies of the pictures. */
    public static final String GALLERY = "LANDSCAPE4J_GALLERY";

    private Path galleryFile(String name) {
        String folder = System.getenv(GALLERY);
        if (folder == null || folder.isBlank()) {
            return null;
        }
        Path g = Path.of(folder);
        try {
            Files.createDirectories(g);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + g, e);
        }
        return g.resolve(dir.getFileName() + "-" + name + ".png");
    }

    /** Writes a result as CSV. */
    public Path csv(String name, LandscapeResult result) {
        return record(() -> {
            Path f = dir.resolve(name + ".csv");
            try (Writer w = Files.newBufferedWriter(f)) {
                result.writeCsv(w);
            }
            return f;
        });
    }

    /** Starts the findings table with its column names. */
    public void header(String... columns) {
        line(columns);
    }

    /** A row of findings: printed now and saved in {@code findings.csv}. */
    public void row(Object... cells) {
        String[] text = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            text[i] = cells[i] instanceof Double d ? String.format(Locale.ROOT, "%.4g", d) : String.valueOf(cells[i]);
        }
        line(text);
    }

    /** Starts a table of the seed's claims: {@code claim | measured | holds}. */
    public void claimsHeader() {
        header("claim", "measured", "holds");
    }

    /**
     * One claim of the seed: in words, the numbers measured for it, and whether it holds at this size ({@code yes}
     * or {@code no}).
     */
    public void claim(String claim, String measured, boolean holds) {
        line(new String[] {claim, measured, holds ? "yes" : "no"});
    }

    /**
     * A claim about wall time: printed in the claims table like the others, saved in {@code timings.csv} instead of
     * {@code findings.csv}, since seconds (and so whether it holds) differ from run to run.
     */
    public void timingClaim(String claim, String measured, boolean holds) {
        String[] cells = {claim + " (timing, in timings.csv)", measured, holds ? "yes" : "no"};
        System.out.println(String.join(" | ", cells));
        if (timings.length() == 0) {
            timings.append(csv(new String[] {"claim", "measured", "holds"}));
        }
        timings.append(csv(new String[] {claim, measured, holds ? "yes" : "no"}));
    }

    /** Seconds since this output was created (the example's wall time when created first). */
    public double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    private void line(String[] cells) {
        System.out.println(String.join(" | ", cells));
        findings.append(csv(cells));
    }

    private static String csv(String[] cells) {
        String[] quoted = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i];
            quoted[i] = c.contains(",") || c.contains("\"") || c.contains("\n")
                    ? '"' + c.replace("\"", "\"\"") + '"' : c;
        }
        return String.join(",", quoted) + '\n';
    }

    /** Saves the findings (and timings, if any), prints what was written and the wall time. */
    public void finish() {
        record(() -> {
            Path f = dir.resolve("findings.csv");
            Files.writeString(f, findings);
            return f;
        });
        if (timings.length() > 0) {
            record(() -> {
                Path f = dir.resolve("timings.csv");
                Files.writeString(f, timings);
                return f;
            });
        }
        System.out.println("wrote " + written.size() + " files to " + dir.toAbsolutePath() + ": "
                + String.join(", ", written));
        System.out.printf(Locale.ROOT, "wall time: %.0f s%n", seconds());
    }

    private interface Write {
        Path run() throws IOException;
    }

    private Path record(Write w) {
        Path f = uncheck(w);
        written.add(f.getFileName().toString());
        return f;
    }

    private static Path uncheck(Write w) {
        try {
            return w.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

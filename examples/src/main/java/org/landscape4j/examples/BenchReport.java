package org.landscape4j.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's output: header lines and tables, printed to the console as rows arrive and rendered at the end as
 * Markdown ({@code bench.md}) and CSV ({@code bench.csv}). Rows may be added to any table at any time (the summary
 * fills while the details print); the console repeats a table's title when its rows resume after another's.
 */
final class BenchReport {

    /** A table: a title, its columns, its rows (each as many cells as columns) and notes printed under it. */
    static final class Table {
        final String title;
        final List<String> columns;
        final List<List<String>> rows = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        private final BenchReport report;

        private Table(BenchReport report, String title, List<String> columns) {
            this.report = report;
            this.title = title;
            this.columns = columns;
        }

        /**
         * Adds a row.
         *
         * @throws IllegalArgumentException when it does not have one cell per column
         */
        Table row(String... cells) {
            if (cells.length != columns.size()) {
                throw new IllegalArgumentException("table '" + title + "' has " + columns.size() + " columns, the row "
                        + "has " + cells.length + " cells: " + String.join(" | ", cells));
            }
            rows.add(List.of(cells));
            report.print(this, String.join(" | ", cells));
            return this;
        }

        /** Adds a line printed under the table. */
        Table note(String text) {
            notes.add(text);
            report.print(this, text);
            return this;
        }
    }

    private final String title;
    private final List<String> header = new ArrayList<>();
    private final List<Table> tables = new ArrayList<>();
    private final boolean console;
    private Table printing;

    BenchReport(String title, boolean console) {
        this.title = title;
        this.console = console;
    }

    /** Adds a line of the header (machine, backend, protocol). */
    void header(String line) {
        header.add(line);
        if (console) {
            System.out.println(line);
        }
    }

    /** A new table, after the ones already there. */
    Table table(String tableTitle, String... columns) {
        Table t = new Table(this, tableTitle, List.of(columns));
        tables.add(t);
        return t;
    }

    private void print(Table t, String line) {
        if (!console) {
            return;
        }
        if (printing != t) {
            System.out.printf(Locale.ROOT, "%n%s%n%s%n", t.title, String.join(" | ", t.columns));
            printing = t;
        }
        System.out.println(line);
    }

    /** The report as Markdown: the title, the header lines, and each table with its notes; '|' in cells escaped. */
    String markdown() {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
        for (String h : header) {
            md.append(h).append("  \n");
        }
        for (Table t : tables) {
            md.append("\n## ").append(t.title).append("\n\n");
            md.append(markdownRow(t.columns)).append('|').append(" --- |".repeat(t.columns.size())).append('\n');
            for (List<String> r : t.rows) {
                md.append(markdownRow(r));
            }
            if (!t.notes.isEmpty()) {
                md.append('\n');
                for (String n : t.notes) {
                    md.append(n).append("  \n");
                }
            }
        }
        return md.toString();
    }

    private static String markdownRow(List<String> cells) {
        StringBuilder sb = new StringBuilder("|");
        for (String c : cells) {
            sb.append(' ').append(c.replace("|", "\\|")).append(" |");
        }
        return sb.append('\n').toString();
    }

    /** The tables as CSV (RFC 4180 quoting): per table a line {@code #,title}, the columns, the rows. */
    String csv() {
        StringBuilder csv = new StringBuilder();
        for (Table t : tables) {
            csv.append(csvRow(List.of("#", t.title)));
            csv.append(csvRow(t.columns));
            for (List<String> r : t.rows) {
                csv.append(csvRow(r));
            }
        }
        return csv.toString();
    }

    private static String csvRow(List<String> cells) {
        List<String> quoted = new ArrayList<>();
        for (String c : cells) {
            quoted.add(c.contains(",") || c.contains("\"") || c.contains("\n")
                    ? "\"" + c.replace("\"", "\"\"") + "\"" : c);
        }
        return String.join(",", quoted) + "\n";
    }

    /** A rate or count to 3 significant digits (no more than integer digits): 2216, 73.4, 4.80, 0.153. */
    static String sig3(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
    }
}

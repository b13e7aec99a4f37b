package org.landscape4j.charts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.swing.JFileChooser;
import javax.swing.SwingUtilities;
import javax.swing.filechooser.FileNameExtensionFilter;

import org.landscape4j.charts.Explorer.Saver;

import reactor.core.scheduler.Schedulers;

/**
 * Saves what the Explorer shows, by the file's extension: {@code .png} and {@code .svg} the heatmap as drawn (at the
 * panel's size), {@code .csv} the view's values (every metric), others through the {@link Explorer.Options#savers()
 * savers} given. {@link #choose()} is the Save button: a file dialog, then the saving off the Swing thread, its outcome
 * on the status line.
 */
final class ViewFiles {

    /** The extensions saved without a {@link Saver}. */
    static final List<String> BUILT_IN = List.of("png", "svg", "csv");

    private final Exploration model;
    private final Map<String, Saver> savers;
    private final ExplorerWindow window;

    ViewFiles(Exploration model, Map<String, Saver> savers, ExplorerWindow window) {
        this.model = model;
        this.savers = savers;
        this.window = window;
    }

    /**
     * Saves what is on screen to {@code file}, creating its folder.
     *
     * @return {@code file}
     * @throws IllegalArgumentException naming the known extensions when there is no saver for {@code file}'s
     */
    Path save(Path file) throws IOException {
        String name = file.getFileName().toString();
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
        Saver saver = savers.get(ext);
        if (!BUILT_IN.contains(ext) && saver == null) {
            List<String> known = new ArrayList<>(BUILT_IN);
            known.addAll(savers.keySet());
            throw new IllegalArgumentException("no saver for '" + name + "'; the Explorer saves " + known);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        switch (ext) {
            case "png", "svg" -> {
                try {
                    Explorer.onSwing(() -> {
                        int w = window.heatmap().getWidth() > 0 ? window.heatmap().getWidth() : 900;
                        int h = window.heatmap().getHeight() > 0 ? window.heatmap().getHeight() : 720;
                        try {
                            return ext.equals("png") ? ChartFiles.png(window.chart().chart(), file, w, h)
                                    : ChartFiles.svg(window.chart().chart(), file, w, h);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
            }
            case "csv" -> {
                try (Writer w = Files.newBufferedWriter(file)) {
                    model.surface().writeCsv(w);
                }
            }
            default -> saver.save(model.surface(), file);
        }
        return file;
    }

    /**
     * Asks for a file (adding the chosen type's extension when the name has none) and saves to it off the Swing thread:
     * the images hop back to it to be drawn, the values are written there. Swing thread.
     */
    void choose() {
        JFileChooser chooser = new JFileChooser();
        chooser.setDialogTitle("Save the view");
        chooser.addChoosableFileFilter(new FileNameExtensionFilter("PNG image", "png"));
        chooser.addChoosableFileFilter(new FileNameExtensionFilter("SVG image", "svg"));
        chooser.addChoosableFileFilter(new FileNameExtensionFilter("CSV values", "csv"));
        savers.keySet().forEach(ext -> chooser.addChoosableFileFilter(
                new FileNameExtensionFilter(ext.toUpperCase(Locale.ROOT) + " file", ext)));
        if (chooser.showSaveDialog(window.frame()) != JFileChooser.APPROVE_OPTION) {
            return;
        }
        Path file = chooser.getSelectedFile().toPath();
        if (!file.getFileName().toString().contains(".")
                && chooser.getFileFilter() instanceof FileNameExtensionFilter f) {
            file = file.resolveSibling(file.getFileName() + "." + f.getExtensions()[0]);
        }
        Path target = file;
        Schedulers.boundedElastic().schedule(() -> {
            try {
                save(target);
                window.note("saved " + target);
            } catch (IOException | RuntimeException e) {
                window.note("could not save " + target + ": " + e.getMessage());
            }
            SwingUtilities.invokeLater(() -> window.redraw(true));
        });
    }
}

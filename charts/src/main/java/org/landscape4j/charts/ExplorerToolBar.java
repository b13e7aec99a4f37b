package org.landscape4j.charts;

import java.awt.Color;
import java.awt.FlowLayout;

import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JSpinner;
import javax.swing.JTextField;
import javax.swing.SpinnerNumberModel;

import org.landscape4j.engine.MetricKeys;

/**
 * The Explorer's tool bar: Back and Forward, the evaluation set and metric drawn, the colour scale, range and contour
 * levels, Cancel and Save. It shows a {@link HeatmapStyle} in its fields and reads one back from them; what a widget
 * does when used is wired by the {@link ExplorerWindow}. Swing thread only.
 */
final class ExplorerToolBar {

    private static final Color VALID = Color.WHITE;
    private static final Color INVALID = new Color(255, 220, 220);

    final JButton back = new JButton("\u25C0 Back");
    final JButton forward = new JButton("Forward \u25B6");
    final JButton cancel = new JButton("Cancel");
    final JButton save = new JButton("Save\u2026");
    final JComboBox<String> setBox;
    final JComboBox<String> metricBox;
    final JComboBox<String> scaleBox = new JComboBox<>(new String[] {"linear", "log"});
    private final JTextField vminField = new JTextField(6);
    private final JTextField vmaxField = new JTextField(6);
    private final JSpinner levelsSpinner;
    private final JPanel panel = new JPanel(new FlowLayout(FlowLayout.LEFT, 6, 2));

    /**
     * @param keys   the sets and metrics to choose from
     * @param set    the set chosen first, or {@code null} for the first
     * @param metric the metric chosen first, or {@code null} for {@code loss} (else the first)
     * @param style  the style shown first
     */
    ExplorerToolBar(MetricKeys keys, String set, String metric, HeatmapStyle style) {
        setBox = new JComboBox<>(keys.sets().toArray(String[]::new));
        metricBox = new JComboBox<>(keys.metrics().toArray(String[]::new));
        setBox.setSelectedItem(set != null ? set : keys.sets().get(0));
        metricBox.setSelectedItem(metric != null ? metric
                : keys.metrics().contains("loss") ? "loss" : keys.metrics().get(0));
        levelsSpinner = new JSpinner(new SpinnerNumberModel(style.levels(), 0, 60, 1));
        show(style);

        panel.add(back);
        panel.add(forward);
        panel.add(new JLabel("set"));
        panel.add(setBox);
        panel.add(new JLabel("metric"));
        panel.add(metricBox);
        panel.add(new JLabel("colours"));
        panel.add(scaleBox);
        panel.add(new JLabel("vmin"));
        panel.add(vminField);
        panel.add(new JLabel("vmax"));
        panel.add(vmaxField);
        panel.add(new JLabel("levels"));
        panel.add(levelsSpinner);
        panel.add(cancel);
        panel.add(save);
    }

    JPanel panel() {
        return panel;
    }

    /** The evaluation set chosen. */
    String set() {
        return (String) setBox.getSelectedItem();
    }

    /** The metric chosen. */
    String metric() {
        return (String) metricBox.getSelectedItem();
    }

    /** Calls {@code r} when the colour scale, range or levels are edited. */
    void onStyleEdit(Runnable r) {
        scaleBox.addActionListener(e -> r.run());
        vminField.addActionListener(e -> r.run());
        vmaxField.addActionListener(e -> r.run());
        levelsSpinner.addChangeListener(e -> r.run());
    }

    /** The fields show {@code s}. */
    void show(HeatmapStyle s) {
        scaleBox.setSelectedItem(s.logColour() ? "log" : "linear");
        vminField.setText(Double.isNaN(s.vmin()) ? "" : Double.toString(s.vmin()));
        vmaxField.setText(Double.isNaN(s.vmax()) ? "" : Double.toString(s.vmax()));
        levelsSpinner.setValue(s.levels());
    }

    /**
     * The style the fields show, labelling {@code labelLevels} as before.
     *
     * @throws IllegalArgumentException naming the field when a range is not a number, or when the style is invalid
     */
    HeatmapStyle style(boolean labelLevels) {
        boolean log = "log".equals(scaleBox.getSelectedItem());
        double vmin = parse(vminField.getText(), "vmin");
        double vmax = parse(vmaxField.getText(), "vmax");
        return new HeatmapStyle((Integer) levelsSpinner.getValue(), log, vmin, vmax, log, labelLevels);
    }

    /** Colours the range fields as holding a valid range or not. */
    void rangeValid(boolean valid) {
        vminField.setBackground(valid ? VALID : INVALID);
        vmaxField.setBackground(valid ? VALID : INVALID);
    }

    private static double parse(String text, String name) {
        String t = text.trim();
        if (t.isEmpty()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number or empty (automatic), was '" + t + "'");
        }
    }
}

package org.landscape4j.charts;

import java.awt.Color;

import org.jfree.chart3d.Chart3D;
import org.jfree.chart3d.Chart3DFactory;
import org.jfree.chart3d.data.Range;
import org.jfree.chart3d.data.function.Function3D;
import org.jfree.chart3d.plot.XYZPlot;
import org.jfree.chart3d.renderer.xyz.SurfaceRenderer;

/**
 * A 3D surface of a 2D landscape (Orson Charts / {@code org.jfree.chart3d}). Values are interpolated bilinearly between
 * grid points; values above the clip level (and non-finite ones) are drawn at the clip level, as the Julia/Flux
 * write-up does.
 */
public final class SurfaceChart3D {

    private SurfaceChart3D() {
    }

    /**
     * The 3D chart of a grid.
     *
     * @param grid  finished values (unfinished points are drawn at the nearest finished level: the minimum)
     * @param title the title, or {@code null} for the grid's label
     * @param clip  values above this are drawn at it; NaN for the largest finite value
     */
    public static Chart3D of(Grid grid, String title, double clip) {
        double[] v = grid.snapshot();
        double[] range = Grid.finiteRange(v);
        if (range == null) {
            throw new IllegalArgumentException("grid '" + grid.label() + "' has no finite value to draw");
        }
        double min = range[0];
        double max = range[1];
        double top = Double.isNaN(clip) ? max : Math.min(clip, max);
        double bottom = min;
        double[] z = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            z[i] = Double.isNaN(v[i]) ? bottom : Math.min(v[i], top);
        }
        Function3D f = (x, y) -> grid.interpolate(z, x, y);
        Chart3D chart = Chart3DFactory.createSurfaceChart(title == null ? grid.label() : title, null, f,
                "direction 1", grid.label(), "direction 2");
        XYZPlot plot = (XYZPlot) chart.getPlot();
        plot.getXAxis().setRange(grid.x(0), grid.x(grid.nx() - 1));
        plot.getZAxis().setRange(grid.y(0), grid.y(grid.ny() - 1));
        SurfaceRenderer renderer = (SurfaceRenderer) plot.getRenderer();
        renderer.setXSamples(Math.min(80, grid.nx() * 2));
        renderer.setZSamples(Math.min(80, grid.ny() * 2));
        renderer.setDrawFaceOutlines(false);
        double hi = top > bottom ? top : bottom + 1e-9;
        plot.getYAxis().setRange(bottom, hi);
        // the heatmap's viridis scale, so both pictures of a surface use the same colours
        ColourScale viridis = new ColourScale(bottom, hi, false);
        Range colours = new Range(bottom, hi);
        renderer.setColorScale(new org.jfree.chart3d.renderer.ColorScale() {
            @Override
            public Range getRange() {
                return colours;
            }

            @Override
            public Color valueToColor(double value) {
                return viridis.colour(value);
            }
        });
        Color light = new Color(0xDD, 0xDD, 0xDD);
        plot.setGridlinePaintX(light);
        plot.setGridlinePaintY(light);
        plot.setGridlinePaintZ(light);
        chart.setBackground(new org.jfree.chart3d.table.StandardRectanglePainter(Color.WHITE));
        // a three-quarter view from above, so both directions and the bowl's depth read
        chart.setViewPoint(org.jfree.chart3d.graphics3d.ViewPoint3D.createAboveLeftViewPoint(60));
        return chart;
    }
}

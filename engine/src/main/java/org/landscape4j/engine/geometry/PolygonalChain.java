package org.landscape4j.engine.geometry;

/**
 * A polygonal chain through its anchors: with {@code k} bends the anchors sit at {@code t = i/(k + 1)} and the curve is
 * linear between neighbours (Garipov et al.'s "polychain"; one bend gives A → B on [0, ½] and B → C on [½, 1]). Unlike
 * a Bézier curve it passes through its bends.
 *
 * @param bends at least 0 (0 is the straight line)
 */
public record PolygonalChain(int bends) implements Curve {

    /** The chain with one bend. */
    public static final PolygonalChain ONE_BEND = new PolygonalChain(1);

    public PolygonalChain {
        if (bends < 0) {
            throw new IllegalArgumentException("bends must be >= 0, was " + bends);
        }
    }

    @Override
    public int anchors() {
        return bends + 2;
    }

    @Override
    public double[] coefficients(double t) {
        Curve.checkT(t);
        int segments = bends + 1;
        double[] c = new double[segments + 1];
        double s = t * segments;
        int i = Math.min((int) Math.floor(s), segments - 1);
        double local = s - i;
        c[i] = 1 - local;
        c[i + 1] = local;
        return c;
    }
}

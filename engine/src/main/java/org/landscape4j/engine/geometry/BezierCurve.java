package org.landscape4j.engine.geometry;

/**
 * A Bézier curve of the given degree: {@code degree + 1} anchors weighted by the Bernstein polynomials
 * {@code C(n, i)·tⁱ·(1 − t)ⁿ⁻ⁱ}. Degree 2 (one bend B between A and C) is Garipov et al.'s quadratic Bézier curve
 * {@code (1 − t)²A + 2t(1 − t)B + t²C}; the curve passes through its end points but not through its bends.
 *
 * @param degree at least 1 (degree 1 is the straight line)
 */
public record BezierCurve(int degree) implements Curve {

    /** The quadratic Bézier curve with one bend. */
    public static final BezierCurve QUADRATIC = new BezierCurve(2);

    public BezierCurve {
        if (degree < 1 || degree > 30) {
            throw new IllegalArgumentException("degree must be between 1 and 30, was " + degree);
        }
    }

    @Override
    public int anchors() {
        return degree + 1;
    }

    @Override
    public double[] coefficients(double t) {
        Curve.checkT(t);
        double[] c = new double[degree + 1];
        double binomial = 1;
        for (int i = 0; i <= degree; i++) {
            c[i] = binomial * Math.pow(t, i) * Math.pow(1 - t, degree - i);
            binomial = binomial * (degree - i) / (i + 1);
        }
        return c;
    }
}

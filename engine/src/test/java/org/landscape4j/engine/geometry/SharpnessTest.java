package org.landscape4j.engine.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SharpnessTest {

    static double[] linspace(double lo, double hi, int n) {
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = lo + (hi - lo) * i / (n - 1);
        }
        return t;
    }

    static double[] quadratic(double[] t, double a, double centre, double offset) {
        double[] y = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            y[i] = a * (t[i] - centre) * (t[i] - centre) + offset;
        }
        return y;
    }

    @Test
    void curvatureOfAnExactQuadraticIsTwiceItsCoefficient() {
        double[] t = linspace(-1, 1, 41);
        assertThat(Sharpness.curvature(t, quadratic(t, 3.7, 0, 0.25), 0, 0.3)).isCloseTo(7.4, within(1e-9));
        // off-centre minimum, curvature measured at 0 and at the minimum: the same for a quadratic
        double[] shifted = quadratic(t, 0.8, 0.35, 1.0);
        assertThat(Sharpness.curvature(t, shifted, 0, 0.5)).isCloseTo(1.6, within(1e-9));
        assertThat(Sharpness.curvatureAtMinimum(t, shifted, 0.2)).isCloseTo(1.6, within(1e-9));
    }

    @Test
    void curvatureOfASmoothMinimumApproachesItsSecondDerivative() {
        double[] t = linspace(-1, 1, 201);
        double[] loss = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            loss[i] = 1 - Math.cos(2 * t[i]); // second derivative 4 at 0
        }
        // the quartic term biases the fit by about -(8/7)h^2 for a window of half-width h
        assertThat(Sharpness.curvature(t, loss, 0, 0.03)).isCloseTo(4.0, within(2e-3));
    }

    @Test
    void basinWidthOfAQuadraticIsTwiceTheSquareRootOfThresholdOverCoefficient() {
        double[] t = linspace(-1, 1, 41);
        double a = 2.0;
        double threshold = 0.3;
        Sharpness.BasinWidth w = Sharpness.basinWidth(t, quadratic(t, a, 0, 0), threshold);
        assertThat(w.width()).isCloseTo(2 * Math.sqrt(threshold / a), within(1e-9));
        assertThat(w.left()).isCloseTo(-Math.sqrt(threshold / a), within(1e-9));
        assertThat(w.clippedLeft()).isFalse();
        assertThat(w.clippedRight()).isFalse();
    }

    @Test
    void relativeBasinWidthMeasuresAboveTheMinimum() {
        double[] t = linspace(-2, 2, 33);
        Sharpness.BasinWidth w = Sharpness.basinWidthAboveMinimum(t, quadratic(t, 5.0, 0.25, 1.5), 0.8);
        assertThat(w.width()).isCloseTo(2 * Math.sqrt(0.8 / 5.0), within(1e-9));
        assertThat(w.left() + w.right()).isCloseTo(0.5, within(1e-9));
        assertThat(w.threshold()).isEqualTo(2.3);
    }

    @Test
    void basinReachingTheGridEndIsClipped() {
        double[] t = linspace(-1, 1, 21);
        Sharpness.BasinWidth w = Sharpness.basinWidth(t, quadratic(t, 1.0, 0.5, 0), 0.5);
        assertThat(w.clippedRight()).isTrue();
        assertThat(w.right()).isEqualTo(1.0);
        assertThat(w.clippedLeft()).isFalse();
        assertThat(w.left()).isCloseTo(0.5 - Math.sqrt(0.5), within(1e-9));
    }

    @Test
    void nanEndsTheBasin() {
        double[] t = {-2, -1, 0, 1, 2};
        double[] loss = {4, 1, 0, Double.NaN, 4};
        Sharpness.BasinWidth w = Sharpness.basinWidth(t, loss, 2);
        assertThat(w.right()).isEqualTo(0.0);
        assertThat(w.left()).isCloseTo(-Math.sqrt(2), within(1e-12));
    }

    @Test
    void thresholdNotAboveTheMinimumIsRejected() {
        double[] t = linspace(-1, 1, 5);
        assertThatThrownBy(() -> Sharpness.basinWidth(t, quadratic(t, 1, 0, 0.5), 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threshold must be above the profile's minimum loss 0.5 (at t = 0.0), was 0.5");
    }

    @Test
    void windowWithTooFewPointsIsRejected() {
        double[] t = linspace(-1, 1, 5);
        assertThatThrownBy(() -> Sharpness.curvature(t, quadratic(t, 1, 0, 0), 0, 0.4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds 1 point(s); a quadratic fit needs at least 3");
    }

    @Test
    void unsortedCoordinatesAreRejected() {
        assertThatThrownBy(() -> Sharpness.curvature(new double[] {0, 2, 1}, new double[] {0, 0, 0}, 0, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("t must be strictly increasing, but t[2] = 1.0 follows 2.0");
    }

    @Test
    void areaFractionWeightsEachPointByItsCell() {
        double[] xs = {-1, 0, 1};
        double[] ys = {-1, 0, 1};
        double[][] values = {{9, 9, 9}, {9, 0, 9}, {9, 9, Double.NaN}};
        // the centre's cell is 1 x 1 of a 2 x 2 square
        assertThat(Sharpness.areaFractionBelow(xs, ys, values, 1)).isEqualTo(0.25);
        assertThat(Sharpness.areaFractionBelow(xs, ys, values, 10)).isEqualTo(1 - 0.25 * 0.25);
        assertThat(Sharpness.areaFractionWithin(xs, ys, values, 1)).isEqualTo(0.25);
    }

    @Test
    void areaFractionOfAQuadraticBowlApproachesTheEllipse() {
        double[] xs = linspace(-1, 1, 401);
        double[] ys = linspace(-1, 1, 401);
        double a = 2;
        double b = 8;
        double[][] values = new double[ys.length][xs.length];
        for (int iy = 0; iy < ys.length; iy++) {
            for (int ix = 0; ix < xs.length; ix++) {
                values[iy][ix] = a * xs[ix] * xs[ix] + b * ys[iy] * ys[iy];
            }
        }
        double threshold = 1;
        double ellipse = Math.PI * threshold / Math.sqrt(a * b);
        assertThat(Sharpness.areaFractionBelow(xs, ys, values, threshold)).isCloseTo(ellipse / 4, within(2e-3));

        Sharpness.AxisCurvatures c = Sharpness.axisCurvatures(xs, ys, values, 0, 0, 0.1);
        assertThat(c.alongX()).isCloseTo(2 * a, within(1e-9));
        assertThat(c.alongY()).isCloseTo(2 * b, within(1e-9));
    }
}

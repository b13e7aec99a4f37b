package org.landscape4j.engine.curvature;

import java.util.Locale;

/**
 * The smallest and the largest eigenvalue of a {@link Hessian}, from one Lanczos run ({@link Hessian#extremes()}): the
 * two numbers of the reference implementation's {@code plot_hessian_eigen.py} (Li et al. 2018, whose map of
 * {@code |λmin / λmax|} shows where a landscape is convex), and of the curvature metrics {@code lambda_min} and
 * {@code lambda_max}.
 *
 * <p>They are the extreme Ritz values of the run, which approach the extreme eigenvalues from inside the spectrum.
 * Each carries its residual norm {@code |Hy − θy|} as Lanczos gives it ({@code |β s|}, no extra product; equal to the
 * measured one up to rounding with full re-orthogonalisation, and for exact products), which bounds its distance to
 * an eigenvalue. The run stops as soon as both residuals are at most the tolerance times {@code max(|λmin|, |λmax|)};
 * {@link #converged()} says whether it got there before {@link Hessian.Options#maxLanczosSteps()}. The reference
 * reports the largest-<em>magnitude</em> eigenvalue first and the most negative one by a shift; these are the
 * algebraic extremes, the same numbers whenever the largest-magnitude eigenvalue is positive, as near a minimum.
 *
 * @param min         the smallest eigenvalue (smallest Ritz value)
 * @param max         the largest eigenvalue (largest Ritz value)
 * @param minResidual the residual norm of {@code min}'s Ritz pair
 * @param maxResidual the residual norm of {@code max}'s Ritz pair
 * @param steps       Lanczos steps taken
 * @param products    Hessian-vector products computed
 * @param tolerance   the convergence tolerance ({@link Hessian.Options#tolerance()})
 * @param variables   the parameters the Hessian is taken over
 * @param method      how the products were computed: exact (over which layer kinds) or the finite-difference fallback
 *                    (naming the layer that forced it)
 */
public record Extremes(double min, double max, double minResidual, double maxResidual, int steps, int products,
                       double tolerance, Variables variables, String method) {

    /** {@code |min / max|}: 0 where the landscape is locally convex, large where negative curvature dominates. */
    public double ratio() {
        return Math.abs(min / max);
    }

    /** Whether both residuals are within the tolerance: {@code <= tolerance · max(|min|, |max|)}. */
    public boolean converged() {
        double scale = tolerance * Math.max(Math.abs(min), Math.abs(max));
        return minResidual <= scale && maxResidual <= scale;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Hessian extremes min %.6g (residual %.1e), max %.6g (residual %.1e), |min/max|"
                + " %.4g, %s after %d Lanczos steps (tolerance %.1g), over %s, %d Hessian-vector products, %s", min,
                minResidual, max, maxResidual, ratio(), converged() ? "converged" : "NOT converged", steps, tolerance,
                variables, products, method);
    }
}

package org.landscape4j.engine.curvature;

import java.util.List;
import java.util.Locale;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The largest eigenpairs of a {@link Hessian}, with their residuals: PyHessian's {@code eigenvalues(top_n)}, from
 * {@link Hessian#eigenvalues(int)}.
 *
 * <p>Each eigenvalue is the Rayleigh quotient {@code vᵀHv} of its unit eigenvector, and each pair carries its residual
 * norm {@code |Hv − λv|}, measured with one more product: it bounds the distance of {@code λ} to the nearest true
 * eigenvalue. With the finite-difference fallback a pair also carries a Richardson estimate of the finite-difference
 * error of {@code vᵀHv} (from a second product with step {@code 2ε}; 0 for exact products).
 *
 * @param values                 the eigenvalues, largest first
 * @param vectors                their unit eigenvectors, double row vectors {@code [1, P]} (zero outside the Hessian's
 *                               variables)
 * @param residualNorms          {@code |H v_i − λ_i v_i|} for each pair
 * @param finiteDifferenceErrors estimated finite-difference error of each {@code λ_i}; 0 for exact products
 * @param step                   the finite-difference step {@code ε} used; 0 for exact products
 * @param products               Hessian-vector products used in all, the residuals' included
 * @param tolerance              Lanczos' convergence tolerance ({@link Hessian.Options#tolerance()})
 * @param variables              the parameters the Hessian is taken over
 * @param method                 how the products were computed: exact (over which layer kinds) or the
 *                               finite-difference fallback (and the layer that forced it)
 */
public record Eigenvalues(double[] values, List<INDArray> vectors, double[] residualNorms,
                          double[] finiteDifferenceErrors, double step, int products, double tolerance,
                          Variables variables, String method) {

    /** Validates sizes and keeps copies of the arrays. */
    public Eigenvalues {
        if (values == null || vectors == null || residualNorms == null || finiteDifferenceErrors == null
                || variables == null || method == null) {
            throw new IllegalArgumentException("values, vectors, residualNorms, finiteDifferenceErrors, variables and"
                    + " method must not be null");
        }
        int k = values.length;
        if (vectors.size() != k || residualNorms.length != k || finiteDifferenceErrors.length != k) {
            throw new IllegalArgumentException("one vector, residual and error per eigenvalue (" + k + "), had "
                    + vectors.size() + ", " + residualNorms.length + " and " + finiteDifferenceErrors.length);
        }
        values = values.clone();
        vectors = vectors.stream().map(INDArray::dup).toList();
        residualNorms = residualNorms.clone();
        finiteDifferenceErrors = finiteDifferenceErrors.clone();
    }

    /** Number of eigenpairs. */
    public int size() {
        return values.length;
    }

    /** The eigenvalues, largest first (a copy). */
    @Override
    public double[] values() {
        return values.clone();
    }

    /** Eigenvector {@code i}, a unit double row vector {@code [1, P]} (a copy). */
    public INDArray vector(int i) {
        return vectors.get(i).dup();
    }

    /** The eigenvectors (copies). */
    @Override
    public List<INDArray> vectors() {
        return vectors.stream().map(INDArray::dup).toList();
    }

    /** Residual norms {@code |Hv − λv|} (a copy). */
    @Override
    public double[] residualNorms() {
        return residualNorms.clone();
    }

    /** Estimated finite-difference errors of the eigenvalues (a copy). */
    @Override
    public double[] finiteDifferenceErrors() {
        return finiteDifferenceErrors.clone();
    }

    /** {@code |H v_i − λ_i v_i| / |λ_i|} for each pair (infinite for an eigenvalue of exactly 0). */
    public double[] relativeResiduals() {
        double[] r = residualNorms.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] = r[i] / Math.abs(values[i]);
        }
        return r;
    }

    /**
     * Whether pair {@code i} meets the tolerance Lanczos locked it with, measured: {@code |H v_i − λ_i v_i| <=
     * tolerance · max_j |λ_j|}.
     */
    public boolean converged(int i) {
        double scale = 0;
        for (double v : values) {
            scale = Math.max(scale, Math.abs(v));
        }
        return residualNorms[i] <= tolerance * scale;
    }

    /** Whether the products were exact (not the finite-difference fallback). */
    public boolean isExact() {
        return step == 0;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Hessian top %d eigenvalues %s, relative residuals %s (tolerance %.1g)%s,"
                + " over %s, %d Hessian-vector products, %s", values.length, format(values, "%.6g"),
                format(relativeResiduals(), "%.1e"), tolerance, isExact() ? "" : ", finite-difference errors "
                + format(finiteDifferenceErrors, "%.1e") + ", step " + step, variables, products, method);
    }

    static String format(double[] values, String pattern) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            sb.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, pattern, values[i]));
        }
        return sb.append(']').toString();
    }
}

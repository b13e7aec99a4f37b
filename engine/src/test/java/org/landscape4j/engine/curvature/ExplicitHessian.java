package org.landscape4j.engine.curvature;

import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.landscape4j.engine.geometry.CurvatureFixtures;
import org.landscape4j.engine.geometry.HessianProducts;
import org.landscape4j.engine.internal.SymmetricEigen;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.engine.parameters.ParameterSegment;
import org.nd4j.linalg.dataset.DataSet;

/** Explicit Hessians, column {@code j} = {@code P H P e_j} from a product on a unit vector, and their spectra. */
final class ExplicitHessian {

    private ExplicitHessian() {
    }

    /** The {@code P x P} Hessian over {@code parameters}' variables (zero rows and columns elsewhere). */
    static double[][] of(Model model, DataSet data, Hessian.Parameters parameters) {
        try (HessianProducts products = HessianProducts.of(model, List.of(data), parameters.fixed())) {
            int p = products.length();
            double[][] h = new double[p][];
            for (int j = 0; j < p; j++) {
                double[] e = new double[p];
                e[j] = 1;
                h[j] = products.times(e, 0);
            }
            return h;
        }
    }

    /** The eigenvalues, descending, of the symmetrized Hessian over {@code parameters}' variables only. */
    static double[] eigenvalues(Model model, DataSet data, Hessian.Parameters parameters) {
        double[][] h = of(model, data, parameters);
        double[] mask = new double[h.length];
        java.util.Arrays.fill(mask, 1);
        try (HessianProducts products = HessianProducts.of(model, List.of(data), parameters.fixed())) {
            products.project(mask);
        }
        int[] variables = java.util.stream.IntStream.range(0, h.length).filter(i -> mask[i] != 0).toArray();
        return SymmetricEigen.of(CurvatureFixtures.symmetrized(block(h, variables))).values();
    }

    /** The diagonal block of {@code h} on the entries of {@code segments}. */
    static double[][] block(double[][] h, List<ParameterSegment> segments) {
        return block(h, segments.stream().flatMapToInt(s -> java.util.stream.IntStream.range((int) s.offset(),
                (int) (s.offset() + s.length()))).toArray());
    }

    private static double[][] block(double[][] h, int[] index) {
        double[][] b = new double[index.length][index.length];
        for (int i = 0; i < index.length; i++) {
            for (int j = 0; j < index.length; j++) {
                b[i][j] = h[index[i]][index[j]];
            }
        }
        return b;
    }

    static double trace(double[][] m) {
        double t = 0;
        for (int i = 0; i < m.length; i++) {
            t += m[i][i];
        }
        return t;
    }

    /** The trainable segments of layer {@code layer} (batch-norm running statistics excluded). */
    static List<ParameterSegment> trainable(Model model, String layer) {
        return ParameterLayout.of(model).segments().stream().filter(s -> s.layerName().equals(layer)
                && s.role() != org.landscape4j.engine.parameters.ParameterRole.BATCHNORM_RUNNING_STATISTIC).toList();
    }
}

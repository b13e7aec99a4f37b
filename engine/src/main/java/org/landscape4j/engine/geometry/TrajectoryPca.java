package org.landscape4j.engine.geometry;

import java.util.ArrayList;
import java.util.List;

import org.landscape4j.engine.internal.FlatVectors;
import org.landscape4j.engine.internal.SymmetricEigen;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Principal directions of a training trajectory, the directions Li et al. 2018 (section 7) use to draw an
 * optimization path on a landscape: the top {@code k} principal components of the differences
 * {@code snapshot_i − final} between each recorded snapshot and the final one.
 *
 * <p>Computed through the small {@code n × n} Gram matrix {@code G = X Xᵀ} of the {@code n = m − 1} difference
 * vectors (rows of {@code X}) and a Jacobi eigen-solver, never a {@code P × P} matrix: memory is {@code O(m·P)}
 * doubles and time {@code O(m²·P)}. Component {@code k} is {@code Xᵀ u_k / √λ_k}; its explained variance ratio is
 * {@code λ_k / trace(G)}, the share of the total squared distance to the final point that it captures.
 *
 * <p>The differences are <em>not</em> mean-centred: the plane {@code final + span(components)} is then the
 * least-squares best plane through the final point, the origin of the landscape plot. (The reference implementation
 * feeds the same differences to scikit-learn's PCA, which centres them; the two agree closely when the trajectory
 * ends far from its mean, and the uncentred form keeps two components available with three snapshots.)
 *
 * <p>Signs are fixed so that the first snapshot with a non-negligible coordinate along a component has a positive
 * one: the trajectory starts on the positive side.
 *
 * <pre>{@code
 * TrajectoryPca pca = TrajectoryPca.of(recorder.snapshots(), 2);
 * pca.explainedVarianceRatios();    // e.g. [0.92, 0.05]
 * pca.coordinates();                // the path in the plane, final point at (0, 0)
 * }</pre>
 */
public final class TrajectoryPca {

    private final INDArray origin;
    private final List<INDArray> components;
    private final double[] ratios;
    private final double[][] coordinates;

    private TrajectoryPca(INDArray origin, List<INDArray> components, double[] ratios, double[][] coordinates) {
        this.origin = origin;
        this.components = components;
        this.ratios = ratios;
        this.coordinates = coordinates;
    }

    /** The top two components: {@code of(snapshots, 2)}. */
    public static TrajectoryPca of(List<INDArray> snapshots) {
        return of(snapshots, 2);
    }

    /**
     * The top {@code k} principal components of a trajectory whose last snapshot is the final point.
     *
     * @param snapshots flat parameter vectors in training order, at least 3, all of one length, not {@code null};
     *                  only read
     * @param k         how many components, from 1 to {@code snapshots.size() − 1}
     * @throws IllegalArgumentException before any work if there are fewer than 3 snapshots, a {@code null} one,
     *                                  lengths differ or {@code k} is out of range; after the decomposition if the
     *                                  snapshots span fewer than {@code k} dimensions around the final one
     */
    public static TrajectoryPca of(List<INDArray> snapshots, int k) {
        return of(snapshots, k, false);
    }

    /**
     * The top {@code k} components, optionally of the mean-centred differences: with {@code centred}, the
     * differences {@code snapshot_i − final} (the final one's, 0, included) have their mean removed before the
     * decomposition, as scikit-learn's PCA in the reference implementation does; the ratios are then explained
     * variance ratios of the centred cloud. Coordinates are always those of {@code snapshot_i − final}, so the final
     * snapshot stays at the origin.
     */
    public static TrajectoryPca of(List<INDArray> snapshots, int k, boolean centred) {
        if (snapshots == null) {
            throw new IllegalArgumentException("snapshots must not be null");
        }
        int m = snapshots.size();
        if (m < 3) {
            throw new IllegalArgumentException("a trajectory needs at least 3 snapshots, had " + m);
        }
        if (k < 1 || k > m - 1) {
            throw new IllegalArgumentException("k must be between 1 and the number of snapshots − 1 = " + (m - 1)
                    + ", was " + k);
        }
        for (int i = 0; i < m; i++) {
            if (snapshots.get(i) == null) {
                throw new IllegalArgumentException("snapshots[" + i + "] is null");
            }
            if (snapshots.get(i).length() != snapshots.get(0).length()) {
                throw new IllegalArgumentException("all snapshots must have the same length: snapshots[0] has "
                        + snapshots.get(0).length() + " entries, snapshots[" + i + "] " + snapshots.get(i).length());
            }
        }
        if (k > snapshots.get(0).length()) {
            throw new IllegalArgumentException("k must be at most the number of parameters "
                    + snapshots.get(0).length() + ", was " + k);
        }
        double[] last = FlatVectors.toDoubles(snapshots.get(m - 1), "snapshots[" + (m - 1) + "]");
        int n = m - 1;
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            x[i] = FlatVectors.minus(FlatVectors.toDoubles(snapshots.get(i), "snapshots[" + i + "]"), last);
        }
        // the vectors decomposed: the differences, or all m of them (the final's is 0) minus their mean
        double[][] y = x;
        if (centred) {
            double[] mean = new double[last.length];
            for (double[] xi : x) {
                FlatVectors.axpy(1.0 / m, xi, mean);
            }
            y = new double[m][];
            for (int i = 0; i < n; i++) {
                y[i] = FlatVectors.minus(x[i], mean);
            }
            y[n] = FlatVectors.minus(new double[last.length], mean);
        }
        int rows = y.length;
        double[][] gram = new double[rows][rows];
        double trace = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = i; j < rows; j++) {
                gram[i][j] = FlatVectors.dot(y[i], y[j]);
                gram[j][i] = gram[i][j];
            }
            trace += gram[i][i];
        }
        SymmetricEigen eigen = SymmetricEigen.of(gram);
        double[] lambda = eigen.values();
        int rank = 0;
        for (double l : lambda) {
            if (l > 1e-12 * Math.max(lambda[0], Double.MIN_NORMAL)) {
                rank++;
            }
        }
        if (trace == 0 || rank < k) {
            throw new IllegalArgumentException("the snapshots span " + rank + " dimension(s) around the final one,"
                    + " fewer than the k = " + k + " components asked");
        }
        List<INDArray> components = new ArrayList<>(k);
        double[] ratios = new double[k];
        double[][] coords = new double[m][k];
        for (int c = 0; c < k; c++) {
            double[] u = eigen.vectors()[c];
            double[] w = new double[last.length];
            for (int i = 0; i < rows; i++) {
                FlatVectors.axpy(u[i], y[i], w);
            }
            FlatVectors.scale(1 / FlatVectors.norm(w), w);
            double[] along = new double[n];
            for (int i = 0; i < n; i++) {
                along[i] = FlatVectors.dot(x[i], w);
            }
            double sign = 1;
            double scale = Math.sqrt(lambda[0]);
            for (int i = 0; i < n; i++) {
                if (Math.abs(along[i]) > 1e-9 * scale) {
                    sign = Math.signum(along[i]);
                    break;
                }
            }
            FlatVectors.scale(sign, w);
            for (int i = 0; i < n; i++) {
                coords[i][c] = sign * along[i];
            }
            components.add(FlatVectors.toRow(w));
            ratios[c] = lambda[c] / trace;
        }
        return new TrajectoryPca(FlatVectors.toRow(last), List.copyOf(components), ratios, coords);
    }

    /** The final snapshot, origin of the plot: a double row vector {@code [1, P]}, a copy. */
    public INDArray origin() {
        return origin.dup();
    }

    /** Number of components k. */
    public int size() {
        return components.size();
    }

    /**
     * Component {@code index} (0 = the largest), a unit double row vector {@code [1, P]}, a copy; orthogonal to the
     * others to rounding.
     */
    public INDArray component(int index) {
        return components.get(index).dup();
    }

    /** All components, largest first, as copies. */
    public List<INDArray> components() {
        return components.stream().map(INDArray::dup).toList();
    }

    /** Share of the total squared distance to the final point captured by each component, largest first. */
    public double[] explainedVarianceRatios() {
        return ratios.clone();
    }

    /**
     * The trajectory in component coordinates: row {@code i} holds {@code (snapshot_i − final) · component_c} for each
     * component {@code c}; the last row (the final point) is all zeros.
     */
    public double[][] coordinates() {
        double[][] out = new double[coordinates.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = coordinates[i].clone();
        }
        return out;
    }

    /** A projection onto {@code final + span(component 0, component 1)}; needs {@code k >= 2}. */
    public Projection projection() {
        if (components.size() < 2) {
            throw new IllegalStateException("a plane needs 2 components, this PCA has " + components.size());
        }
        return Projection.onto(origin, components.get(0), components.get(1));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TrajectoryPca ").append(coordinates.length).append(" snapshots, ")
                .append(origin.length()).append(" parameters, explained variance");
        for (double r : ratios) {
            sb.append(' ').append(String.format(java.util.Locale.ROOT, "%.4f", r));
        }
        return sb.toString();
    }
}

package org.landscape4j.engine.curvature;

import java.util.Arrays;
import java.util.List;

import org.landscape4j.engine.geometry.HessianProducts;
import org.landscape4j.engine.parameters.ParameterSegment;

/**
 * The Hessian restricted to a block of its variables: {@code P_B H P_B}, with {@code P_B} zeroing every entry outside
 * the block — project a vector to the block, multiply, project back. Its eigenvalues on the block are those of the
 * diagonal block {@code H_BB}. {@link #whole} is the block of all the products' variables, where the projections
 * change nothing. Not thread-safe (nor are the products).
 */
final class Block {

    private final HessianProducts products;
    /** Per entry of the flat vector: whether it is a variable of the block. */
    private final boolean[] inside;
    private final int variables;
    private final boolean whole;
    private final Variables description;

    private Block(HessianProducts products, boolean[] inside, boolean whole, Hessian.Parameters parameters,
                  String layer) {
        this.products = products;
        this.inside = inside;
        this.whole = whole;
        int n = 0;
        for (boolean b : inside) {
            n += b ? 1 : 0;
        }
        this.variables = n;
        this.description = new Variables(parameters, layer, n, inside.length);
    }

    /** All variables of {@code products} (the parameters of {@code parameters}' roles). */
    static Block whole(HessianProducts products, Hessian.Parameters parameters) {
        double[] ones = new double[products.length()];
        Arrays.fill(ones, 1);
        double[] mask = products.project(ones);
        boolean[] inside = new boolean[mask.length];
        for (int i = 0; i < mask.length; i++) {
            inside[i] = mask[i] != 0;
        }
        return new Block(products, inside, true, parameters, null);
    }

    /** The variables of this block inside {@code segments}, named after {@code layer}. */
    Block restrictTo(List<ParameterSegment> segments, String layer) {
        boolean[] restricted = new boolean[inside.length];
        for (ParameterSegment s : segments) {
            for (long i = s.offset(); i < s.offset() + s.length(); i++) {
                restricted[(int) i] = inside[(int) i];
            }
        }
        return new Block(products, restricted, false, description.parameters(), layer);
    }

    HessianProducts products() {
        return products;
    }

    /** Length of the vectors (the flat parameter count). */
    int length() {
        return inside.length;
    }

    /** Number of variables in the block. */
    int variables() {
        return variables;
    }

    /** Which parameters the block's variables are. */
    Variables description() {
        return description;
    }

    /** Whether entry {@code i} of the flat vector is a variable of the block. */
    boolean contains(int i) {
        return inside[i];
    }

    /** Sets the entries of {@code v} outside the block to 0, in place; returns {@code v}. */
    double[] project(double[] v) {
        if (whole) {
            return products.project(v);
        }
        for (int i = 0; i < v.length; i++) {
            if (!inside[i]) {
                v[i] = 0;
            }
        }
        return v;
    }

    /**
     * {@code P_B H P_B v} ({@code v} is not changed); {@code eps} is the step of the finite-difference fallback, unused
     * by exact products.
     */
    double[] times(double[] v, double eps) {
        if (whole) {
            return products.times(v, eps);
        }
        return project(products.times(project(v.clone()), eps));
    }
}

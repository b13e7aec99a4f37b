package org.landscape4j.engine.curvature;

import java.util.List;
import java.util.Locale;

/**
 * Every layer's curvature ({@link Hessian#perLayer(int)}): for each layer with variables, in the flat vector's order,
 * the trace of its diagonal block {@code H_BB} (from the whole trace's probes, so the layers' traces add up to the whole
 * one) and the largest eigenvalue of {@code H_BB} with its residual.
 *
 * @param layers    one entry per layer
 * @param whole     the trace of the Hessian the layers are blocks of, from the same probes
 * @param products  Hessian-vector products used in all
 * @param variables the parameters the Hessian is taken over
 * @param method    how the products were computed
 */
public record PerLayer(List<LayerCurvature> layers, Trace whole, int products, Variables variables, String method) {

    /** Keeps a copy of the list. */
    public PerLayer {
        layers = List.copyOf(layers);
    }

    /**
     * The curvature of one layer's parameter block {@code B}: the diagonal block {@code H_BB} of the Hessian.
     *
     * @param layer            the layer's name
     * @param parameters       its variables (the block's size)
     * @param trace            Hutchinson's estimate of {@code tr H_BB} from the whole trace's probes
     * @param standardError    its standard error
     * @param lambdaMax        the largest eigenvalue of {@code H_BB}
     * @param relativeResidual {@code |H_BB v − λ v| / |λ|} of {@code λmax}'s eigenvector
     */
    public record LayerCurvature(String layer, long parameters, double trace, double standardError, double lambdaMax,
                                 double relativeResidual) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: %d parameters, trace %.6g ± %.2g, λmax %.6g (residual %.1e)",
                    layer, parameters, trace, standardError, lambdaMax, relativeResidual);
        }
    }

    /**
     * The entry of layer {@code name}.
     *
     * @throws IllegalArgumentException naming the layers there are
     */
    public LayerCurvature layer(String name) {
        return layers.stream().filter(l -> l.layer().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no layer '" + name + "' with variables of the Hessian"
                        + " (" + variables.parameters() + "); layers: " + String.join(", ",
                        layers.stream().map(LayerCurvature::layer).toList())));
    }

    /** A bounded table: one line per layer (at most 20), then the whole trace. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Hessian per layer over ").append(variables).append(", ")
                .append(whole.probes()).append(" Rademacher probes, ").append(products)
                .append(" Hessian-vector products, ").append(method);
        int shown = Math.min(layers.size(), 20);
        for (int i = 0; i < shown; i++) {
            sb.append("\n  ").append(layers.get(i));
        }
        if (shown < layers.size()) {
            sb.append("\n  ... ").append(layers.size() - shown).append(" more");
        }
        return sb.append(String.format(Locale.ROOT, "%n  whole: trace %.6g ± %.2g", whole.trace(),
                whole.standardError())).toString();
    }
}

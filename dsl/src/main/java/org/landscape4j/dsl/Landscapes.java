package org.landscape4j.dsl;

import java.util.function.UnaryOperator;

import org.landscape4j.engine.Landscape;
import org.landscape4j.engine.LandscapeBuilder;

/**
 * The entry point, meant for {@code import static org.landscape4j.dsl.Landscapes.*}. Directions, grid spacings,
 * orders and metrics are the engine's own ({@code RandomDirections.FILTER_NORMALIZED},
 * {@code Directions.interpolation(a, b)}, {@code Spacing.CUBIC}, {@code Order.SPIRAL}, {@code Metric.loss()}), defined
 * once there and imported from there:
 *
 * <pre>{@code
 * import static org.landscape4j.dsl.Landscapes.landscape;
 * import static org.landscape4j.engine.RandomDirections.FILTER_NORMALIZED;
 *
 * Landscape l = landscape(b -> b.model(net)
 *         .directions(FILTER_NORMALIZED, 2)
 *         .grid(-1, 1, 41)
 *         .evaluateOn("train", data));
 * l.points().subscribe(p -> System.out.println(p));   // streamed as computed
 * Surface s = l.surface();                            // or block for the result
 * }</pre>
 */
public final class Landscapes {

    private Landscapes() {
    }

    /**
     * Builds, validates and compiles a landscape in one expression.
     *
     * @param spec fills in an empty builder and returns the result
     * @throws IllegalArgumentException naming the offending value, before any point is computed
     */
    public static Landscape landscape(UnaryOperator<LandscapeBuilder> spec) {
        if (spec == null) {
            throw new IllegalArgumentException("spec must not be null");
        }
        LandscapeBuilder b = spec.apply(Landscape.builder());
        if (b == null) {
            throw new IllegalArgumentException("the spec lambda returned null; return the builder it was given");
        }
        return b.build();
    }
}

/**
 * Curvature of a network's loss, as one object: {@link org.landscape4j.engine.curvature.Hessian} —
 * {@code Hessian.of(model, data, options)}, then {@code eigenvalues(k)}, {@code extremes()}, {@code trace(probes)},
 * {@code density(steps, probes)}, {@code perLayer(probes)}, and {@code layer(name)} for one layer's diagonal block.
 * One options record ({@link org.landscape4j.engine.curvature.Hessian.Options}, default the weights only), one Lanczos
 * with a residual-based stop, and results that carry their residuals, the variables they are over
 * ({@link org.landscape4j.engine.curvature.Variables}) and how the products were computed. The per-point curvature
 * metrics ({@code Metric.hessianEigenvalues}, {@code Metric.hessianTrace}) and the Hessian directions
 * ({@code Directions.hessian}) use the same object and options.
 *
 * <p>Dependencies point one way: the engine's API uses this package; it uses {@code engine.geometry} (the exact
 * Hessian-vector products, {@code HessianProducts}), {@code engine.parameters} and {@code engine.internal}; nothing
 * below the API uses it (see docs/ARCHITECTURE.md).
 */
package org.landscape4j.engine.curvature;

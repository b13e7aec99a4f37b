/**
 * Not API: the compiled inference plan, a network's forward pass as ND4J native ops, one {@code Step} per layer kind
 * (one file each), checked against DL4J's own forward pass when it is compiled. Public entry points
 * ({@code InferencePlan}, {@code PlanWorker}, {@code FirstLayerProducts}) exist for the engine and its benchmark and
 * may change in any release.
 *
 * <p>Uses {@code engine.graph} (the network it compiles), {@code engine.internal} ({@code Batch},
 * {@code NetworkEvaluator}, {@code BackEndBuilder}) and nothing else of the engine.
 */
package org.landscape4j.engine.internal.plan;

/**
 * A network as the engine reads it: {@link org.landscape4j.engine.graph.NetworkGraph} (the one reader of a DL4J
 * {@code MultiLayerNetwork} or {@code ComputationGraph}: nodes in topological order, their configurations, layers and
 * the values they read and write) and {@link org.landscape4j.engine.graph.LayerKind} (the one list of the layer kinds
 * the engine supports). The parameter layout, the inference plan and the exact Hessian all read networks through
 * this package.
 */
package org.landscape4j.engine.graph;

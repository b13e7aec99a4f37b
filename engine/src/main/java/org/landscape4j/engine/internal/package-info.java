/**
 * Not API: the network-level machinery under the engine, public only because the engine's other packages use it, and
 * free to change in any release. {@code Batch} (evaluation data resident in batches), {@code NetworkEvaluator}
 * (DL4J's own inference forward pass on a private network copy), {@code BatchNormStatistics} (recomputing running
 * statistics on data), {@code ThreadRandom} (a seed for the ND4J generator DL4J's dropout draws from) and
 * {@code BackEndBuilder} (what a back end's rules record while they walk a network graph). The compiled inference plan
 * is in {@code internal.plan}, the exact Hessian in {@code internal.hessian}. {@code FlatVectors} and
 * {@code SymmetricEigen} are the double-precision vector operations and the small symmetric eigensolver that geometry
 * and curvature share.
 *
 * <p>Dependencies point one way: {@code engine}, {@code engine.curvature}, {@code engine.geometry} and the back ends
 * use this package; it uses only {@code engine.graph}, DL4J and ND4J (see docs/ARCHITECTURE.md).
 */
package org.landscape4j.engine.internal;

/**
 * Not API: the network-level machinery under the engine, public only because the engine's other packages use it, and
 * free to change in any release. {@code Batch} (evaluation data resident in batches), {@code NetworkEvaluator}
 * (DL4J's own inference forward pass on a private network copy), {@code BatchNormStatistics} (recomputing running
 * statistics on data) and {@code ThreadRandom} (a seed for the ND4J generator DL4J's dropout draws from). The compiled
 * inference plan is in {@code internal.plan}.
 *
 * <p>Dependencies point one way: {@code engine} and {@code engine.geometry} use this package; it uses only DL4J and
 * ND4J (see docs/ARCHITECTURE.md).
 */
package org.landscape4j.engine.internal;

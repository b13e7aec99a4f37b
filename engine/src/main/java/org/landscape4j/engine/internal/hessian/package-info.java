/**
 * Not API: exact Hessian-vector products by Pearlmutter's R-operator, in double precision on ND4J's ops. The entry
 * point, {@code ExactHessian}, is public only because {@code engine.geometry}'s curvature uses it, and may change in
 * any release.
 *
 * <p>One rule per layer kind: {@code HessianBuilder} walks a {@code NetworkGraph} with one exhaustive switch over
 * {@code LayerKind}, each case calling the static {@code rule} of one node class (one file each: {@code Dense},
 * {@code Convolution}, {@code BatchNorm}, {@code Activation}, {@code Reshape}, {@code Pooling}, {@code GlobalPooling},
 * {@code ZeroPadding}, {@code ElementWise}, {@code Merge}) or refusing the kind by name; the loss heads
 * ({@code SoftmaxCrossEntropy}, {@code SquaredError}) likewise. {@code Pass}, {@code Flats} and {@code Param} carry
 * one product's state.
 *
 * <p>Uses {@code engine.graph} (the network it compiles), {@code engine.internal}'s {@code BackEndBuilder} and
 * nothing else of the engine.
 */
package org.landscape4j.engine.internal.hessian;

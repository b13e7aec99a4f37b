/**
 * Networks from other frameworks as DL4J networks for the engine: {@link org.landscape4j.models.Models#load} reads a
 * DL4J zip, a Keras 2 HDF5 file (through DL4J's Keras importer) or an ONNX graph (converted here, for the op set
 * {@link org.landscape4j.models.Models#supportedOnnxOps()}), appends the loss the origin framework would use, and
 * names every parameter as the origin file does ({@link org.landscape4j.models.OriginLayout}).
 *
 * <p>The converter classes ({@code OnnxImporter}, {@code KerasImporter}, {@code Dl4jImporter}) are package-private;
 * the ONNX ops are converted by the converters one registry ({@code OnnxOps}) lists, one family of ops per file;
 * the public surface is {@code Models}, {@code ImportOptions}, {@code Loss}, {@code ImportedModel},
 * {@code OriginLayout}/{@code OriginParameter}, {@code ModelFormat} and {@code ModelImportException}.
 */
package org.landscape4j.models;

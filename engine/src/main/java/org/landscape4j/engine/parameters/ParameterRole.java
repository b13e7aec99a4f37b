package org.landscape4j.engine.parameters;

/**
 * What a segment of the flat parameter vector is for. The role decides how a random direction treats it.
 */
public enum ParameterRole {
    /** A dense or convolution weight tensor: the only role with a filter axis. */
    WEIGHT,
    /** A bias vector. */
    BIAS,
    /** Batch-normalization scale (gamma); also a layer normalization's ({@code ChannelLayerNorm}). */
    BATCHNORM_GAMMA,
    /** Batch-normalization shift (beta); also a layer normalization's. */
    BATCHNORM_BETA,
    /** Batch-normalization running mean or variance (or DL4J's log10 standard deviation): state, not trained. */
    BATCHNORM_RUNNING_STATISTIC,
    /** Any other parameter of a supported layer (for example a dense layer's layer-norm gain). */
    OTHER
}

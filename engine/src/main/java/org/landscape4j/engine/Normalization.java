package org.landscape4j.engine;

/**
 * How a random Gaussian direction is rescaled against the model's weights (Li et al. 2018).
 */
public enum Normalization {
    /**
     * Each filter of each weight tensor (the slice that produces one output unit or channel: a column of a DL4J
     * dense weight, index {@code o} of a convolution weight {@code [out, in, kH, kW]}) is scaled so its L2 norm
     * equals the matching weight filter's norm.
     */
    FILTER,
    /** Each weight tensor's direction is scaled to that tensor's L2 norm. */
    LAYER,
    /** The direction is left as drawn: i.i.d. standard Gaussian entries. */
    NONE
}

package org.landscape4j.models;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The loss a network is landscaped with, for files that carry none (ONNX, uncompiled Keras models) or to override
 * the file's. Each matches the origin framework's mean-reduced loss:
 * <ul>
 *   <li>{@link #CROSS_ENTROPY} — PyTorch's {@code CrossEntropyLoss} on logits (softmax + DL4J's MCXENT appended); on a
 *       graph ending in {@code Softmax} the negative log-likelihood of its probabilities, on one ending in
 *       {@code LogSoftmax} PyTorch's {@code NLLLoss}; Keras' {@code categorical_crossentropy}. Labels are one-hot.</li>
 *   <li>{@link #MSE} — PyTorch's {@code MSELoss}, Keras' {@code mean_squared_error}: the mean over every output
 *       entry (DL4J's MSE).</li>
 * </ul>
 */
public enum Loss {
    /** Softmax cross-entropy (one-hot labels). */
    CROSS_ENTROPY("cross-entropy"),
    /** Mean squared error over every output entry. */
    MSE("mse");

    private final String id;

    Loss(String id) {
        this.id = id;
    }

    /** The name used on the command line and in descriptions, e.g. {@code cross-entropy}. */
    public String id() {
        return id;
    }

    /**
     * The loss named {@code name}: {@code cross-entropy} (also {@code ce}, {@code crossentropy}, {@code mcxent}) or
     * {@code mse}, case-insensitive.
     *
     * @throws IllegalArgumentException naming the value and the known losses
     */
    public static Loss of(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            switch (n) {
                case "cross-entropy", "crossentropy", "ce", "mcxent", "categorical-crossentropy" -> {
                    return CROSS_ENTROPY;
                }
                case "mse", "mean-squared-error" -> {
                    return MSE;
                }
                default -> { }
            }
        }
        throw new IllegalArgumentException("unknown loss '" + name + "', known: "
                + Arrays.stream(values()).map(Loss::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}

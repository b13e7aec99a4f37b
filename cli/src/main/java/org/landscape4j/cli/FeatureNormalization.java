package org.landscape4j.cli;

import java.util.Arrays;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@code --normalize MEAN,STD}: the features as torchvision's {@code Normalize(mean, std)} makes them,
 * {@code (x - mean) / std} per channel. One value each applies to every feature; lists ({@code 0.485/0.456/0.406,
 * 0.229/0.224/0.225}) apply per channel, along the image axis of that many channels (NCHW's axis 1, else NHWC's last).
 *
 * @param mean per channel, or one value
 * @param std  per channel, or one value, each {@code > 0}
 */
record FeatureNormalization(double[] mean, double[] std) {

    /**
     * The normalization {@code value} names ({@code null}: none).
     *
     * @throws BadInput naming what is wrong with it, before any work
     */
    static FeatureNormalization parse(String value) {
        if (value == null) {
            return null;
        }
        String[] parts = value.split(",", -1);
        if (parts.length != 2) {
            throw new BadInput("--normalize takes MEAN,STD (each one number, or one per channel separated by /),"
                    + " was '" + value + "'");
        }
        double[] mean = numbers(parts[0], value);
        double[] std = numbers(parts[1], value);
        if (mean.length != std.length) {
            throw new BadInput("--normalize has " + mean.length + " means and " + std.length + " standard deviations,"
                    + " was '" + value + "'");
        }
        for (double s : std) {
            if (!(s > 0) || !Double.isFinite(s)) {
                throw new BadInput("--normalize: a standard deviation must be > 0, was " + s);
            }
        }
        for (double m : mean) {
            if (!Double.isFinite(m)) {
                throw new BadInput("--normalize: a mean must be finite, was " + m);
            }
        }
        return new FeatureNormalization(mean, std);
    }

    private static double[] numbers(String list, String value) {
        String[] cells = list.split("/", -1);
        double[] out = new double[cells.length];
        for (int i = 0; i < cells.length; i++) {
            try {
                out[i] = Double.parseDouble(cells[i].trim());
            } catch (NumberFormatException e) {
                throw new BadInput("--normalize: '" + cells[i] + "' is not a number (in '" + value + "')");
            }
        }
        return out;
    }

    /**
     * {@code data} with its features normalized (a copy; the labels shared).
     *
     * @param option the data's option, for the refusal of features without that many channels
     */
    DataSet apply(DataSet data, String option) {
        INDArray x = data.getFeatures().dup();
        int c = mean.length;
        if (c == 1) {
            x.subi(mean[0]).divi(std[0]);
            return new DataSet(x, data.getLabels());
        }
        long[] shape = x.shape();
        int axis = shape.length >= 3 && shape[1] == c ? 1 : shape.length >= 3 && shape[shape.length - 1] == c
                ? shape.length - 1 : -1;
        if (axis < 0) {
            throw new BadInput("--normalize gives " + c + " channels but the " + option + " features "
                    + Arrays.toString(shape) + " have no image axis of " + c + " (NCHW's second or NHWC's last)");
        }
        for (int ch = 0; ch < c; ch++) {
            INDArrayIndex[] at = new INDArrayIndex[shape.length];
            Arrays.fill(at, NDArrayIndex.all());
            at[axis] = NDArrayIndex.point(ch);
            x.get(at).subi(mean[ch]).divi(std[ch]);
        }
        return new DataSet(x, data.getLabels());
    }
}

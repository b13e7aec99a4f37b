package org.landscape4j.io;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.WritableGroup;
import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.engine.parameters.ParameterRole;
import org.landscape4j.engine.parameters.ParameterSegment;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Directions as an HDF5 file in the layout of the reference implementation ({@code net_plotter.py}):
 * a group {@code /xdirection} (and {@code /ydirection} for a plane) holding one f64 dataset per parameter tensor,
 * named {@code 0, 1, 2, …}, in the network's parameter order, each in <b>PyTorch layout</b>:
 * <ul>
 *   <li>dense weights, which DL4J holds as {@code [nIn, nOut]} column-major, become {@code [out, in]} (the same
 *       memory read row-major with the shape reversed: no data moves);</li>
 *   <li>convolution weights stay {@code [out, in, kH, kW]};</li>
 *   <li>biases and batch-norm gamma/beta, {@code [1, n]} in DL4J, become {@code [n]}.</li>
 * </ul>
 * Batch-norm running statistics are not parameters in PyTorch ({@code net.parameters()}), so they are left out, as
 * the reference's "weights" directions do.
 */
public final class DirectionsHdf5 {

    private static final String[] GROUPS = {"xdirection", "ydirection"};

    private DirectionsHdf5() {
    }

    /** One tensor of a direction file: its shape and its values in row-major order. */
    public record Tensor(int[] shape, double[] values) {
        public Tensor {
            long n = 1;
            for (int s : shape) {
                n *= s;
            }
            if (n != values.length) {
                throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " holds " + n
                        + " values, was given " + values.length);
            }
            shape = shape.clone();
        }
    }

    /**
     * The segments written to a direction file, in PyTorch's {@code net.parameters()} order: layer by layer, and
     * within a layer the weight first (DL4J keeps a convolution's bias before its weights): every parameter except
     * batch-norm running statistics.
     */
    public static List<ParameterSegment> exportedSegments(ParameterLayout layout) {
        List<ParameterSegment> out = new ArrayList<>();
        List<ParameterSegment> layer = new ArrayList<>();
        String current = null;
        for (ParameterSegment s : layout.segments()) {
            if (s.role() == ParameterRole.BATCHNORM_RUNNING_STATISTIC) {
                continue;
            }
            String id = s.layerIndex() + "/" + s.layerName();
            if (!id.equals(current)) {
                flushLayer(layer, out);
                current = id;
            }
            layer.add(s);
        }
        flushLayer(layer, out);
        return List.copyOf(out);
    }

    private static void flushLayer(List<ParameterSegment> layer, List<ParameterSegment> out) {
        layer.stream().filter(s -> s.role() == ParameterRole.WEIGHT).forEach(out::add);
        layer.stream().filter(s -> s.role() != ParameterRole.WEIGHT).forEach(out::add);
        layer.clear();
    }

    /** A segment's shape in PyTorch layout (see the class comment). */
    public static int[] pytorchShape(ParameterSegment s) {
        long[] shape = s.shape();
        int[] out = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = (int) (s.order() == 'f' ? shape[shape.length - 1 - i] : shape[i]);
        }
        if (s.role() != ParameterRole.WEIGHT && out.length == 2 && (out[0] == 1 || out[1] == 1)) {
            return new int[] {out[0] * out[1]};
        }
        return out;
    }

    /**
     * Writes 1 or 2 flat directions (in the layout of {@code net.params()}) to {@code file}, replacing it.
     *
     * @return {@code file}
     */
    public static Path write(ParameterLayout layout, INDArray[] directions, Path file) throws IOException {
        return write(layout, directions, file, false);
    }

    /**
     * As {@link #write(ParameterLayout, INDArray[], Path)}, the values as float32 when {@code float32} (half the
     * size: what a float32 network's directions hold; loss-landscape reads either).
     */
    public static Path write(ParameterLayout layout, INDArray[] directions, Path file, boolean float32)
            throws IOException {
        if (directions == null || directions.length < 1 || directions.length > 2) {
            throw new IllegalArgumentException("a direction file holds 1 or 2 directions, was "
                    + (directions == null ? 0 : directions.length));
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        List<ParameterSegment> segments = exportedSegments(layout);
        try (WritableHdfFile h5 = HdfFile.write(file)) {
            for (int d = 0; d < directions.length; d++) {
                if (directions[d].length() != layout.numParams()) {
                    throw new IllegalArgumentException("direction " + d + " has " + directions[d].length()
                            + " entries, the layout has " + layout.numParams());
                }
                double[] flat = directions[d].toDoubleVector();
                WritableGroup group = h5.putGroup(GROUPS[d]);
                for (int i = 0; i < segments.size(); i++) {
                    ParameterSegment s = segments.get(i);
                    double[] slice = java.util.Arrays.copyOfRange(flat, (int) s.offset(),
                            (int) (s.offset() + s.length()));
                    Object values = nested(slice, pytorchShape(s));
                    group.putDataset(Integer.toString(i), float32 ? toFloats(values) : values);
                }
            }
        }
        return file;
    }

    /** Row-major flat values as a Java array of arrays of the given shape (what jHDF writes). */
    static Object nested(double[] flat, int[] shape) {
        if (shape.length == 1) {
            return flat;
        }
        Object out = Array.newInstance(double.class, shape);
        fill(out, flat, shape, 0, 0);
        return out;
    }

    /** A nested double array (or a flat one) as the same nesting of floats. */
    static Object toFloats(Object doubles) {
        if (doubles instanceof double[] d) {
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }
        int n = Array.getLength(doubles);
        Object first = toFloats(Array.get(doubles, 0));
        Object out = Array.newInstance(first.getClass(), n);
        Array.set(out, 0, first);
        for (int i = 1; i < n; i++) {
            Array.set(out, i, toFloats(Array.get(doubles, i)));
        }
        return out;
    }

    private static int fill(Object array, double[] flat, int[] shape, int axis, int pos) {
        if (axis == shape.length - 1) {
            double[] row = (double[]) array;
            System.arraycopy(flat, pos, row, 0, row.length);
            return pos + row.length;
        }
        for (int i = 0; i < shape[axis]; i++) {
            pos = fill(Array.get(array, i), flat, shape, axis + 1, pos);
        }
        return pos;
    }

    /**
     * Reads a direction file: per direction ({@code xdirection}, then {@code ydirection} if present) its tensors in
     * order {@code 0, 1, …}.
     */
    public static List<List<Tensor>> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such file: " + file);
        }
        try (HdfFile h5 = new HdfFile(file)) {
            List<List<Tensor>> out = new ArrayList<>();
            for (String name : GROUPS) {
                Node node = h5.getChildren().get(name);
                if (!(node instanceof Group group)) {
                    break;
                }
                List<Tensor> tensors = new ArrayList<>();
                for (int i = 0; group.getChildren().containsKey(Integer.toString(i)); i++) {
                    Dataset d = (Dataset) group.getChild(Integer.toString(i));
                    tensors.add(new Tensor(d.getDimensions(), SurfaceHdf5.flatDoubles(d)));
                }
                out.add(List.copyOf(tensors));
            }
            if (out.isEmpty()) {
                throw new IOException(file + " has no /xdirection group: not a direction file");
            }
            return List.copyOf(out);
        } catch (RuntimeException e) {
            throw new IOException("cannot read " + file + " as HDF5: " + e.getMessage(), e);
        }
    }
}

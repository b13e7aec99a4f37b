package org.landscape4j.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.landscape4j.engine.parameters.ParameterLayout;
import org.landscape4j.engine.parameters.ParameterSegment;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The parameters of an imported network in the origin's order, names and shapes, mapped onto the DL4J network's
 * flat parameter vector ({@link ParameterLayout}): a direction written by the origin framework (one tensor per
 * parameter name, e.g. PyTorch's {@code named_parameters()}) becomes a flat DL4J vector with {@link #toFlat}, and
 * back with {@link #fromFlat}.
 *
 * <pre>{@code
 * ImportedModel m = Models.load(Path.of("cnn.onnx"), Loss.CROSS_ENTROPY);
 * INDArray d1 = m.parameters().toFlat(Map.of("conv1.weight", w1, "fc.weight", w2));   // others 0
 * Landscape.builder().model(m.model()).directions(Directions.of("from PyTorch", d1, d2))...
 * }</pre>
 */
public final class OriginLayout {

    private final List<OriginParameter> parameters;
    private final Map<String, OriginParameter> byName;
    private final ParameterLayout dl4j;

    OriginLayout(List<OriginParameter> parameters, ParameterLayout dl4j) {
        this.parameters = List.copyOf(parameters);
        this.byName = new LinkedHashMap<>();
        for (OriginParameter p : parameters) {
            if (byName.put(p.name(), p) != null) {
                throw new IllegalArgumentException("two parameters are named '" + p.name() + "'");
            }
        }
        this.dl4j = dl4j;
    }

    /** The parameters in the origin file's order. */
    public List<OriginParameter> parameters() {
        return parameters;
    }

    /** The parameter names in the origin file's order. */
    public List<String> names() {
        return parameters.stream().map(OriginParameter::name).toList();
    }

    /**
     * The parameter named {@code name}.
     *
     * @throws IllegalArgumentException naming the value and listing the names there are
     */
    public OriginParameter parameter(String name) {
        OriginParameter p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter named '" + name + "'; the model has " + names());
        }
        return p;
    }

    /** The DL4J layout of the network's flat parameter vector. */
    public ParameterLayout dl4jLayout() {
        return dl4j;
    }

    /**
     * A flat vector in DL4J's layout ({@code [1, numParams]}, {@code dataType}) holding {@code tensors}, given by
     * origin name in origin shapes; entries of parameters not given are 0.
     *
     * @throws IllegalArgumentException for an unknown name or a tensor of the wrong shape, naming it
     */
    public INDArray toFlat(Map<String, INDArray> tensors, DataType dataType) {
        INDArray flat = Nd4j.zeros(dataType, 1, dl4j.numParams());
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            OriginParameter p = parameter(e.getKey());
            INDArray t = e.getValue();
            if (!Arrays.equals(t.shape(), p.shape())
                    && !(t.length() == p.length() && squeezed(t.shape()).equals(squeezed(p.shape())))) {
                throw new IllegalArgumentException("tensor '" + p.name() + "' has shape " + Arrays.toString(t.shape())
                        + ", the model's is " + Arrays.toString(p.shape()));
            }
            ParameterSegment s = p.segment();
            INDArray dl4jTensor = t.reshape(p.shape()).permute(p.axes()).dup('c').reshape('c', s.shape());
            INDArray stored = dl4jTensor.dup(s.order()).reshape(s.order(), new long[] {s.length()}).castTo(dataType);
            flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(s.offset(), s.offset() + s.length()))
                    .assign(stored);
        }
        return flat;
    }

    /**
     * {@code flat} (a vector in DL4J's layout, e.g. a direction or {@code net.params()}) as one tensor per origin
     * parameter, in the origin's order, names and shapes.
     */
    public Map<String, INDArray> fromFlat(INDArray flat) {
        if (flat.length() != dl4j.numParams()) {
            throw new IllegalArgumentException("the vector has " + flat.length() + " entries, the model "
                    + dl4j.numParams());
        }
        INDArray row = flat.reshape(flat.length());
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (OriginParameter p : parameters) {
            ParameterSegment s = p.segment();
            INDArray stored = row.get(NDArrayIndex.interval(s.offset(), s.offset() + s.length())).dup();
            INDArray dl4jTensor = stored.reshape(s.order(), s.shape()).dup('c').reshape('c', permuted(p));
            out.put(p.name(), dl4jTensor.permute(inverse(p.axes())).dup('c'));
        }
        return out;
    }

    private static List<Long> squeezed(long[] shape) {
        List<Long> out = new ArrayList<>();
        for (long s : shape) {
            if (s != 1) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * The origin shape with its axes permuted: the DL4J shape read in row-major order (a depthwise weight's
     * {@code [kH, kW, 1, c]} for DL4J's {@code [kH, kW, c, 1]}).
     */
    private static long[] permuted(OriginParameter p) {
        long[] shape = p.shape();
        int[] axes = p.axes();
        long[] out = new long[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = shape[axes[i]];
        }
        return out;
    }

    private static int[] inverse(int[] axes) {
        int[] inv = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            inv[axes[i]] = i;
        }
        return inv;
    }

    @Override
    public String toString() {
        int shown = Math.min(parameters.size(), 20);
        String head = "OriginLayout " + parameters.size() + " parameters, " + dl4j.numParams() + " values";
        String body = parameters.subList(0, shown).stream().map(p -> "\n  " + p).collect(Collectors.joining());
        return head + body + (shown < parameters.size() ? "\n  ... " + (parameters.size() - shown) + " more" : "");
    }
}

package org.landscape4j.models;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import org.landscape4j.engine.Directions;
import org.landscape4j.engine.parameters.ParameterRole;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Directions from a direction file of the reference implementation, tomgoldstein/loss-landscape ("LL",
 * {@code net_plotter.setup_direction}), for a PyTorch network imported from ONNX: a group {@code /xdirection} (and
 * {@code /ydirection} for a plane) holding one dataset per tensor, named {@code 0, 1, …} in PyTorch's order and
 * shapes ({@code h5_util.write_list}). LL writes either kind its {@code --dir_type} says:
 * <ul>
 *   <li>{@code weights} (LL's default): one tensor per {@code net.parameters()} entry — weights, biases, batch-norm
 *       {@code weight}/{@code bias} — batch-norm running statistics are not in the file and stay fixed;</li>
 *   <li>{@code states}: one tensor per {@code net.state_dict()} entry, so after each batch norm's {@code bias} come
 *       its {@code running_mean}, {@code running_var} (moved with the other entries, as LL's {@code set_states}
 *       does) and the scalar {@code num_batches_tracked} (which has no effect in evaluation and is skipped).</li>
 * </ul>
 * Which kind a file is follows from its number of tensors; every tensor's shape is checked against the model's.
 * Tensors are mapped by the ONNX initializer names ({@link ImportedModel#parameters()}, PyTorch's own names, in
 * {@code state_dict()} order), with the dense transpose ({@code Linear.weight [out, in]} → DL4J {@code [nIn, nOut]}).
 *
 * <pre>{@code
 * ImportedModel m = Models.load(Path.of("resnet.onnx"), Loss.CROSS_ENTROPY);
 * Directions d = ReferenceDirections.read(Path.of("resnet.onnx_weights_xignore=biasbn_xnorm=filter.h5"), m);
 * Landscape.builder().model(m.model()).directions(d).grid(-1, 1, 51)...
 * }</pre>
 *
 * <p>The ONNX file must keep PyTorch's parameters: export with
 * {@code torch.onnx.export(model.eval(), x, "m.onnx", training=torch.onnx.TrainingMode.PRESERVE,
 * do_constant_folding=False)}; a plain export folds each batch norm into the convolution before it, and the file's
 * tensors no longer match the model's.
 */
public final class ReferenceDirections {

    private static final String[] GROUPS = {"xdirection", "ydirection"};
    private static final String NUM_BATCHES_TRACKED = "num_batches_tracked";

    private ReferenceDirections() {
    }

    /**
     * The one or two directions of LL's direction file {@code h5} for {@code model}, as flat vectors in the network's
     * layout and data type; entries the file does not cover (running statistics of a {@code weights} file) are 0.
     *
     * @throws ModelImportException (one line, naming the file and the tensor) for a missing or foreign file, a model
     *                              not imported from ONNX, a file of another network, or a tensor of the wrong shape
     */
    public static Directions.Given read(Path h5, ImportedModel model) {
        if (h5 == null || model == null) {
            throw new IllegalArgumentException("the direction file and the model must not be null");
        }
        if (!Files.isRegularFile(h5)) {
            throw new ModelImportException("direction file " + h5 + " does not exist or is not a file");
        }
        if (model.format() != ModelFormat.ONNX) {
            throw new ModelImportException("direction file " + h5 + ": loss-landscape direction files are read for"
                    + " PyTorch networks imported from ONNX, the model is a " + model.format() + " file");
        }
        List<Slot> weights = weightsOrder(model.parameters());
        List<Slot> states = statesOrder(model.parameters());
        DataType type = model.model().params().dataType();
        List<INDArray> vectors = new ArrayList<>();
        String kind = null;
        try (HdfFile file = new HdfFile(h5)) {
            for (String name : GROUPS) {
                Node node = file.getChildren().get(name);
                if (node == null) {
                    break;
                }
                if (!(node instanceof Group group)) {
                    throw new ModelImportException("direction file " + h5 + ": /" + name + " is not a group");
                }
                int n = 0;
                while (group.getChildren().containsKey(Integer.toString(n))) {
                    n++;
                }
                List<Slot> order;
                if (n == weights.size()) {
                    order = weights;
                } else if (n == states.size()) {
                    order = states;
                } else {
                    throw new ModelImportException("direction file " + h5 + ": /" + name + " holds " + n
                            + " tensors, the model has " + weights.size() + " parameters (LL's weights directions)"
                            + " and " + states.size() + " state_dict entries (states)" + foldedHint(model));
                }
                String k = order == weights ? "weights" : "states";
                if (kind != null && !kind.equals(k)) {
                    throw new ModelImportException("direction file " + h5 + ": /xdirection is " + kind
                            + ", /ydirection " + k);
                }
                kind = k;
                vectors.add(model.parameters().toFlat(tensors(h5, name, group, order, model), type));
            }
        } catch (ModelImportException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelImportException("direction file " + h5 + " is not an HDF5 direction file ("
                    + firstLine(e) + ")", e);
        }
        if (vectors.isEmpty()) {
            throw new ModelImportException("direction file " + h5 + " has no /xdirection group: not a loss-landscape"
                    + " direction file");
        }
        String description = "loss-landscape direction file " + h5.getFileName() + " (" + kind + ": "
                + (kind.equals("weights") ? weights.size() + " tensors in net.parameters() order, batch-norm running"
                        + " statistics fixed" : states.size() + " tensors in state_dict() order, batch-norm running"
                        + " statistics moved") + ")";
        Directions.Given given = Directions.of(description, vectors.toArray(INDArray[]::new));
        // LL's set_states moves the running statistics with the rest; the engine holds them fixed unless asked
        return kind.equals("states") ? given.withRunningStatistics() : given;
    }

    /** One tensor of a direction file: the origin parameter it is, or {@code null} for a skipped scalar. */
    private record Slot(String name, OriginParameter parameter) {
    }

    private static List<Slot> weightsOrder(OriginLayout layout) {
        List<Slot> out = new ArrayList<>();
        for (OriginParameter p : layout.parameters()) {
            if (p.segment().role() != ParameterRole.BATCHNORM_RUNNING_STATISTIC) {
                out.add(new Slot(p.name(), p));
            }
        }
        return out;
    }

    private static List<Slot> statesOrder(OriginLayout layout) {
        List<Slot> out = new ArrayList<>();
        for (OriginParameter p : layout.parameters()) {
            out.add(new Slot(p.name(), p));
            if (p.segment().role() == ParameterRole.BATCHNORM_RUNNING_STATISTIC && p.name().endsWith(".running_var")) {
                String prefix = p.name().substring(0, p.name().length() - "running_var".length());
                out.add(new Slot(prefix + NUM_BATCHES_TRACKED, null));
            }
        }
        return out;
    }

    private static Map<String, INDArray> tensors(Path h5, String group, Group g, List<Slot> order,
                                                 ImportedModel model) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            Slot slot = order.get(i);
            Node node = g.getChild(Integer.toString(i));
            if (!(node instanceof Dataset d)) {
                throw new ModelImportException("direction file " + h5 + ": /" + group + "/" + i + " is not a dataset");
            }
            int[] dims = d.getDimensions();
            if (slot.parameter() == null) {
                if (dims.length != 0 && !(dims.length == 1 && dims[0] == 1)) {
                    throw new ModelImportException("direction file " + h5 + ": /" + group + "/" + i + " ("
                            + slot.name() + ") has shape " + Arrays.toString(dims) + ", expected a scalar");
                }
                continue;
            }
            long[] want = slot.parameter().shape();
            long[] got = Arrays.stream(dims).asLongStream().toArray();
            if (!Arrays.equals(want, got) && !squeezed(want).equals(squeezed(got))) {
                throw new ModelImportException("direction file " + h5 + ": /" + group + "/" + i + " has shape "
                        + Arrays.toString(dims) + ", the model's tensor " + i + " '" + slot.name() + "' is "
                        + Arrays.toString(want) + foldedHint(model));
            }
            out.put(slot.name(), Nd4j.create(values(h5, d), want, DataType.DOUBLE));
        }
        return out;
    }

    private static double[] values(Path h5, Dataset d) {
        Object data = d.getDataFlat();
        if (data instanceof double[] v) {
            return v;
        }
        if (data instanceof float[] v) {
            double[] out = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = v[i];
            }
            return out;
        }
        throw new ModelImportException("direction file " + h5 + ": " + d.getPath() + " holds " + d.getJavaType()
                + ", expected float32 or float64");
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

    private static String foldedHint(ImportedModel model) {
        boolean folded = model.parameters().names().stream().anyMatch(n -> n.startsWith("onnx::"));
        return folded ? "; the ONNX file's tensors are not PyTorch's parameters (batch norm folded into the"
                + " convolutions): export with training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False"
                : "";
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}

package org.landscape4j.engine.internal.plan;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An element-wise vertex of a graph (add, subtract, product, average, max) over inputs of equal shapes, into the
 * step's buffer, in DL4J's order of operations (the skip connection of a residual block is an add).
 */
final class ElementWiseStep extends Step {

    private final ElementWiseVertex.Op op;
    /** Whether a ReLU layer that only this add fed runs in the same pass ({@link #withRelu}). */
    private final boolean relu;

    ElementWiseStep(String source, int[] inputs, int output, ElementWiseVertex.Op op) {
        this(source, inputs, output, op, false);
    }

    private ElementWiseStep(String source, int[] inputs, int output, ElementWiseVertex.Op op, boolean relu) {
        super(source, inputs, output);
        this.op = op;
        this.relu = relu;
    }

    /** Whether {@link #withRelu} applies: an add of two inputs. */
    boolean fusesRelu() {
        return op == ElementWiseVertex.Op.Add && inputs.length == 2 && !relu;
    }

    /**
     * This add followed by {@code activation}, a plain ReLU reading only this step's output, as one step writing the
     * activation's slot: {@code max(0, a + b)} in one pass by oneDNN ({@link OneDnnAddRelu}) for a float network
     * where oneDNN loaded, else ND4J's add then ReLU; the same bits either way.
     */
    ElementWiseStep withRelu(ActivationStep activation) {
        return new ElementWiseStep(source + " + " + activation.source, inputs, activation.output, op, true);
    }

    /** The plan's rule for an element-wise vertex over inputs of one shape. */
    static int rule(PlanBuilder b, NetworkGraph.Node node, int[] in, INDArray act) {
        return b.add(new ElementWiseStep(node.source(), in, b.newSlot(act),
                node.config(ElementWiseVertex.class).getOp()), act);
    }

    @Override
    Kernel bind(Model copy) {
        if (relu) {
            return OneDnn.available() && copy.params().dataType() == DataType.FLOAT
                    ? new OneDnnAddRelu()
                    : Activations.after(plain(), new ActivationReLU());
        }
        return plain();
    }

    private Kernel plain() {
        return (in, out) -> {
            switch (op) {
                case Add, Average, Product, Subtract -> {
                    // the first two inputs in one pass into the buffer (a residual add reads each input once)
                    if (in.length == 1) {
                        out.assign(in[0]);
                    } else {
                        Nd4j.exec(switch (op) {
                            case Product -> new MulOp(in[0], in[1], out);
                            case Subtract -> new SubOp(in[0], in[1], out);
                            default -> new AddOp(in[0], in[1], out);
                        });
                    }
                    for (int i = 2; i < in.length; i++) {
                        switch (op) {
                            case Product -> out.muli(in[i]);
                            case Subtract -> out.subi(in[i]);
                            default -> out.addi(in[i]);
                        }
                    }
                    if (op == ElementWiseVertex.Op.Average) {
                        out.divi(in.length);
                    }
                }
                case Max -> Nd4j.getExecutioner().exec(DynamicCustomOp.builder("mergemax").addInputs(in)
                        .addOutputs(out).callInplace(false).build());
                default -> throw new IllegalStateException("element-wise " + op);
            }
        };
    }

    @Override
    Step channelsLast(boolean[] image) {
        return this; // inputs of equal shapes, element by element: any layout
    }

    @Override
    String kind() {
        return "elementwise-" + op.name().toLowerCase(java.util.Locale.ROOT) + (relu ? "+relu" : "");
    }
}

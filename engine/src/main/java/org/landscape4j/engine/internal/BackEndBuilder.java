package org.landscape4j.engine.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.landscape4j.engine.graph.LayerKind;
import org.landscape4j.engine.graph.NetworkGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a back end (the inference plan, the exact Hessian) records while its rules turn a {@link NetworkGraph}'s nodes
 * into its own operations {@code S}: the slots they read and write (shapes without the examples' axis), each slot's
 * value on the probe, the activations DL4J computed that the back end's forward pass must reproduce, and the first
 * reason it cannot run the network. {@link #walk} visits the nodes in order: a node with a
 * {@link NetworkGraph.Node#problem} is refused by name, a network output goes to the back end's {@link #head}, every
 * other node to its {@link #rule}, one exhaustive {@code switch} over {@link LayerKind} whose cases call the static
 * rules in the back end's step files.
 *
 * @param <S> the back end's operation
 */
public abstract class BackEndBuilder<S> {

    private final List<S> steps = new ArrayList<>();
    private final List<long[]> shapes = new ArrayList<>();
    private final Map<Integer, INDArray> expected = new HashMap<>();
    private final Map<Integer, INDArray> probeValues = new HashMap<>();
    private String unsupported;

    /**
     * Walks {@code graph}'s nodes with {@code probe}, the values of {@link NetworkGraph#probe}; {@code slotOf[v]} is
     * the slot of value {@code v} (the caller sets the inputs'). Stops at the first refusal.
     */
    protected final void walk(NetworkGraph graph, INDArray[] probe, int[] slotOf) {
        for (NetworkGraph.Node node : graph.nodes()) {
            String problem = node.problem(probe);
            if (problem != null) {
                refuse(problem);
            }
            if (unsupported != null) {
                return;
            }
            int[] in = Arrays.stream(node.inputs()).map(v -> slotOf[v]).toArray();
            slotOf[node.output()] = node.isOutput() ? head(node, in[0]) : rule(node, in, probe[node.output()]);
        }
    }

    /** The back end's rule for {@code node}'s kind, reading slots {@code in}: the slot of its output, {@code act}. */
    protected abstract int rule(NetworkGraph.Node node, int[] in, INDArray act);

    /** The back end's rule for a network output reading slot {@code in} (its loss); an invalid slot. */
    protected abstract int head(NetworkGraph.Node node, int in);

    /** The slot {@code step} writes. */
    protected abstract int output(S step);

    /** A new slot shaped like {@code like} without its examples' axis. */
    public final int newSlot(INDArray like) {
        return newSlot(Arrays.copyOfRange(like.shape(), 1, like.rank()));
    }

    /** A new slot of shape {@code shapeWithoutExamples} (copied). */
    public final int newSlot(long[] shapeWithoutExamples) {
        shapes.add(shapeWithoutExamples.clone());
        return shapes.size() - 1;
    }

    /** Slot {@code slot}'s shape without the examples' axis (a copy). */
    public final long[] shape(int slot) {
        return shapes.get(slot).clone();
    }

    /** The rank (with the examples' axis) of a slot's probe value. */
    public final int rank(int slot) {
        return probeValues.get(slot).rank();
    }

    /** A slot's probe value (DL4J's activation, or an input). */
    public final INDArray probeValue(int slot) {
        return probeValues.get(slot);
    }

    /** Records {@code value} as slot {@code slot}'s probe value, not checked (an input, a view). */
    public final void setProbeValue(int slot, INDArray value) {
        probeValues.put(slot, value);
    }

    /** Records {@code act}, DL4J's activation, as slot {@code slot}'s probe value that the back end must reproduce. */
    public final void expect(int slot, INDArray act) {
        expected.put(slot, act);
        probeValues.put(slot, act);
    }

    /** Stops checking slot {@code slot} (DL4J overwrote its activation in place). */
    public final void forget(int slot) {
        expected.remove(slot);
    }

    /** Adds a step writing a slot shaped like {@code act}, DL4J's activation that the step must reproduce. */
    public final int add(S step, INDArray act) {
        steps.add(step);
        expect(output(step), act);
        return output(step);
    }

    /** Adds a view (a reshape, the identity), whose output ({@code act} on the probe) is not checked on its own. */
    public final int addView(S step, INDArray act) {
        steps.add(step);
        setProbeValue(output(step), act);
        return output(step);
    }

    /** Adds a step whose output DL4J does not report (a layer's pre-activation), not checked. */
    public final void addUnreported(S step) {
        steps.add(step);
    }

    /** Records why the back end cannot run the network (the first reason met); returns an invalid slot. */
    public final int refuse(String reason) {
        if (unsupported == null) {
            unsupported = reason;
        }
        return -1;
    }

    /** Why the back end cannot run the network, or {@code null}. */
    public final String unsupported() {
        return unsupported;
    }

    /** The steps in order. */
    public final List<S> steps() {
        return Collections.unmodifiableList(steps);
    }

    /** The slots' shapes without the examples' axis. */
    public final List<long[]> shapes() {
        return Collections.unmodifiableList(shapes);
    }

    /** Per slot, DL4J's activation on the probe that the step writing it must reproduce. */
    public final Map<Integer, INDArray> expected() {
        return Collections.unmodifiableMap(expected);
    }
}

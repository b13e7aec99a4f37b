package org.landscape4j.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import onnx.Onnx;

/**
 * Reading one ONNX node: its attributes with the defaults the ONNX operator specification gives, and refusing it in
 * one line that names the node and its op ({@code ONNX node '/conv1/Conv' (Conv) is a grouped convolution ...}).
 */
final class OnnxNodes {

    private OnnxNodes() {
    }

    /** The nodes reading each tensor of {@code nodes}, in order (what the rewrite passes look at). */
    static Map<String, List<Onnx.NodeProto>> consumers(List<Onnx.NodeProto> nodes) {
        Map<String, List<Onnx.NodeProto>> consumers = new HashMap<>();
        for (Onnx.NodeProto n : nodes) {
            for (String in : n.getInputList()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        return consumers;
    }

    static long attrInt(Onnx.NodeProto n, String name, long otherwise) {
        for (Onnx.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return otherwise;
    }

    /** A float attribute as the decimal it was written as (1e-5, not 9.99999974e-6). */
    static double attrFloat(Onnx.NodeProto n, String name, double otherwise) {
        for (Onnx.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return Double.parseDouble(Float.toString(a.getF()));
            }
        }
        return otherwise;
    }

    /** An ints attribute, or {@code null} when the node does not have it. */
    static long[] attrInts(Onnx.NodeProto n, String name) {
        for (Onnx.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        return null;
    }

    static String attrString(Onnx.NodeProto n, String name, String otherwise) {
        for (Onnx.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getS().toStringUtf8();
            }
        }
        return otherwise;
    }

    /** An ints attribute of as many entries as {@code otherwise} (one per spatial axis), or {@code otherwise}. */
    static int[] ints(Onnx.NodeProto n, String name, int... otherwise) {
        long[] v = attrInts(n, name);
        if (v == null) {
            return otherwise;
        }
        if (v.length != otherwise.length) {
            throw refuse(n, "has " + name + " " + Arrays.toString(v) + "; only 2D");
        }
        return Arrays.stream(v).mapToInt(Math::toIntExact).toArray();
    }

    /** Whether input {@code i} is given (ONNX marks an omitted optional input by an empty name). */
    static boolean hasInput(Onnx.NodeProto n, int i) {
        return n.getInputCount() > i && !n.getInput(i).isEmpty();
    }

    /** The refusal of node {@code n}: {@code what} it does that the importer does not support. */
    static ModelImportException refuse(Onnx.NodeProto n, String what) {
        return new ModelImportException("ONNX node '" + n.getName() + "' (" + n.getOpType() + ") " + what);
    }

    static String shapeText(long[] shape) {
        return Arrays.toString(shape);
    }
}

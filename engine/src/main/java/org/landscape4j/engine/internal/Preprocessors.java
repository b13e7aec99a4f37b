package org.landscape4j.engine.internal;

import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/** DL4J input preprocessors that are plain reshapes, as the inference plan and the exact Hessian treat them. */
public final class Preprocessors {

    private Preprocessors() {
    }

    /**
     * {@code pre} applied to a probe input {@code in}, when it only reshapes ({@code in}'s values in C order, in the
     * output's shape); {@code null} when it does anything else.
     */
    public static INDArray asReshape(InputPreProcessor pre, INDArray in) {
        INDArray out = pre.preProcess(in.dup(), (int) in.size(0), LayerWorkspaceMgr.noWorkspaces());
        boolean reshape = out.length() == in.length() && in.dup('c').reshape('c', out.shape()).equals(out);
        return reshape ? out : null;
    }
}

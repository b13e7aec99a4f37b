// landscape4j start-up for JShell: imports and static imports, so a script is a few lines.
import java.nio.file.*;
import java.util.*;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.landscape4j.engine.*;
import org.landscape4j.charts.*;
import org.landscape4j.examples.*;
import org.landscape4j.examples.seeds.*;
// Hessian.of(net, data): eigenvalues(k), extremes(), trace(probes), density(steps, probes), perLayer(probes), layer(name)
import org.landscape4j.engine.curvature.*;
// landscape(b -> ...): the entry point (Landscape.builder() is the builder it fills in)
import static org.landscape4j.dsl.Landscapes.*;
// FILTER_NORMALIZED, LAYER_NORMALIZED, MODEL_NORMALIZED, UNNORMALIZED
import static org.landscape4j.engine.RandomDirections.*;
// interpolation(a, b), planeThrough(a, b, c), pca(snapshots), hessian(net, data, 2), curve(...), linear2x(), ...
import static org.landscape4j.engine.Directions.*;
// LINEAR, CUBIC; RASTER, COARSE_TO_FINE, SPIRAL; loss(), accuracy()
import static org.landscape4j.engine.Spacing.LINEAR;
import static org.landscape4j.engine.Spacing.CUBIC;
import static org.landscape4j.engine.Order.RASTER;
import static org.landscape4j.engine.Order.COARSE_TO_FINE;
import static org.landscape4j.engine.Order.SPIRAL;
import static org.landscape4j.engine.Metric.loss;
import static org.landscape4j.engine.Metric.accuracy;

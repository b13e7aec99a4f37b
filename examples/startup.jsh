// landscape4j start-up for JShell: imports and static imports, so a script is a few lines.
import java.nio.file.*;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.landscape4j.engine.*;
import org.landscape4j.charts.*;
import org.landscape4j.examples.*;
import static org.landscape4j.dsl.Landscapes.*;

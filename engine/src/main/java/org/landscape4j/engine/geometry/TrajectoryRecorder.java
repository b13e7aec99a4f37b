package org.landscape4j.engine.geometry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A DL4J training listener that records the network's flat parameters during training, for drawing the optimization
 * path on a landscape ({@link TrajectoryPca}, {@link Projection}).
 *
 * <p>A snapshot is taken after every {@code k}-th parameter update ({@link #everyIterations(int)}) or at the end of
 * every {@code k}-th epoch ({@link #everyEpochs(int)}; DL4J signals epochs only from {@code fit(DataSetIterator)} and
 * {@code fit(iterator, epochs)}, not from {@code fit(DataSet)}). {@link #record(Model)} adds one by hand, typically
 * the initial parameters before training. Snapshots are copies: the network keeps training undisturbed.
 *
 * <p>They are kept in memory, or, after {@link #toDirectory(Path)}, written to disk as NumPy {@code .npy} files (one
 * per snapshot, {@code 1 x P}, readable with {@code np.load}; written by ND4J's own NumPy writer) and read back by
 * {@link #snapshots()}.
 *
 * <pre>{@code
 * TrajectoryRecorder recorder = TrajectoryRecorder.everyEpochs(1);
 * recorder.record(net);                       // the initial point
 * net.addListeners(recorder);
 * net.fit(trainIterator, 20);
 * TrajectoryPca pca = TrajectoryPca.of(recorder.snapshots(), 2);
 * }</pre>
 *
 * <p>Thread-safe: training may run on another thread than the one reading {@link #snapshots()}.
 */
public final class TrajectoryRecorder extends BaseTrainingListener {

    /** What {@code k} counts. */
    public enum Unit {
        /** Parameter updates (DL4J iterations: one per minibatch). */
        ITERATIONS,
        /** Epochs (passes over a {@code DataSetIterator}). */
        EPOCHS
    }

    /**
     * When a snapshot was taken.
     *
     * @param index     its position in {@link #snapshots()}, {@code >= 0}
     * @param iteration parameter updates completed when it was taken, or -1 if the model does not say
     * @param epoch     epochs completed when it was taken, or -1 if the model does not say
     */
    public record Step(int index, long iteration, int epoch) {
        public Step {
            if (index < 0) {
                throw new IllegalArgumentException("index must be >= 0, was " + index);
            }
            if (iteration < -1 || epoch < -1) {
                throw new IllegalArgumentException("iteration and epoch must be >= -1 (unknown), were " + iteration
                        + " and " + epoch);
            }
        }
    }


    private final Unit unit;
    private final int every;
    private final Path directory;
    private final List<INDArray> inMemory = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private final List<Step> steps = new ArrayList<>();
    private int epochsSeen;

    private TrajectoryRecorder(Unit unit, int every, Path directory) {
        if (every < 1) {
            throw new IllegalArgumentException("k must be >= 1 " + unit.name().toLowerCase() + ", was " + every);
        }
        this.unit = unit;
        this.every = every;
        this.directory = directory;
    }

    /**
     * Records after every {@code k}-th parameter update (after updates {@code k, 2k, ...}).
     *
     * @param k at least 1
     * @throws IllegalArgumentException if {@code k < 1}
     */
    public static TrajectoryRecorder everyIterations(int k) {
        return new TrajectoryRecorder(Unit.ITERATIONS, k, null);
    }

    /**
     * Records at the end of every {@code k}-th epoch (after epochs {@code k, 2k, ...}).
     *
     * @param k at least 1
     * @throws IllegalArgumentException if {@code k < 1}
     */
    public static TrajectoryRecorder everyEpochs(int k) {
        return new TrajectoryRecorder(Unit.EPOCHS, k, null);
    }

    /**
     * A recorder with the same schedule that writes its snapshots to {@code directory} instead of keeping them in
     * memory. Call it before training; it starts empty.
     *
     * @param directory where to write, not {@code null}; created if missing; must not already hold snapshot files
     * @throws IllegalArgumentException if {@code directory} is {@code null}, a file, or holds snapshots already
     * @throws UncheckedIOException     if it cannot be created or listed
     */
    public TrajectoryRecorder toDirectory(Path directory) {
        if (directory == null) {
            throw new IllegalArgumentException("directory must not be null");
        }
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new IllegalArgumentException("directory " + directory + " is a file, not a directory");
        }
        try {
            Files.createDirectories(directory);
            try (Stream<Path> existing = Files.list(directory)) {
                List<Path> snapshots = existing.filter(TrajectoryRecorder::isSnapshotFile).limit(3).toList();
                if (!snapshots.isEmpty()) {
                    throw new IllegalArgumentException("directory " + directory
                            + " already holds snapshot files (for example " + snapshots.get(0).getFileName()
                            + "); use an empty directory so trajectories do not mix");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare snapshot directory " + directory, e);
        }
        return new TrajectoryRecorder(unit, every, directory);
    }

    private static boolean isSnapshotFile(Path p) {
        String name = p.getFileName().toString();
        return name.startsWith("snapshot-") && name.endsWith(".npy");
    }

    /** What {@link #every()} counts. */
    public Unit unit() {
        return unit;
    }

    /** The recording period {@code k}. */
    public int every() {
        return every;
    }

    /** Where snapshots are written, or {@code null} when they are kept in memory. */
    public Path directory() {
        return directory;
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        // DL4J passes the iteration count before it is incremented: iteration + 1 updates are done.
        if (unit == Unit.ITERATIONS && (iteration + 1) % every == 0) {
            add(model, iteration + 1L, epoch);
        }
    }

    @Override
    public void onEpochEnd(Model model) {
        if (unit != Unit.EPOCHS) {
            return;
        }
        synchronized (this) {
            epochsSeen++;
            if (epochsSeen % every != 0) {
                return;
            }
        }
        // DL4J increments the epoch count after onEpochEnd.
        int epoch = epochCount(model);
        add(model, iterationCount(model), epoch < 0 ? -1 : epoch + 1);
    }

    /**
     * Records the model's current parameters now, whatever the schedule (for example the initial point).
     *
     * @param model a {@link MultiLayerNetwork} or {@link ComputationGraph} (any {@link Model} works, without
     *              iteration and epoch counts); only read
     */
    public void record(Model model) {
        if (model == null) {
            throw new IllegalArgumentException("model must not be null");
        }
        add(model, iterationCount(model), epochCount(model));
    }

    private static long iterationCount(Model model) {
        if (model instanceof MultiLayerNetwork net) {
            return net.getIterationCount();
        }
        if (model instanceof ComputationGraph graph) {
            return graph.getIterationCount();
        }
        return -1;
    }

    private static int epochCount(Model model) {
        if (model instanceof MultiLayerNetwork net) {
            return net.getEpochCount();
        }
        if (model instanceof ComputationGraph graph) {
            return graph.getEpochCount();
        }
        return -1;
    }

    private synchronized void add(Model model, long iteration, int epoch) {
        INDArray params = model.params();
        int index = steps.size();
        if (directory == null) {
            inMemory.add(params.dup());
        } else {
            files.add(write(params, index, iteration, epoch));
        }
        steps.add(new Step(index, iteration, epoch));
    }

    private Path write(INDArray params, int index, long iteration, int epoch) {
        Path file = directory.resolve(String.format(java.util.Locale.ROOT, "snapshot-%06d-it%d-ep%d.npy", index,
                iteration, epoch));
        if (Files.exists(file)) {
            throw new IllegalStateException("snapshot " + file + " exists already");
        }
        try {
            // NumPy's .npy through ND4J's own writer: np.load reads a snapshot as a 1 x P array
            Nd4j.writeAsNumpy(params.reshape(1, params.length()), file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write snapshot " + file, e);
        }
        return file;
    }

    private static INDArray read(Path file) {
        try {
            INDArray a = Nd4j.createFromNpyFile(file.toFile());
            return a.reshape(1, a.length());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot read snapshot " + file + ": " + e.getMessage(), e);
        }
    }

    /** Number of snapshots recorded so far. */
    public synchronized int size() {
        return steps.size();
    }

    /**
     * Snapshot {@code index} as a new row vector {@code [1, P]} in the network's data type (read from disk when
     * stored there).
     *
     * @throws IndexOutOfBoundsException if there is no such snapshot
     */
    public synchronized INDArray snapshot(int index) {
        if (index < 0 || index >= steps.size()) {
            throw new IndexOutOfBoundsException("snapshot " + index + " of " + steps.size());
        }
        return directory == null ? inMemory.get(index).dup() : read(files.get(index));
    }

    /** All snapshots in recording order, as new arrays (read back from disk when stored there). */
    public synchronized List<INDArray> snapshots() {
        List<INDArray> out = new ArrayList<>(steps.size());
        for (int i = 0; i < steps.size(); i++) {
            out.add(snapshot(i));
        }
        return out;
    }

    /** When each snapshot was taken, in recording order. */
    public synchronized List<Step> steps() {
        return List.copyOf(steps);
    }

    /** The files of the snapshots written so far, in order; empty when kept in memory. */
    public synchronized List<Path> files() {
        return List.copyOf(files);
    }

    @Override
    public synchronized String toString() {
        return "TrajectoryRecorder every " + every + " " + unit.name().toLowerCase() + ", " + steps.size()
                + " snapshots" + (directory == null ? " in memory" : " in " + directory);
    }
}

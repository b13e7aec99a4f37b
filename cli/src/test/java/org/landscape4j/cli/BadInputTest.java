package org.landscape4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.landscape4j.engine.Fixtures;

/**
 * Every kind of bad input, one row each: the arguments, the exit code, and what the one line on stderr says. A row
 * passes when the command exits with the code, prints exactly one line on stderr ({@code landscape: } and the
 * reason, containing the row's message, with no exception or stack trace), prints nothing on stdout, and has not
 * created its {@code --out} directory: every check comes before any work. A new option gets a row.
 *
 * <p>In the arguments, {@code {name}} stands for a file of {@link #files}, {@code {out}} for a fresh output directory
 * and {@code {empty}} for an empty argument.
 */
class BadInputTest {

    private static final String M = "--model {model} --data {csv} --out {out}";

    /** Arguments, exit code, message. */
    record Row(String args, int exit, String message) {
        @Override
        public String toString() {
            return args.isEmpty() ? "(no arguments)" : args;
        }
    }

    private static Row row(String args, String message) {
        return new Row(args, LandscapeCommand.EXIT_BAD_INPUT, message);
    }

    static Stream<Row> rows() {
        return Stream.of(
                // the command line itself
                row("", "missing command: surface, line, interpolate, hessian, connect or plot (see `landscape --help`)"),
                row("curve " + M, "Unmatched arguments from index 0: 'curve'"),
                row("surface " + M + " --modle x", "Unknown options: '--modle', 'x' (see `landscape surface --help`)"),
                row("surface " + M + " --window --master local[2]",
                        "--window cannot be used with --master: the Explorer computes its views in this JVM"),
                row("surface --data {csv} --out {out}",
                        "Missing required option: '--model=FILE' (or --plane-through A B C, or --pca DIR)"),
                row("surface --model {model} --data {csv} --out", "Missing required parameter for option '--out'"),
                // --model, --from, --to
                row("surface --model {missing.zip} --data {csv} --out {out}",
                        "--model: model file {missing.zip} does not exist"),
                row("surface --model {dir} --data {csv} --out {out}", "--model: {dir} is not a file"),
                row("surface --model {corrupt.zip} --data {csv} --out {out}",
                        "--model: {corrupt.zip} is not a DL4J model zip ("),
                row("line --model {other.zip} --data {csv} --out {out}", "--model: {other.zip} is a zip but not a DL4J"
                        + " model (no configuration.json and coefficients.bin; save models with"
                        + " ModelSerializer.writeModel)"),
                row("interpolate --from {missing.zip} --to {model} --data {csv} --out {out}",
                        "--from: model file {missing.zip} does not exist"),
                row("interpolate --from {model} --to {corrupt.zip} --data {csv} --out {out}",
                        "--to: {corrupt.zip} is not a DL4J model zip ("),
                row("interpolate --from {model} --to {cnn.zip} --data {csv} --out {out}",
                        "--from {model} and --to {cnn.zip}: "),
                // --data, --test-data, --idx-prefix
                row("surface --model {model} --data {missing.csv} --out {out}",
                        "--data: {missing.csv} does not exist"),
                row("line --model {model} --data {dir} --out {out}", "--data: {dir} has no train-images-idx3-ubyte[.gz]"
                        + " (an IDX directory needs images and labels; --idx-prefix picks train or t10k)"),
                row("line --model {model} --data {dir} --idx-prefix t10x --out {out}",
                        "--data: {dir} has no t10x-images-idx3-ubyte[.gz]"),
                row("surface --model {model} --data {wide.csv} --grid -1:1:3 --out {out}", "evaluation set 'train':"
                        + " features have shape [2, 5] but layer 0 'hidden' (DenseLayer) takes [examples, 4]"),
                row("line --model {model} --data {class7.csv} --out {out}",
                        "--data: {class7.csv} example 2 has class 7.0, the model has 3 outputs (classes 0..2)"),
                row("line --model {model} --data {broken.csv} --out {out}",
                        "--data: {broken.csv} line 3 is not numeric: 1,2,x,4,1"),
                row("line " + M + " --test-data {missing.csv}", "--test-data: {missing.csv} does not exist"),
                row("line " + M + " --test-data {class7.csv}", "--test-data: {class7.csv} example 2 has class 7.0"),
                // --limit
                row("line " + M + " --limit 0",
                        "--limit must be >= 1, was 0 (leave it out to evaluate on all examples)"),
                row("line " + M + " --limit -3", "--limit must be >= 1, was -3"),
                row("line " + M + " --limit all", "Invalid value for option '--limit': 'all' is not an int"),
                // --out
                row("line --model {model} --data {csv} --out {file.txt}", "--out {file.txt} is a file, not a directory"),
                row("line --model {model} --data {csv} --out {file.txt}/run",
                        "--out {file.txt}/run cannot be created: {file.txt} is a file, not a directory"),
                row("surface --model {model} --data {csv} --out /proc/nope/x", "--out /proc/nope/x cannot be created"),
                row("surface --model {model} --data {csv} --out {empty}", "--out must not be empty"),
                // --workers
                row("surface " + M + " --workers 0", "--workers must be >= 1, was 0; leave it out for the default"),
                row("surface " + M + " --workers -2", "--workers must be >= 1, was -2; leave it out for the default"),
                row("surface " + M + " --workers 1000", "--workers must be <= 256, was 1000"),
                row("surface " + M + " --workers two", "Invalid value for option '--workers': 'two' is not an int"),
                // --precision
                row("surface " + M + " --precision half", "--precision must be float, bf16 or tf32, was half"),
                row("surface " + M + " --precision tf32", "--precision tf32 is the tensor-core float of NVIDIA GPUs: it"
                        + " needs --device cuda (on the CPU: --precision bf16)"),
                row("surface " + M + " --precision tf32 --device cuda --master local[2]",
                        "--precision tf32 runs on this JVM's workers only, not with --master"),
                row("surface " + M + " --precision bf16 --master local[2]",
                        "--precision bf16 runs on this JVM's workers only, not with --master"),
                row("surface " + M + " --precision bf16", "precision BF16 cannot run: "),
                // --device
                row("surface " + M + " --device tpu", "--device must be one of auto, cpu, cuda, nd4j-cuda, was 'tpu'"),
                row("surface " + M + " --device cuda", "CUDA asked for, but the GPU back end is not on the class path:"
                        + " add the dependency org.landscape4j:landscape4j-cuda"),
                // --master, --points-per-task
                row("surface " + M + " --master bogus://x", "--master: Spark master URL 'bogus://x' is not one Spark"
                        + " accepts: local, local[N], local[*], local[N,F], local[*,F], local-cluster[N,C,MB],"
                        + " spark://host:port[,host:port...], yarn, k8s://[https://]host:port"),
                row("surface " + M + " --master {empty}", "--master: Spark master URL must not be blank, was ''"),
                row("surface " + M + " --master local[0]", "--master: Spark master URL 'local[0]' asks for 0 threads;"
                        + " local[N] needs N >= 1"),
                row("surface " + M + " --master local[0,4]", "--master: Spark master URL 'local[0,4]' asks for 0"
                        + " threads"),
                row("surface " + M + " --master spark://host", "--master: Spark master URL 'spark://host' must list its"
                        + " masters as host:port (spark://host:7077[,host2:7077...]), was 'host'"),
                row("surface " + M + " --master mesos://h:5050", "--master: Spark master URL 'mesos://h:5050': Spark 4"
                        + " has no Mesos support; accepted: local, "),
                row("surface " + M + " --master yarn", "--master: Spark master URL 'yarn' needs Spark's cluster manager"
                        + " for it on the class path (spark-yarn_2.13), which is not there"),
                row("surface " + M + " --master k8s://https://h:6443", "--master: Spark master URL"
                        + " 'k8s://https://h:6443' needs Spark's cluster manager for it on the class path"
                        + " (spark-kubernetes_2.13), which is not there"),
                row("surface " + M + " --points-per-task 4", "--points-per-task needs --master"),
                row("surface " + M + " --master local[1] --points-per-task 0", "--points-per-task must be >= 1, was 0;"
                        + " leave it out for the default"),
                row("surface " + M + " --master local[1] --points-per-task -4",
                        "--points-per-task must be >= 1, was -4"),
                // --norm, --bias-bn, --seed
                row("line " + M + " --norm spectral", "--norm must be filter, layer, model or none, was 'spectral'"),
                row("line " + M + " --bias-bn=maybe", "Invalid value for option '--bias-bn': 'maybe' is not a boolean"),
                row("line " + M + " --seed x1", "Invalid value for option '--seed': 'x1' is not a long"),
                // --grid, --ygrid
                row("surface " + M + " --grid -1:1:1", "Invalid value for option '--grid': grid resolution must be"
                        + " >= 2, was 1 (see `landscape surface --help`)"),
                row("line " + M + " --grid -1:1", "Invalid value for option '--grid': expected min:max:points, e.g."
                        + " -1:1:51, was '-1:1' (see `landscape line --help`)"),
                row("line " + M + " --grid 1:-1:5", "Invalid value for option '--grid': "),
                row("line " + M + " --grid NaN:1:5",
                        "Invalid value for option '--grid': grid minimum must be finite, was NaN"),
                row("line " + M + " --grid a:b:c", "Invalid value for option '--grid': expected min:max:points with"
                        + " numbers, e.g. -1:1:51, was 'a:b:c'"),
                row("surface " + M + " --grid -1:1:100000", "a grid of 10000000000 points (100000 x 100000) is too"
                        + " large: at most 4194304 points (2048 x 2048)"),
                row("surface " + M + " --ygrid 0:1:1",
                        "Invalid value for option '--ygrid': grid resolution must be >= 2, was 1"),
                row("line " + M + " --ygrid 0:1:5", "Unknown options: '--ygrid', '0:1:5'"),
                row("interpolate --from {model} --to {model} --data {csv} --out {out} --grid 0:1:1",
                        "Invalid value for option '--grid': grid resolution must be >= 2, was 1"),
                // plot
                row("plot {missing}", "{missing} is not a directory"),
                row("plot {file.txt}", "{file.txt} is not a directory"),
                row("plot {dir}", "{dir} holds no surface.h5 or line.h5 to plot (run `landscape surface --out {dir}`"
                        + " first)"),
                row("plot", "Missing required parameter: 'DIR'"),
                row("plot {dir} {dir}", "Unmatched argument at index 2"),
                // --curvature
                row("surface " + M + " --curvature lmin,curl", "--curvature takes lmin, lmax and trace, was"
                        + " 'lmin,curl'"),
                row("surface " + M + " --curvature trace --curvature-probes 1", "--curvature-probes must be >= 2,"
                        + " was 1"),
                // loss-landscape's flags
                row("surface " + M + " --xnorm filter --ynorm layer", "--xnorm and --ynorm differ (filter, layer):"
                        + " both directions are normalized alike here"),
                row("surface " + M + " --xnorm weight", "--xnorm weight has no equivalent here: use filter or layer,"
                        + " or --norm none / model"),
                row("surface " + M + " --norm layer --xnorm filter", "--norm layer and --xnorm filter contradict each"
                        + " other"),
                row("surface " + M + " --norm filter --xnorm layer", "--norm filter and --xnorm layer contradict each"
                        + " other"),
                row("surface " + M + " --xignore bn", "--xignore takes biasbn (loss-landscape's only value), was 'bn'"),
                row("surface " + M + " --xignore biasbn --bias-bn", "--xignore biasbn and --bias-bn contradict each"
                        + " other"),
                row("surface " + M + " --dir_type states", "--dir_type states: random directions here hold the"
                        + " batch-norm running statistics fixed"),
                row("surface " + M + " --dir_type stats", "--dir_type must be weights or states, was 'stats'"),
                row("surface " + M + " --model_file2 {model}", "--model_file2 alone is loss-landscape's interpolation"
                        + " between two models: use `landscape interpolate --from A --to B`"),
                row("surface " + M + " --model_file3 {model}", "--model_file3 needs --model_file2"),
                // --normalize
                row("line " + M + " --normalize 0.5", "--normalize takes MEAN,STD (each one number, or one per channel"
                        + " separated by /), was '0.5'"),
                row("line " + M + " --normalize 0.5,0", "--normalize: a standard deviation must be > 0, was 0.0"),
                row("line " + M + " --normalize 0.1/0.2,0.3", "--normalize has 2 means and 1 standard deviations"),
                row("line " + M + " --normalize mean,1", "--normalize: 'mean' is not a number (in 'mean,1')"),
                row("line " + M + " --normalize 0/0/0,1/1/1", "--normalize gives 3 channels but the --data features"
                        + " [60, 4] have no image axis of 3"),
                // --save-directions
                row("line " + M + " --save-directions json", "--save-directions must be h5, npy or none, was 'json'"),
                // connect
                row("connect --from {model} --to {model} --data {csv} --out {out} --curve spline",
                        "--curve must be bezier or chain, was 'spline'"),
                row("connect --from {model} --to {model} --data {csv} --out {out} --epochs 0",
                        "--epochs: epochs must be >= 1, was 0"),
                row("connect --from {model} --to {model} --data {csv} --out {out} --batch-size 0",
                        "--batch-size: batchSize must be >= 1, was 0"),
                row("connect --from {model} --to {model} --data {csv} --out {out} --learning-rate -1",
                        "--learning-rate: learningRate must be finite and > 0, was -1.0"),
                row("connect --from {model} --to {model} --data {csv} --out {out} --points 1",
                        "--points must be between 2 and 10000, was 1"),
                row("connect --from {model} --to {cnn.zip} --data {csv} --out {out}",
                        "are not one architecture"),
                row("connect --from {model} --to {model} --data {csv} --out {out}",
                        "hold the same parameters: there is nothing to connect"),
                // hessian
                row("hessian " + M + " --top 0", "--top must be between 1 and 50, was 0"),
                row("hessian " + M + " --top 51", "--top must be between 1 and 50, was 51"),
                row("hessian " + M + " --probes 1", "--probes must be >= 2, was 1"),
                row("hessian " + M + " --parameters biases", "--parameters must be weights or all, was 'biases'"),
                row("hessian " + M + " --limit 0", "--limit must be >= 1, was 0"),
                row("hessian " + M + " --loss hinge", "--loss: "),
                row("hessian --model {missing.zip} --data {csv} --out {out}",
                        "--model: model file {missing.zip} does not exist"),
                row("hessian --model {model} --out {out}", "Missing required option: '--data=PATH'"),
                // the heatmap: --scale, --levels, --vmin, --vmax (surface and plot)
                row("plot {dir} --scale cubic", "--scale must be log or linear, was 'cubic'"),
                row("surface " + M + " --levels -1", "--levels must be between 0 and 100, was -1"),
                row("plot {dir} --levels 1000", "--levels must be between 0 and 100, was 1000"),
                row("plot {dir} --vmin 2 --vmax 1", "--vmin must be below --vmax, was 2.0 >= 1.0"),
                row("surface " + M + " --vmin 0", "--vmin must be > 0 on the log scale, was 0.0 (or use --scale"
                        + " linear)"),
                row("plot {dir} --vmax NaN", "--vmax must be a finite number, was NaN"),
                row("plot {dir} --vmin low", "Invalid value for option '--vmin': 'low' is not a double"));
    }

    @TempDir
    static Path shared;
    /** The files a row names: {@code {model}}, {@code {csv}}, {@code {dir}}, ... */
    static Map<String, Path> files;

    @TempDir
    Path scratch;

    @BeforeAll
    static void files() throws IOException {
        LandscapeCommandTest.Inputs inputs = LandscapeCommandTest.writeInputs(shared);
        Path dir = Files.createDirectories(shared.resolve("empty-dir"));
        Path cnn = shared.resolve("cnn.zip");
        ModelSerializer.writeModel(Fixtures.cnn(Fixtures.images(8, 1), 0), cnn.toFile(), false);
        Path other = shared.resolve("other.zip");
        try (var z = new java.util.zip.ZipOutputStream(Files.newOutputStream(other))) {
            z.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
            z.write("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        files = Map.ofEntries(
                Map.entry("model", inputs.model()),
                Map.entry("csv", inputs.csv()),
                Map.entry("cnn.zip", cnn),
                Map.entry("other.zip", other),
                Map.entry("dir", dir),
                Map.entry("missing", shared.resolve("missing")),
                Map.entry("missing.zip", shared.resolve("missing.zip")),
                Map.entry("missing.csv", shared.resolve("missing.csv")),
                Map.entry("corrupt.zip", Files.writeString(shared.resolve("corrupt.zip"), "this is not a zip")),
                Map.entry("file.txt", Files.writeString(shared.resolve("file.txt"), "not a directory")),
                Map.entry("wide.csv", Files.writeString(shared.resolve("wide.csv"), "1,2,3,4,5,0\n1,2,3,4,5,1\n")),
                Map.entry("class7.csv", Files.writeString(shared.resolve("class7.csv"), "1,2,3,4,0\n1,2,3,4,7\n")),
                Map.entry("broken.csv", Files.writeString(shared.resolve("broken.csv"), "1,2,3,4,0\n\n1,2,x,4,1\n")));
    }

    private String fill(String text, Path out) {
        String s = text.replace("{out}", out.toString());
        for (Map.Entry<String, Path> f : files.entrySet()) {
            s = s.replace("{" + f.getKey() + "}", f.getValue().toString());
        }
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void isRefusedInOneLineBeforeAnyWork(Row row) throws IOException {
        Path out = scratch.resolve("out");
        String[] args = row.args().isEmpty() ? new String[0] : Arrays.stream(row.args().split(" "))
                .map(a -> a.equals("{empty}") ? "" : fill(a, out)).toArray(String[]::new);
        long fileSize = Files.size(files.get("file.txt"));

        LandscapeCommandTest.Result r = LandscapeCommandTest.run(args);

        assertThat(r.code()).as(r.err()).isEqualTo(row.exit());
        assertThat(r.err().strip()).as("one line").doesNotContain("\n").startsWith("landscape: ")
                .contains(fill(row.message(), out));
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
        assertThat(out).as("no work, no output directory").doesNotExist();
        assertThat(Files.size(files.get("file.txt"))).isEqualTo(fileSize);
    }

    @Test
    void helpStillWorks() {
        for (String command : new String[] {"surface", "line", "interpolate", "plot"}) {
            LandscapeCommandTest.Result r = LandscapeCommandTest.run(command, "--help");
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("Usage: landscape " + command);
        }
        assertThat(LandscapeCommandTest.run("--help").out()).contains("surface", "line", "interpolate", "plot");
        assertThat(LandscapeCommandTest.run("line", "--help").out()).contains("default: all examples");
    }
}

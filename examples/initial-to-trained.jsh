// Seed 000 (InitialToTrained): the train loss on the straight line from an MLP's initial weights (t = 0) to its
// trained weights (t = 1), trained once with batch size 1 and once with batch size 100: does it fall all the way?
//   bin/jshell-landscape examples/initial-to-trained.jsh     (from the repository root; seconds)
// Writes examples/target/jshell/initial-to-trained/; the full example: `run InitialToTrained` (docs/experiments.md).
// Small sizes, so that a test can run every script; the example's own (--size cpu) are in its run(). The results
// stay in the shell to explore.
var data = ExampleData.load(1000, 100, false);      // FashionMNIST, or the embedded stand-in when it is not installed
var eval = ExampleData.head(data.train(), 300);
var out = new ExampleOutput(Path.of("examples/target/jshell/initial-to-trained"));

Profile line(int batchSize) {
    var initial = new MultiLayerNetwork(InitialToTrained.mlp(3));
    initial.init();
    var trained = initial.clone();
    for (DataSet batch : data.train().batchBy(batchSize)) {
        trained.fit(batch);
    }
    var p = landscape(b -> b.model(initial).directions(interpolation(initial, trained))
            .grid(0, 1, 21).evaluateOn("train", eval)).profile();
    out.png("batch-" + batchSize, ProfileChart.of(p, "Batch size " + batchSize + ": initial (t = 0) to trained (t = 1)",
            false));
    return p;
}

var batch1 = line(1);
var batch100 = line(100);
System.out.println("batch size 1: " + batch1);
System.out.println("batch size 100: " + batch100);
out.finish();

// A loss landscape in a few lines: train the demo MLP on the embedded spirals, compute a 21x21 filter-normalized
// surface, print its summary and write the heatmap. Run from the repository root (see README).
var data = Spirals.make(300, 0.15, 1);
var net = Demo.train(data, 150, 1);
var l = landscape(b -> b.model(net).directions(FILTER_NORMALIZED, 2).grid(-1, 1, 21).evaluateOn("train", data));
var s = l.surface();
System.out.println(s);
var png = ChartFiles.heatmap(s, "train", "loss", Path.of("examples/target/jshell-heatmap.png"));
System.out.println("wrote " + png);

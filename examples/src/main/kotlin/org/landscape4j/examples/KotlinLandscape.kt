package org.landscape4j.examples

import java.nio.file.Path
import org.landscape4j.charts.ChartFiles
import org.landscape4j.charts.Grid
import org.landscape4j.charts.HeatmapStyle
import org.landscape4j.charts.SurfaceChart
import org.landscape4j.dsl.landscape
import org.landscape4j.engine.Surface

/**
 * The Kotlin DSL end to end: train the spirals MLP, compute a coarse-to-fine 31x31 filter-normalized surface on train
 * and test, print its summary and write the heatmap.
 *
 * `mvn -B -q -pl examples -am -DskipTests package exec:exec -Ddemo.main=org.landscape4j.examples.KotlinLandscapeKt`
 */
fun main(args: Array<String>) {
    val out = Path.of(if (args.size >= 2 && args[0] == "--out") args[1] else "target/examples/kotlin")
    val surface = runKotlinExample(out)
    println(surface)
    println("wrote ${out.resolve("kotlin-heatmap.png").toAbsolutePath()}")
}

/** Computes the surface and writes `kotlin-heatmap.png` into [out]. */
fun runKotlinExample(out: Path, points: Int = 31): Surface {
    val train = Spirals.make(600, 0.15, 1)
    val test = Spirals.make(300, 0.15, 2)
    val net = Demo.train(train, 200, 1)

    val surface = landscape {
        model(net)
        directions(filterNormalized, 2)
        seed(7)
        grid(-1.0..1.0, points)
        order(coarseToFine)
        evaluateOn("train", train)
        evaluateOn("test", test)
    }.surface()

    val chart = SurfaceChart(Grid.of(surface, "test", "loss"), "Kotlin DSL: test loss", HeatmapStyle.DEFAULT.withLogScale())
    ChartFiles.png(chart.chart(), out.resolve("kotlin-heatmap.png"), 800, 640)
    return surface
}

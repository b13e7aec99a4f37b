package org.landscape4j.dsl

import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatThrownBy
import org.junit.jupiter.api.Test
import org.landscape4j.engine.Directions
import org.landscape4j.engine.Fixtures
import org.landscape4j.engine.Landscape
import org.landscape4j.engine.Metric
import org.landscape4j.engine.Order
import org.landscape4j.engine.RandomDirections
import org.landscape4j.engine.Spacing
import org.landscape4j.engine.curvature.Hessian

class LandscapeDslTest {

    private val data = Fixtures.blobs(30, 3)
    private val net = Fixtures.mlp(data, 10)

    @Test
    fun `kotlin dsl computes the same surface as the java builder`() {
        val fromKotlin = landscape {
            model(net)
            directions(filterNormalized, 2)
            grid(-1.0..1.0, 4)
            evaluateOn("train", data)
        }.surface()
        val fromJava = Landscapes.landscape { b ->
            b.model(net).directions(RandomDirections.FILTER_NORMALIZED, 2).grid(-1.0, 1.0, 4).evaluateOn("train", data)
        }.surface()

        assertThat(fromKotlin.flatValues("train", "loss")).containsExactly(*fromJava.flatValues("train", "loss"))
    }

    @Test
    fun `nested grid and evaluate scopes, properties and integer ranges give the builder's spec`() {
        val test = Fixtures.blobs(12, 4)
        val nested = landscape {
            model(net)
            directions(filterNormalized, 2)
            grid { x(-1.0..1.0, 4); y(-0.5..0.5, 3) }
            evaluate { "train" on data; "test" on test }
            seed = 7
            workers = 1
        }
        val java = Landscape.builder().model(net).directions(RandomDirections.FILTER_NORMALIZED, 2).seed(7)
            .axes(org.landscape4j.engine.Axis.linear(-1.0, 1.0, 4), org.landscape4j.engine.Axis.linear(-0.5, 0.5, 3))
            .evaluateOn("train", data).evaluateOn("test", test).workers(1).spec()
        assertThat(nested.spec().toString()).isEqualTo(java.toString())

        val integers = landscape {
            model(net)
            directions(filterNormalized, 2)
            grid(-1..1, 3)
            evaluate { "train" on data }
        }
        assertThat(integers.spec().axes()).containsExactly(org.landscape4j.engine.Axis.linear(-1.0, 1.0, 3),
            org.landscape4j.engine.Axis.linear(-1.0, 1.0, 3))
        val s = integers.surface()
        assertThat(s["train", "loss"][1][1]).isEqualTo(s.value("train", "loss", 1, 1))
        assertThat(s["train", "loss"][1][1]).isCloseTo(net.score(data, false),
            org.assertj.core.api.Assertions.within(1e-5))
    }

    @Test
    fun `names in scope are the engine's own directions, spacings, orders and metrics`() {
        var inGrid: Spacing? = null
        val l = landscape {
            assertThat(filterNormalized).isSameAs(RandomDirections.FILTER_NORMALIZED)
            assertThat(layerNormalized).isSameAs(RandomDirections.LAYER_NORMALIZED)
            assertThat(modelNormalized).isSameAs(RandomDirections.MODEL_NORMALIZED)
            assertThat(unnormalized).isSameAs(RandomDirections.UNNORMALIZED)
            assertThat(linear2x).isEqualTo(Directions.linear2x())
            assertThat(barycentric).isEqualTo(Directions.barycentric())
            assertThat(listOf(raster, coarseToFine, spiral)).containsExactly(Order.RASTER, Order.COARSE_TO_FINE,
                Order.SPIRAL)
            assertThat(loss).isSameAs(Metric.loss())
            assertThat(accuracy).isSameAs(Metric.accuracy())
            assertThat(lambdaMin).isEqualTo(Metric.lambdaMin())
            assertThat(lambdaMax).isEqualTo(Metric.lambdaMax())
            assertThat(hessianTrace(4)).isEqualTo(Metric.hessianTrace(4))
            model(net)
            directions(filterNormalized, 2)
            grid { x(-1.0..1.0, 3, cubic); y(-0.5..0.5, 3, linear); inGrid = cubic }
            evaluate { "train" on data }
        }

        assertThat(inGrid).isSameAs(Spacing.CUBIC)
        assertThat(l.spec().axes().map { it.spacing() }).containsExactly(Spacing.CUBIC, Spacing.LINEAR)
    }

    @Test
    fun `curvature metrics by their engine names`() {
        val l = landscape {
            model(net)
            directions(filterNormalized, 1)
            grid(-1.0..1.0, 2)
            evaluateOn("train", data)
            metrics(loss, lambdaMin, lambdaMax, hessianTrace(3))
        }
        assertThat(l.keys().metrics()).containsExactly("loss", "lambda_min", "lambda_max", "hessian_trace")
        assertThatThrownBy { landscape { metrics(hessianTrace(1)) } }.hasMessage("probes must be >= 2, was 1")
    }

    @Test
    fun `curvature metrics take the engine's one options record, the weights only by default`() {
        val all = Hessian.Options.DEFAULT.withParameters(Hessian.Parameters.ALL_TRAINABLE)
        landscape {
            assertThat((lambdaMin as Metric.Curvature).options()).isSameAs(Hessian.Options.DEFAULT)
            assertThat(lambdaMin(all)).isEqualTo(Metric.Curvature(Metric.Curvature.Extreme.MIN, all))
            assertThat(lambdaMax(all)).isEqualTo(Metric.Curvature(Metric.Curvature.Extreme.MAX, all))
            assertThat(hessianTrace(3, all)).isEqualTo(Metric.hessianTrace(3, all))
            assertThat(hessianTrace(3).toString()).isEqualTo("hessian_trace (3 Rademacher probes, weights only)")
            model(net)
            directions(filterNormalized, 1)
            grid(-1.0..1.0, 2)
            evaluateOn("train", data)
        }
    }

    @Test
    fun `a grid block without x is refused by name`() {
        assertThatThrownBy {
            landscape { model(net); directions(filterNormalized, 1); grid { y(-1.0..1.0, 3) } }
        }.hasMessageContaining("grid { } needs x(range, points)")
    }

    @Test
    fun `ranges spacing seed and own metrics read naturally`() {
        val l = landscape {
            model(net)
            directions(layerNormalized, 2)
            seed(7)
            grid(-0.5..0.5, 3, 0.0..1.0, 2, spacing = cubic)
            evaluateOn("train", data)
            metrics(loss, metric("meanOutput") { output, _ -> output.meanNumber().toDouble() })
        }

        assertThat(l.spec().seed()).isEqualTo(7L)
        assertThat(l.spec().axes()[0].spacing()).isEqualTo(Spacing.CUBIC)
        assertThat(l.spec().axes()[1].max()).isEqualTo(1.0)
        assertThat(l.keys().metrics()).containsExactly("loss", "meanOutput")
        assertThat(l.points().blockFirst()!!.value("train", "meanOutput")).isCloseTo(1.0 / 3, org.assertj.core.api.Assertions.within(1e-5))
    }

    @Test
    fun `seed and workers read before the model is set`() {
        var before = -1L to -1
        val l = landscape {
            seed = 9
            workers = 1
            before = seed to workers
            model(net)
            directions(filterNormalized, 1)
            grid(-1.0..1.0, 3)
            evaluateOn("train", data)
        }

        assertThat(before).isEqualTo(9L to 1)
        assertThat(l.spec().seed()).isEqualTo(9L)
    }

    @Test
    fun `invalid kotlin spec is named`() {
        assertThatThrownBy {
            landscape {
                model(net)
                directions(filterNormalized, 2)
                grid(1.0..1.0, 41)
                evaluateOn("train", data)
            }
        }.hasMessageContaining("min 1.0 >= max 1.0")
    }
}

class LandscapeDslModelsTest {

    private val data = Fixtures.blobs(30, 5)
    private val a = Fixtures.mlp(data, 12)
    private val b = Fixtures.mlp(Fixtures.blobs(30, 6), 12)
    private val c = Fixtures.mlp(Fixtures.blobs(30, 7), 4)

    @Test
    fun `a plane through three models from kotlin marks them and starts at the first`() {
        val l = landscape {
            model(a)
            directions(planeThrough(a, b, c))
            grid(-0.5..1.5, 3)
            evaluateOn("train", data)
        }

        assertThat(l.marks().map { it.label() }).containsExactly("A", "B", "C")
        assertThat(l.surface().value("train", "loss", 0, 0)).isFinite()
        assertThat(l.evaluationPlan()).contains("first layer factorized")
    }
}

package org.landscape4j.dsl

import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatThrownBy
import org.junit.jupiter.api.Test
import org.landscape4j.engine.Fixtures
import org.landscape4j.engine.Spacing

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
            b.model(net).directions(Landscapes.FILTER_NORMALIZED, 2).grid(-1.0, 1.0, 4).evaluateOn("train", data)
        }.surface()

        assertThat(fromKotlin.flatValues("train", "loss")).containsExactly(*fromJava.flatValues("train", "loss"))
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
            directions(Landscapes.planeThrough(a, b, c))
            grid(-0.5..1.5, 3)
            evaluateOn("train", data)
        }

        assertThat(l.marks().map { it.label() }).containsExactly("A", "B", "C")
        assertThat(l.surface().value("train", "loss", 0, 0)).isFinite()
        assertThat(l.evaluationPlan()).contains("first layer factorized")
    }
}

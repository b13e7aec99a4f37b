package org.landscape4j.dsl

import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.reactive.asFlow
import kotlinx.coroutines.runBlocking
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.landscape4j.engine.Fixtures
import org.landscape4j.engine.Landscape

/** `points().asFlow()` for coroutine users: leaving the flow cancels the points, and the work stops. */
class LandscapeFlowTest {

    private val data = Fixtures.blobs(30, 3)
    private val net = Fixtures.mlp(data, 10)

    /** A 41x41 plane (1681 points) on one worker whose extra metric counts the points evaluated. */
    private fun counted(evaluations: AtomicInteger): Landscape = landscape {
        model(net)
        directions(filterNormalized, 2)
        grid(-1..1, 41)
        evaluate { "train" on data }
        metrics(loss, metric("evaluations") { _, _ -> evaluations.incrementAndGet().toDouble() })
        workers = 1
    }

    /** The count once it has stopped changing: what was in progress at the cancellation has finished. */
    private suspend fun settled(evaluations: AtomicInteger): Int {
        var last = -1
        while (last != evaluations.get()) {
            last = evaluations.get()
            delay(300)
        }
        return last
    }

    @Test
    fun `take(3) on the flow returns the first points and stops the computation`() = runBlocking<Unit> {
        val evaluations = AtomicInteger()
        val l = counted(evaluations)

        val first = l.points().asFlow().take(3).toList()

        assertThat(first.map { it.index() }).containsExactly(0, 1, 2)
        assertThat(first.map { it.total() }).containsOnly(1681)
        // asFlow() requests 64 points ahead (kotlinx's default buffer); without cancellation all 1681 would be computed
        assertThat(settled(evaluations)).isBetween(3, 64 + 1)
    }

    @Test
    fun `with a rendezvous buffer the flow computes one point per demand`() = runBlocking<Unit> {
        val evaluations = AtomicInteger()
        val l = counted(evaluations)

        val first = l.points().asFlow().buffer(Channel.RENDEZVOUS).take(3).toList()

        assertThat(first.map { it.value("train", "evaluations") }).containsExactly(1.0, 2.0, 3.0)
        // the three points taken, and at most the one requested while the third was on its way
        assertThat(settled(evaluations)).isBetween(3, 4)
    }
}

package org.landscape4j.dsl

import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatThrownBy
import org.junit.jupiter.api.Test
import org.landscape4j.models.Loss
import org.landscape4j.models.ModelImportException
import org.landscape4j.models.Models
import org.landscape4j.models.ReferenceDirections
import org.nd4j.linalg.api.buffer.DataType
import org.nd4j.linalg.dataset.DataSet
import org.nd4j.linalg.factory.Nd4j
import java.io.File
import java.nio.file.Path

/** `model(Path, loss)` in the DSL and `ImportedModel.landscape()` in Java: the PyTorch CNN fixture of the models module. */
class ImportedModelDslTest {

    private val onnx = Path.of("..", "models", "src", "test", "resources", "org", "landscape4j", "models", "onnx")

    private fun data(): DataSet {
        val npz = Nd4j.createFromNpzFile(File(onnx.resolve("cnn-data.npz").toString()))
        val x = (npz["x"] ?: npz["x.npy"])!!.castTo(DataType.FLOAT)
        val y = (npz["y"] ?: npz["y.npy"])!!
        val labels = Nd4j.zeros(DataType.FLOAT, y.length(), 10)
        for (i in 0 until y.length()) {
            labels.putScalar(i, y.getLong(i), 1.0)
        }
        return DataSet(x, labels)
    }

    @Test
    fun `model from an ONNX file along loss-landscape's directions, the same in Kotlin and Java`() {
        val data = data()
        val directions = onnx.resolve("ll-weights-directions.h5")
        val fromKotlin = landscape {
            val m = model(onnx.resolve("cnn.onnx"), Loss.CROSS_ENTROPY)
            directions(lossLandscapeDirections(directions, m))
            grid(-1.0..1.0, 5)
            evaluateOn("train", data)
            workers(1)
        }.surface()
        val m = Models.load(onnx.resolve("cnn.onnx"), Loss.CROSS_ENTROPY)
        val fromJava = m.landscape().directions(ReferenceDirections.read(directions, m)).grid(-1.0, 1.0, 5)
            .evaluateOn("train", data).workers(1).build().surface()

        assertThat(fromKotlin.flatValues("train", "loss")).containsExactly(*fromJava.flatValues("train", "loss"))
        // loss-landscape's own crunch gave 2.17380584e-03 at the centre (ll-weights-surface.h5)
        assertThat(fromKotlin["train", "loss"][2][2]).isCloseTo(2.17380584e-03, org.assertj.core.api.Assertions.within(1e-8))
    }

    @Test
    fun `an ONNX file without a loss is refused by name`() {
        assertThatThrownBy { landscape { model(onnx.resolve("cnn.onnx")) } }
            .isInstanceOf(ModelImportException::class.java).hasMessageContaining("carries no loss")
    }
}

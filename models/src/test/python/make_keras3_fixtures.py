#!/usr/bin/python3
"""Makes the Keras 3 fixtures of the models module's tests (run once; the tests do not need Python).

No Keras here: the files are written with h5py and zipfile in the layouts Keras 3 writes, following its source
(keras 3.x, keras/src/...):

* `model.save('m.keras')` (saving/saving_lib.py: save_model): a zip of
    metadata.json      {"keras_version": "3.x", "date_saved": ...}
    config.json        serialization_lib.serialize_keras_object(model): {"module", "class_name", "config",
                       "registered_name", "build_config", "compile_config"}; every nested Keras object (layers,
                       initializers, the DTypePolicy) serialized the same way; Functional layers carry "name" and
                       "inbound_nodes" = [{"args": [<__keras_tensor__ with keras_history [layer, node, tensor]>],
                       "kwargs": {}}] (models/functional.py: get_config, serialize_node); input_layers / output_layers
                       a single [name, 0, 0] for a model of one input / output
    model.weights.h5   H5IOStore: per layer of model.layers (Sequential: without its InputLayer) the group
                       layers/<snake_case(class name)>[_1, _2, ...] (_save_container_state, _get_unique_name), its
                       subgroup vars (attribute name = the layer's name) with datasets "0", "1", ... in the order
                       trainable then non-trainable variables (Layer.save_own_variables); the model's own vars at
                       the root
* `model.save('m.h5')` under Keras 3 (legacy/saving/legacy_h5_format.py: save_model_to_hdf5): Keras 2's layout with
  keras_version "3.x", model_config = {"class_name", "config": model.get_config()} in which nested objects are
  serialized as above (dtype policies, initializers), InputLayer with batch_shape; training_config = the compile
  config without the optimizer; weight_names are variable paths ("dense/kernel", no ":0"); a top_level_model_weights
  group.

The Sequential fixtures hold the same weights as the Keras 2 fixtures dense.h5 and cnn.h5 (read from them), so their
-io.npz references apply. residual.keras is a functional model of its own (Input(10) -> Dense(8, relu) ->
Dense(8, relu) -> Add of the two -> Dense(3, softmax), compiled with a CategoricalCrossentropy object) with its
reference residual-io.npz computed with numpy in float64; depthwise.keras and depthwise-keras3.h5 a functional
Conv2D -> DepthwiseConv2D (Keras 3 names its kernel "kernel") -> Flatten -> Dense(3, softmax), reference
depthwise-io.npz.

Usage: python3 make_keras3_fixtures.py OUTDIR   (OUTDIR holds dense.h5 and cnn.h5)
"""
import json
import os
import re
import sys
import zipfile

import h5py
import numpy as np

KERAS_VERSION = "3.10.0"


def obj(module, class_name, config, registered_name=None, **extra):
    out = {"module": module, "class_name": class_name, "config": config, "registered_name": registered_name}
    out.update(extra)
    return out


def dtype_policy():
    return obj("keras", "DTypePolicy", {"name": "float32"})


def initializer(name, config=None):
    return obj("keras.initializers", name, config if config is not None else {})


def input_layer(shape, name="input_layer"):
    return obj("keras.layers", "InputLayer", {"batch_shape": [None] + list(shape), "dtype": "float32",
                                              "sparse": False, "ragged": False, "name": name, "optional": False})


def dense(name, units, activation, input_shape):
    return obj("keras.layers", "Dense", {
        "name": name, "trainable": True, "dtype": dtype_policy(), "units": units, "activation": activation,
        "use_bias": True, "kernel_initializer": initializer("GlorotUniform", {"seed": None}),
        "bias_initializer": initializer("Zeros"), "kernel_regularizer": None, "bias_regularizer": None,
        "kernel_constraint": None, "bias_constraint": None, "quantization_config": None},
        build_config={"input_shape": [None] + list(input_shape)})


def conv2d(name, filters, input_shape):
    return obj("keras.layers", "Conv2D", {
        "name": name, "trainable": True, "dtype": dtype_policy(), "filters": filters, "kernel_size": [3, 3],
        "strides": [1, 1], "padding": "valid", "data_format": "channels_last", "dilation_rate": [1, 1],
        "groups": 1, "activation": "relu", "use_bias": True,
        "kernel_initializer": initializer("GlorotUniform", {"seed": None}), "bias_initializer": initializer("Zeros"),
        "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
        "kernel_constraint": None, "bias_constraint": None},
        build_config={"input_shape": [None] + list(input_shape)})


def batch_norm(name, input_shape):
    return obj("keras.layers", "BatchNormalization", {
        "name": name, "trainable": True, "dtype": dtype_policy(), "axis": -1, "momentum": 0.99, "epsilon": 0.001,
        "center": True, "scale": True, "beta_initializer": initializer("Zeros"),
        "gamma_initializer": initializer("Ones"), "moving_mean_initializer": initializer("Zeros"),
        "moving_variance_initializer": initializer("Ones"), "beta_regularizer": None, "gamma_regularizer": None,
        "beta_constraint": None, "gamma_constraint": None, "synchronized": False},
        build_config={"input_shape": [None] + list(input_shape)})


def max_pool(name):
    return obj("keras.layers", "MaxPooling2D", {
        "name": name, "trainable": True, "dtype": dtype_policy(), "pool_size": [2, 2], "padding": "valid",
        "strides": [2, 2], "data_format": "channels_last"})


def flatten(name):
    return obj("keras.layers", "Flatten", {"name": name, "trainable": True, "dtype": dtype_policy(),
                                           "data_format": "channels_last"})


def adam():
    return obj("keras.optimizers", "Adam", {
        "name": "adam", "learning_rate": 0.001, "weight_decay": None, "clipnorm": None, "global_clipnorm": None,
        "clipvalue": None, "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
        "loss_scale_factor": None, "gradient_accumulation_steps": None, "beta_1": 0.9, "beta_2": 0.999,
        "epsilon": 1e-07, "amsgrad": False})


def compile_config(loss):
    return {"optimizer": adam(), "loss": loss, "loss_weights": None, "metrics": ["accuracy"],
            "weighted_metrics": None, "run_eagerly": False, "steps_per_execution": 1, "jit_compile": False}


def snake_case(name):
    """keras/src/utils/naming.py: to_snake_case."""
    intermediate = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    return insecure if insecure[0] != "_" else "private" + insecure


def keras_tensor(layer, shape):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": [None] + list(shape), "dtype": "float32", "keras_history": [layer, 0, 0]}}


def write_keras(path, model, weights_layers, own_name):
    """model: the serialized model; weights_layers: [(layer config, [arrays in variable order])] of model.layers."""
    weights_path = path + ".weights.h5"
    with h5py.File(weights_path, "w") as f:
        used = {}
        layers = f.create_group("layers")
        for layer, arrays in weights_layers:
            key = snake_case(layer["class_name"])
            if key in used:
                used[key] += 1
                key = f"{key}_{used[key]}"
            else:
                used[key] = 0
            v = layers.create_group(key).create_group("vars")
            v.attrs["name"] = layer["config"]["name"]
            for i, a in enumerate(arrays):
                v.create_dataset(str(i), data=a)
        f.create_group("vars").attrs["name"] = own_name
        f.create_group("optimizer").create_group("vars").attrs["name"] = "adam"
        f["optimizer/vars"].create_dataset("0", data=np.array(0, dtype=np.int64))  # the iteration count
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("metadata.json", json.dumps({"keras_version": KERAS_VERSION, "date_saved": "2026-12-05@06:00:00"}))
        z.writestr("config.json", json.dumps(model))
        z.write(weights_path, "model.weights.h5")
    os.remove(weights_path)


def write_legacy_h5(path, model, weights_layers, loss):
    """Keras 3's model.save('m.h5'); weights_layers as for write_keras, with the variables' names."""
    config = {"class_name": model["class_name"], "config": model["config"]}
    training = {k: v for k, v in compile_config(loss).items() if k != "optimizer"}
    training["optimizer_config"] = {"class_name": "Adam", "config": adam()["config"]}
    with h5py.File(path, "w") as f:
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = KERAS_VERSION
        f.attrs["model_config"] = json.dumps(config)
        f.attrs["training_config"] = json.dumps(training)
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = np.array([l["config"]["name"].encode("utf8") for l, _ in weights_layers])
        g.attrs["backend"] = b"tensorflow"
        g.attrs["keras_version"] = KERAS_VERSION.encode("utf8")
        for layer, named in sorted(weights_layers, key=lambda lw: lw[0]["config"]["name"]):
            name = layer["config"]["name"]
            lg = g.create_group(name)
            lg.attrs["weight_names"] = np.array([(name + "/" + w).encode("utf8") for w, _ in named])
            for w, a in named:
                lg.create_dataset(name + "/" + w, data=a)
        top = g.create_group("top_level_model_weights")
        top.attrs["weight_names"] = np.array([], dtype="S1")


def keras2_weights(path):
    """{layer: [(variable name, array)]} of a Keras 2 fixture, in its weight_names order."""
    out = {}
    with h5py.File(path, "r") as f:
        g = f["model_weights"]
        for layer in g.attrs["layer_names"]:
            layer = layer.decode("utf8")
            names = [n.decode("utf8") for n in g[layer].attrs["weight_names"]]
            out[layer] = [(n.split("/")[-1].split(":")[0], np.array(g[layer][n])) for n in names]
    return out


def sequential(layers, input_shape, loss):
    return obj("keras", "Sequential", {"name": "sequential", "trainable": True, "dtype": dtype_policy(),
                                       "layers": layers, "build_input_shape": [None] + list(input_shape)},
               build_config={"input_shape": [None] + list(input_shape)}, compile_config=compile_config(loss))


def dense_fixture(out_dir):
    w = keras2_weights(os.path.join(out_dir, "dense.h5"))
    shapes = [(20, 16), (16, 12), (12, 5)]
    layers = [dense(n, s[1], a, [s[0]]) for n, s, a in zip(["dense", "dense_1", "dense_2"], shapes,
                                                           ["relu", "tanh", "softmax"])]
    model = sequential([input_layer([20])] + layers, [20], "categorical_crossentropy")
    write_keras(os.path.join(out_dir, "dense.keras"), model,
                [(l, [a for _, a in w[l["config"]["name"]]]) for l in layers], "sequential")
    write_legacy_h5(os.path.join(out_dir, "dense-keras3.h5"), model,
                    [(l, w[l["config"]["name"]]) for l in layers], "categorical_crossentropy")


def cnn_fixture(out_dir):
    w = keras2_weights(os.path.join(out_dir, "cnn.h5"))
    layers = [conv2d("conv2d", 4, [8, 8, 1]), batch_norm("batch_normalization", [6, 6, 4]), max_pool("max_pooling2d"),
              flatten("flatten"), dense("dense", 3, "softmax", [36])]
    model = sequential([input_layer([8, 8, 1])] + layers, [8, 8, 1], "categorical_crossentropy")
    write_keras(os.path.join(out_dir, "cnn.keras"), model,
                [(l, [a for _, a in w.get(l["config"]["name"], [])]) for l in layers], "sequential")
    write_legacy_h5(os.path.join(out_dir, "cnn-keras3.h5"), model,
                    [(l, w.get(l["config"]["name"], [])) for l in layers], "categorical_crossentropy")


def depthwise_fixture(out_dir, rng):
    """Conv2D -> DepthwiseConv2D (whose kernel Keras 3 names "kernel"; Keras 2 "depthwise_kernel") -> Dense."""
    # a convolution first: DL4J's importer sizes a depthwise convolution by the layer before it, which an input
    # layer is not; and functional: only a functional configuration names that layer (inbound_nodes)
    conv = conv2d("conv2d", 4, [6, 6, 2])
    dw = obj("keras.layers", "DepthwiseConv2D", {
        "name": "depthwise_conv2d", "trainable": True, "dtype": dtype_policy(), "kernel_size": [3, 3],
        "strides": [1, 1], "padding": "valid", "data_format": "channels_last", "dilation_rate": [1, 1],
        "activation": "relu", "use_bias": True, "depth_multiplier": 1,
        "depthwise_initializer": initializer("GlorotUniform", {"seed": None}), "bias_initializer": initializer("Zeros"),
        "depthwise_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
        "depthwise_constraint": None, "bias_constraint": None},
        build_config={"input_shape": [None, 4, 4, 4]})
    inp = input_layer([6, 6, 2])
    flat, out = flatten("flatten"), dense("dense", 3, "softmax", [16])
    inp["name"], inp["inbound_nodes"] = "input_layer", []
    for layer, args in ((conv, [keras_tensor("input_layer", [6, 6, 2])]),
                        (dw, [keras_tensor("conv2d", [4, 4, 4])]),
                        (flat, [keras_tensor("depthwise_conv2d", [2, 2, 4])]),
                        (out, [keras_tensor("flatten", [16])])):
        layer["name"] = layer["config"]["name"]
        layer["inbound_nodes"] = [{"args": args, "kwargs": {}}]
    model = obj("keras.src.models.functional", "Functional", {
        "name": "functional", "trainable": True, "layers": [inp, conv, dw, flat, out],
        "input_layers": ["input_layer", 0, 0], "output_layers": ["dense", 0, 0]},
        registered_name="Functional", build_config={"input_shape": [None, 6, 6, 2]},
        compile_config=compile_config("categorical_crossentropy"))
    c = (rng.standard_normal((3, 3, 2, 4)) * 0.4).astype(np.float32)
    cb = (rng.standard_normal(4) * 0.1).astype(np.float32)
    k = (rng.standard_normal((3, 3, 4, 1)) * 0.4).astype(np.float32)
    kb = (rng.standard_normal(4) * 0.1).astype(np.float32)
    w = (rng.standard_normal((16, 3)) * 0.4).astype(np.float32)
    wb = (rng.standard_normal(3) * 0.1).astype(np.float32)
    write_keras(os.path.join(out_dir, "depthwise.keras"), model,
                [(inp, []), (conv, [c, cb]), (dw, [k, kb]), (flat, []), (out, [w, wb])], "functional")
    write_legacy_h5(os.path.join(out_dir, "depthwise-keras3.h5"), model,
                    [(inp, []), (conv, [("kernel", c), ("bias", cb)]), (dw, [("kernel", k), ("bias", kb)]),
                     (flat, []), (out, [("kernel", w), ("bias", wb)])], "categorical_crossentropy")
    x = rng.standard_normal((12, 6, 6, 2)).astype(np.float32)
    f64 = lambda a: a.astype(np.float64)
    h = np.zeros((12, 4, 4, 4))
    for i in range(4):
        for j in range(4):
            h[:, i, j, :] = np.tensordot(f64(x)[:, i:i + 3, j:j + 3, :], f64(c), axes=([1, 2, 3], [0, 1, 2]))
    h = np.maximum(h + f64(cb), 0)
    d = np.zeros((12, 2, 2, 4))
    for i in range(2):
        for j in range(2):
            d[:, i, j, :] = np.einsum("nhwc,hwc->nc", h[:, i:i + 3, j:j + 3, :], f64(k)[:, :, :, 0])
    d = np.maximum(d + f64(kb), 0).reshape(12, -1)                                 # Keras flattens (h, w, c)
    y = softmax(d @ f64(w) + f64(wb))
    labels = np.zeros((12, 3))
    labels[np.arange(12), rng.integers(0, 3, 12)] = 1
    loss_value = float(np.mean(-np.sum(labels * np.log(np.clip(y, 1e-7, 1 - 1e-7)), axis=1)))
    np.savez(os.path.join(out_dir, "depthwise-io.npz"), x=x, y=y, labels=labels, loss=np.array([loss_value]))


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def residual_fixture(out_dir, rng):
    inp = input_layer([10])
    inp["name"], inp["inbound_nodes"] = "input_layer", []
    d0, d1, d2 = dense("dense", 8, "relu", [10]), dense("dense_1", 8, "relu", [8]), dense("dense_2", 3, "softmax", [8])
    add = obj("keras.layers", "Add", {"name": "add", "trainable": True, "dtype": dtype_policy()},
              build_config={"input_shape": [[None, 8], [None, 8]]})
    for layer, args in ((d0, [keras_tensor("input_layer", [10])]), (d1, [keras_tensor("dense", [8])]),
                        (add, [[keras_tensor("dense", [8]), keras_tensor("dense_1", [8])]]),
                        (d2, [keras_tensor("add", [8])])):
        layer["name"] = layer["config"]["name"]
        layer["inbound_nodes"] = [{"args": args, "kwargs": {}}]
    loss = obj("keras.losses", "CategoricalCrossentropy", {
        "name": "categorical_crossentropy", "reduction": "sum_over_batch_size", "from_logits": False,
        "label_smoothing": 0.0, "axis": -1})
    model = obj("keras.src.models.functional", "Functional", {
        "name": "functional", "trainable": True, "layers": [inp, d0, d1, add, d2],
        "input_layers": ["input_layer", 0, 0], "output_layers": ["dense_2", 0, 0]},
        registered_name="Functional", build_config={"input_shape": [None, 10]}, compile_config=compile_config(loss))
    w0, b0 = (rng.standard_normal((10, 8)) * 0.4).astype(np.float32), (rng.standard_normal(8) * 0.1).astype(np.float32)
    w1, b1 = (rng.standard_normal((8, 8)) * 0.4).astype(np.float32), (rng.standard_normal(8) * 0.1).astype(np.float32)
    w2, b2 = (rng.standard_normal((8, 3)) * 0.4).astype(np.float32), (rng.standard_normal(3) * 0.1).astype(np.float32)
    # Functional model.layers includes the InputLayer (no variables: an empty vars group)
    write_keras(os.path.join(out_dir, "residual.keras"), model,
                [(inp, []), (d0, [w0, b0]), (d1, [w1, b1]), (add, []), (d2, [w2, b2])], "functional")
    x = rng.standard_normal((24, 10)).astype(np.float32)
    f64 = lambda a: a.astype(np.float64)
    h0 = np.maximum(f64(x) @ f64(w0) + f64(b0), 0)
    h1 = np.maximum(h0 @ f64(w1) + f64(b1), 0)
    y = softmax((h0 + h1) @ f64(w2) + f64(b2))
    labels = np.zeros((24, 3))
    labels[np.arange(24), rng.integers(0, 3, 24)] = 1
    loss_value = float(np.mean(-np.sum(labels * np.log(np.clip(y, 1e-7, 1 - 1e-7)), axis=1)))
    np.savez(os.path.join(out_dir, "residual-io.npz"), x=x, y=y, labels=labels, loss=np.array([loss_value]))


def main():
    out_dir = sys.argv[1]
    dense_fixture(out_dir)
    cnn_fixture(out_dir)
    residual_fixture(out_dir, np.random.default_rng(7))
    depthwise_fixture(out_dir, np.random.default_rng(11))


if __name__ == "__main__":
    main()

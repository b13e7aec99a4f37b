#!/usr/bin/python3
"""Makes the Keras HDF5 fixtures of the models module's tests (run once; the tests do not need Python).

No TensorFlow here: the files are written with h5py in the layout Keras 2 / tf.keras 2.x `model.save('m.h5')` writes
(keras/saving/hdf5_format.py: save_model_to_hdf5 and save_weights_to_hdf5_group):

  /                    attrs keras_version, backend, model_config (JSON), training_config (JSON, compiled models)
  /model_weights       attrs layer_names (fixed-length byte strings), backend, keras_version
  /model_weights/<layer>             attrs weight_names, e.g. [b'dense/kernel:0', b'dense/bias:0']
  /model_weights/<layer>/<layer>/kernel:0   the weight (a dataset inside a group named like the layer)

and the reference outputs are computed with numpy in float64 from the same weights, as Keras computes them:

  dense.h5 / dense-uncompiled.h5   Sequential: Dense(16, relu) -> Dense(12, tanh) -> Dense(5, softmax), input 20;
                                   compiled with categorical_crossentropy / saved without training_config
  cnn.h5                           Sequential, channels_last: Conv2D(4, 3x3, valid, relu) -> BatchNormalization ->
                                   MaxPooling2D(2) -> Flatten -> Dense(3, softmax), input 8x8x1; compiled with
                                   categorical_crossentropy
  <name>-io.npz                    x (float32 input), y (float64 reference output), labels (one-hot), loss
                                   (Keras' categorical_crossentropy mean, probabilities clipped to [1e-7, 1 - 1e-7])

Usage: python3 make_keras_fixtures.py OUTDIR
"""
import json
import os
import sys

import h5py
import numpy as np

KERAS_VERSION = b"2.4.0"


def glorot(rng, shape):
    return (rng.standard_normal(shape) * 0.4).astype(np.float32)


def dense_layer(name, units, activation, input_shape=None):
    cfg = {"name": name, "trainable": True, "dtype": "float32", "units": units, "activation": activation,
           "use_bias": True,
           "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
           "bias_initializer": {"class_name": "Zeros", "config": {}},
           "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
           "kernel_constraint": None, "bias_constraint": None}
    return {"class_name": "Dense", "config": cfg}


def input_layer(shape):
    return {"class_name": "InputLayer", "config": {"batch_input_shape": [None] + list(shape), "dtype": "float32",
                                                   "sparse": False, "ragged": False, "name": "input_1"}}


def training_config():
    return {"loss": "categorical_crossentropy", "metrics": ["accuracy"], "weighted_metrics": None,
            "loss_weights": None,
            "optimizer_config": {"class_name": "Adam", "config": {
                "name": "Adam", "learning_rate": 0.001, "decay": 0.0, "beta_1": 0.9, "beta_2": 0.999,
                "epsilon": 1e-07, "amsgrad": False}}}


def write(path, layers, weights, compiled):
    """layers: the model_config layer list; weights: [(layer name, [(weight name, array)])] in layer order."""
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = KERAS_VERSION
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode("utf8")
        if compiled:
            f.attrs["training_config"] = json.dumps(training_config()).encode("utf8")
        g = f.create_group("model_weights")
        names = [c["config"]["name"] for c in layers if c["class_name"] != "InputLayer"]
        g.attrs["layer_names"] = np.array([n.encode("utf8") for n in names])
        g.attrs["backend"] = b"tensorflow"
        g.attrs["keras_version"] = KERAS_VERSION
        by_layer = dict(weights)
        for n in names:
            lg = g.create_group(n)
            ws = by_layer.get(n, [])
            lg.attrs["weight_names"] = np.array([(n + "/" + w).encode("utf8") for w, _ in ws])
            for w, v in ws:
                lg.create_dataset(n + "/" + w, data=v)


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cce(p, labels):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(np.mean(-np.sum(labels * np.log(p), axis=1)))


def one_hot(y, k):
    out = np.zeros((len(y), k))
    out[np.arange(len(y)), y] = 1
    return out


def dense_fixture(out_dir, rng):
    shapes = [(20, 16), (16, 12), (12, 5)]
    acts = ["relu", "tanh", "softmax"]
    names = ["dense", "dense_1", "dense_2"]
    layers = [input_layer([20])] + [dense_layer(n, s[1], a) for n, s, a in zip(names, shapes, acts)]
    weights = []
    for n, s in zip(names, shapes):
        weights.append((n, [("kernel:0", glorot(rng, s)), ("bias:0", (rng.standard_normal(s[1]) * 0.1)
                                                            .astype(np.float32))]))
    x = rng.standard_normal((32, 20)).astype(np.float32)
    h = x.astype(np.float64)
    for (n, ws), a in zip(weights, acts):
        h = h @ ws[0][1].astype(np.float64) + ws[1][1].astype(np.float64)
        h = np.maximum(h, 0) if a == "relu" else np.tanh(h) if a == "tanh" else softmax(h)
    labels = one_hot(rng.integers(0, 5, 32), 5)
    write(os.path.join(out_dir, "dense.h5"), layers, weights, True)
    write(os.path.join(out_dir, "dense-uncompiled.h5"), layers, weights, False)
    np.savez(os.path.join(out_dir, "dense-io.npz"), x=x, y=h, labels=labels, loss=np.array([cce(h, labels)]))


def conv2d_valid(x, k, b):
    """x [n, h, w, c] (channels_last), k [kh, kw, c, o] -> [n, h-kh+1, w-kw+1, o]."""
    n, hh, ww, c = x.shape
    kh, kw, _, o = k.shape
    out = np.zeros((n, hh - kh + 1, ww - kw + 1, o))
    for i in range(hh - kh + 1):
        for j in range(ww - kw + 1):
            patch = x[:, i:i + kh, j:j + kw, :]
            out[:, i, j, :] = np.tensordot(patch, k, axes=([1, 2, 3], [0, 1, 2]))
    return out + b


def cnn_fixture(out_dir, rng):
    conv = {"class_name": "Conv2D", "config": {
        "name": "conv2d", "trainable": True, "dtype": "float32", "filters": 4, "kernel_size": [3, 3],
        "strides": [1, 1], "padding": "valid", "data_format": "channels_last", "dilation_rate": [1, 1],
        "groups": 1, "activation": "relu", "use_bias": True,
        "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
        "bias_initializer": {"class_name": "Zeros", "config": {}},
        "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
        "kernel_constraint": None, "bias_constraint": None}}
    bn = {"class_name": "BatchNormalization", "config": {
        "name": "batch_normalization", "trainable": True, "dtype": "float32", "axis": [3], "momentum": 0.99,
        "epsilon": 0.001, "center": True, "scale": True,
        "beta_initializer": {"class_name": "Zeros", "config": {}},
        "gamma_initializer": {"class_name": "Ones", "config": {}},
        "moving_mean_initializer": {"class_name": "Zeros", "config": {}},
        "moving_variance_initializer": {"class_name": "Ones", "config": {}},
        "beta_regularizer": None, "gamma_regularizer": None, "beta_constraint": None, "gamma_constraint": None}}
    pool = {"class_name": "MaxPooling2D", "config": {
        "name": "max_pooling2d", "trainable": True, "dtype": "float32", "pool_size": [2, 2], "padding": "valid",
        "strides": [2, 2], "data_format": "channels_last"}}
    flat = {"class_name": "Flatten", "config": {"name": "flatten", "trainable": True, "dtype": "float32",
                                                "data_format": "channels_last"}}
    layers = [input_layer([8, 8, 1]), conv, bn, pool, flat, dense_layer("dense", 3, "softmax")]
    k = glorot(rng, (3, 3, 1, 4))
    kb = (rng.standard_normal(4) * 0.1).astype(np.float32)
    gamma = (1 + rng.standard_normal(4) * 0.2).astype(np.float32)
    beta = (rng.standard_normal(4) * 0.1).astype(np.float32)
    mean = (rng.standard_normal(4) * 0.3).astype(np.float32)
    var = (0.5 + rng.random(4)).astype(np.float32)
    w = glorot(rng, (3 * 3 * 4, 3))
    wb = (rng.standard_normal(3) * 0.1).astype(np.float32)
    weights = [("conv2d", [("kernel:0", k), ("bias:0", kb)]),
               ("batch_normalization", [("gamma:0", gamma), ("beta:0", beta), ("moving_mean:0", mean),
                                        ("moving_variance:0", var)]),
               ("dense", [("kernel:0", w), ("bias:0", wb)])]
    x = rng.standard_normal((16, 8, 8, 1)).astype(np.float32)
    f64 = lambda a: a.astype(np.float64)
    h = np.maximum(conv2d_valid(f64(x), f64(k), f64(kb)), 0)                       # [n, 6, 6, 4]
    h = (h - f64(mean)) / np.sqrt(f64(var) + 0.001) * f64(gamma) + f64(beta)
    h = h.reshape(16, 3, 2, 3, 2, 4).max(axis=(2, 4))                              # [n, 3, 3, 4]
    h = h.reshape(16, -1)                                                          # Keras flattens (h, w, c)
    y = softmax(h @ f64(w) + f64(wb))
    labels = one_hot(rng.integers(0, 3, 16), 3)
    write(os.path.join(out_dir, "cnn.h5"), layers, weights, True)
    np.savez(os.path.join(out_dir, "cnn-io.npz"), x=x, y=y, labels=labels, loss=np.array([cce(y, labels)]))


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(5)
    dense_fixture(out_dir, rng)
    cnn_fixture(out_dir, rng)


if __name__ == "__main__":
    main()

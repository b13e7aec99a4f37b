#!/usr/bin/python3
"""Exports PyTorch Hessian-vector products of four tiny networks for ExactHessianTorchTest.

Run from the repository root with Debian's python3-torch (1.13):  python3 engine/src/test/python/hvp_fixture.py
Writes engine/src/test/resources/hvp/<net>/<name>.txt: line 1 the shape, line 2 the values (row-major, PyTorch's
layout: Linear weights [out, in], Conv2d weights [out, in, kH, kW]). The Java test needs only these files.

  mlp: Linear(4,5) tanh  Linear(5,4) ReLU  Linear(4,3), cross-entropy (mean), 6 examples
  grouped: Conv2d(4,6,3,padding=1,groups=2) tanh  Conv2d(6,6,2,stride=2,groups=3,bias=False)  flatten  Linear(24,3),
       cross-entropy (mean), 5 examples 4x5x5
  convnext: Conv2d(2,4,3,padding=1)  permute to channels-last  LayerNorm(4, eps 1e-6)  Linear(4,8)  GELU (exact)
       Linear(8,4)  permute back  times a layer scale [4,1,1]  mean over height and width  Linear(4,3),
       cross-entropy (mean), 5 examples 2x4x4
  cnn: Conv2d(1,2,3,padding=1)  BatchNorm2d(2) in eval mode (running statistics)  ReLU  MaxPool2d(2)
       flatten (C,H,W)  Linear(18,3), cross-entropy (mean), 5 examples 1x6x6

Everything in float64. v is a fixed Gaussian vector over all trainable parameters (BatchNorm weight and bias are
trainable; its running statistics are constants), Hv = torch.autograd.functional.hvp of the mean loss.
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd.functional import hvp

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "hvp")


def save(net, name, t):
    d = os.path.join(OUT, net)
    os.makedirs(d, exist_ok=True)
    t = t.detach().contiguous()
    with open(os.path.join(d, name + ".txt"), "w") as f:
        f.write(" ".join(str(s) for s in t.shape) + "\n")
        f.write(" ".join(repr(float(x)) for x in t.reshape(-1).tolist()) + "\n")


def export(net, model, x, y, names, functional, constants=None):
    params = tuple(p.detach().clone() for p in model.parameters())
    assert len(params) == len(names)
    g = torch.Generator().manual_seed(7)
    v = tuple(torch.randn(p.shape, generator=g) for p in params)

    def loss(*ps):
        return F.cross_entropy(functional(x, ps), y)

    value, hv = hvp(loss, params, v)
    save(net, "x", x)
    save(net, "y", y.to(torch.float64))
    save(net, "loss", value.reshape(1))
    for n, p, vi, hi in zip(names, params, v, hv):
        save(net, n, p)
        save(net, "v_" + n, vi)
        save(net, "hv_" + n, hi)
    for n, c in (constants or {}).items():
        save(net, n, c)
    print(net, "loss", float(value), "|Hv|", float(sum((h * h).sum() for h in hv)) ** 0.5)


def mlp():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 3))
    x = torch.randn(6, 4)
    y = torch.tensor([0, 1, 2, 1, 0, 2])

    def f(x, ps):
        w1, b1, w2, b2, w3, b3 = ps
        h = torch.tanh(F.linear(x, w1, b1))
        h = torch.relu(F.linear(h, w2, b2))
        return F.linear(h, w3, b3)

    assert torch.allclose(f(x, tuple(model.parameters())), model(x))
    export("mlp", model, x, y, ["w1", "b1", "w2", "b2", "w3", "b3"], f)


def cnn():
    torch.manual_seed(2)
    conv = nn.Conv2d(1, 2, 3, padding=1)
    bn = nn.BatchNorm2d(2)
    fc = nn.Linear(18, 3)
    bn.running_mean = torch.tensor([0.2, -0.3])
    bn.running_var = torch.tensor([0.5, 1.7])
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([1.3, 0.7]))
        bn.bias.copy_(torch.tensor([0.1, -0.2]))
    model = nn.ModuleList([conv, bn, fc])
    x = torch.randn(5, 1, 6, 6)
    y = torch.tensor([0, 1, 2, 2, 1])
    mean, var = bn.running_mean.clone(), bn.running_var.clone()

    def f(x, ps):
        cw, cb, gamma, beta, fw, fb = ps
        h = F.conv2d(x, cw, cb, padding=1)
        h = F.batch_norm(h, mean, var, gamma, beta, training=False, eps=1e-5)
        h = F.max_pool2d(torch.relu(h), 2)
        return F.linear(h.flatten(1), fw, fb)

    export("cnn", model, x, y, ["conv_w", "conv_b", "bn_gamma", "bn_beta", "fc_w", "fc_b"], f,
           {"bn_mean": mean, "bn_var": var})


def grouped():
    torch.manual_seed(3)
    c1 = nn.Conv2d(4, 6, 3, padding=1, groups=2)
    c2 = nn.Conv2d(6, 6, 2, stride=2, groups=3, bias=False)
    fc = nn.Linear(6 * 2 * 2, 3)
    model = nn.ModuleList([c1, c2, fc])
    x = torch.randn(5, 4, 5, 5)
    y = torch.tensor([0, 1, 2, 2, 1])

    def f(x, ps):
        w1, b1, w2, fw, fb = ps
        h = torch.tanh(F.conv2d(x, w1, b1, padding=1, groups=2))
        h = F.conv2d(h, w2, None, stride=2, groups=3)
        return F.linear(h.flatten(1), fw, fb)

    assert torch.allclose(f(x, tuple(model.parameters())), fc(c2(torch.tanh(c1(x))).flatten(1)))
    export("grouped", model, x, y, ["c1_w", "c1_b", "c2_w", "fc_w", "fc_b"], f)


def convnext():
    torch.manual_seed(4)
    conv = nn.Conv2d(2, 4, 3, padding=1)
    norm = nn.LayerNorm(4, eps=1e-6)
    fc1 = nn.Linear(4, 8)
    fc2 = nn.Linear(8, 4)
    scale = nn.Parameter(0.5 + torch.rand(4, 1, 1))
    head = nn.Linear(4, 3)
    with torch.no_grad():
        norm.weight.copy_(0.5 + torch.rand(4))
        norm.bias.copy_(0.3 * torch.randn(4))
    model = nn.ModuleList([conv, norm, fc1, fc2, head])
    model.register_parameter("scale", scale)
    x = torch.randn(5, 2, 4, 4)
    y = torch.tensor([0, 1, 2, 2, 1])

    def f(x, ps):
        ls, cw, cb, nw, nb, w1, b1, w2, b2, hw, hb = ps  # the ModuleList's own parameter first
        h = F.conv2d(x, cw, cb, padding=1).permute(0, 2, 3, 1)
        h = F.linear(F.gelu(F.linear(F.layer_norm(h, (4,), nw, nb, 1e-6), w1, b1)), w2, b2)
        h = ls * h.permute(0, 3, 1, 2)
        return F.linear(h.mean([2, 3]), hw, hb)

    export("convnext", model, x, y, ["scale", "conv_w", "conv_b", "norm_w", "norm_b", "fc1_w", "fc1_b", "fc2_w",
                                     "fc2_b", "head_w", "head_b"], f)


if __name__ == "__main__":
    mlp()
    cnn()
    grouped()
    convnext()

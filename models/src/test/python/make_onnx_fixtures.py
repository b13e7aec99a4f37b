#!/usr/bin/python3
"""Makes the ONNX fixtures of the models module's tests (run once; the tests do not need Python).

Debian's python3-torch 1.13 and python3-onnx. For each network (an MLP, a residual CNN with batch norm, and an MLP
using the remaining activations): trains it a little on a fixed batch (so batch-norm running statistics and accuracy
are not trivial), exports it with torch.onnx.export (eval mode), and writes

  <name>.onnx                the network
  <name>-data.npz            x (float32 features), y (int64 classes)
  <name>-directions.npz      d1/<param>, d2/<param>: two filter-normalized random directions in PyTorch's
                             named_parameters() order and shapes (biases and batch norm zeroed, as Li et al.'s
                             "ignore biasbn"), float32
  <name>-plane.npz           xs, ys: coordinates; loss64/acc64 and loss32/acc32 [iy][ix]: PyTorch's CrossEntropyLoss
                             (mean) and accuracy at theta + x d1 + y d2, computed by PyTorch in float64 and in float32;
                             mse64 [iy][ix]: MSELoss against the one-hot labels (float64), for the mlp only
  <name>-order.txt           the parameter names in named_parameters() order

Usage: python3 make_onnx_fixtures.py OUTDIR
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OPSET = 13
GRID = np.linspace(-1.0, 1.0, 5)


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(20, 16)
        self.fc2 = nn.Linear(16, 12)
        self.out = nn.Linear(12, 5)

    def forward(self, x):
        return self.out(torch.tanh(self.fc2(F.relu(self.fc1(x)))))


class ResidualCnn(nn.Module):
    """Conv+BN+ReLU, a residual block, max pool; one branch flattened (C,H,W order), one global-average pooled."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(8)
        self.conv3 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(8, eps=1e-3)
        self.pool = nn.MaxPool2d(2)
        self.conv4 = nn.Conv2d(8, 6, 3, stride=2, padding=1)
        self.bn4 = nn.BatchNorm2d(6)
        self.avg = nn.AvgPool2d(2)
        self.fc = nn.Linear(6 * 3 * 3 + 8, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        r = F.relu(self.bn2(self.conv2(x)))
        r = self.bn3(self.conv3(r))
        x = F.relu(x + r)
        x = self.pool(x)                                   # [8, 6, 6]
        a = torch.flatten(F.relu(self.bn4(self.conv4(x))), 1)   # [6, 3, 3] -> 54
        b = torch.flatten(F.adaptive_avg_pool2d(self.avg(x), 1), 1)   # [8, 3, 3] -> [8, 1, 1] -> 8
        return self.fc(torch.cat([a, b], 1))


class ActivationsMlp(nn.Module):
    """x.view(n, -1) of a [n, 1, 4, 5] input (an MNIST-style MLP), LeakyReLU, Dropout, ELU, Sigmoid, and a LogSoftmax at the end."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(20, 16)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(16, 16)
        self.fc3 = nn.Linear(16, 12)
        self.fc4 = nn.Linear(12, 5)

    def forward(self, x):
        x = x.view(x.size(0), -1)
        x = self.drop(F.leaky_relu(self.fc1(x), 0.1))
        x = F.elu(self.fc2(x), 0.7)
        x = torch.sigmoid(self.fc3(x))
        return F.log_softmax(self.fc4(x), dim=1)


def filter_normalized(model, gen):
    """Li et al.'s filter normalization; 1-D parameters (biases, batch norm) zeroed."""
    d = {}
    for name, p in model.named_parameters():
        r = torch.randn(p.shape, generator=gen, dtype=torch.float64)
        if p.dim() <= 1:
            r.zero_()
        else:
            w = p.detach().double()
            for f in range(r.shape[0]):
                r[f].mul_(w[f].norm() / (r[f].norm() + 1e-10))
        d[name] = r
    return d


def plane(model, x, y, d1, d2, dtype):
    m = model.to(dtype)
    m.eval()
    theta = {k: v.detach().clone() for k, v in m.named_parameters()}
    xt = x.to(dtype)
    loss = np.zeros((len(GRID), len(GRID)))
    acc = np.zeros_like(loss)
    mse = np.zeros_like(loss)
    onehot = F.one_hot(y, 5 if isinstance(model, (Mlp, ActivationsMlp)) else 10).to(dtype)
    with torch.no_grad():
        for iy, b in enumerate(GRID):
            for ix, a in enumerate(GRID):
                for k, p in m.named_parameters():
                    p.copy_(theta[k] + a * d1[k].to(dtype) + b * d2[k].to(dtype))
                out = m(xt)
                if isinstance(model, ActivationsMlp):
                    loss[iy, ix] = F.nll_loss(out, y).item()
                else:
                    loss[iy, ix] = F.cross_entropy(out, y).item()
                    mse[iy, ix] = F.mse_loss(out, onehot).item()
                acc[iy, ix] = (out.argmax(1) == y).double().mean().item()
        for k, p in m.named_parameters():
            p.copy_(theta[k])
    return loss, acc, mse


def make(name, model, x, y, out_dir):
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    model.train()
    for _ in range(40):
        opt.zero_grad()
        out = model(x)
        loss = F.nll_loss(out, y) if isinstance(model, ActivationsMlp) else F.cross_entropy(out, y)
        loss.backward()
        opt.step()
    model.eval()
    path = os.path.join(out_dir, name + ".onnx")
    # In eval mode torch 1.13 folds each batch norm into the convolution before it (its eval peephole pass runs for
    # training=EVAL, whatever do_constant_folding says), and names the folded tensors onnx::Conv_52, ...
    # TrainingMode.PRESERVE of a model in eval mode keeps BatchNormalization nodes (inference form) and the names.
    torch.onnx.export(model, x[:1], path, opset_version=OPSET, do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    if isinstance(model, ResidualCnn):
        # what a plain torch.onnx.export(model, x, "m.onnx") writes: batch norms folded, a fixed batch size
        torch.onnx.export(model, x, os.path.join(out_dir, name + "-folded.onnx"), opset_version=11)
        with torch.no_grad():
            np.save(os.path.join(out_dir, name + "-logits.npy"), model(x).double().numpy())
    gen = torch.Generator().manual_seed(7)
    d1 = filter_normalized(model, gen)
    d2 = filter_normalized(model, gen)
    np.savez(os.path.join(out_dir, name + "-data.npz"), x=x.numpy(), y=y.numpy())
    dirs = {}
    for k in d1:
        dirs["d1/" + k] = d1[k].float().numpy()
        dirs["d2/" + k] = d2[k].float().numpy()
    np.savez(os.path.join(out_dir, name + "-directions.npz"), **dirs)
    with open(os.path.join(out_dir, name + "-order.txt"), "w") as f:
        for k, _ in model.named_parameters():
            f.write(k + "\n")
    # the directions as the test reads them (float32), so both sides move along the same vectors
    d1 = {k: torch.from_numpy(v) for k, v in ((k, dirs["d1/" + k]) for k in d1)}
    d2 = {k: torch.from_numpy(v) for k, v in ((k, dirs["d2/" + k]) for k in d2)}
    loss64, acc64, mse64 = plane(model, x, y, d1, d2, torch.float64)
    loss32, acc32, _ = plane(model, x, y, d1, d2, torch.float32)
    np.savez(os.path.join(out_dir, name + "-plane.npz"), xs=GRID, ys=GRID, loss64=loss64, acc64=acc64,
             loss32=loss32, acc32=acc32, mse64=mse64)
    print(name, "loss at centre", loss64[2, 2], "acc", acc64[2, 2], "max loss", loss64.max(),
          "float32 vs float64 max rel", np.max(np.abs(loss32 - loss64) / loss64))


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(0)
    make("mlp", Mlp(), torch.randn(32, 20), torch.randint(0, 5, (32,)), out_dir)
    torch.manual_seed(1)
    make("cnn", ResidualCnn(), torch.randn(32, 1, 12, 12), torch.randint(0, 10, (32,)), out_dir)
    torch.manual_seed(2)
    make("activations", ActivationsMlp(), torch.randn(32, 1, 4, 5), torch.randint(0, 5, (32,)), out_dir)


if __name__ == "__main__":
    main()

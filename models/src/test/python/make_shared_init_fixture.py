#!/usr/bin/python3
"""Makes shared-init.onnx and shared-init-ll.h5 for the models module's tests (run once; the tests need no Python).

A freshly initialised network exported in eval mode the README's way (TrainingMode.PRESERVE, no constant folding):
torch.onnx.export stores tensors of equal values once (here the zero convolution biases, the unit batch-norm weights,
the zero running means and unit running variances) and each other one as an Identity node of it, named as PyTorch
names it; PyTorch itself has them as separate parameters. shared-init-ll.h5 is a direction file in loss-landscape's
layout (h5_util.write_list: /xdirection/0, 1, ... in net.parameters() order) whose tensor i is filled with the value
i + 1, so a test can see where each tensor lands. shared-init-order.txt lists named_parameters() in order.

Usage: /usr/bin/python3 make_shared_init_fixture.py OUTDIR
"""
import os
import sys

import h5py
import numpy as np
import torch
import torch.nn as nn


def main():
    out_dir = sys.argv[1]
    torch.manual_seed(3)
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Conv2d(4, 4, 3), nn.BatchNorm2d(4),
                          nn.ReLU(), nn.Flatten(), nn.Linear(4 * 4 * 4, 3))
    for m in model:
        if isinstance(m, nn.Conv2d):
            nn.init.zeros_(m.bias)
    model.eval()
    torch.onnx.export(model, torch.randn(1, 1, 8, 8), os.path.join(out_dir, "shared-init.onnx"), opset_version=13,
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False,
                      input_names=["input"], output_names=["logits"], dynamic_axes={"input": {0: "batch"}})
    params = list(model.named_parameters())
    with h5py.File(os.path.join(out_dir, "shared-init-ll.h5"), "w") as f:
        g = f.create_group("xdirection")
        for i, (_, p) in enumerate(params):
            g.create_dataset(str(i), data=np.full(tuple(p.shape), i + 1, dtype=np.float32))
    with open(os.path.join(out_dir, "shared-init-order.txt"), "w") as f:
        f.write("\n".join(n for n, _ in params) + "\n")


if __name__ == "__main__":
    main()

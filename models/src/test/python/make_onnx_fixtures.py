#!/usr/bin/python3
"""Makes the ONNX fixtures of the models module's tests (run once; the tests do not need Python).

Debian's python3-torch 1.13, python3-torchvision 0.14 and python3-onnx. For each network (an MLP, a residual CNN with
batch norm, an MLP using the remaining activations, and width-reduced MobileNetV2, MNASNet, EfficientNet and
MobileNetV3, GoogLeNet, ResNeXt, RegNet, ShuffleNetV2 and ConvNeXt made of torchvision's own blocks): trains it a little on a fixed batch (so batch-norm running statistics and accuracy
are not trivial), exports it with torch.onnx.export (eval mode), and writes

  <name>.onnx                the network
  <name>-data.npz            x (float32 features), y (int64 classes)
  <name>-directions.npz      d1/<param>, d2/<param>: two filter-normalized random directions in PyTorch's
                             named_parameters() order and shapes (biases and batch norm zeroed, as Li et al.'s
                             "ignore biasbn"), float32
  <name>-plane.npz           xs, ys: coordinates (5 per axis; 3 for the torchvision networks); loss64/acc64 and loss32/acc32 [iy][ix]: PyTorch's CrossEntropyLoss
                             (mean) and accuracy at theta + x d1 + y d2, computed by PyTorch in float64 and in float32;
                             mse64 [iy][ix]: MSELoss against the one-hot labels (float64), for the mlp only
  <name>-order.txt           the parameter names in named_parameters() order
  <name>-folded.onnx         for the cnn and the torchvision networks, what a plain torch.onnx.export(model, x, path)
  <name>-logits.npy          writes (batch norms folded into the convolutions, a fixed batch) and its logits on x

Usage: python3 make_onnx_fixtures.py OUTDIR [NAME...]   (only the networks named, all when none are)

       python3 make_onnx_fixtures.py --full OUTDIR mobilenet_v2 mnasnet0_5 ...
           the same files for torchvision 0.14's full architectures (not fixtures: too large to commit): random
           initialisation with batch-norm statistics, affine parameters and convolution biases drawn away from their
           defaults, 10 classes,
           16 FashionMNIST test images (Debian's dataset-fashion-mnist) resized to 64x64 (inception_v3: 96x96; alexnet
           and vgg: 224x224) and repeated over 3 channels; the vision transformers built for 64x64;
           no training. Checked by the examples module's TorchvisionZoo.
"""
import functools
import gzip
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models import convnext
from torchvision.models import mnasnet
from torchvision.models import regnet
from torchvision.models import resnet
from torchvision.models import shufflenetv2
from torchvision.models import mobilenetv3
from torchvision.models.efficientnet import MBConv, MBConvConfig
from torchvision.models.googlenet import BasicConv2d, Inception
from torchvision.models.mobilenetv2 import InvertedResidual
from torchvision.ops.misc import Conv2dNormActivation

OPSET = 13
GRID = np.linspace(-1.0, 1.0, 5)
GRID3 = np.linspace(-1.0, 1.0, 3)


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


class SmallMobileNetV2(nn.Module):
    """torchvision's MobileNetV2 at reduced width and depth, from its own modules: the ReLU6 stem, an inverted residual
    block of expansion 1 (depthwise 3x3 + projection, residual add), a strided one of expansion 6 and a residual one,
    the 1x1 ReLU6 head, adaptive average pooling, flatten, dropout and the classifier."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            Conv2dNormActivation(3, 8, stride=2, norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU6),
            InvertedResidual(8, 8, 1, 1),
            InvertedResidual(8, 12, 2, 6),
            InvertedResidual(12, 12, 1, 6),
            Conv2dNormActivation(12, 32, kernel_size=1, norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU6))
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(32, 10))

    def forward(self, x):
        x = F.adaptive_avg_pool2d(self.features(x), (1, 1))
        return self.classifier(torch.flatten(x, 1))


class SmallMnasNet(nn.Module):
    """torchvision's MNASNet at reduced width and depth, as its class builds it: the stem (conv, then a depthwise
    separable conv without skip), two stacks of its inverted residuals (kernel 3, expansion 3; kernel 5, expansion 6;
    the second block of each adds its input), the 1x1 head, x.mean([2, 3]) (ONNX's ReduceMean), dropout, classifier."""

    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1, stride=2, bias=False), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
            nn.Conv2d(8, 8, 3, padding=1, stride=1, groups=8, bias=False), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
            nn.Conv2d(8, 8, 1, padding=0, stride=1, bias=False), nn.BatchNorm2d(8),
            mnasnet._stack(8, 12, 3, 2, 3, 2, 0.1),
            mnasnet._stack(12, 16, 5, 2, 6, 2, 0.1),
            nn.Conv2d(16, 32, 1, padding=0, stride=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(inplace=True))
        self.classifier = nn.Sequential(nn.Dropout(p=0.2, inplace=True), nn.Linear(32, 10))

    def forward(self, x):
        return self.classifier(self.layers(x).mean([2, 3]))


class SmallEfficientNet(nn.Module):
    """torchvision's EfficientNet at reduced width and depth, from its own modules: the SiLU stem, an MBConv of
    expansion 1 (depthwise 3x3 with SiLU, squeeze-and-excitation with a sigmoid gate, projection), a strided one of
    expansion 6 and a residual one with a 5x5 depthwise kernel, the 1x1 SiLU head, adaptive average pooling, flatten,
    dropout and the classifier (the ONNX export: Sigmoid and Mul for SiLU, GlobalAveragePool, Conv, Sigmoid and a
    broadcasting Mul for each gate)."""

    def __init__(self):
        super().__init__()
        bn = nn.BatchNorm2d
        self.features = nn.Sequential(
            Conv2dNormActivation(3, 8, stride=2, norm_layer=bn, activation_layer=nn.SiLU),
            MBConv(MBConvConfig(1, 3, 1, 8, 8, 1), 0.0, bn),
            MBConv(MBConvConfig(6, 3, 2, 8, 16, 1), 0.0, bn),
            MBConv(MBConvConfig(6, 5, 1, 16, 16, 1), 0.0, bn),
            Conv2dNormActivation(16, 32, kernel_size=1, norm_layer=bn, activation_layer=nn.SiLU))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(0.2, inplace=True), nn.Linear(32, 10))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


class SmallMobileNetV3(nn.Module):
    """torchvision's MobileNetV3 at reduced width and depth, from its own modules: the hard-swish stem, its inverted
    residuals (a strided ReLU block with squeeze-and-excitation gated by a hard sigmoid and no expansion, as
    mobilenet_v3_small starts; a hard-swish one with SE; a residual 5x5 hard-swish one with SE), the 1x1 hard-swish
    head, adaptive average pooling, and the classifier (Linear, Hardswish, Dropout, Linear). The README's export
    writes HardSigmoid and Mul for each hard swish (opset 13), the plain one HardSwish (opset 14)."""

    def __init__(self):
        super().__init__()
        bn = nn.BatchNorm2d
        cfg = mobilenetv3.InvertedResidualConfig
        self.features = nn.Sequential(
            Conv2dNormActivation(3, 8, stride=2, norm_layer=bn, activation_layer=nn.Hardswish),
            mobilenetv3.InvertedResidual(cfg(8, 3, 8, 8, True, "RE", 2, 1, 1.0), bn),
            mobilenetv3.InvertedResidual(cfg(8, 3, 24, 16, True, "HS", 1, 1, 1.0), bn),
            mobilenetv3.InvertedResidual(cfg(16, 5, 48, 16, True, "HS", 1, 1, 1.0), bn),
            Conv2dNormActivation(16, 48, kernel_size=1, norm_layer=bn, activation_layer=nn.Hardswish))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Linear(48, 32), nn.Hardswish(inplace=True), nn.Dropout(0.2, inplace=True),
                                        nn.Linear(32, 10))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


class SmallGoogLeNet(nn.Module):
    """torchvision's GoogLeNet at reduced width and depth, from its own modules: a BasicConv2d stem (convolution without
    bias, batch norm with eps 0.001, ReLU), MaxPool2d(3, stride=2, ceil_mode=True) on an even size (18 -> 9, where
    floor gives 8), an Inception block (1x1; 1x1 then 3x3; 1x1 then 3x3; MaxPool2d(3, 1, 1, ceil_mode=True) then 1x1;
    concatenated), MaxPool2d(2, 2, ceil_mode=True) on an odd size (9 -> 5, floor 4), adaptive average pooling, flatten,
    dropout and the classifier."""

    def __init__(self):
        super().__init__()
        self.conv1 = BasicConv2d(3, 8, kernel_size=3, stride=1, padding=1)
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception = Inception(8, 4, 4, 8, 2, 4, 4)
        self.maxpool2 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(20, 10)

    def forward(self, x):
        x = self.maxpool2(self.inception(self.maxpool1(self.conv1(x))))
        return self.fc(self.dropout(torch.flatten(self.avgpool(x), 1)))


class SmallResNeXt(nn.Module):
    """torchvision's ResNeXt at reduced width, from its own Bottleneck: a stem (3x3 convolution, batch norm, ReLU), two
    bottlenecks with grouped 3x3 convolutions (4 groups of 2 channels; the first strided with a 1x1 downsampling
    shortcut, the second of 8 groups of 1... no: of 4 groups of 4 channels), adaptive average pooling and the
    classifier."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(inplace=True))
        down = nn.Sequential(nn.Conv2d(16, 32, 1, stride=2, bias=False), nn.BatchNorm2d(32))
        self.layer = nn.Sequential(resnet.Bottleneck(16, 8, stride=2, downsample=down, groups=4, base_width=16),
                                   resnet.Bottleneck(32, 8, groups=4, base_width=32))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.avgpool(self.layer(self.stem(x))), 1))


class SmallRegNet(nn.Module):
    """torchvision's RegNet at reduced width, from its own modules: SimpleStemIN, a RegNetX block (ResBottleneckBlock,
    group width 8: grouped 3x3 convolution of 4 groups, strided, with a projection shortcut) and a RegNetY block (group
    width 4 and squeeze-and-excitation), adaptive average pooling and the classifier."""

    def __init__(self):
        super().__init__()
        bn = nn.BatchNorm2d
        self.stem = regnet.SimpleStemIN(3, 16, bn, nn.ReLU)
        self.trunk = nn.Sequential(regnet.ResBottleneckBlock(16, 32, 2, bn, nn.ReLU, group_width=8),
                                   regnet.ResBottleneckBlock(32, 32, 1, bn, nn.ReLU, group_width=4, se_ratio=0.25))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.avgpool(self.trunk(self.stem(x))), 1))


class SmallShuffleNet(nn.Module):
    """torchvision's ShuffleNetV2 at reduced width, from its own InvertedResidual: the stem (3x3 convolution, batch
    norm, ReLU, max pooling), a strided unit (two branches concatenated) and two units that split the channels
    (chunk) and pass one half on, each followed by the channel shuffle of 2 groups, a 1x1 convolution, the mean over
    height and width and the classifier."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(inplace=True))
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.stage = nn.Sequential(shufflenetv2.InvertedResidual(8, 16, 2), shufflenetv2.InvertedResidual(16, 16, 1),
                                   shufflenetv2.InvertedResidual(16, 16, 1))
        self.conv5 = nn.Sequential(nn.Conv2d(16, 24, 1, bias=False), nn.BatchNorm2d(24), nn.ReLU(inplace=True))
        self.fc = nn.Linear(24, 10)

    def forward(self, x):
        x = self.conv5(self.stage(self.maxpool(self.conv1(x))))
        return self.fc(x.mean([2, 3]))


class SmallConvNeXt(nn.Module):
    """torchvision's ConvNeXt at reduced width and depth, from its own modules: the patchify stem (4x4 convolution of
    stride 4, LayerNorm2d), two CNBlocks (depthwise 7x7 convolution, permute to channels-last, LayerNorm, Linear, exact
    GELU, Linear, permute back, layer scale, residual), the downsampling (LayerNorm2d, 2x2 convolution of stride 2),
    one more CNBlock, adaptive average pooling, and the classifier (LayerNorm2d, flatten, Linear). Layer scales start
    at 0.1 (torchvision's 1e-6 would hide the blocks from a briefly trained fixture)."""

    def __init__(self):
        super().__init__()
        norm = functools.partial(convnext.LayerNorm2d, eps=1e-6)
        self.stem = Conv2dNormActivation(3, 16, kernel_size=4, stride=4, padding=0, norm_layer=norm,
                                         activation_layer=None, bias=True)
        self.stage1 = nn.Sequential(convnext.CNBlock(16, 0.1, 0.0), convnext.CNBlock(16, 0.1, 0.0))
        self.down = nn.Sequential(norm(16), nn.Conv2d(16, 32, kernel_size=2, stride=2))
        self.stage2 = convnext.CNBlock(32, 0.1, 0.0)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(norm(32), nn.Flatten(1), nn.Linear(32, 10))

    def forward(self, x):
        x = self.stage2(self.down(self.stage1(self.stem(x))))
        return self.classifier(self.avgpool(x))


TORCHVISION = (SmallMobileNetV2, SmallMnasNet, SmallEfficientNet, SmallMobileNetV3, SmallGoogLeNet, SmallResNeXt,
               SmallRegNet, SmallShuffleNet, SmallConvNeXt)


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


def plane(model, x, y, d1, d2, dtype, grid):
    m = model.to(dtype)
    m.eval()
    theta = {k: v.detach().clone() for k, v in m.named_parameters()}
    xt = x.to(dtype)
    loss = np.zeros((len(grid), len(grid)))
    acc = np.zeros_like(loss)
    mse = np.zeros_like(loss)
    onehot = F.one_hot(y, 5 if isinstance(model, (Mlp, ActivationsMlp)) else 10).to(dtype)
    with torch.no_grad():
        for iy, b in enumerate(grid):
            for ix, a in enumerate(grid):
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


def make(name, model, x, y, out_dir, steps=40):
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    model.train()
    for _ in range(steps):
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
    full = steps == 0
    if isinstance(model, (ResidualCnn,) + TORCHVISION) or full:
        # what a plain torch.onnx.export(model, x, "m.onnx") writes: batch norms folded, a fixed batch size (the cnn's
        # at opset 11, the torchvision networks' at torch 1.13's default, 14: Clip's bounds are inputs from 11)
        torch.onnx.export(model, x, os.path.join(out_dir, name + "-folded.onnx"),
                          **({} if isinstance(model, TORCHVISION) or full else {"opset_version": 11}))
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
    grid = GRID3 if isinstance(model, TORCHVISION) or full else GRID
    loss64, acc64, mse64 = plane(model, x, y, d1, d2, torch.float64, grid)
    loss32, acc32, _ = plane(model, x, y, d1, d2, torch.float32, grid)
    np.savez(os.path.join(out_dir, name + "-plane.npz"), xs=grid, ys=grid, loss64=loss64, acc64=acc64,
             loss32=loss32, acc32=acc32, mse64=mse64)
    centre = len(grid) // 2
    print(name, "loss at centre", loss64[centre, centre], "acc", acc64[centre, centre], "max loss", loss64.max(),
          "float32 vs float64 max rel", np.max(np.abs(loss32 - loss64) / loss64))


def fashion_mnist(n, size):
    """The first n FashionMNIST test images, bilinearly resized to size x size, as 3 equal channels in [0, 1]."""
    root = "/usr/share/datasets/fashion-mnist/"
    with gzip.open(root + "t10k-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)[:n]
    with gzip.open(root + "t10k-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)[:n]
    x = F.interpolate(torch.from_numpy(images.astype(np.float32) / 255), size=(size, size), mode="bilinear",
                      align_corners=False)
    return x.repeat(1, 3, 1, 1).contiguous(), torch.from_numpy(labels.astype(np.int64))


def full_width(out_dir, names):
    """torchvision's architectures at full width, randomly initialised, as the --full usage says."""
    os.makedirs(out_dir, exist_ok=True)
    for name in names:
        # inception_v3 needs 75x75 at least; AlexNet's and VGG's adaptive pooling to 6x6 / 7x7 exports only where
        # it pools (224x224); 64x64 for the others
        size = 224 if name.startswith(("alexnet", "vgg")) else 96 if name == "inception_v3" else 64
        x, y = fashion_mnist(16, size)
        torch.manual_seed(0)
        # googlenet: without its auxiliary classifiers, which only training uses (not in the eval-mode export)
        extra = {"aux_logits": False, "init_weights": True} if name in ("googlenet", "inception_v3") else {}
        if name.startswith("vit_"):
            extra = {"image_size": 64}  # the vision transformers take the image size they are built for
        model = getattr(torchvision.models, name)(num_classes=10, **extra)
        gen = torch.Generator().manual_seed(1)
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, nn.BatchNorm2d):
                    c = m.num_features
                    m.running_mean.copy_(0.2 * torch.randn(c, generator=gen))
                    m.running_var.copy_(0.5 + torch.rand(c, generator=gen))
                    m.weight.copy_(0.5 + torch.rand(c, generator=gen))
                    m.bias.copy_(0.2 * torch.randn(c, generator=gen))
                elif isinstance(m, nn.Conv2d) and m.bias is not None:
                    # torchvision zeroes convolution biases (MobileNetV3's squeeze-and-excitation), and the export
                    # shares equal-valued initializers between nodes: drawn, each stays the parameter it is
                    m.bias.copy_(0.2 * torch.randn(m.bias.shape, generator=gen))
        make(name, model, x, y, out_dir, steps=0)


def main():
    if sys.argv[1] == "--full":
        full_width(sys.argv[2], sys.argv[3:])
        return
    out_dir = sys.argv[1]
    wanted = set(sys.argv[2:])
    os.makedirs(out_dir, exist_ok=True)
    networks = [
        ("mlp", 0, Mlp, (20,), 5),
        ("cnn", 1, ResidualCnn, (1, 12, 12), 10),
        ("activations", 2, ActivationsMlp, (1, 4, 5), 5),
        ("mobilenetv2", 3, SmallMobileNetV2, (3, 16, 16), 10),
        ("mnasnet", 4, SmallMnasNet, (3, 16, 16), 10),
        ("efficientnet", 5, SmallEfficientNet, (3, 16, 16), 10),
        ("mobilenetv3", 6, SmallMobileNetV3, (3, 16, 16), 10),
        ("googlenet", 7, SmallGoogLeNet, (3, 18, 18), 10),
        ("resnext", 8, SmallResNeXt, (3, 16, 16), 10),
        ("regnet", 9, SmallRegNet, (3, 16, 16), 10),
        ("shufflenet", 10, SmallShuffleNet, (3, 32, 32), 10),
        ("convnext", 11, SmallConvNeXt, (3, 16, 16), 10),
    ]
    for name, seed, network, shape, classes in networks:
        if not wanted or name in wanted:
            torch.manual_seed(seed)
            model = network()
            make(name, model, torch.randn(32, *shape), torch.randint(0, classes, (32,)), out_dir)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The benchmark's PyTorch peer: the networks of Bench.java, evaluated over a 41x41 plane the way a PyTorch user does.

Per point: model.eval(), torch.no_grad(), every parameter tensor set to theta + a*d1 + b*d2, one forward pass over
the evaluation images, cross-entropy and accuracy (.item(), so the work is finished). Directions are the script's own
(seeded Gaussian, filter-normalized, biases and batch-norm parameters zeroed, running statistics untouched): speed is
compared, not numbers. The layer shapes are Bench.java's (Bench's FLOP count per example is checked against the one
printed here). Each network runs plain (NCHW) and channels_last (NHWC; not for the MLP).

torchvision 0.14's full mobilenet_v2 and efficientnet_b0 (10 classes) are the imported rows: --export NAME PATH writes
the seeded network as ONNX, the models module's way (make_onnx_fixtures.py), and exits; Bench.java imports that file,
and this script measures the same network (same seed, same weights).

Timing, the protocol of Bench.java: a warm-up of at least --warmup seconds and 2 points, then points over the grid
in raster order, repeated, until at least --seconds seconds and --min-points points; the rate is
(points - 1) / (time of the last point - time of the first point), the points' completion times.

Prints one JSON object per line: {"status": "torch-missing", ...} when PyTorch is not installed (exit code 0; install
it with `apt-get install python3-torch` on Debian/Ubuntu, or `pip install torch`), {"status": "ok", ...} for --probe,
one {"status": "result", ...} per (network, layout), and {"status": "exported", ...} for --export.

    /usr/bin/python3 bench_peer.py --models lenet,vgg --seconds 10 --threads 2
    /usr/bin/python3 bench_peer.py --export mobilenet_v2 /tmp/mobilenet_v2.onnx
"""

import argparse
import gzip
import json
import os
import platform
import struct
import sys
import time

INSTALL = "apt-get install python3-torch"
MODELS = ("mlp", "lenet", "vgg", "resnet", "resnet20", "mobilenet_v2", "efficientnet_b0")
IMPORTED = ("mobilenet_v2", "efficientnet_b0")   # torchvision's, imported through ONNX on the Java side
PADDED_RGB = ("resnet20",) + IMPORTED             # on FashionMNIST padded to 32x32, 3 channels
OPSET = 13


def emit(**fields):
    print(json.dumps(fields), flush=True)


try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:  # never fail: the bench marks the peer "not measured"
    emit(status="torch-missing", python=sys.executable, reason=str(e), install=INSTALL,
         message="PyTorch is not installed for %s: install it with `%s` (Debian/Ubuntu) or `pip install torch`"
                 % (sys.executable, INSTALL))
    sys.exit(0)


# ---- the networks of Bench.java ----------------------------------------------------------------------------------

def mlp():
    """Bench.mlp(128): dense 784-128 ReLU, dense 128-10 (softmax in the loss)."""
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


def lenet():
    """Bench.leNet(): conv 5x5x8 (valid) ReLU, max pool 2, conv 5x5x16 ReLU, max pool 2, dense 64 ReLU, dense 10."""
    return nn.Sequential(
        nn.Conv2d(1, 8, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(8, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(16 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, 10))


def vgg():
    """Bench.vgg(): 3 stages of 2 x (conv 3x3 'same', batch norm, ReLU), 16-32-64 channels, max pool 2 after each
    stage ('same' pooling in DL4J: 28, 14, 7 -> 4, i.e. ceil_mode), dense 128 ReLU with dropout, dense 10."""
    layers, c = [], 1
    for width in (16, 32, 64):
        for _ in range(2):
            layers += [nn.Conv2d(c, width, 3, padding=1), nn.BatchNorm2d(width, eps=1e-5), nn.ReLU()]
            c = width
        layers.append(nn.MaxPool2d(2, 2, ceil_mode=True))
    layers += [nn.Flatten(), nn.Linear(64 * 4 * 4, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10)]
    return nn.Sequential(*layers)


class Block(nn.Module):
    """conv 3x3, BN, ReLU, conv 3x3, BN, + shortcut, ReLU; the shortcut is the identity, or a 1x1 convolution with BN
    (projection, 'option B') where the block changes width or strides."""

    def __init__(self, cin, cout, stride, bias):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=bias)
        self.bn1 = nn.BatchNorm2d(cout, eps=1e-5)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=bias)
        self.bn2 = nn.BatchNorm2d(cout, eps=1e-5)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout, eps=1e-5))

    def forward(self, x):
        y = F.relu(self.bn1(self.c1(x)))
        return F.relu(self.bn2(self.c2(y)) + self.shortcut(x))


class ResNet(nn.Module):
    """A 3x3 stem with BN and ReLU, stages of blocks, global average pooling, dense 10."""

    def __init__(self, cin, widths, blocks, bias):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(cin, widths[0], 3, 1, 1, bias=bias), nn.BatchNorm2d(widths[0], eps=1e-5),
                                  nn.ReLU())
        layers, c = [], widths[0]
        for s, width in enumerate(widths):
            for b in range(blocks):
                layers.append(Block(c, width, 2 if s > 0 and b == 0 else 1, bias))
                c = width
        self.blocks = nn.Sequential(*layers)
        self.out = nn.Linear(c, 10)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.out(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def resnet():
    """Bench.resNet(8, 16): stem + 3 residual blocks of 16 channels (convolutions with bias), 28x28x1."""
    return ResNet(1, (16,), 3, bias=True)


def resnet20():
    """Bench.resNet20(): ResNet-20 for CIFAR, stages 16/32/64 of 3 blocks, stride-2 downsampling with 1x1
    projection shortcuts, convolutions without bias, 32x32x3."""
    return ResNet(3, (16, 32, 64), 3, bias=False)


def torchvision_model(name):
    """torchvision 0.14's `name` (mobilenet_v2, efficientnet_b0) with 10 classes, its own random initialisation, then
    batch-norm running statistics and affine parameters, and convolution biases, drawn away from their defaults with
    a seeded generator (make_onnx_fixtures.py's full_width): the imported networks are not trained."""
    import torchvision  # only these two networks need it
    model = getattr(torchvision.models, name)(num_classes=10)
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
                m.bias.copy_(0.2 * torch.randn(m.bias.shape, generator=gen))
    return model


BUILDERS = {"mlp": mlp, "lenet": lenet, "vgg": vgg, "resnet": resnet, "resnet20": resnet20,
            "mobilenet_v2": lambda: torchvision_model("mobilenet_v2"),
            "efficientnet_b0": lambda: torchvision_model("efficientnet_b0")}


def build(name):
    """The seeded network `name` in eval mode: the same weights for the measurement and the export."""
    torch.manual_seed(1)
    model = BUILDERS[name]()
    model.eval()
    return model


def export(name, path):
    """Writes `name` (one of IMPORTED) as ONNX the way the models module's README says (make_onnx_fixtures.py's
    `make`): opset 13, no constant folding, TrainingMode.PRESERVE of the eval-mode model (batch norms stay nodes, the
    tensors keep their PyTorch names), input "input", output "output", a dynamic batch axis; on 3x32x32 inputs."""
    model = build(name)
    torch.onnx.export(model, torch.zeros(1, 3, 32, 32), path, opset_version=OPSET, do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    emit(status="exported", model=name, path=path, torch=torch.__version__,
         parameters=sum(p.numel() for p in model.parameters()))


def blas_library():
    """The BLAS library torch's dense layers call (torch.mm -> libblas.so.3 on Debian), by its real path: Debian's
    python3-torch takes whatever libblas.so.3 the alternatives point at, the reference BLAS (slow) unless OpenBLAS or
    BLIS is installed (`apt-get install libopenblas0-pthread`)."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "/" in line}
    except OSError:
        return "unknown"
    for path in sorted(paths):
        name = os.path.basename(path)
        if "blas" in name or "mkl" in name or "blis" in name:
            real = os.path.realpath(path)
            kind = ("OpenBLAS" if "openblas" in real else "BLIS" if "blis" in real else "MKL" if "mkl" in real
                    else "reference BLAS" if "/blas/" in real else name)
            return "%s (%s)" % (kind, real)
    return "linked into torch"


# ---- data --------------------------------------------------------------------------------------------------------

def idx(path, limit):
    with gzip.open(path, "rb") as f:
        magic = struct.unpack(">i", f.read(4))[0]
        dims = struct.unpack(">" + "i" * (magic & 0xFF), f.read(4 * (magic & 0xFF)))
        n = min(limit, dims[0])
        per = 1
        for d in dims[1:]:
            per *= d
        return torch.frombuffer(bytearray(f.read(n * per)), dtype=torch.uint8).reshape((n,) + tuple(dims[1:]))


def data(directory, samples, model):
    """The first `samples` FashionMNIST test images as [n, 1, 28, 28] in [0, 1] (resnet20 and the imported networks:
    zero-padded to 32x32 and replicated to 3 channels), and their labels; random images when the files are missing."""
    images = os.path.join(directory, "t10k-images-idx3-ubyte.gz")
    labels = os.path.join(directory, "t10k-labels-idx1-ubyte.gz")
    if os.path.isfile(images) and os.path.isfile(labels):
        x = idx(images, samples).float().div_(255).reshape(-1, 1, 28, 28)
        y = idx(labels, samples).long()
        source = "fashion-mnist"
    else:
        g = torch.Generator().manual_seed(2)
        x = torch.rand(samples, 1, 28, 28, generator=g)
        y = torch.randint(0, 10, (samples,), generator=g)
        source = "random (FashionMNIST not found in %s)" % directory
    if model in PADDED_RGB:
        x = F.pad(x, (2, 2, 2, 2)).repeat(1, 3, 1, 1)
    return x.contiguous(), y, source


# ---- the landscape loop ------------------------------------------------------------------------------------------

def directions(model, seed, channels_last):
    """Two filter-normalized Gaussian directions (Li et al.): per weight tensor, each output filter's slice scaled to
    that filter's norm; 1-dimensional parameters (biases, batch-norm gamma/beta) zero. In the weights' memory format."""
    g = torch.Generator().manual_seed(seed)
    result = []
    for _ in range(2):
        d = []
        for p in model.parameters():
            w = p.detach()
            if w.dim() <= 1:
                d.append(torch.zeros_like(w))
                continue
            r = torch.randn(w.shape, generator=g)
            for i in range(w.shape[0]):
                r[i].mul_(w[i].norm() / (r[i].norm() + 1e-10))
            d.append(r.contiguous(memory_format=torch.channels_last) if channels_last and w.dim() == 4 else r)
        result.append(d)
    return result


def flops_per_example(model, x):
    """2 x multiply-accumulates of the convolutions and dense layers for one example; a convolution's are
    k·k·(Cin/groups)·Cout·H·W (a depthwise one's k·k·Cout·H·W), as Bench's Flops counts them."""
    total = [0]

    def conv(m, inp, out):
        total[0] += 2 * out[0].numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    def dense(m, inp, out):
        total[0] += 2 * m.in_features * m.out_features

    hooks = [m.register_forward_hook(conv if isinstance(m, nn.Conv2d) else dense)
             for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model(x[:1])
    for h in hooks:
        h.remove()
    return total[0]


def measure(name, layout, x, y, args):
    model = build(name)
    if layout == "channels_last":
        model = model.to(memory_format=torch.channels_last)
        x = x.to(memory_format=torch.channels_last)
    flops = flops_per_example(model, x)
    params = list(model.parameters())
    theta = [p.detach().clone() for p in params]
    d1, d2 = directions(model, args.seed, layout == "channels_last")
    grid = [-1 + 2 * i / (args.grid - 1) for i in range(args.grid)]
    batches = [(x[i:i + args.batch], y[i:i + args.batch]) for i in range(0, x.shape[0], args.batch)]
    state = {"k": 0}

    def point():
        k = state["k"] % (args.grid * args.grid)
        state["k"] += 1
        a, b = grid[k % args.grid], grid[k // args.grid]
        with torch.no_grad():
            for p, w, u, v in zip(params, theta, d1, d2):
                p.copy_(w + a * u + b * v)
            loss, correct = 0.0, 0
            for xb, yb in batches:
                out = model(xb)
                loss += F.cross_entropy(out, yb, reduction="sum").item()
                correct += (out.argmax(1) == yb).sum().item()
        return loss / x.shape[0], correct / x.shape[0]

    start = time.perf_counter()
    warm = 0
    while warm < 2 or time.perf_counter() - start < args.warmup:
        point()
        warm += 1
    state["k"] = 0
    times = []
    while len(times) < max(2, args.min_points) or times[-1] - times[0] < args.seconds:
        point()
        times.append(time.perf_counter())
    with torch.no_grad():
        for p, w in zip(params, theta):
            p.copy_(w)
        centre = model(x[:args.batch])
        centre_loss = F.cross_entropy(centre, y[:args.batch]).item()
    emit(status="result", peer="pytorch", model=name, layout=layout, points=len(times),
         seconds=times[-1] - times[0], points_per_s=(len(times) - 1) / (times[-1] - times[0]),
         flops_per_example=flops, examples=x.shape[0], batch=args.batch, threads=torch.get_num_threads(),
         warmup_points=warm, loss_at_centre=centre_loss, torch=torch.__version__, blas=args.blas)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--layouts", default="plain,channels_last")
    parser.add_argument("--seconds", type=float, default=10, help="measure at least this long (default 10)")
    parser.add_argument("--min-points", type=int, default=30, help="and at least this many points (default 30)")
    parser.add_argument("--warmup", type=float, default=5, help="warm-up seconds (default 5)")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    parser.add_argument("--grid", type=int, default=41)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=2000, help="examples per forward pass (default: all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--probe", action="store_true", help="print the versions and exit")
    parser.add_argument("--export", nargs=2, metavar=("NAME", "PATH"),
                        help="write NAME (%s) as ONNX to PATH and exit" % ", ".join(IMPORTED))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    args.blas = blas_library()
    if args.probe:
        emit(status="ok", python=sys.executable, torch=torch.__version__, threads=torch.get_num_threads(),
             mkldnn=torch.backends.mkldnn.is_available(), blas=args.blas, machine=platform.machine())
        return
    if args.export:
        name, path = args.export
        if name not in IMPORTED:
            emit(status="error", message="cannot export %r; exported networks: %s" % (name, ", ".join(IMPORTED)))
            sys.exit(2)
        try:
            import torchvision  # noqa: F401
        except ImportError as e:
            emit(status="torchvision-missing", reason=str(e),
                 message="torchvision is not installed for %s: install it with `apt-get install python3-torchvision`"
                         " (Debian/Ubuntu) or `pip install torchvision`" % sys.executable)
            sys.exit(0)
        export(name, path)
        return
    for name in args.models.split(","):
        if name not in BUILDERS:
            emit(status="error", message="unknown model %r; models: %s" % (name, ", ".join(MODELS)))
            sys.exit(2)
        x, y, source = data(args.data, args.samples, name)
        for layout in args.layouts.split(","):
            if layout == "channels_last" and name == "mlp":
                continue  # no 4D activations: the same as plain
            measure(name, layout, x, y, args)
        emit(status="data", model=name, source=source, shape=list(x.shape))


if __name__ == "__main__":
    main()

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

The GPU peer (issue 30: the PyTorch peer on the same GPU, one run, one table): --device cuda keeps the model, theta,
the directions, the images and the labels on cuda:0, sets cudnn.benchmark, and measures four variants (--layouts):
plain (NCHW), channels_last, graph (channels_last, and one whole point, the parameter update theta + a*d1 + b*d2 of
every tensor from two 0-dim coefficient tensors, the forward passes and the summed loss and correct count, captured
as one CUDA graph and replayed per point) and compile (channels_last, torch.compile(model) of the forward, default
mode; {"status": "skipped", ...} where it cannot compile, e.g. no Triton or no C compiler). --precision: fp32 (TF32
off, set explicitly), tf32 (TF32 on for cuBLAS and cuDNN; refused on the CPU, exit code 2), bf16
(torch.autocast(bfloat16) around the forward, the loss in float32). Two networks are for the GPU bench only (not in the
default --models): mlp1024 (dense 784-1024-1024-10) and vgg13 (the Julia/Flux write-up's 13-layer VGG on 28x28x1, batch
norm after each ReLU). --full-plane times one whole NxN plane in raster order after the warm-up instead of the rate
(the Flux row: a 51x51 plane of vgg13 on 10,000 images). Every result carries the device, the precision and the
versions (torch, and on the GPU cuda, cudnn and the compute capability); --device cuda without a usable GPU prints
{"status": "cuda-missing", ...} and exits with 0. The GPU runs of the bench (DIR: FashionMNIST's t10k files, gzipped
or not):

    python3 bench_peer.py --device cuda --models mlp1024,lenet,vgg,resnet20 --samples 10000 --batch 10000 \
        --grid 11 --seconds 10 --data DIR
    python3 bench_peer.py --device cuda --models vgg13 --samples 10000 --batch 1000 --grid 51 --full-plane \
        --layouts channels_last --precision fp32 --data DIR      (then --precision tf32, then bf16)

Prints one JSON object per line: {"status": "torch-missing", ...} when PyTorch is not installed (exit code 0; install
it with `apt-get install python3-torch` on Debian/Ubuntu, or `pip install torch`), {"status": "ok", ...} for --probe,
one {"status": "result", ...} per (network, layout) ({"status": "plane", ...} with --full-plane, {"status": "skipped",
...} for a variant that cannot run here), and {"status": "exported", ...} for --export.

    /usr/bin/python3 bench_peer.py --models lenet,vgg --seconds 10 --threads 2
    /usr/bin/python3 bench_peer.py --export mobilenet_v2 /tmp/mobilenet_v2.onnx
"""

import argparse
import contextlib
import gzip
import importlib.util
import json
import os
import platform
import struct
import sys
import time
import traceback
import warnings

INSTALL = "apt-get install python3-torch"
DEFAULT_MODELS = ("mlp", "lenet", "vgg", "resnet", "resnet20", "mobilenet_v2", "efficientnet_b0")
MODELS = DEFAULT_MODELS + ("mlp1024", "vgg13")   # the last two for the GPU bench: not run unless named
DENSE = ("mlp", "mlp1024")                       # no 4D activations: channels_last is the same as plain
LAYOUTS = ("plain", "channels_last", "graph", "compile")
CUDA_ONLY = ("graph", "compile")
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


def mlp1024():
    """The GPU bench's wide MLP: dense 784-1024 ReLU, 1024-1024 ReLU, 1024-10 (softmax in the loss)."""
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(),
                         nn.Linear(1024, 10))


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


def vgg13():
    """The Julia/Flux write-up's VGG-13 on 28x28x1: stages of 2, 2, 3, 3 (conv 3x3 pad 1, ReLU, batch norm; Flux's
    order, the norm after the ReLU) of 64, 128, 256, 512 channels, max pool 2 after each (28, 14, 7, 3 -> 1), dense
    512-4096 ReLU, 4096-4096 ReLU, dropout 0.5 (identity in eval), dense 10. Not trained: the batch norms' running
    statistics and affine parameters, and the convolutions' biases, are drawn as for the imported networks, so eval
    mode's normalisation is not the identity."""
    layers, c = [], 1
    for widths in ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512)):
        for width in widths:
            layers += [nn.Conv2d(c, width, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(width, eps=1e-5)]
            c = width
        layers.append(nn.MaxPool2d(2, 2))
    layers += [nn.Flatten(), nn.Linear(512, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
               nn.Linear(4096, 10)]
    return draw_batch_norms(nn.Sequential(*layers))


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
    return draw_batch_norms(getattr(torchvision.models, name)(num_classes=10))


def draw_batch_norms(model):
    """Batch-norm running statistics and affine parameters, and convolution biases, drawn away from their defaults
    with a generator seeded 1 (make_onnx_fixtures.py's full_width); returns `model`."""
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
            "mlp1024": mlp1024, "vgg13": vgg13,
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
    """The first `limit` records of an idx file, gzipped or not (told apart by gzip's magic bytes, not the name)."""
    with open(path, "rb") as raw:
        gzipped = raw.read(2) == b"\x1f\x8b"
    with (gzip.open if gzipped else open)(path, "rb") as f:
        magic = struct.unpack(">i", f.read(4))[0]
        dims = struct.unpack(">" + "i" * (magic & 0xFF), f.read(4 * (magic & 0xFF)))
        n = min(limit, dims[0])
        per = 1
        for d in dims[1:]:
            per *= d
        return torch.frombuffer(bytearray(f.read(n * per)), dtype=torch.uint8).reshape((n,) + tuple(dims[1:]))


def idx_file(directory, stem):
    """`stem`.gz or `stem` in `directory` (Debian ships them gzipped; a copy may be unpacked), or None."""
    for name in (stem + ".gz", stem):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            return path
    return None


def data(directory, samples, model):
    """The first `samples` FashionMNIST test images as [n, 1, 28, 28] in [0, 1] (resnet20 and the imported networks:
    zero-padded to 32x32 and replicated to 3 channels), and their labels; random images when the files are missing."""
    images = idx_file(directory, "t10k-images-idx3-ubyte")
    labels = idx_file(directory, "t10k-labels-idx1-ubyte")
    if images and labels:
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


# ---- the device and its numerics ---------------------------------------------------------------------------------

def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment(args):
    """The fields every result line carries: what ran it, in which precision, with which versions (after
    configure())."""
    fields = {"device": cpu_name(), "precision": args.precision, "torch": torch.__version__}
    if args.device == "cuda":
        fields.update(device=torch.cuda.get_device_name(0), cuda=torch.version.cuda,
                      cudnn=torch.backends.cudnn.version(),
                      capability="%d.%d" % torch.cuda.get_device_capability(0))
        with warnings.catch_warnings():   # read back what configure() set: the flags in effect
            warnings.simplefilter("ignore")
            fields.update(tf32_matmul=torch.backends.cuda.matmul.allow_tf32,
                          tf32_cudnn=torch.backends.cudnn.allow_tf32)
    return fields


def configure(args):
    """cudnn.benchmark on the GPU (what a PyTorch user measuring speed sets), and TF32 on or off explicitly: fp32 is
    IEEE float32 (PyTorch's cuDNN default would allow TF32 convolutions), tf32 lets cuBLAS and cuDNN use it; bf16 keeps
    the ops autocast leaves in float32 in IEEE. Only the allow_tf32 flags: the API the brief's bench names, and the one
    torch.compile's inductor still reads in 2.x (setting the newer fp32_precision too can raise 'mix of the legacy and
    new APIs'); their deprecation warning in PyTorch >= 2.9 is silenced."""
    if args.device != "cuda":
        return
    torch.backends.cudnn.benchmark = True
    tf32 = args.precision == "tf32"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.backends.cuda.matmul.allow_tf32 = tf32
        torch.backends.cudnn.allow_tf32 = tf32


def autocast(args):
    """A factory of the forward's precision context: bfloat16 autocast for bf16, nothing otherwise. The cast cache is
    off: inside a CUDA graph capture, a weight cast cached outside it would be replayed stale."""
    if args.precision != "bf16":
        return contextlib.nullcontext
    return lambda: torch.autocast(args.device, dtype=torch.bfloat16, cache_enabled=False)


def memory_format(name, layout):
    """channels_last for a CNN's channels_last, graph and compile variants (the fast format on tensor cores)."""
    if layout == "plain" or name in DENSE:
        return torch.contiguous_format
    return torch.channels_last


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


def evaluate(forward, batches, precision):
    """The summed cross-entropy (in float32 whatever the forward's precision) and the number correct over all
    batches, as tensors on the device: one .item() per point, after all of its work, instead of one per batch."""
    loss = correct = 0
    for xb, yb in batches:
        with precision():
            out = forward(xb)
        loss = loss + F.cross_entropy(out.float(), yb, reduction="sum")
        correct = correct + (out.argmax(1) == yb).sum()
    return loss, correct


def eager_point(forward, params, theta, d1, d2, batches, precision):
    """point(a, b) -> (loss, accuracy): every parameter set to theta + a*d1 + b*d2, then the forward passes."""
    n = sum(yb.shape[0] for _, yb in batches)

    def point(a, b):
        with torch.no_grad():
            for p, w, u, v in zip(params, theta, d1, d2):
                p.copy_(w + a * u + b * v)
            loss, correct = evaluate(forward, batches, precision)
        return loss.item() / n, correct.item() / n

    return point


def graphed_point(forward, params, theta, d1, d2, batches, precision):
    """point(a, b) -> (loss, accuracy) as one CUDA graph replay. Captured: the update of every parameter in place, in
    the model's own storage (so the forward's kernels read it at their captured addresses), from the static 0-dim
    coefficients a and b; the forward passes over the resident images; the summed loss and correct count into static
    outputs. Per point only a.fill_, b.fill_, replay and .item() (which waits for the replay) run eagerly. Warm-up on
    a side stream first (PyTorch's CUDA-graph recipe): cudnn.benchmark's autotuning, cuBLAS's workspace and the
    allocator's first allocations must not happen inside the capture."""
    n = sum(yb.shape[0] for _, yb in batches)
    device = params[0].device
    a = torch.zeros((), device=device)
    b = torch.zeros((), device=device)

    def step():
        for p, w, u, v in zip(params, theta, d1, d2):
            p.copy_(w).addcmul_(u, a).addcmul_(v, b)   # p = w + u*a + v*b, no temporaries
        return evaluate(forward, batches, precision)

    with torch.no_grad():
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):
                step()
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):   # captures on its own side stream, after a synchronize
            loss, correct = step()
    torch.cuda.synchronize()

    def point(av, bv):
        a.fill_(av)
        b.fill_(bv)
        graph.replay()
        return loss.item() / n, correct.item() / n

    return point


def make_point(layout, model, params, theta, d1, d2, batches, args):
    precision = autocast(args)
    if layout == "graph":
        return graphed_point(model, params, theta, d1, d2, batches, precision)
    forward = model
    if layout == "compile":
        if not hasattr(torch, "compile"):
            raise RuntimeError("torch.compile needs PyTorch 2 (this is %s)" % torch.__version__)
        forward = torch.compile(model)   # compiles at its first call: in the warm-up, so failures land there
    return eager_point(forward, params, theta, d1, d2, batches, precision)


def warm_up(point, plane, args):
    """At least --warmup seconds and 2 points, over the plane in raster order; (points, seconds of the first point:
    cudnn.benchmark's autotuning, or torch.compile's compilation)."""
    start = time.perf_counter()
    warm, first = 0, None
    while warm < 2 or time.perf_counter() - start < args.warmup:
        point(*plane[warm % len(plane)])
        warm += 1
        if first is None:
            first = time.perf_counter() - start
    return warm, first


def rate(point, plane, args):
    """Points over the plane in raster order, repeated, until --seconds and --min-points: their completion times."""
    times = []
    while len(times) < max(2, args.min_points) or times[-1] - times[0] < args.seconds:
        point(*plane[len(times) % len(plane)])
        times.append(time.perf_counter())
    return {"points": len(times), "seconds": times[-1] - times[0],
            "points_per_s": (len(times) - 1) / (times[-1] - times[0])}


def full_plane(point, plane):
    """Every point of the plane once, in raster order: the wall time of the whole plane."""
    start = time.perf_counter()
    for a, b in plane:
        point(a, b)
    seconds = time.perf_counter() - start
    return {"points": len(plane), "seconds": seconds, "points_per_s": len(plane) / seconds}


def measure(name, layout, x, y, args):
    """One (network, layout): built and laid out on the CPU (FLOPs, directions), then moved to the device, timed
    (the rate, or --full-plane's whole plane), and printed with the loss and accuracy at the centre."""
    model = build(name)
    fmt = memory_format(name, layout)
    model = model.to(memory_format=fmt)
    x = x.contiguous(memory_format=fmt)
    flops = flops_per_example(model, x)
    d1, d2 = directions(model, args.seed, fmt == torch.channels_last)   # on the CPU: the same draw on every device
    device = torch.device("cuda:0" if args.device == "cuda" else "cpu")
    model = model.to(device)   # .to keeps each tensor's memory format
    x, y = x.to(device), y.to(device)
    d1, d2 = [u.to(device) for u in d1], [v.to(device) for v in d2]
    params = list(model.parameters())
    theta = [p.detach().clone() for p in params]
    grid = [-1 + 2 * i / (args.grid - 1) for i in range(args.grid)]
    plane = [(grid[k % args.grid], grid[k // args.grid]) for k in range(args.grid * args.grid)]
    batches = [(x[i:i + args.batch], y[i:i + args.batch]) for i in range(0, x.shape[0], args.batch)]
    point = make_point(layout, model, params, theta, d1, d2, batches, args)
    warm, first = warm_up(point, plane, args)
    timed = full_plane(point, plane) if args.full_plane else rate(point, plane, args)
    loss, accuracy = point(0.0, 0.0)   # through the measured path itself: the variants must agree here
    emit(status="plane" if args.full_plane else "result", peer="pytorch", model=name, layout=layout,
         memory_format="channels_last" if fmt == torch.channels_last else "contiguous", **timed,
         flops_per_example=flops, examples=x.shape[0], batch=args.batch, threads=torch.get_num_threads(),
         warmup_points=warm, first_point_s=first, loss_at_centre=loss, accuracy_at_centre=accuracy, blas=args.blas,
         **args.fields)


def reason(e):
    """One line of an exception, for a skipped variant (torch.compile's can run to pages)."""
    lines = str(e).strip().splitlines()
    return ("%s: %s" % (type(e).__name__, lines[0] if lines else ""))[:300]


def measure_or_skip(name, layout, x, y, args):
    """One (network, layout), never ending the run: a variant that fails here (torch.compile without Triton, memory)
    is reported as skipped, its traceback on stderr."""
    if layout in CUDA_ONLY and args.device != "cuda":
        emit(status="skipped", model=name, layout=layout, reason="CUDA only (--device cuda)", **args.fields)
        return
    try:
        measure(name, layout, x, y, args)
    except Exception as e:  # noqa: BLE001 - any failure of one variant; the others still run
        traceback.print_exc()
        emit(status="skipped", model=name, layout=layout, reason=reason(e), **args.fields)
    finally:
        if args.device == "cuda":
            torch.cuda.empty_cache()   # the last variant's graph pool and compiled buffers, before the next


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default=",".join(DEFAULT_MODELS), help="of: %s" % ", ".join(MODELS))
    parser.add_argument("--layouts", help="of: %s (default plain,channels_last; on cuda all four)" % ", ".join(LAYOUTS))
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--precision", choices=("fp32", "tf32", "bf16"), default="fp32",
                        help="fp32 (TF32 off), tf32 (cuda only), bf16 (autocast)")
    parser.add_argument("--seconds", type=float, default=10, help="measure at least this long (default 10)")
    parser.add_argument("--min-points", type=int, default=30, help="and at least this many points (default 30)")
    parser.add_argument("--warmup", type=float, default=5, help="warm-up seconds (default 5)")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    parser.add_argument("--grid", type=int, default=41)
    parser.add_argument("--full-plane", action="store_true",
                        help="time the whole grid once after the warm-up instead of the rate")
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=2000, help="examples per forward pass (default: all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--probe", action="store_true", help="print the versions and exit")
    parser.add_argument("--export", nargs=2, metavar=("NAME", "PATH"),
                        help="write NAME (%s) as ONNX to PATH and exit" % ", ".join(IMPORTED))
    args = parser.parse_args()
    if args.precision == "tf32" and args.device != "cuda":
        print("bench_peer.py: --precision tf32 is a CUDA tensor-core mode; use it with --device cuda", file=sys.stderr)
        sys.exit(2)
    if args.device == "cuda" and not torch.cuda.is_available():
        emit(status="cuda-missing", python=sys.executable, torch=torch.__version__, cuda=torch.version.cuda,
             reason="torch.cuda.is_available() is false",
             message="no usable CUDA device for PyTorch %s (built for CUDA %s)" % (torch.__version__,
                                                                                  torch.version.cuda))
        sys.exit(0)
    torch.set_num_threads(args.threads)
    args.blas = blas_library()
    configure(args)
    args.fields = environment(args)
    if args.probe:
        emit(status="ok", python=sys.executable, threads=torch.get_num_threads(),
             mkldnn=torch.backends.mkldnn.is_available(), blas=args.blas, machine=platform.machine(),
             cuda_available=torch.cuda.is_available(), compile=hasattr(torch, "compile"),
             triton=importlib.util.find_spec("triton") is not None, **args.fields)
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
    layouts = (args.layouts or ("plain,channels_last,graph,compile" if args.device == "cuda"
                                else "plain,channels_last")).split(",")
    for layout in layouts:
        if layout not in LAYOUTS:
            emit(status="error", message="unknown layout %r; layouts: %s" % (layout, ", ".join(LAYOUTS)))
            sys.exit(2)
    for name in args.models.split(","):
        if name not in BUILDERS:
            emit(status="error", message="unknown model %r; models: %s" % (name, ", ".join(MODELS)))
            sys.exit(2)
        x, y, source = data(args.data, args.samples, name)
        for layout in layouts:
            if layout == "channels_last" and name in DENSE:
                continue  # no 4D activations: the same as plain
            measure_or_skip(name, layout, x, y, args)
        emit(status="data", model=name, source=source, shape=list(x.shape))


if __name__ == "__main__":
    main()
